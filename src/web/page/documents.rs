//! The Documents view: the corpus as a table (title, date, source, group, words, size) that
//! scales to 20,000 rows, the selection the other views are about (a date range, a source,
//! a group), and what is new in the selected period against the period before it.

use super::bridge::Handle;
use super::widgets::{export_buttons, fmt_opt, sort_header, ViewProps};
use crate::protocol::{date_span, DocSummary, Request, Selection, TableRequest, WhatIsNew};
use crate::ui::i18n::{Key, Lang};
use crate::ui::state::{doc_matches, selects, Action, State};
use std::rc::Rc;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// Rows drawn at a time; the table scrolls a window of them.
const WINDOW: usize = 80;
/// A row's height (the CSS's `.doc-table tbody tr`).
const ROW_PX: f64 = 34.0;

/// The columns the table sorts by.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Col {
    Added,
    Title,
    Date,
    Source,
    Group,
    Words,
    Size,
}

/// The Documents view.
#[component]
pub fn DocumentsView(p: &ViewProps) -> Html {
    // Hooks first, unconditionally.
    let filter = use_state(String::new);
    let sort = use_state(|| (Col::Added, true));
    let top_row = use_state(|| 0usize);
    let (pad_above, pad_below) = (use_node_ref(), use_node_ref());
    let s = &p.state;
    let lang = s.lang;
    let sel = s.selection.clone();
    // The selected documents, filtered and sorted; kept until one of those changes, so a
    // scroll only moves the window.
    let order = {
        let corpus = Rc::clone(&s.corpus);
        use_memo(
            (s.corpus_version, sel.clone(), (*filter).clone(), *sort),
            move |(_, sel, filter, (col, asc))| {
                let needle = filter.to_lowercase();
                let docs = &corpus.docs;
                let mut order: Vec<usize> = (0..docs.len())
                    .filter(|&i| selects(sel, &docs[i]))
                    .filter(|&i| doc_matches(&docs[i], &needle))
                    .collect();
                let key = |d: &DocSummary| -> (Option<String>, u64) {
                    match col {
                        Col::Title => (Some(d.title.to_lowercase()), 0),
                        Col::Date => (d.date.clone(), 0),
                        Col::Source => (d.source.clone(), 0),
                        Col::Group => (d.group.clone(), 0),
                        Col::Words => (None, d.words),
                        Col::Size => (None, d.bytes),
                        Col::Added => (None, 0),
                    }
                };
                if *col != Col::Added {
                    // Stable: equal keys keep the order the documents were added in.
                    order.sort_by_cached_key(|&i| key(&docs[i]));
                }
                if !asc {
                    order.reverse();
                }
                order
            },
        )
    };
    let rows = order.len();
    let first = (*top_row).min(rows.saturating_sub(1));
    let last = (first + WINDOW).min(rows);
    {
        // The rows not drawn keep their room, so the scroll bar is the whole table's. Set
        // through the CSSOM: the page's CSP refuses style attributes.
        let (above, below) = (pad_above.clone(), pad_below.clone());
        use_effect_with((first, rows - last), move |&(first, rest)| {
            for (pad, n) in [(above, first), (below, rest)] {
                if let Some(el) = pad.cast::<web_sys::HtmlElement>() {
                    let px = format!("{}px", n as f64 * ROW_PX);
                    let _ = el.style().set_property("height", &px);
                }
            }
        });
    }
    let on_scroll = {
        let top_row = top_row.clone();
        Callback::from(move |e: Event| {
            let el: web_sys::Element = e.target_unchecked_into();
            let row = (el.scroll_top().max(0) as f64 / ROW_PX).floor() as usize;
            top_row.set(row.saturating_sub(WINDOW / 4));
        })
    };
    let on_filter = {
        let (filter, top_row) = (filter.clone(), top_row.clone());
        Callback::from(move |e: InputEvent| {
            let input: HtmlInputElement = e.target_unchecked_into();
            filter.set(input.value());
            top_row.set(0);
        })
    };
    let head = |label: Key, col: Col, id: &'static str| {
        let sort = sort.clone();
        let (now, asc) = *sort;
        let onclick = Callback::from(move |_| {
            // A second press turns the order round; numbers start from the largest.
            let asc = if now == col {
                !asc
            } else {
                !matches!(col, Col::Words | Col::Size)
            };
            sort.set((col, asc));
        });
        sort_header(lang.t(label), id, now == col, asc, onclick)
    };
    let docs = &s.corpus.docs;
    html! {
        <div class="documents-view">
            {selection_bar(lang, s, &p.dispatch, rows)}
            <div class="controls">
                <input type="search" id="doc-table-filter" placeholder={lang.t(Key::Filter)}
                    aria-label={lang.t(Key::Filter)} oninput={on_filter} />
                {export_buttons(lang, &p.handle, TableRequest::Documents(sel.clone()), "doc-exports")}
            </div>
            <div class="table-scroll doc-table-scroll" id="doc-table-scroll" onscroll={on_scroll}>
                <table class="doc-table" id="doc-table" data-rows={rows.to_string()}>
                    <thead><tr>
                        {head(Key::ColumnTitle, Col::Title, "title")}
                        {head(Key::DocDate, Col::Date, "date")}
                        {head(Key::DocSource, Col::Source, "source")}
                        {head(Key::DocGroup, Col::Group, "group")}
                        {head(Key::StatWords, Col::Words, "words")}
                        {head(Key::SizeCol, Col::Size, "size")}
                    </tr></thead>
                    <tbody>
                        <tr class="pad" aria-hidden="true" ref={pad_above.clone()}><td colspan="6"></td></tr>
                        { for order[first..last].iter().map(|&i| {
                            let d = &docs[i];
                            let id = d.id;
                            let open = p.dispatch.reform(move |_: MouseEvent| Action::Select(id));
                            html! {
                                <tr data-doc={id.to_string()}>
                                    <td class="doc-title-cell">
                                        <button class="link" title={d.name.clone()} onclick={open}>{d.title.clone()}</button>
                                    </td>
                                    <td class="num" data-inferred={d.date_inferred.to_string()}
                                        title={d.date_inferred.then(|| lang.t(Key::DateInferred))}>
                                        {match &d.date {
                                            Some(x) if d.date_inferred => format!("≈ {x}"),
                                            Some(x) => x.clone(),
                                            None => "—".into(),
                                        }}
                                    </td>
                                    <td>{d.source.clone().unwrap_or_default()}</td>
                                    <td>{d.group.clone().unwrap_or_default()}</td>
                                    <td class="num">{lang.num(d.words)}</td>
                                    <td class="num">{lang.size(d.bytes)}</td>
                                </tr>
                            }
                        }) }
                        <tr class="pad" aria-hidden="true" ref={pad_below.clone()}><td colspan="6"></td></tr>
                    </tbody>
                </table>
            </div>
            {what_is_new(lang, s, &p.handle)}
        </div>
    }
}

/// The selection's controls: from, to, a month or year at once, a source, a group, clear.
fn selection_bar(lang: Lang, s: &State, dispatch: &Callback<Action>, shown: usize) -> Html {
    let sel = &s.selection;
    let set = |f: fn(&mut Selection, String)| edit(dispatch, sel, f);
    let on_from = set(|s, v| s.from = date_span(&v).map(|(a, _)| a));
    let on_to = set(|s, v| s.to = date_span(&v).map(|(_, b)| b));
    let on_period = set(|s, v| {
        if let Some((a, b)) = date_span(&v) {
            (s.from, s.to) = (Some(a), Some(b));
        }
    });
    let on_source = set(|s, v| s.sources = if v.is_empty() { Vec::new() } else { vec![v] });
    let on_group = set(|s, v| s.groups = if v.is_empty() { Vec::new() } else { vec![v] });
    let clear = dispatch.reform(|_: MouseEvent| Action::SetSelection(Selection::default()));
    // Months and years the documents are dated in, for a quick pick.
    let months = crate::ui::state::months(&s.corpus);
    let mut years: Vec<&str> = months.iter().filter_map(|m| m.get(..4)).collect();
    years.dedup();
    let facet = |id: &'static str,
                 label: Key,
                 all: Key,
                 values: &[(String, u64)],
                 on: &[String],
                 onchange: Callback<Event>| {
        if values.is_empty() {
            return html! {};
        }
        let chosen = on.first().map(String::as_str).unwrap_or("");
        html! {
            <label class="check">{lang.t(label)}
                <select id={id} {onchange}>
                    <option value="" selected={chosen.is_empty()}>{lang.t(all)}</option>
                    { for values.iter().map(|(v, n)| html! {
                        <option value={v.clone()} selected={chosen == v}>{format!("{v} ({})", lang.num(*n))}</option>
                    }) }
                </select>
            </label>
        }
    };
    let date_value =
        |d: Option<crate::protocol::Date>| d.map(|d| d.to_string()).unwrap_or_default();
    let selected = s.corpus.docs.iter().filter(|d| selects(sel, d)).count();
    let facets = &s.corpus.facets;
    html! {
        <div class="controls selection" id="selection" role="group" aria-label={lang.t(Key::SelectionLabel)}>
            <label class="check">{lang.t(Key::SelFrom)}
                <input type="date" id="sel-from" value={date_value(sel.from)} onchange={on_from} />
            </label>
            <label class="check">{lang.t(Key::SelTo)}
                <input type="date" id="sel-to" value={date_value(sel.to)} onchange={on_to} />
            </label>
            if !months.is_empty() {
                <label class="check">{lang.t(Key::Period)}
                    <select id="sel-period" onchange={on_period}>
                        <option value="" selected=true>{"—"}</option>
                        <optgroup label={lang.t(Key::PeriodYear)}>
                            { for years.iter().map(|y| html! { <option value={y.to_string()}>{y.to_string()}</option> }) }
                        </optgroup>
                        <optgroup label={lang.t(Key::PeriodMonth)}>
                            { for months.iter().map(|m| html! { <option value={m.to_string()}>{m.to_string()}</option> }) }
                        </optgroup>
                    </select>
                </label>
            }
            {facet("sel-source", Key::DocSource, Key::AllSources, &facets.sources, &sel.sources, on_source)}
            {facet("sel-group", Key::DocGroup, Key::AllGroups, &facets.groups, &sel.groups, on_group)}
            <button class="button small" id="sel-clear" disabled={sel.is_all()} onclick={clear}>{lang.t(Key::ClearSelection)}</button>
            <span class="hint" id="sel-count" data-selected={selected.to_string()} data-shown={shown.to_string()}>
                {format!("{} / {} {}", lang.num(selected as u64), lang.num(s.corpus.docs.len() as u64), lang.t(Key::SelectedDocs))}
            </span>
        </div>
    }
}

/// A callback that applies `f` to a copy of `sel` with the value of the input or select
/// that changed, and selects the result.
fn edit(
    dispatch: &Callback<Action>,
    sel: &Selection,
    f: fn(&mut Selection, String),
) -> Callback<Event> {
    let (dispatch, sel) = (dispatch.clone(), sel.clone());
    Callback::from(move |e: Event| {
        let v = match e.target_dyn_into::<HtmlInputElement>() {
            Some(input) => input.value(),
            None => e.target_unchecked_into::<HtmlSelectElement>().value(),
        };
        let mut next = sel.clone();
        f(&mut next, v);
        dispatch.emit(Action::SetSelection(next));
    })
}

/// A line above a view that counts only the selection: what it is, and a way out.
pub(crate) fn selection_note(lang: Lang, s: &State, dispatch: &Callback<Action>) -> Html {
    let sel = &s.selection;
    if sel.is_all() {
        return html! {};
    }
    let mut parts = Vec::new();
    match (sel.from, sel.to) {
        (None, None) => {}
        (a, b) => parts.push(format!(
            "{} – {}",
            a.map(|d| d.to_string()).unwrap_or_default(),
            b.map(|d| d.to_string()).unwrap_or_default()
        )),
    }
    parts.extend(sel.sources.iter().cloned());
    parts.extend(sel.groups.iter().cloned());
    let n = s.corpus.docs.iter().filter(|d| selects(sel, d)).count();
    let clear = dispatch.reform(|_: MouseEvent| Action::SetSelection(Selection::default()));
    html! {
        <p class="notice selection-note" id="selection-note">
            {format!("{}: {} · {} {}", lang.t(Key::SelectionLabel), parts.join(" · "), lang.num(n as u64), lang.t(Key::PeriodDocs).to_lowercase())}
            {" "}
            <button class="link" onclick={clear}>{lang.t(Key::ClearSelection)}</button>
        </p>
    }
}

/// The "what is new" panel: words and entities whose share rose in the selected date range
/// against the range of the same length before it.
fn what_is_new(lang: Lang, s: &State, handle: &Handle) -> Html {
    let Some(q) = s.what_new_query() else {
        return html! {
            <section class="what-new" id="what-new">
                <h3>{lang.t(Key::WhatIsNew)}</h3>
                <p class="hint">{lang.t(Key::WhatIsNewHelp)}</p>
            </section>
        };
    };
    let Some(v) = &s.what_new else {
        return html! {
            <section class="what-new" id="what-new" aria-busy="true">
                <h3>{lang.t(Key::WhatIsNew)}</h3>
                <p class="hint">{lang.t(Key::Analyzing)}</p>
            </section>
        };
    };
    html! {
        <section class="what-new" id="what-new" aria-busy="false">
            <h3>{lang.t(Key::WhatIsNew)}</h3>
            <p class="hint" id="what-new-periods">{periods(lang, v)}</p>
            {export_buttons(lang, handle, TableRequest::WhatIsNew(q), "what-new-exports")}
            <div class="what-new-tables">
                <div class="table-wrap">{new_table(lang, "what-new-words", Key::Word, &v.words_rows)}</div>
                <div class="table-wrap">{new_table(lang, "what-new-entities", Key::EntityName, &v.entity_rows)}</div>
            </div>
        </section>
    }
}

fn periods(lang: Lang, v: &WhatIsNew) -> String {
    let span = |(a, b): (crate::protocol::Date, crate::protocol::Date)| format!("{a} – {b}");
    format!(
        "{} ({} {}, {} {}) {} {} ({} {}, {} {})",
        span(v.period),
        lang.num(v.docs.0),
        lang.t(Key::PeriodDocs).to_lowercase(),
        lang.num(v.words.0),
        lang.t(Key::PeriodWords).to_lowercase(),
        lang.t(Key::Against),
        span(v.previous),
        lang.num(v.docs.1),
        lang.t(Key::PeriodDocs).to_lowercase(),
        lang.num(v.words.1),
        lang.t(Key::PeriodWords).to_lowercase(),
    )
}

fn new_table(lang: Lang, id: &'static str, first: Key, rows: &[crate::protocol::NewRow]) -> Html {
    if rows.is_empty() {
        return html! { <p class="empty" id={id}>{lang.t(Key::NothingNew)}</p> };
    }
    html! {
        <table class="data" id={id}>
            <thead><tr>
                <th>{lang.t(first)}</th>
                <th class="num">{lang.t(Key::ThisPeriod)}</th>
                <th class="num">{lang.t(Key::PeriodBefore)}</th>
                <th class="num">{format!("{} ({})", lang.t(Key::ThisPeriod), lang.t(Key::Per10kShort))}</th>
                <th class="num">{format!("{} ({})", lang.t(Key::PeriodBefore), lang.t(Key::Per10kShort))}</th>
                <th class="num">{lang.t(Key::ColG2)}</th>
                <th class="num">{lang.t(Key::ColLogRatio)}</th>
            </tr></thead>
            <tbody>
                { for rows.iter().map(|r| html! {
                    <tr data-term={r.term.clone()}>
                        <td>
                            {r.term.clone()}
                            if let Some(k) = r.kind {
                                {" "}<span class="type-tag" data-type={k.id()}>{lang.entity_type(k)}</span>
                            }
                        </td>
                        <td class="num" data-col="now">{lang.num(r.now)}</td>
                        <td class="num" data-col="before">{lang.num(r.before)}</td>
                        <td class="num">{fmt_opt(lang, Some(r.now_per_10k), 2)}</td>
                        <td class="num">{fmt_opt(lang, Some(r.before_per_10k), 2)}</td>
                        <td class="num" data-col="g2">{fmt_opt(lang, Some(r.g2), 1)}</td>
                        <td class="num">{fmt_opt(lang, Some(r.log_ratio), 2)}</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

/// Ask for what is new when the Documents view is shown with a date range and the answer
/// is missing.
pub(crate) fn wanted(s: &State) -> Option<Request> {
    if s.what_new.is_none() {
        s.what_new_query().map(Request::WhatIsNew)
    } else {
        None
    }
}
