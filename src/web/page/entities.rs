//! The Entities view: a table of the named entities by type, the mentions of one in
//! context, a co-occurrence network, a timeline of dates, and the user's own entries.
//!
//! Like the other views it renders one page the worker sent and asks again when a control
//! changes; the network's layout and the timeline's bars come computed from the engine.

use super::bridge::Handle;
use super::widgets::{
    chart_buttons, export_buttons, kwic_rows, pager, sort_header, use_synced_input, ViewProps, FONT,
};
use crate::protocol::{
    EntColumn, EntitiesQuery, EntityType, NetEdge, NetNode, PairUnit, TimeBar, NAME_TYPES,
};
use crate::protocol::{Request, TableRequest};
use crate::ui::i18n::{Key, Lang};
use crate::ui::state::{Action, Tab};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// The colour of an entity type, on the page and in the Reader (ColorBrewer Dark2).
pub(crate) fn type_colour(id: &str) -> &'static str {
    match id {
        "PER" => "#1b9e77",
        "ORG" => "#d95f02",
        "LOC" => "#7570b3",
        "DATE" | "TIME" => "#e7298a",
        "EVENT" => "#66a61e",
        "ACRONYM" => "#e6ab02",
        "ROLE" => "#a6761d",
        _ => "#666666",
    }
}

fn clip(s: &str, n: usize) -> String {
    if s.chars().count() > n {
        format!("{}…", s.chars().take(n - 1).collect::<String>())
    } else {
        s.to_owned()
    }
}

/// The Entities view.
#[component]
pub fn EntitiesView(p: &ViewProps) -> Html {
    let filter_ref = use_synced_input(p.state.ent_query.filter.clone());
    let entries_ref = use_synced_input(p.state.ent_entries.clone());
    let s = &p.state;
    let lang = s.lang;
    let q = s.ent_query.clone();
    let set = p.dispatch.reform(Action::Entities);
    let on_filter = {
        let set = set.clone();
        let q = q.clone();
        let input = filter_ref.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(el) = input.cast::<HtmlInputElement>() {
                set.emit(EntitiesQuery {
                    filter: el.value(),
                    page: 0,
                    ..q.clone()
                });
            }
        })
    };
    let entries = entries_panel(lang, &p.handle, s, entries_ref);
    let Some(v) = &s.entities else {
        return html! {
            <div class="entities">
                <p class="empty">{lang.t(Key::Analyzing)}{"…"}</p>
                {entries}
            </div>
        };
    };
    let select = |id: Option<u32>| select_entity(&set, &q, id);
    let table = entity_table(lang, v, &q, &set, &p.dispatch);
    let on_unit = {
        let set = set.clone();
        let q = q.clone();
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            let unit = if sel.value() == "paragraph" {
                PairUnit::Paragraph
            } else {
                PairUnit::Sentence
            };
            set.emit(EntitiesQuery { unit, ..q.clone() })
        })
    };
    let to_period = {
        let set = set.clone();
        let q = q.clone();
        move |period: String| {
            let set = set.clone();
            let q = q.clone();
            Callback::from(move |_| {
                set.emit(EntitiesQuery {
                    kind: Some(EntityType::Date),
                    filter: period.clone(),
                    sort: EntColumn::Name,
                    ascending: true,
                    page: 0,
                    ..q.clone()
                })
            })
        }
    };
    html! {
        <div class="entities">
            {super::documents::selection_note(lang, s, &p.dispatch)}
            <div class="chips" role="group" aria-label={lang.t(Key::EntityTypeCol)} id="ent-types">
                {type_chips(lang, v, &q, &set)}
            </div>
            <form class="controls" onsubmit={on_filter}>
                <label class="check wide">{lang.t(Key::Filter)}
                    <input ref={filter_ref} type="search" id="ent-filter" />
                </label>
                <button class="button" type="submit">{lang.t(Key::Apply)}</button>
            </form>
            <div class="table-head">
                <span class="count" id="ent-total" data-total={v.total.to_string()} data-ms={format!("{:.2}", v.elapsed_ms)}>
                    {format!("{} · {} ms", lang.num(v.total as u64), lang.dec(v.elapsed_ms, 1))}
                </span>
                {export_buttons(lang, &p.handle, TableRequest::Entities(EntitiesQuery { page: 0, selected: None, ..q.clone() }), "ent-export")}
            </div>
            {table}
            if let Some(sel) = &v.selected {
                {selected_panel(lang, p, sel, &q, select(None))}
            }
            <div class="figures">
                <figure class="chart">
                    <figcaption>
                        {lang.t(Key::Network)}
                        <label class="check">{lang.t(Key::CountedBy)}
                            <select id="ent-unit" onchange={on_unit}>
                                <option value="sentence" selected={q.unit == PairUnit::Sentence}>{lang.t(Key::UnitSentence)}</option>
                                <option value="paragraph" selected={q.unit == PairUnit::Paragraph}>{lang.t(Key::UnitParagraph)}</option>
                            </select>
                        </label>
                        {chart_buttons(lang, "network-svg", "soi-network")}
                        {export_buttons(lang, &p.handle, TableRequest::EntityPairs(q.unit), "pairs-export")}
                    </figcaption>
                    {network(lang, &v.nodes, &v.edges, v.query.selected, &select)}
                </figure>
                <figure class="chart">
                    <figcaption>
                        {lang.t(Key::Timeline)}
                        {chart_buttons(lang, "timeline-svg", "soi-timeline")}
                    </figcaption>
                    {timeline(lang, &v.timeline, to_period)}
                    <p class="hint" id="timeline-note" data-dated={v.dated.0.to_string()} data-undated={v.dated.1.to_string()}>{format!("{} {} · {} {}", lang.num(v.dated.0), lang.t(Key::Dated), lang.num(v.dated.1), lang.t(Key::Undated))}</p>
                </figure>
            </div>
            {entries}
        </div>
    }
}
/// Show the mentions of entity `id` (or close them: `None`).
fn select_entity(
    set: &Callback<EntitiesQuery>,
    q: &EntitiesQuery,
    id: Option<u32>,
) -> Callback<MouseEvent> {
    let q = q.clone();
    set.reform(move |_| EntitiesQuery {
        selected: id,
        mentions_page: 0,
        ..q.clone()
    })
}

/// The type chips: the names (PER, ORG, LOC, DATE, EVENT, ACRONYM) or one type.
fn type_chips(
    lang: Lang,
    v: &crate::protocol::EntitiesView,
    q: &EntitiesQuery,
    set: &Callback<EntitiesQuery>,
) -> Html {
    let chip = |kind: Option<EntityType>, label: String| {
        let set = set.clone();
        let q = q.clone();
        let on = q.kind == kind;
        let id = kind.map_or("", EntityType::id);
        html! {
            <button class={classes!("chip", on.then_some("on"))} aria-pressed={on.to_string()} data-kind={id}
                onclick={Callback::from(move |_| set.emit(EntitiesQuery { kind, page: 0, ..q.clone() }))}>
                if kind.is_some() {
                    <span class="swatch" data-type={id}></span>
                }
                {label}
            </button>
        }
    };
    let names_total: u64 = v
        .types
        .iter()
        .filter(|t| NAME_TYPES.contains(&t.kind))
        .map(|t| t.entities)
        .sum();
    html! {
        <>
                {chip(None, format!("{} ({})", lang.t(Key::NameTypes), lang.num(names_total)))}
                { for v.types.iter().map(|t| chip(Some(t.kind), format!("{} ({})", lang.entity_type(t.kind), lang.num(t.entities)))) }
        </>
    }
}

/// The entity table: sortable by type, name, mentions and documents, one page, each name
/// a button that shows its mentions.
fn entity_table(
    lang: Lang,
    v: &crate::protocol::EntitiesView,
    q: &EntitiesQuery,
    set: &Callback<EntitiesQuery>,
    dispatch: &Callback<Action>,
) -> Html {
    let sort_by = |col: EntColumn| {
        let set = set.clone();
        let q = q.clone();
        Callback::from(move |_| {
            // Pressing the active column turns the order round.
            let ascending = if q.sort == col {
                !q.ascending
            } else {
                matches!(col, EntColumn::Name | EntColumn::Type)
            };
            set.emit(EntitiesQuery {
                sort: col,
                ascending,
                page: 0,
                ..q.clone()
            })
        })
    };
    let head = |label: &str, col: EntColumn, id: &'static str| {
        sort_header(label, id, q.sort == col, q.ascending, sort_by(col))
    };
    let select = |id: Option<u32>| select_entity(set, q, id);
    let go = |page: usize| {
        let set = set.clone();
        let q = q.clone();
        Callback::from(move |_| set.emit(EntitiesQuery { page, ..q.clone() }))
    };
    if v.rows.is_empty() {
        html! { <p class="empty" id="ent-none">{lang.t(Key::NoEntities)}</p> }
    } else {
        html! {
            <>
            <div class="table-wrap">
            <table class="data" id="ent-table">
                <thead><tr>
                    {head(lang.t(Key::EntityTypeCol), EntColumn::Type, "type")}
                    {head(lang.t(Key::EntityName), EntColumn::Name, "name")}
                    <th>{lang.t(Key::Variants)}</th>
                    {head(lang.t(Key::MentionsCol), EntColumn::Mentions, "mentions")}
                    {head(lang.t(Key::Documents), EntColumn::Docs, "docs")}
                    <th>{lang.t(Key::RolesCol)}</th>
                    <th></th>
                </tr></thead>
                <tbody>
                    { for v.rows.iter().map(|r| {
                        let label = format!("{}: {}", lang.t(Key::ShowMentions), r.canonical);
                        let selected = v.query.selected == Some(r.id);
                        let explore = {
                            let dispatch = dispatch.clone();
                            let term = r.canonical.clone();
                            Callback::from(move |_| dispatch.emit(Action::Explore(Tab::Concordance, term.clone())))
                        };
                        html! {
                            <tr data-id={r.id.to_string()} data-kind={r.kind.id()} class={classes!(selected.then_some("selected"))}>
                                <td><span class="type-tag" data-type={r.kind.id()}>{lang.entity_type(r.kind)}</span></td>
                                <td class="term">
                                    <button class="link ent-name" title={label.clone()} aria-label={label} aria-pressed={selected.to_string()}
                                        onclick={select(Some(r.id))}>{r.canonical.clone()}</button>
                                    if let Some(e) = r.expansion.as_ref().filter(|e| **e != r.canonical) {
                                        <span class="expansion">{format!(" = {e}")}</span>
                                    }
                                </td>
                                <td class="variants">{ r.variants.iter().map(|(t, n)| format!("{t} ×{n}")).collect::<Vec<_>>().join(" · ") }</td>
                                <td class="num" data-col="mentions">{lang.num(r.mentions)}</td>
                                <td class="num" data-col="docs">{lang.num(r.docs)}</td>
                                <td class="roles">{ r.roles.iter().map(|(t, n)| format!("{t} ×{n}")).collect::<Vec<_>>().join(" · ") }</td>
                                <td><button class="link to-kwic" onclick={explore}>{lang.t(Key::Concordance)}</button></td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            </div>
            {pager(lang, v.query.page, v.pages, go)}
            </>
        }
    }
}

fn selected_panel(
    lang: Lang,
    p: &ViewProps,
    sel: &crate::protocol::Selected,
    q: &EntitiesQuery,
    clear: Callback<MouseEvent>,
) -> Html {
    let r = &sel.row;
    let set = {
        let dispatch = p.dispatch.clone();
        move |q: EntitiesQuery| dispatch.emit(Action::Entities(q))
    };
    let go = |page: usize| {
        let set = set.clone();
        let q = q.clone();
        Callback::from(move |_| {
            set(EntitiesQuery {
                mentions_page: page,
                ..q.clone()
            })
        })
    };
    html! {
        <section class="selected-entity" id="ent-selected" data-id={r.id.to_string()} data-mentions={r.mentions.to_string()}>
            <div class="table-head">
                <h3>{format!("{} {} ({}, {} {})", lang.t(Key::MentionsOf), r.canonical, lang.entity_type(r.kind), lang.num(r.mentions), lang.t(Key::MentionsCol).to_lowercase())}</h3>
                <button class="button small" id="ent-clear" onclick={clear}>{lang.t(Key::ClearSelection)}</button>
                {export_buttons(lang, &p.handle, TableRequest::EntityMentions(r.id), "mentions-export")}
            </div>
            if !sel.with.is_empty() {
                <p class="named-with">
                    <span class="label">{lang.t(Key::NamedWith)}{": "}</span>
                    { for sel.with.iter().map(|w| {
                        let set = set.clone();
                        let q = q.clone();
                        let (id, name, n) = (w.id, &w.name, w.units);
                        html! {
                            <button class="link with" data-type={w.kind.id()}
                                onclick={Callback::from(move |_| set(EntitiesQuery { selected: Some(id), mentions_page: 0, ..q.clone() }))}>
                                {format!("{name} ({n})")}
                            </button>
                        }
                    }) }
                </p>
            }
            <div class="table-wrap">
            <table class="data kwic" id="ent-mentions">
                <tbody>
                    {kwic_rows(lang, &sel.lines, &p.state.corpus.docs, &p.dispatch)}
                </tbody>
            </table>
            </div>
            {pager(lang, q.mentions_page.min(sel.pages.saturating_sub(1)), sel.pages, go)}
        </section>
    }
}

fn network(
    lang: Lang,
    nodes: &[NetNode],
    edges: &[NetEdge],
    selected: Option<u32>,
    select: &impl Fn(Option<u32>) -> Callback<MouseEvent>,
) -> Html {
    let (w, h) = (640.0, 420.0);
    let top = edges.iter().map(|e| e.weight).max().unwrap_or(1).max(1) as f64;
    html! {
        <svg id="network-svg" xmlns="http://www.w3.org/2000/svg" viewBox={format!("0 0 {w} {h}")} width={w.to_string()} height={h.to_string()}
            role="group" aria-label={lang.t(Key::Network)} font-family={FONT} font-size="11">
            <rect width="100%" height="100%" fill="#ffffff" />
            { for edges.iter().filter_map(|e| {
                let (a, b) = (nodes.get(e.a)?, nodes.get(e.b)?);
                let width = 0.6 + 4.0 * (e.weight as f64 / top).sqrt();
                Some(html! {
                    <line class="edge" x1={format!("{:.1}", a.x)} y1={format!("{:.1}", a.y)} x2={format!("{:.1}", b.x)} y2={format!("{:.1}", b.y)}
                        stroke="#9aa0a6" stroke-opacity="0.7" stroke-width={format!("{width:.2}")} data-weight={e.weight.to_string()}>
                        <title>{format!("{} — {}: {}", a.label, b.label, lang.num(e.weight))}</title>
                    </line>
                })
            }) }
            { for nodes.iter().map(|n| {
                let label = format!("{} ({}): {} {}", n.label, lang.entity_type(n.kind), lang.num(n.mentions), lang.t(Key::MentionsCol).to_lowercase());
                let on = selected == Some(n.id);
                let onkeydown = {
                    let cb = select(Some(n.id));
                    Callback::from(move |e: KeyboardEvent| {
                        if e.key() == "Enter" || e.key() == " " {
                            e.prevent_default();
                            if let Ok(m) = web_sys::MouseEvent::new("click") {
                                cb.emit(m);
                            }
                        }
                    })
                };
                html! {
                    <g class="node" tabindex="0" role="button" aria-label={label.clone()} aria-pressed={on.to_string()} data-id={n.id.to_string()}
                        onclick={select(Some(n.id))} {onkeydown}>
                        <title>{label}</title>
                        <circle cx={format!("{:.1}", n.x)} cy={format!("{:.1}", n.y)} r={format!("{:.1}", n.r)}
                            fill={type_colour(n.kind.id())} fill-opacity="0.85" stroke={if on { "#111111" } else { "#ffffff" }} stroke-width={if on { "2.5" } else { "1" }} />
                        <text x={format!("{:.1}", n.x)} y={format!("{:.1}", n.y - n.r - 3.0)} text-anchor="middle" fill="#222222">{clip(&n.label, 24)}</text>
                    </g>
                }
            }) }
        </svg>
    }
}

fn timeline(
    lang: Lang,
    bars: &[TimeBar],
    to_period: impl Fn(String) -> Callback<MouseEvent>,
) -> Html {
    const W: f64 = 640.0;
    const H: f64 = 220.0;
    let (left, right, top, bottom) = (44.0, 12.0, 12.0, 56.0);
    let max = bars.iter().map(|b| b.mentions).max().unwrap_or(0);
    let ticks = crate::protocol::chart::ticks(max as f64, 4);
    let ymax = ticks.last().copied().unwrap_or(1.0).max(1.0);
    let pw = W - left - right;
    let ph = H - top - bottom;
    let n = bars.len().max(1) as f64;
    let bw = pw / n;
    // Label about twelve bars at most.
    let every = (bars.len() / 12).max(1);
    html! {
        <svg id="timeline-svg" xmlns="http://www.w3.org/2000/svg" viewBox={format!("0 0 {W} {H}")} width={W.to_string()} height={H.to_string()}
            role="group" aria-label={lang.t(Key::Timeline)} font-family={FONT} font-size="10">
            <rect width="100%" height="100%" fill="#ffffff" />
            { for ticks.iter().map(|&t| {
                let y = top + ph * (1.0 - t / ymax);
                html! {
                    <g>
                        <line x1={left.to_string()} x2={(W - right).to_string()} y1={format!("{y:.1}")} y2={format!("{y:.1}")} stroke="#e5e7eb" />
                        <text x={(left - 6.0).to_string()} y={format!("{:.1}", y + 3.0)} text-anchor="end" fill="#555555">{lang.num(t as u64)}</text>
                    </g>
                }
            }) }
            { for bars.iter().enumerate().map(|(i, b)| {
                let x = left + bw * i as f64;
                let bh = ph * b.mentions as f64 / ymax;
                let label = if b.inferred > 0 {
                    format!("{}: {} ({} {})", b.period, lang.num(b.mentions), lang.num(b.inferred), lang.t(Key::InferredNote))
                } else {
                    format!("{}: {}", b.period, lang.num(b.mentions))
                };
                html! {
                    <g class="bar" tabindex="0" role="button" aria-label={label.clone()} data-period={b.period.clone()} data-mentions={b.mentions.to_string()}
                        onclick={to_period(b.period.clone())}>
                        <title>{label}</title>
                        // The whole column answers a click, so short bars are easy to hit.
                        <rect x={format!("{x:.1}")} y={top.to_string()} width={format!("{bw:.1}")} height={ph.to_string()} fill="#ffffff" fill-opacity="0" />
                        <rect x={format!("{:.1}", x + bw * 0.1)} y={format!("{:.1}", top + ph - bh)} width={format!("{:.1}", (bw * 0.8).max(1.0))} height={format!("{bh:.1}")} fill="#e7298a" />
                        if b.inferred > 0 {
                            <rect x={format!("{:.1}", x + bw * 0.1)} y={format!("{:.1}", top + ph - ph * b.inferred as f64 / ymax)} width={format!("{:.1}", (bw * 0.8).max(1.0))}
                                height={format!("{:.1}", ph * b.inferred as f64 / ymax)} fill="#f4a6cc" />
                        }
                        if i % every == 0 {
                            <text x={format!("{:.1}", x + bw / 2.0)} y={format!("{:.1}", H - bottom + 14.0)} text-anchor="end"
                                transform={format!("rotate(-45 {:.1} {:.1})", x + bw / 2.0, H - bottom + 14.0)} fill="#333333">{b.period.clone()}</text>
                        }
                    </g>
                }
            }) }
            <line x1={left.to_string()} x2={(W - right).to_string()} y1={(top + ph).to_string()} y2={(top + ph).to_string()} stroke="#888888" />
        </svg>
    }
}

fn entries_panel(lang: Lang, handle: &Handle, s: &crate::ui::state::State, area: NodeRef) -> Html {
    let save = {
        let handle = handle.clone();
        let area = area.clone();
        Callback::from(move |_| {
            if let Some(el) = area.cast::<HtmlTextAreaElement>() {
                handle.send(&Request::SetEntityEntries { lines: el.value() }, None);
            }
        })
    };
    let count = s
        .ent_entries
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .count()
        .saturating_sub(s.ent_entry_errors.len());
    html! {
        <details class="dictionary" id="ent-entries-panel">
            <summary>{format!("{} ({})", lang.t(Key::UserEntities), count)}</summary>
            <p class="hint">{lang.t(Key::EntitiesHelp)}</p>
            <textarea ref={area} id="ent-entries" rows="5" aria-label={lang.t(Key::UserEntities)} />
            <div class="row"><button class="button primary" id="ent-entries-save" onclick={save}>{lang.t(Key::SaveEntities)}</button></div>
            if !s.ent_entry_errors.is_empty() {
                <div class="bad-entries" id="ent-entry-errors" role="alert">
                    <p>{lang.t(Key::BadEntries)}</p>
                    <ul>{ for s.ent_entry_errors.iter().map(|(n, l)| html! { <li>{format!("{n}: {l}")}</li> }) }</ul>
                </div>
            }
        </details>
    }
}
