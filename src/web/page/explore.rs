//! The Keywords, Trends, Concordance and Collocates views, and their charts.
//!
//! Each view renders the worker's answer (one page of rows) and sends a new request when the
//! user changes a control; nothing is computed here but chart geometry. Charts are SVG drawn
//! with presentation attributes (no CSS), so an exported SVG or PNG looks like the page.

use super::bridge::Handle;
use super::widgets::*;
use crate::protocol::chart;
use crate::protocol::{
    CollColumn, CollocatesQuery, KeyColumn, KeywordsQuery, KwicQuery, KwicSort, Unit,
};
use crate::protocol::{Request, TableRequest};
use crate::ui::i18n::{Key, Lang};
use crate::ui::state::State;
use crate::ui::state::{Action, Tab};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// The Keywords view.
#[component]
pub fn KeywordsView(p: &ViewProps) -> Html {
    let stop_area = use_node_ref();
    let filter_ref = use_synced_input(p.state.kw_query.filter.clone());
    let s = &p.state;
    let lang = s.lang;
    let q = s.kw_query.clone();
    let set = p.dispatch.reform(Action::Keywords);
    let docs = &s.corpus.docs;
    let subset = q.scope.len() > 1 || (q.scope.len() == 1 && s.kw_subset_open);
    let scope_value = match q.scope.as_slice() {
        _ if s.kw_on_selection => "selection".into(),
        [] => String::new(),
        [one] if !subset => format!("d{one}"),
        _ => "subset".into(),
    };
    let controls = keyword_controls(lang, s, &q, &scope_value, filter_ref, &set, &p.dispatch);
    let subset_boxes = if subset {
        keyword_subset(lang, docs, &q, &set)
    } else {
        html! {}
    };
    let stopwords = stopword_panel(lang, s, &p.handle, stop_area);
    let Some(v) = &s.keywords else {
        return html! { <div class="keywords">{controls}{subset_boxes}<p class="empty">{lang.t(Key::Analyzing)}{"…"}</p>{stopwords}</div> };
    };
    // The bar chart follows the table: its first twenty rows by the sorted measure.
    let measure = |r: &crate::protocol::KeywordRow| -> f64 {
        match q.sort {
            KeyColumn::G2 => r.g2.unwrap_or(0.0),
            KeyColumn::LogRatio => r.log_ratio.unwrap_or(0.0),
            KeyColumn::TfIdf => r.tf_idf.unwrap_or(0.0),
            KeyColumn::Documents => r.documents as f64,
            KeyColumn::Dp => r.dp,
            _ => r.frequency as f64,
        }
    };
    let bar_label = match q.sort {
        KeyColumn::G2 => lang.t(Key::ColG2),
        KeyColumn::LogRatio => lang.t(Key::ColLogRatio),
        KeyColumn::TfIdf => lang.t(Key::ColTfIdf),
        KeyColumn::Documents => lang.t(Key::ColDocuments),
        KeyColumn::Dp => lang.t(Key::ColDp),
        _ => lang.t(Key::ColFrequency),
    };
    let bars: Vec<(String, f64)> = v
        .rows
        .iter()
        .take(20)
        .map(|r| (r.term.clone(), measure(r)))
        .collect();
    html! {
        <div class="keywords">
            {controls}
            {subset_boxes}
            <div class="charts">
                <figure class="chart">
                    <figcaption>{lang.t(Key::WordCloud)}{chart_buttons(lang, "cloud-svg", "soi-word-cloud")}</figcaption>
                    {word_cloud(lang, &v.cloud, &p.dispatch)}
                </figure>
                <figure class="chart">
                    <figcaption>{format!("{} — {}", lang.t(Key::BarChart), bar_label)}{chart_buttons(lang, "bars-svg", "soi-keywords-bars")}</figcaption>
                    {bar_chart(lang, "bars-svg", bar_label, &bars)}
                </figure>
            </div>
            {keyword_table(lang, v, &q, &set, &p.handle, &p.dispatch)}
            {pager(lang, v.query.page, v.pages, |page| {
                let q = q.clone();
                set.reform(move |_: MouseEvent| KeywordsQuery { page, ..q.clone() })
            })}
            {stopwords}
        </div>
    }
}

/// Above this many documents the Keywords scope lists none of them one by one.
const SCOPE_DOCS: usize = 300;

/// The Keywords view's controls: scope, unit, filter, stopwords and acronyms.
fn keyword_controls(
    lang: Lang,
    state: &crate::ui::state::State,
    q: &KeywordsQuery,
    scope_value: &str,
    filter_ref: NodeRef,
    set: &Callback<KeywordsQuery>,
    dispatch: &Callback<Action>,
) -> Html {
    let corpus = &state.corpus;
    let selection_on = !state.selection.is_all();
    let docs = &corpus.docs;
    // The sources and groups are the worker's facets; months are read off the dates.
    let docs_now = std::rc::Rc::clone(corpus);
    let months = crate::ui::state::months(corpus);
    fn names(f: &[(String, u64)]) -> Vec<&str> {
        f.iter().map(|(n, _)| n.as_str()).collect()
    }
    let (sources, groups) = (names(&corpus.facets.sources), names(&corpus.facets.groups));
    let facet = |label: Key, kind: &'static str, values: &[&str]| {
        if values.is_empty() {
            return html! {};
        }
        html! {
            <optgroup label={lang.t(label)}>
                { for values.iter().map(|v| html! { <option value={format!("{kind}:{v}")}>{v.to_string()}</option> }) }
            </optgroup>
        }
    };
    let on_scope = {
        let set = set.clone();
        let q = q.clone();
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            let v = sel.value();
            if v == "selection" {
                dispatch.emit(Action::KeywordsOnSelection(true));
                return;
            }
            dispatch.emit(Action::KeywordsOnSelection(false));
            let (scope, open) = if v == "subset" {
                (q.scope.clone(), true)
            } else if let Some((kind, value)) = v.split_once(':') {
                // A month, a source or a group: its documents against the rest.
                let scope: Vec<u32> = docs_now
                    .docs
                    .iter()
                    .filter(|d| match kind {
                        "month" => d.date.as_deref().is_some_and(|x| x.starts_with(value)),
                        "source" => d.source.as_deref() == Some(value),
                        _ => d.group.as_deref() == Some(value),
                    })
                    .map(|d| d.id)
                    .collect();
                (scope, true)
            } else if let Some(id) = v.strip_prefix('d').and_then(|n| n.parse().ok()) {
                (vec![id], false)
            } else {
                (Vec::new(), false)
            };
            dispatch.emit(Action::KeywordSubset(open));
            set.emit(KeywordsQuery {
                scope,
                page: 0,
                ..q.clone()
            });
        })
    };
    let on_unit = {
        let set = set.clone();
        let q = q.clone();
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            let unit = match sel.value().as_str() {
                "syllables" => Unit::Syllables,
                v => match v.parse::<u8>() {
                    Ok(n) if (2..=5).contains(&n) => Unit::Ngrams(n),
                    _ => Unit::Words,
                },
            };
            let sort = if q.sort == KeyColumn::TfIdf || q.sort == KeyColumn::G2 {
                q.sort
            } else {
                KeyColumn::Frequency
            };
            set.emit(KeywordsQuery {
                unit,
                sort,
                page: 0,
                ..q.clone()
            });
        })
    };
    let on_filter = {
        let set = set.clone();
        let q = q.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            set.emit(KeywordsQuery {
                filter: input.value(),
                page: 0,
                ..q.clone()
            });
        })
    };
    let check = |id: &'static str, key: Key, on: bool, f: fn(&mut KeywordsQuery, bool)| {
        let set = set.clone();
        let q = q.clone();
        let onchange = Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let mut next = q.clone();
            f(&mut next, input.checked());
            next.page = 0;
            set.emit(next);
        });
        html! { <label class="check"><input type="checkbox" id={id} checked={on} {onchange} />{lang.t(key)}</label> }
    };
    html! {
        <div class="controls">
            <label class="check">{lang.t(Key::Scope)}
                <select id="kw-scope" onchange={on_scope}>
                    <option value="" selected={scope_value.is_empty()}>{lang.t(Key::WholeCorpus)}</option>
                    if selection_on {
                        <option value="selection" selected={scope_value == "selection"}>{lang.t(Key::TheSelection)}</option>
                    }
                    // One choice per document up to a few hundred; past that the Documents
                    // view picks them (a list of 20,000 options helps nobody).
                    if docs.len() <= SCOPE_DOCS {
                        { for docs.iter().map(|d| {
                            let v = format!("d{}", d.id);
                            html! { <option value={v.clone()} selected={scope_value == v}>{d.name.clone()}</option> }
                        }) }
                    } else if let Some(one) = scope_value.strip_prefix('d').and_then(|n| n.parse::<u32>().ok()).and_then(|id| docs.iter().find(|d| d.id == id)) {
                        <option value={scope_value.to_owned()} selected=true>{one.name.clone()}</option>
                    }
                    <option value="subset" selected={scope_value == "subset"}>{lang.t(Key::Subset)}</option>
                    {facet(Key::PeriodMonth, "month", &months)}
                    {facet(Key::DocSource, "source", &sources)}
                    {facet(Key::DocGroup, "group", &groups)}
                </select>
            </label>
            <label class="check">{lang.t(Key::Unit)}
                <select id="kw-unit" onchange={on_unit}>
                    <option value="words" selected={q.unit == Unit::Words}>{lang.t(Key::UnitWords)}</option>
                    <option value="syllables" selected={q.unit == Unit::Syllables}>{lang.t(Key::UnitSyllables)}</option>
                    { for (2u8..=5).map(|n| html! {
                        <option value={n.to_string()} selected={q.unit == Unit::Ngrams(n)}>{format!("{} ({n})", lang.t(Key::UnitNgrams))}</option>
                    }) }
                </select>
            </label>
            <label class="check">{lang.t(Key::Filter)}
                <input ref={filter_ref} type="search" id="kw-filter" onchange={on_filter} />
            </label>
            {check("kw-stopwords", Key::KeepStopwords, q.stopwords, |q, v| q.stopwords = v)}
            {check("kw-acronyms", Key::NoAcronyms, q.no_acronyms, |q, v| q.no_acronyms = v)}
        </div>
    }
}

/// The checkboxes of a subset of documents to describe against the rest.
fn keyword_subset(
    lang: Lang,
    docs: &[crate::protocol::DocSummary],
    q: &KeywordsQuery,
    set: &Callback<KeywordsQuery>,
) -> Html {
    {
        html! {
            <fieldset class="subset" id="kw-subset">
                <legend>{lang.t(Key::Subset)}</legend>
                { for docs.iter().map(|d| {
                    let set = set.clone();
                    let q = q.clone();
                    let id = d.id;
                    let on = q.scope.contains(&id);
                    let onchange = Callback::from(move |e: Event| {
                        let input: HtmlInputElement = e.target_unchecked_into();
                        let mut scope: Vec<u32> = q.scope.iter().copied().filter(|&x| x != id).collect();
                        if input.checked() {
                            scope.push(id);
                            scope.sort_unstable();
                        }
                        set.emit(KeywordsQuery { scope, page: 0, ..q.clone() });
                    });
                    html! { <label class="check"><input type="checkbox" data-doc={id.to_string()} checked={on} {onchange} />{d.name.clone()}</label> }
                }) }
            </fieldset>
        }
    }
}

/// The editable stopword list.
fn stopword_panel(lang: Lang, s: &State, handle: &Handle, stop_area: NodeRef) -> Html {
    {
        let area = stop_area.clone();
        let saver = handle.clone();
        let save = Callback::from(move |_| {
            if let Some(words) = textarea_lines(&area) {
                saver.send(&Request::SetStopwords { words: Some(words) }, None);
            }
        });
        let handle = handle.clone();
        let reset =
            Callback::from(move |_| handle.send(&Request::SetStopwords { words: None }, None));
        html! {
            <details class="stopwords">
                <summary>{format!("{} ({}){}", lang.t(Key::Stopwords), lang.num(s.stopwords.len() as u64),
                    if s.stopwords_builtin { String::new() } else { format!(" {}", lang.t(Key::CustomList)) })}</summary>
                <p class="hint">{lang.t(Key::StopwordsHelp)}</p>
                <textarea ref={stop_area} id="stopwords" rows="8" aria-label={lang.t(Key::Stopwords)}
                    value={s.stopwords.join("\n")} />
                <div class="row">
                    <button class="button primary" id="stopwords-save" onclick={save}>{lang.t(Key::SaveStopwords)}</button>
                    <button class="button" id="stopwords-reset" onclick={reset}>{lang.t(Key::ResetStopwords)}</button>
                </div>
            </details>
        }
    }
}

/// The word list: its count, exports, sortable header and one page of rows.
fn keyword_table(
    lang: Lang,
    v: &crate::protocol::KeywordsView,
    q: &KeywordsQuery,
    set: &Callback<KeywordsQuery>,
    handle: &Handle,
    dispatch: &Callback<Action>,
) -> Html {
    let scoped = v.rows.first().is_some_and(|r| r.g2.is_some());
    let one_doc = v.rows.first().is_some_and(|r| r.tf_idf.is_some());
    let table_req = TableRequest::Keywords(KeywordsQuery {
        page: 0,
        ..q.clone()
    });
    let sort_by = |col: KeyColumn| {
        let set = set.clone();
        let q = q.clone();
        Callback::from(move |_| {
            // Pressing the active column flips the order; a new column starts largest first
            // (A to Z for the term).
            let ascending = if q.sort == col {
                !q.ascending
            } else {
                col == KeyColumn::Term
            };
            set.emit(KeywordsQuery {
                sort: col,
                ascending,
                page: 0,
                ..q.clone()
            });
        })
    };
    let head = |label: &str, col: KeyColumn, id: &'static str| {
        sort_header(label, id, q.sort == col, q.ascending, sort_by(col))
    };
    html! {
        <>
            <div class="table-head">
                <span class="count" id="kw-total" data-total={v.total.to_string()}>{format!("{} {} · {} {}", lang.num(v.total as u64), lang.t(Key::Word).to_lowercase(), lang.num(v.tokens), lang.t(Key::StatWords).to_lowercase())}</span>
                {export_buttons(lang, handle, table_req, "kw-export")}
            </div>
            <div class="table-wrap">
            <table class="data" id="kw-table">
                <thead><tr>
                    <th>{lang.t(Key::Rank)}</th>
                    {head(lang.t(Key::Word), KeyColumn::Term, "term")}
                    {head(lang.t(Key::ColFrequency), KeyColumn::Frequency, "frequency")}
                    <th data-col="per_million">{lang.t(Key::ColPerMillion)}</th>
                    {head(lang.t(Key::ColDocuments), KeyColumn::Documents, "documents")}
                    {head(lang.t(Key::ColDp), KeyColumn::Dp, "dp")}
                    if scoped {
                        <th data-col="reference">{lang.t(Key::ColReference)}</th>
                        {head(lang.t(Key::ColG2), KeyColumn::G2, "g2")}
                        <th data-col="p">{lang.t(Key::ColP)}</th>
                        {head(lang.t(Key::ColLogRatio), KeyColumn::LogRatio, "log_ratio")}
                    }
                    if one_doc {
                        {head(lang.t(Key::ColTfIdf), KeyColumn::TfIdf, "tf_idf")}
                    }
                    <th></th>
                </tr></thead>
                <tbody>
                    { for v.rows.iter().enumerate().map(|(i, r)| html! {
                        <tr class={classes!(r.log_ratio.is_some_and(|x| x < 0.0).then_some("negative"))}>
                            <td class="num">{v.query.page * crate::protocol::PAGE + i + 1}</td>
                            <td class="term">{r.term.clone()}</td>
                            <td class="num">{lang.num(r.frequency)}</td>
                            <td class="num">{lang.dec(r.per_million, 1)}</td>
                            <td class="num">{lang.num(r.documents as u64)}</td>
                            <td class="num">{lang.dec(r.dp, 3)}</td>
                            if scoped {
                                <td class="num">{r.reference.map(|x| lang.num(x)).unwrap_or_default()}</td>
                                <td class="num">{fmt_opt(lang, r.g2, 2)}</td>
                                <td class="num">{fmt_p(r.p)}</td>
                                <td class="num">{fmt_opt(lang, r.log_ratio, 2)}</td>
                            }
                            if one_doc {
                                <td class="num">{fmt_opt(lang, r.tf_idf, 5)}</td>
                            }
                            <td>{show_in(lang, dispatch, &r.term)}</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            </div>
        </>
    }
}

fn word_cloud(lang: Lang, words: &[(String, u64)], dispatch: &Callback<Action>) -> Html {
    const W: f64 = 640.0;
    let (placed, height) = chart::cloud(words, W, 12.0, 42.0);
    let height = height.max(40.0);
    html! {
        <svg id="cloud-svg" xmlns="http://www.w3.org/2000/svg" viewBox={format!("0 0 {W} {height:.0}")}
            width={W.to_string()} height={format!("{height:.0}")} role="group" aria-label={lang.t(Key::WordCloud)} font-family={FONT}>
            <rect width="100%" height="100%" fill="#ffffff" />
            { for placed.iter().map(|w| {
                let dispatch = dispatch.clone();
                let term = w.text.clone();
                let open = {
                    let dispatch = dispatch.clone();
                    let term = term.clone();
                    Callback::from(move |_| dispatch.emit(Action::Explore(Tab::Concordance, term.clone())))
                };
                let key = Callback::from(move |e: KeyboardEvent| {
                    if e.key() == "Enter" || e.key() == " " {
                        e.prevent_default();
                        dispatch.emit(Action::Explore(Tab::Concordance, term.clone()));
                    }
                });
                let label = format!("{}: {}", w.text, lang.num(w.count));
                html! {
                    <text class="cloud-word" x={format!("{:.1}", w.x)} y={format!("{:.1}", w.y)} font-size={format!("{:.1}", w.size)}
                        text-anchor="middle" fill={PALETTE[w.rank % PALETTE.len()]} tabindex="0" role="button"
                        aria-label={label.clone()} onclick={open} onkeydown={key} data-count={w.count.to_string()} data-term={w.text.clone()}>
                        <title>{label}</title>
                        {w.text.clone()}
                    </text>
                }
            }) }
        </svg>
    }
}

/// Horizontal bars with their labels and values; every bar can be reached with Tab.
fn bar_chart(lang: Lang, id: &'static str, measure: &str, bars: &[(String, f64)]) -> Html {
    const W: f64 = 640.0;
    let label_w = 170.0;
    let row = 22.0;
    let top = 24.0;
    let height = top + row * bars.len() as f64 + 8.0;
    let lo = bars.iter().map(|b| b.1).fold(0.0, f64::min);
    let hi = bars.iter().map(|b| b.1).fold(0.0, f64::max);
    let span = (hi - lo).max(1e-9);
    let plot = W - label_w - 70.0;
    let x0 = label_w + plot * (-lo / span);
    html! {
        <svg id={id} xmlns="http://www.w3.org/2000/svg" viewBox={format!("0 0 {W} {height:.0}")} width={W.to_string()}
            height={format!("{height:.0}")} role="group" aria-label={measure.to_owned()} font-family={FONT} font-size="12">
            <rect width="100%" height="100%" fill="#ffffff" />
            <text x={label_w.to_string()} y="14" fill="#555555">{measure.to_owned()}</text>
            { for bars.iter().enumerate().map(|(i, (term, v))| {
                let y = top + row * i as f64;
                let w = (plot * v.abs() / span).max(1.0);
                let x = if *v < 0.0 { x0 - w } else { x0 };
                let label = format!("{term}: {}", lang.dec(*v, if v.fract() == 0.0 { 0 } else { 2 }));
                html! {
                    <g class="bar" tabindex="0" role="img" aria-label={label.clone()}>
                        <title>{label}</title>
                        <text x={(label_w - 6.0).to_string()} y={format!("{:.1}", y + 14.0)} text-anchor="end" fill="#222222">{term.clone()}</text>
                        <rect x={format!("{x:.1}")} y={format!("{:.1}", y + 3.0)} width={format!("{w:.1}")} height="15"
                            fill={if *v < 0.0 { "#d95f02" } else { "#1b9e77" }} />
                        <text x={format!("{:.1}", x + w + 4.0)} y={format!("{:.1}", y + 14.0)} fill="#444444">
                            {lang.dec(*v, if v.fract() == 0.0 { 0 } else { 2 })}
                        </text>
                    </g>
                }
            }) }
        </svg>
    }
}

/// The Trends view.
#[component]
pub fn TrendsView(p: &ViewProps) -> Html {
    let terms_ref = use_synced_input(p.state.trend_terms.clone());
    let s = &p.state;
    let lang = s.lang;
    let on_terms = {
        let dispatch = p.dispatch.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            dispatch.emit(Action::Trends(input.value()));
        })
    };
    let bars = s.trend_bars;
    let toggle = |to_bars: bool, key: Key, id: &'static str| {
        let dispatch = p.dispatch.clone();
        html! {
            <button class={classes!("button", "small", (bars == to_bars).then_some("active"))} id={id}
                aria-pressed={(bars == to_bars).to_string()}
                onclick={Callback::from(move |_| dispatch.emit(Action::TrendBars(to_bars)))}>{lang.t(key)}</button>
        }
    };
    use crate::protocol::Period;
    let on_period = {
        let dispatch = p.dispatch.clone();
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            let p = match sel.value().as_str() {
                "day" => Some(Period::Day),
                "week" => Some(Period::Week),
                "month" => Some(Period::Month),
                "year" => Some(Period::Year),
                _ => None,
            };
            dispatch.emit(Action::TrendPeriod(p));
        })
    };
    let by = s.trend_period;
    let period_option = |value: &'static str, p: Option<Period>, key: Key| {
        html! { <option value={value} selected={by == p}>{lang.t(key)}</option> }
    };
    let controls = html! {
        <div class="controls">
            <label class="check wide">{lang.t(Key::TrendsInput)}
                <input ref={terms_ref} type="search" id="trend-terms" onchange={on_terms} />
            </label>
            <label class="check">{lang.t(Key::TrendBy)}
                <select id="trend-by" onchange={on_period}>
                    {period_option("document", None, Key::TrendByDocument)}
                    {period_option("day", Some(Period::Day), Key::PeriodDay)}
                    {period_option("week", Some(Period::Week), Key::PeriodWeek)}
                    {period_option("month", Some(Period::Month), Key::PeriodMonth)}
                    {period_option("year", Some(Period::Year), Key::PeriodYear)}
                </select>
            </label>
            {toggle(false, Key::Lines, "trend-lines")}
            {toggle(true, Key::Bars, "trend-bars")}
        </div>
    };
    if let Some(period) = by {
        let Some(v) = &s.period_trends else {
            return html! { <div class="trends">{controls}<p class="empty">{lang.t(Key::Analyzing)}{"…"}</p></div> };
        };
        // The chart draws periods as it draws documents: one point (or bar) each.
        let as_docs = crate::protocol::TrendsView {
            terms: v.terms.clone(),
            docs: v
                .buckets
                .iter()
                .map(|b| crate::protocol::TrendDoc {
                    doc: crate::protocol::DocId::MAX,
                    name: b.period.clone(),
                    words: b.words,
                    counts: b.counts.clone(),
                    per_10k: b.per_10k.clone(),
                })
                .collect(),
        };
        let query = crate::protocol::PeriodQuery {
            terms: crate::protocol::TrendTerms::parse(&s.trend_terms),
            by: period,
            within: s.selection.clone(),
        };
        let undated = (v.undated.docs > 0).then_some(&v.undated);
        return html! {
            <div class="trends">
                {controls}
                {super::documents::selection_note(lang, s, &p.dispatch)}
                if v.truncated {
                    <p class="hint">{lang.t(Key::PeriodsCut)}</p>
                }
                <figure class="chart">
                    <figcaption>{format!("{} ({})", lang.t(Key::Trends), lang.t(Key::Per10k))}{chart_buttons(lang, "trend-svg", "soi-trends")}</figcaption>
                    {trend_chart(lang, &as_docs, &[], bars)}
                </figure>
                <div class="table-head">
                    <span></span>
                    {export_buttons(lang, &p.handle, TableRequest::PeriodTrends(query), "trend-export")}
                </div>
                <div class="table-wrap">
                <table class="data" id="period-table">
                    <thead><tr>
                        <th>{lang.t(Key::Period)}</th>
                        <th>{lang.t(Key::PeriodDocs)}</th>
                        <th>{lang.t(Key::PeriodWords)}</th>
                        { for v.terms.iter().map(|t| html! { <th class="term">{t.clone()}</th> }) }
                    </tr></thead>
                    <tbody>
                        { for v.buckets.iter().chain(undated).map(|b| html! {
                            <tr data-period={b.period.clone()} class={classes!((b.docs == 0).then_some("thin"))}>
                                <td>{if b.start.is_none() { lang.t(Key::NoDate).to_owned() } else { b.period.clone() }}</td>
                                <td class="num" data-docs={b.docs.to_string()}>{lang.num(b.docs)}</td>
                                <td class="num">{lang.num(b.words)}</td>
                                { for b.counts.iter().zip(&b.per_10k).map(|(n, r)| html! {
                                    <td class="num" data-count={n.to_string()}>{format!("{} ({})", lang.num(*n), lang.dec(*r, 1))}</td>
                                }) }
                            </tr>
                        }) }
                    </tbody>
                </table>
                </div>
            </div>
        };
    }
    let Some(v) = &s.trends else {
        return html! { <div class="trends">{controls}<p class="empty">{lang.t(Key::Analyzing)}{"…"}</p></div> };
    };
    html! {
        <div class="trends">
            {controls}
            <figure class="chart">
                <figcaption>{format!("{} ({})", lang.t(Key::Trends), lang.t(Key::Per10k))}{chart_buttons(lang, "trend-svg", "soi-trends")}</figcaption>
                {trend_chart(lang, v, &s.corpus.docs, bars)}
            </figure>
            <div class="table-head">
                <span></span>
                {export_buttons(lang, &p.handle, TableRequest::Trends(crate::protocol::TrendTerms::parse(&s.trend_terms)), "trend-export")}
            </div>
            <div class="table-wrap">
            <table class="data" id="trend-table">
                <thead><tr>
                    <th>{lang.t(Key::Documents)}</th>
                    <th>{lang.t(Key::StatWords)}</th>
                    { for v.terms.iter().map(|t| html! { <th class="term">{t.clone()}</th> }) }
                </tr></thead>
                <tbody>
                    { for v.docs.iter().map(|d| html! {
                        <tr>
                            <td>{d.name.clone()}</td>
                            <td class="num">{lang.num(d.words)}</td>
                            { for d.counts.iter().zip(&d.per_10k).map(|(n, r)| html! {
                                <td class="num">{format!("{} ({})", lang.num(*n), lang.dec(*r, 1))}</td>
                            }) }
                        </tr>
                    }) }
                </tbody>
            </table>
            </div>
        </div>
    }
}

/// The Trends chart. The legend sits in rows above the plot and the document labels below
/// it, so they never meet; labels are documents' titles where there are any, thinned to
/// one every few documents when there are more than fit.
fn trend_chart(
    lang: Lang,
    v: &crate::protocol::TrendsView,
    docs: &[crate::protocol::DocSummary],
    bars: bool,
) -> Html {
    const W: f64 = 720.0;
    const LEGEND_ITEM: f64 = 170.0;
    const LEGEND_ROW: f64 = 18.0;
    // Rotated labels of up to 18 characters need about 60 px below the axis.
    let (left, right, bottom) = (56.0, 16.0, 74.0);
    let per_row = ((W - left - right) / LEGEND_ITEM).floor().max(1.0) as usize;
    let rows = v.terms.len().div_ceil(per_row).max(1);
    let top = 12.0 + LEGEND_ROW * rows as f64;
    let h: f64 = 300.0 + top;
    let pw = W - left - right;
    let ph = h - top - bottom;
    let n = v.docs.len().max(1);
    let max = v
        .docs
        .iter()
        .flat_map(|d| d.per_10k.iter().copied())
        .fold(0.0, f64::max);
    let ticks = chart::ticks(max, 5);
    let ymax = ticks.last().copied().unwrap_or(1.0).max(1e-9);
    let y = |val: f64| top + ph - ph * val / ymax;
    let band = pw / n as f64;
    let cx = |i: usize| left + band * (i as f64 + 0.5);
    // A rotated label needs about 14 px of axis: show one every `every` documents.
    let every = (14.0 / band).ceil().max(1.0) as usize;
    let series = v.terms.len().max(1);
    html! {
        <svg id="trend-svg" xmlns="http://www.w3.org/2000/svg" viewBox={format!("0 0 {W} {h}")} width={W.to_string()} height={h.to_string()}
            role="group" aria-label={lang.t(Key::Trends)} font-family={FONT} font-size="11">
            <rect width="100%" height="100%" fill="#ffffff" />
            { for ticks.iter().map(|&t| html! {
                <g>
                    <line x1={left.to_string()} x2={(W - right).to_string()} y1={format!("{:.1}", y(t))} y2={format!("{:.1}", y(t))} stroke="#e3e3e3" />
                    <text x={(left - 6.0).to_string()} y={format!("{:.1}", y(t) + 4.0)} text-anchor="end" fill="#555555">{lang.dec(t, if t.fract() == 0.0 { 0 } else { 1 })}</text>
                </g>
            }) }
            { for v.docs.iter().enumerate().filter(|(i, _)| i % every == 0).map(|(i, d)| {
                let title = docs.iter().find(|x| x.id == d.doc).map(|x| x.title.clone()).filter(|t| !t.is_empty());
                let shown = title.as_deref().unwrap_or(&d.name);
                html! {
                    <text class="axis-label" x={format!("{:.1}", cx(i))} y={(h - bottom + 14.0).to_string()} text-anchor="end" fill="#333333"
                        transform={format!("rotate(-30 {:.1} {})", cx(i), h - bottom + 14.0)}>
                        <title>{title.as_ref().map_or(d.name.clone(), |t| format!("{t} ({})", d.name))}</title>
                        {short_text(shown, 18)}
                    </text>
                }
            }) }
            { for v.terms.iter().enumerate().map(|(k, term)| {
                let color = PALETTE[k % PALETTE.len()];
                let pts: Vec<(f64, f64, &crate::protocol::TrendDoc)> = v.docs.iter().enumerate()
                    .map(|(i, d)| (cx(i), y(d.per_10k.get(k).copied().unwrap_or(0.0)), d)).collect();
                let path = pts.iter().map(|(x, y, _)| format!("{x:.1},{y:.1}")).collect::<Vec<_>>().join(" ");
                let bw = (band * 0.8 / series as f64).min(40.0);
                html! {
                    <g class="series" data-term={term.clone()}>
                        if !bars && pts.len() > 1 {
                            <polyline points={path} fill="none" stroke={color} stroke-width="2" />
                        }
                        { for pts.iter().enumerate().map(|(i, (x, yv, d))| {
                            let val = d.per_10k.get(k).copied().unwrap_or(0.0);
                            let label = format!("{term} — {}: {} ({} {})", d.name, lang.dec(val, 1), lang.num(d.counts.get(k).copied().unwrap_or(0)), lang.t(Key::Count).to_lowercase());
                            html! {
                                <g class="point" tabindex="0" role="img" aria-label={label.clone()} data-doc={i.to_string()} data-value={format!("{val:.3}")}>
                                    <title>{label}</title>
                                    if bars {
                                        <rect x={format!("{:.1}", x - band * 0.4 + bw * k as f64)} y={format!("{yv:.1}")} width={format!("{bw:.1}")}
                                            height={format!("{:.1}", (top + ph - yv).max(0.0))} fill={color} />
                                    } else {
                                        <circle cx={format!("{x:.1}")} cy={format!("{yv:.1}")} r="4" fill={color} />
                                    }
                                </g>
                            }
                        }) }
                    </g>
                }
            }) }
            { for v.terms.iter().enumerate().map(|(k, term)| {
                let (col, row) = ((k % per_row) as f64, (k / per_row) as f64);
                let (x, y0) = (left + LEGEND_ITEM * col, 8.0 + LEGEND_ROW * row);
                html! {
                    <g class="legend">
                        <rect x={format!("{x:.0}")} y={format!("{y0:.0}")} width="12" height="12" fill={PALETTE[k % PALETTE.len()]} />
                        <text x={format!("{:.0}", x + 16.0)} y={format!("{:.0}", y0 + 10.0)} fill="#222222">{short_text(term, 24)}</text>
                    </g>
                }
            }) }
        </svg>
    }
}

/// The Concordance view.
#[component]
pub fn ConcordanceView(p: &ViewProps) -> Html {
    let input = use_synced_input(p.state.kwic_query.query.clone());
    let s = &p.state;
    let lang = s.lang;
    let q = s.kwic_query.clone();
    let set = {
        let dispatch = p.dispatch.clone();
        move |q: KwicQuery| dispatch.emit(Action::Kwic(q))
    };
    let on_submit = {
        let set = set.clone();
        let q = q.clone();
        let input = input.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(el) = input.cast::<HtmlInputElement>() {
                set(KwicQuery {
                    query: el.value(),
                    page: 0,
                    ..q.clone()
                });
            }
        })
    };
    let check = |id: &'static str, key: Key, on: bool, f: fn(&mut KwicQuery, bool)| {
        let set = set.clone();
        let q = q.clone();
        let onchange = Callback::from(move |e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            let mut next = q.clone();
            f(&mut next, el.checked());
            next.page = 0;
            set(next);
        });
        html! { <label class="check"><input type="checkbox" id={id} checked={on} {onchange} />{lang.t(key)}</label> }
    };
    let on_sort = {
        let set = set.clone();
        let q = q.clone();
        Callback::from(move |e: Event| {
            let sel: HtmlSelectElement = e.target_unchecked_into();
            let sort = match sel.value().as_str() {
                "left" => KwicSort::Left,
                "right" => KwicSort::Right,
                _ => KwicSort::Position,
            };
            set(KwicQuery {
                sort,
                page: 0,
                ..q.clone()
            });
        })
    };
    let controls = html! {
        <form class="controls" onsubmit={on_submit}>
            <label class="check wide">{lang.t(Key::KwicQuery)}
                <input ref={input} type="search" id="kwic-query" />
            </label>
            <button class="button primary" type="submit" id="kwic-search">{lang.t(Key::Search)}</button>
            {check("kwic-accents", Key::IgnoreAccents, q.ignore_accents, |q, v| q.ignore_accents = v)}
            {check("kwic-case", Key::MatchCase, q.case_sensitive, |q, v| q.case_sensitive = v)}
            <label class="check">{lang.t(Key::SortBy)}
                <select id="kwic-sort" onchange={on_sort}>
                    <option value="position" selected={q.sort == KwicSort::Position}>{lang.t(Key::SortPosition)}</option>
                    <option value="left" selected={q.sort == KwicSort::Left}>{lang.t(Key::SortLeft)}</option>
                    <option value="right" selected={q.sort == KwicSort::Right}>{lang.t(Key::SortRight)}</option>
                </select>
            </label>
        </form>
    };
    let Some(v) = &s.kwic else {
        return html! { <div class="concordance">{controls}<p class="empty">{lang.t(Key::Analyzing)}{"…"}</p></div> };
    };
    let go = |page: usize| {
        let set = set.clone();
        let q = q.clone();
        Callback::from(move |_| set(KwicQuery { page, ..q.clone() }))
    };
    html! {
        <div class="concordance">
            {controls}
            <div class="table-head">
                <span class="count" id="kwic-total" data-total={v.total.to_string()} data-query={v.query.query.clone()} data-accents={v.query.ignore_accents.to_string()} data-ms={format!("{:.2}", v.elapsed_ms)}>
                    {format!("{} {} · DP {} · {} ms", lang.num(v.total as u64), lang.t(Key::MatchCol).to_lowercase(), lang.dec(v.dp, 3), lang.dec(v.elapsed_ms, 1))}
                </span>
                {export_buttons(lang, &p.handle, TableRequest::Kwic(KwicQuery { page: 0, ..q.clone() }), "kwic-export")}
            </div>
            if v.invalid {
                <p class="empty">{lang.t(Key::KwicQuery)}</p>
            } else if v.total == 0 {
                <p class="empty" id="kwic-none" data-query={v.query.query.clone()}>{lang.t(Key::NoHits)}</p>
            } else {
                <div class="table-wrap">
                <table class="data kwic" id="kwic-table">
                    <thead><tr>
                        <th>{lang.t(Key::Documents)}</th>
                        <th class="left">{lang.t(Key::LeftContext)}</th>
                        <th class="match">{lang.t(Key::MatchCol)}</th>
                        <th>{lang.t(Key::RightContext)}</th>
                    </tr></thead>
                    <tbody>
                        {kwic_rows(lang, &v.lines, &s.corpus.docs, &p.dispatch)}
                    </tbody>
                </table>
                </div>
                {pager(lang, v.query.page, v.pages, go)}
            }
            <figure class="chart">
                <figcaption>{lang.t(Key::Dispersion)}{chart_buttons(lang, "dispersion-svg", "soi-dispersion")}</figcaption>
                {dispersion_plot(lang, &v.dispersion)}
            </figure>
        </div>
    }
}

fn dispersion_plot(lang: Lang, rows: &[crate::protocol::Dispersion]) -> Html {
    const W: f64 = 720.0;
    let (label_w, right) = (180.0, 110.0);
    let row = 26.0;
    let height = row * rows.len() as f64 + 10.0;
    let pw = W - label_w - right;
    html! {
        <svg id="dispersion-svg" xmlns="http://www.w3.org/2000/svg" viewBox={format!("0 0 {W} {height:.0}")} width={W.to_string()}
            height={format!("{height:.0}")} role="group" aria-label={lang.t(Key::Dispersion)} font-family={FONT} font-size="11">
            <rect width="100%" height="100%" fill="#ffffff" />
            { for rows.iter().enumerate().map(|(i, d)| {
                let y = 5.0 + row * i as f64;
                let label = format!("{}: {} ({} {})", d.name, lang.num(d.hits), lang.dec(d.per_10k, 1), lang.t(Key::Per10k));
                html! {
                    <g class="strip" tabindex="0" role="img" aria-label={label.clone()} data-hits={d.hits.to_string()}>
                        <title>{label}</title>
                        <text x={(label_w - 8.0).to_string()} y={format!("{:.1}", y + 15.0)} text-anchor="end" fill="#222222">{short(&d.name, 26)}</text>
                        <rect x={label_w.to_string()} y={format!("{:.1}", y + 2.0)} width={pw.to_string()} height="18" fill="#f3f4f6" stroke="#c9ccd1" />
                        { for d.positions.iter().map(|&p| {
                            let x = label_w + pw * p as f64;
                            html! { <line x1={format!("{x:.1}")} x2={format!("{x:.1}")} y1={format!("{:.1}", y + 3.0)} y2={format!("{:.1}", y + 19.0)} stroke="#1b5e9e" stroke-width="1.2" /> }
                        }) }
                        <text x={(label_w + pw + 8.0).to_string()} y={format!("{:.1}", y + 15.0)} fill="#444444">{lang.num(d.hits)}</text>
                    </g>
                }
            }) }
        </svg>
    }
}

/// The Collocates view.
#[component]
pub fn CollocatesView(p: &ViewProps) -> Html {
    let word = use_synced_input(p.state.coll_query.word.clone());
    let s = &p.state;
    let lang = s.lang;
    let q = s.coll_query.clone();
    let set = {
        let dispatch = p.dispatch.clone();
        move |q: CollocatesQuery| dispatch.emit(Action::Collocates(q))
    };
    let on_submit = {
        let set = set.clone();
        let q = q.clone();
        let word = word.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(el) = word.cast::<HtmlInputElement>() {
                set(CollocatesQuery {
                    word: el.value(),
                    page: 0,
                    ..q.clone()
                });
            }
        })
    };
    let number = |id: &'static str,
                  key: Key,
                  value: u64,
                  max: u64,
                  f: fn(&mut CollocatesQuery, u64)| {
        let set = set.clone();
        let q = q.clone();
        let onchange = Callback::from(move |e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            if let Ok(v) = el.value().parse::<u64>() {
                let mut next = q.clone();
                f(&mut next, v.min(max));
                next.page = 0;
                set(next);
            }
        });
        html! {
            <label class="check">{lang.t(key)}
                <input type="number" id={id} min="0" max={max.to_string()} value={value.to_string()} {onchange} />
            </label>
        }
    };
    let on_stop = {
        let set = set.clone();
        let q = q.clone();
        Callback::from(move |e: Event| {
            let el: HtmlInputElement = e.target_unchecked_into();
            set(CollocatesQuery {
                stopwords: el.checked(),
                page: 0,
                ..q.clone()
            });
        })
    };
    let controls = html! {
        <form class="controls" onsubmit={on_submit}>
            <label class="check wide">{lang.t(Key::NodeWord)}
                <input ref={word} type="search" id="coll-word" />
            </label>
            <button class="button primary" type="submit" id="coll-search">{lang.t(Key::Search)}</button>
            {number("coll-left", Key::WindowLeft, q.left as u64, 20, |q, v| q.left = v as usize)}
            {number("coll-right", Key::WindowRight, q.right as u64, 20, |q, v| q.right = v as usize)}
            {number("coll-min", Key::MinFreq, q.min, 1000, |q, v| q.min = v)}
            <label class="check"><input type="checkbox" id="coll-stopwords" checked={q.stopwords} onchange={on_stop} />{lang.t(Key::KeepStopwords)}</label>
        </form>
    };
    let Some(v) = &s.collocates else {
        return html! { <div class="collocates">{controls}<p class="empty">{lang.t(Key::Analyzing)}{"…"}</p></div> };
    };
    let sort_by = |col: CollColumn| {
        let set = set.clone();
        let q = q.clone();
        Callback::from(move |_| {
            set(CollocatesQuery {
                sort: col,
                page: 0,
                ..q.clone()
            })
        })
    };
    let head = |label: &str, col: CollColumn, id: &'static str| {
        sort_header(
            label,
            id,
            q.sort == col,
            col == CollColumn::Term,
            sort_by(col),
        )
    };
    let go = |page: usize| {
        let set = set.clone();
        let q = q.clone();
        Callback::from(move |_| set(CollocatesQuery { page, ..q.clone() }))
    };
    html! {
        <div class="collocates">
            {controls}
            if v.node_frequency == 0 {
                <p class="empty" id="coll-none">{lang.t(Key::NotAWord)}</p>
            } else {
                <div class="table-head">
                    <span class="count" id="coll-total">{format!("{} — {} {} · {} {}", q.word, lang.num(v.node_frequency), lang.t(Key::Count).to_lowercase(), lang.num(v.total as u64), lang.t(Key::Collocates).to_lowercase())}</span>
                    {export_buttons(lang, &p.handle, TableRequest::Collocates(CollocatesQuery { page: 0, ..q.clone() }), "coll-export")}
                </div>
                <div class="table-wrap">
                <table class="data" id="coll-table">
                    <thead><tr>
                        <th>{lang.t(Key::Rank)}</th>
                        {head(lang.t(Key::Word), CollColumn::Term, "term")}
                        {head(lang.t(Key::ColObserved), CollColumn::Observed, "observed")}
                        <th data-col="expected">{lang.t(Key::ColExpected)}</th>
                        {head(lang.t(Key::ColFrequency), CollColumn::Frequency, "frequency")}
                        {head(lang.t(Key::ColMi), CollColumn::Mi, "mi")}
                        {head(lang.t(Key::ColT), CollColumn::T, "t")}
                        {head(lang.t(Key::ColLogDice), CollColumn::LogDice, "logdice")}
                        <th></th>
                    </tr></thead>
                    <tbody>
                        { for v.rows.iter().enumerate().map(|(i, r)| html! {
                            <tr>
                                <td class="num">{v.query.page * crate::protocol::PAGE + i + 1}</td>
                                <td class="term">{r.term.clone()}</td>
                                <td class="num">{lang.num(r.observed)}</td>
                                <td class="num">{lang.dec(r.expected, 3)}</td>
                                <td class="num">{lang.num(r.frequency)}</td>
                                <td class="num">{fmt_opt(lang, Some(r.mi), 2)}</td>
                                <td class="num">{fmt_opt(lang, Some(r.t_score), 2)}</td>
                                <td class="num">{fmt_opt(lang, Some(r.log_dice), 2)}</td>
                                <td>{show_in(lang, &p.dispatch, &r.term)}</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                </div>
                {pager(lang, v.query.page, v.pages, go)}
            }
        </div>
    }
}
