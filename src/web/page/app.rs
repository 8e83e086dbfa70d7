//! The page: a Yew app that renders [`State`] and talks to the worker.
//!
//! No analysis happens here. User text and file names reach the DOM only as text nodes
//! (Yew escapes them); nothing is ever set as HTML.

use super::bridge::{download, Bridge, Handle};
use super::{documents, entities, explore, widgets};
use crate::protocol::{EntityType, Request, Response, READER_PAGE};
use crate::ui::i18n::{Key, Lang};
use crate::ui::state::{Action, Notice, State, Tab};
use crate::web::console::console_error;
use gloo::events::{EventListener, EventListenerOptions};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DragEvent, File, HtmlInputElement, HtmlTextAreaElement, MessageEvent};
use yew::prelude::*;

/// Where the worker's boot script is served.
const WORKER_URL: &str = "./worker-boot.js";

/// Mount the app on `<body>`.
pub fn start() {
    std::panic::set_hook(Box::new(|info| {
        console_error(&format!("soi page panicked: {info}"));
    }));
    yew::Renderer::<App>::new().render();
}

#[derive(Default, PartialEq)]
struct Store(State);

impl Reducible for Store {
    type Action = Action;
    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = Rc::unwrap_or_clone(self);
        s.0.reduce(action);
        Rc::new(s)
    }
}

impl Clone for Store {
    fn clone(&self) -> Self {
        Store(self.0.clone())
    }
}

fn spawn_worker(handle: &Handle, dispatch: Callback<Action>) {
    let options = web_sys::WorkerOptions::new();
    options.set_name("soi-analysis");
    // `?pool=N` on the page sets the worker's pool of analysis workers (0: none).
    let search = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    let pool = search
        .trim_start_matches('?')
        .split('&')
        .find(|kv| kv.starts_with("pool="));
    let url = match pool {
        Some(kv) => format!("{WORKER_URL}?{kv}"),
        None => WORKER_URL.to_owned(),
    };
    let worker = match web_sys::Worker::new_with_options(&url, &options) {
        Ok(w) => w,
        Err(e) => {
            console_error(&format!("soi: cannot start the worker: {e:?}"));
            return;
        }
    };
    let onmessage = {
        let handle = handle.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            match serde_wasm_bindgen::from_value::<Response>(e.data()) {
                Ok(r) => {
                    match &r {
                        Response::Ready { .. } => handle.on_ready(),
                        Response::Exported { name, json } => {
                            download(name, "application/json", json)
                        }
                        Response::Download {
                            name,
                            mime,
                            content,
                        } => download(name, mime, content),
                        _ => {}
                    }
                    dispatch.emit(Action::Worker(r));
                }
                Err(err) => console_error(&format!("soi: bad message from worker: {err}")),
            }
        })
    };
    worker.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    *handle.0.borrow_mut() = Some(Bridge {
        worker,
        ready: false,
        pending: Vec::new(),
        _onmessage: onmessage,
        next_job: 0,
    });
}

/// The browser's language, used until the stored settings arrive.
fn browser_lang() -> Lang {
    let langs: Vec<String> = web_sys::window()
        .map(|w| {
            w.navigator()
                .languages()
                .iter()
                .filter_map(|v| v.as_string())
                .collect()
        })
        .unwrap_or_default();
    Lang::from_browser(&langs)
}

fn set_html_lang(lang: Lang) {
    if let Some(el) = gloo::utils::document().document_element() {
        let _ = el.set_attribute("lang", lang.tag());
    }
}

/// Send `files` to the worker as one job.
fn add_files(handle: &Handle, dispatch: &Callback<Action>, files: Vec<File>) {
    if files.is_empty() {
        return;
    }
    let job = handle.job_id();
    let names: Vec<String> = files.iter().map(|f| f.name()).collect();
    let total = files.iter().map(|f| f.size() as u64).sum();
    let arr: js_sys::Array = files.iter().collect();
    let label = if names.len() == 1 {
        names[0].clone()
    } else {
        format!("{} …", names[0])
    };
    dispatch.emit(Action::JobStarted {
        job,
        name: label,
        total,
    });
    handle.send(&Request::AddFiles { job, names }, Some(&arr));
}

fn file_list(list: Option<web_sys::FileList>) -> Vec<File> {
    let Some(list) = list else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

fn is_file_drag(e: &DragEvent) -> bool {
    e.data_transfer().is_some_and(|dt| {
        dt.types()
            .iter()
            .any(|t| t.as_string().as_deref() == Some("Files"))
    })
}

/// Start the worker (it restores the stored corpus, or the sample corpus on a first visit)
/// and listen for drops, pastes and service-worker updates anywhere on the page.
#[hook]
fn use_page_listeners(handle: &Handle, dispatch: &Callback<Action>) {
    let handle = handle.clone();
    let dispatch = dispatch.clone();
    use_effect_with((), move |_| {
        // The worker restores the stored corpus (the sample corpus on a first visit).
        spawn_worker(&handle, dispatch.clone());

        let doc = gloo::utils::document();
        let opts = EventListenerOptions::enable_prevent_default();
        let over = {
            let dispatch = dispatch.clone();
            EventListener::new_with_options(&doc, "dragover", opts, move |e| {
                let e: &DragEvent = e.unchecked_ref();
                if is_file_drag(e) {
                    e.prevent_default();
                    dispatch.emit(Action::Dragging(true));
                }
            })
        };
        let leave = {
            let dispatch = dispatch.clone();
            EventListener::new(&doc, "dragleave", move |e| {
                let e: &DragEvent = e.unchecked_ref();
                if e.related_target().is_none() {
                    dispatch.emit(Action::Dragging(false));
                }
            })
        };
        let drop = {
            let dispatch = dispatch.clone();
            let handle = handle.clone();
            EventListener::new_with_options(&doc, "drop", opts, move |e| {
                let e: &DragEvent = e.unchecked_ref();
                e.prevent_default();
                dispatch.emit(Action::Dragging(false));
                let files = file_list(e.data_transfer().and_then(|dt| dt.files()));
                add_files(&handle, &dispatch, files);
            })
        };
        let paste = {
            let dispatch = dispatch.clone();
            let handle = handle.clone();
            EventListener::new(&doc, "paste", move |e| {
                // Pastes into the paste box or any field are theirs; elsewhere a paste
                // becomes a document.
                let in_field = e
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .is_some_and(|el| {
                        matches!(el.tag_name().as_str(), "TEXTAREA" | "INPUT" | "SELECT")
                    });
                if in_field {
                    return;
                }
                let e: &web_sys::ClipboardEvent = e.unchecked_ref();
                let Some(dt) = e.clipboard_data() else { return };
                let files = file_list(dt.files());
                if !files.is_empty() {
                    add_files(&handle, &dispatch, files);
                } else if let Ok(text) = dt.get_data("text/plain") {
                    send_text(&handle, &dispatch, text);
                }
            })
        };
        // The service worker (started by init.js) announces an installed update.
        let update = {
            let dispatch = dispatch.clone();
            EventListener::new(&gloo::utils::window(), "soi-update-ready", move |_| {
                dispatch.emit(Action::UpdateReady)
            })
        };
        let waiting =
            js_sys::Reflect::get(&gloo::utils::window(), &JsValue::from_str("__soiWaiting"));
        if waiting.is_ok_and(|w| w.is_truthy()) {
            dispatch.emit(Action::UpdateReady);
        }
        let listeners = vec![over, leave, drop, paste, update];
        move || {
            std::mem::drop(listeners);
        }
    });
}

/// Ask the worker for what the page shows when it is missing or stale: the Normalization
/// view, the view of the current tab, the Reader's page.
#[hook]
fn use_view_requests(state: &State, handle: &Handle) {
    // Ask the worker for the Normalization view when it is shown and stale.
    {
        let handle = handle.clone();
        use_effect_with(
            (
                state.tab,
                state.norm_scope,
                state.norm.is_none(),
                state.ready,
                state.corpus_version,
            ),
            move |(tab, scope, missing, ready, _)| {
                if *tab == Tab::Normalization && *missing && *ready {
                    handle.send(
                        &Request::Normalization {
                            doc: *scope,
                            page: 0,
                        },
                        None,
                    );
                }
            },
        );
    }

    // Ask the worker for the view shown when it is missing (stale, or a new request).
    {
        let handle = handle.clone();
        let want = match state.tab {
            Tab::Keywords if state.keywords.is_none() => {
                Some(Request::Keywords(state.kw_query.clone()))
            }
            Tab::Trends => match state.trend_period {
                Some(by) if state.period_trends.is_none() => {
                    Some(Request::PeriodTrends(crate::protocol::PeriodQuery {
                        terms: crate::protocol::TrendTerms::parse(&state.trend_terms),
                        by,
                        within: state.selection.clone(),
                    }))
                }
                None if state.trends.is_none() => Some(Request::Trends {
                    terms: crate::protocol::TrendTerms::parse(&state.trend_terms),
                }),
                _ => None,
            },
            Tab::Concordance if state.kwic.is_none() => {
                Some(Request::Kwic(state.kwic_query.clone()))
            }
            Tab::Collocates if state.collocates.is_none() => {
                Some(Request::Collocates(state.coll_query.clone()))
            }
            Tab::Entities if state.entities.is_none() => {
                Some(Request::Entities(state.ent_query.clone()))
            }
            Tab::Documents => documents::wanted(state),
            _ => None,
        };
        let ready = state.ready;
        use_effect_with(
            (want, ready, state.corpus_version),
            move |(want, ready, _)| {
                if let (Some(req), true) = (want, *ready) {
                    handle.send(req, None);
                }
            },
        );
    }

    // Ask the worker for the Reader's page when a document is selected, and again after the
    // corpus changed (a re-analysis may have changed its words).
    {
        let handle = handle.clone();
        let current = state
            .want_page
            .or(state.page.as_ref().map(|p| p.page))
            .unwrap_or(0);
        use_effect_with(
            (
                state.selected,
                state.page.is_none(),
                state.page_stale,
                state.corpus_version,
            ),
            move |(sel, missing, stale, _)| {
                if let (Some(doc), true) = (sel, *missing || *stale) {
                    handle.send(
                        &Request::Read {
                            doc: *doc,
                            page: current,
                        },
                        None,
                    );
                }
            },
        );
    }
}

/// The top bar: the name, adding files or text, the sample corpus, export and import, the
/// interface language.
#[component]
fn TopBar(p: &WithState) -> Html {
    let state = &p.state;
    let lang = state.lang;
    let t = move |k| lang.t(k);
    let (Some(handle), Some(dispatch)) = (p.handle.clone(), p.dispatch.clone()) else {
        return html! {};
    };
    let on_files = {
        let handle = handle.clone();
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            add_files(&handle, &dispatch, file_list(input.files()));
            // Allow choosing the same file again.
            input.set_value("");
        })
    };
    let on_reset = {
        let handle = handle.clone();
        let dispatch = dispatch.clone();
        Callback::from(move |_| {
            let job = handle.job_id();
            dispatch.emit(Action::JobStarted {
                job,
                name: "corpus".into(),
                total: 0,
            });
            handle.send(&Request::ResetSample { job }, None);
        })
    };
    let analysis_now = state.analysis;
    let columns_now = state.columns.clone();
    let on_lang = {
        let dispatch = dispatch.clone();
        let handle = handle.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            if let Some(l) = Lang::from_tag(&sel.value()) {
                let settings = crate::protocol::Settings {
                    analysis: analysis_now,
                    lang: Some(l),
                    columns: columns_now.clone(),
                };
                handle.send(&Request::SaveSettings { settings }, None);
                dispatch.emit(Action::SetLang(l));
            }
        })
    };
    let on_export = {
        let handle = handle.clone();
        Callback::from(move |_| handle.send(&Request::Export, None))
    };
    let toggle_paste = {
        let dispatch = dispatch.clone();
        let open = state.pasting;
        Callback::from(move |_| dispatch.emit(Action::Pasting(!open)))
    };

    html! {
    <header class="topbar">
        <div class="brand">
            <h1>{"Soi"}</h1>
            <p class="tagline">{t(Key::Tagline)}</p>
        </div>
        <div class="actions">
            <label class="button primary" for="file-input">{t(Key::AddFiles)}</label>
            <input id="file-input" class="visually-hidden" type="file" multiple=true
                accept=".txt,.text,.md,.markdown,.html,.htm,.docx,.csv,.tsv,.jsonl,.ndjson,.zip,application/zip,text/plain,text/markdown,text/html" onchange={on_files.clone()} />
            <button class="button" onclick={toggle_paste} aria-expanded={state.pasting.to_string()}>{t(Key::PasteText)}</button>
            <button class="button" onclick={on_reset}>{t(Key::ResetSample)}</button>
            <button class="button" id="export" onclick={on_export}>{t(Key::Export)}</button>
            <label class="button" for="import-input">{t(Key::Import)}</label>
            <input id="import-input" class="visually-hidden" type="file" accept=".json,application/json"
                onchange={on_files} />
            <label class="lang">
                <span class="visually-hidden">{t(Key::Language)}</span>
                <select id="lang" onchange={on_lang} aria-label={t(Key::Language)}>
                    <option value="vi" selected={lang == Lang::Vi}>{"Tiếng Việt"}</option>
                    <option value="en" selected={lang == Lang::En}>{"English"}</option>
                </select>
            </label>
        </div>
    </header>
    }
}

#[component]
fn App() -> Html {
    let store = use_reducer(|| Store(State::new(browser_lang())));
    let handle = use_memo((), |_| Handle(Rc::new(RefCell::new(None))));
    let handle: Handle = (*handle).clone();
    let dispatch: Callback<Action> = {
        let store = store.clone();
        Callback::from(move |a| store.dispatch(a))
    };

    use_page_listeners(&handle, &dispatch);

    let state = &store.0;
    let lang = state.lang;
    let t = move |k| lang.t(k);
    {
        use_effect_with(lang, |lang| set_html_lang(*lang));
    }

    use_view_requests(state, &handle);

    let on_reload = Callback::from(|_| {
        if let Ok(e) = web_sys::Event::new("soi-apply-update") {
            let _ = gloo::utils::window().dispatch_event(&e);
        }
    });
    html! {
        <div class={classes!("app", state.dragging.then_some("dragging"))}>
            <TopBar state={Rc::new(state.clone())} handle={handle.clone()} dispatch={dispatch.clone()} />
            if state.update_ready {
                <div class="update-banner" role="alert">
                    <span>{t(Key::UpdateReady)}</span>
                    <button class="button primary" id="reload" onclick={on_reload}>{t(Key::Reload)}</button>
                </div>
            }
            if state.pasting {
                <PastePanel lang={lang} handle={handle.clone()} dispatch={dispatch.clone()} />
            }
            <Status state={Rc::new(state.clone())} handle={handle.clone()} dispatch={dispatch.clone()} />
            <ColumnsDialog state={Rc::new(state.clone())} handle={handle.clone()} dispatch={dispatch.clone()} />
            <div class="layout">
                <DocList state={Rc::new(state.clone())} handle={handle.clone()} dispatch={dispatch.clone()} />
                <main class="main">
                    <nav class="tabs" role="tablist">
                        { for Tab::ALL.iter().map(|&tab| {
                            let dispatch = dispatch.clone();
                            let selected = state.tab == tab;
                            html! {
                                <button role="tab" class={classes!("tab", selected.then_some("active"))}
                                    aria-selected={selected.to_string()} data-tab={tab.id()}
                                    onclick={Callback::from(move |_| dispatch.emit(Action::SetTab(tab)))}>
                                    {t(tab_key(tab))}
                                </button>
                            }
                        }) }
                    </nav>
                    <section class="view" role="tabpanel">
                        { match state.tab {
                            Tab::Overview => html! { <Overview state={Rc::new(state.clone())} /> },
                            Tab::Reader => html! { <Reader state={Rc::new(state.clone())} handle={handle.clone()} dispatch={dispatch.clone()} /> },
                            Tab::Normalization => html! { <NormalizationView state={Rc::new(state.clone())} handle={handle.clone()} dispatch={dispatch.clone()} /> },
                            Tab::Keywords => html! { <explore::KeywordsView state={Rc::new(state.clone())} handle={handle.clone()} dispatch={dispatch.clone()} /> },
                            Tab::Trends => html! { <explore::TrendsView state={Rc::new(state.clone())} handle={handle.clone()} dispatch={dispatch.clone()} /> },
                            Tab::Concordance => html! { <explore::ConcordanceView state={Rc::new(state.clone())} handle={handle.clone()} dispatch={dispatch.clone()} /> },
                            Tab::Collocates => html! { <explore::CollocatesView state={Rc::new(state.clone())} handle={handle.clone()} dispatch={dispatch.clone()} /> },
                            Tab::Entities => html! { <entities::EntitiesView state={Rc::new(state.clone())} handle={handle.clone()} dispatch={dispatch.clone()} /> },
                            Tab::Documents => html! { <documents::DocumentsView state={Rc::new(state.clone())} handle={handle.clone()} dispatch={dispatch.clone()} /> },
                        } }
                    </section>
                </main>
            </div>
            <footer class="footer">{t(Key::PrivacyNote)}</footer>
            if state.dragging {
                <div class="drop-overlay" aria-hidden="true">{t(Key::DropOverlay)}</div>
            }
        </div>
    }
}

fn tab_key(tab: Tab) -> Key {
    match tab {
        Tab::Overview => Key::Overview,
        Tab::Normalization => Key::Normalization,
        Tab::Keywords => Key::Keywords,
        Tab::Trends => Key::Trends,
        Tab::Concordance => Key::Concordance,
        Tab::Collocates => Key::Collocates,
        Tab::Entities => Key::Entities,
        Tab::Documents => Key::Documents,
        Tab::Reader => Key::Reader,
    }
}

fn send_text(handle: &Handle, dispatch: &Callback<Action>, text: String) {
    if text.trim().is_empty() {
        return;
    }
    let job = handle.job_id();
    let name = format!("{}-{job}.txt", Lang::Vi.t(Key::Pasted));
    dispatch.emit(Action::JobStarted {
        job,
        name: name.clone(),
        total: text.len() as u64,
    });
    handle.send(&Request::AddText { job, name, text }, None);
}

#[derive(Properties, PartialEq)]
struct WithState {
    state: Rc<State>,
    #[prop_or_default]
    handle: Option<Handle>,
    #[prop_or_default]
    dispatch: Option<Callback<Action>>,
}

#[derive(Properties, PartialEq)]
struct PasteProps {
    lang: Lang,
    handle: Handle,
    dispatch: Callback<Action>,
}

#[component]
fn PastePanel(p: &PasteProps) -> Html {
    let area = use_node_ref();
    let lang = p.lang;
    let on_add = {
        let area = area.clone();
        let handle = p.handle.clone();
        let dispatch = p.dispatch.clone();
        Callback::from(move |_| {
            if let Some(el) = area.cast::<HtmlTextAreaElement>() {
                send_text(&handle, &dispatch, el.value());
                el.set_value("");
                dispatch.emit(Action::Pasting(false));
            }
        })
    };
    let on_close = {
        let dispatch = p.dispatch.clone();
        Callback::from(move |_| dispatch.emit(Action::Pasting(false)))
    };
    html! {
        <div class="paste-panel">
            <textarea ref={area} id="paste-text" rows="8" placeholder={lang.t(Key::PastePlaceholder)}
                aria-label={lang.t(Key::PasteText)} />
            <div class="row">
                <button class="button primary" id="paste-add" onclick={on_add}>{lang.t(Key::AddPasted)}</button>
                <button class="button" onclick={on_close}>{lang.t(Key::Close)}</button>
            </div>
        </div>
    }
}

#[component]
fn Status(p: &WithState) -> Html {
    let s = &p.state;
    let lang = s.lang;
    let (Some(handle), Some(dispatch)) = (p.handle.clone(), p.dispatch.clone()) else {
        return html! {};
    };
    html! {
        <div class="status" aria-live="polite">
            if let Some(msg) = &s.crashed {
                <div class="notice error" role="alert">{lang.t(Key::WorkerCrashed)}<code>{msg.clone()}</code></div>
            }
            if !s.ready && s.crashed.is_none() {
                <div class="notice">{lang.t(Key::Starting)}</div>
            }
            { for s.jobs.iter().map(|(&job, j)| {
                let pct = if j.total == 0 { 0.0 } else { (j.done as f64 * 100.0 / j.total as f64).min(100.0) };
                let handle = handle.clone();
                html! {
                    <div class="job" data-job={job.to_string()}>
                        <span class="job-label">{format!("{} {} ", lang.t(Key::Analyzing), j.name)}</span>
                        <progress max="100" value={format!("{pct:.0}")}></progress>
                        <span class="job-pct">{format!("{pct:.0}%")}</span>
                        <button class="button small cancel" onclick={Callback::from(move |_| handle.send(&Request::Cancel { job }, None))}>
                            {lang.t(Key::Cancel)}
                        </button>
                    </div>
                }
            }) }
            { for s.notices.iter().rev().take(20).map(|(id, n)| {
                let (class, text) = match n {
                    Notice::Refused { name, reason } => ("notice error refused", lang.refusal(name, reason)),
                    Notice::Warned { name, warning } => ("notice warn", lang.warning(name, warning)),
                    Notice::NotSaved { name, reason } => ("notice error not-saved", lang.not_saved(name, reason)),
                    Notice::RowProblem { file, line, issue } => (
                        if matches!(issue, crate::protocol::RowIssue::BadDate { .. }) { "notice warn row-problem" } else { "notice error row-problem" },
                        lang.row_problem(file, *line, issue),
                    ),
                    Notice::JobDone { added, bytes, elapsed_ms, cancelled, .. } =>
                        (if *cancelled { "notice done cancelled" } else { "notice done" },
                         lang.job_done(*added, *bytes, *elapsed_ms, *cancelled)),
                };
                // Machine-readable figures for the in-browser benchmark.
                let (bytes, ms) = match n {
                    Notice::JobDone { bytes, elapsed_ms, prepare_ms, .. } => (Some(bytes.to_string()), Some(format!("{elapsed_ms:.1} {prepare_ms:.1}"))),
                    _ => (None, None),
                };
                let dispatch = dispatch.clone();
                let id = *id;
                html! {
                    <div key={id.to_string()} class={class} data-bytes={bytes} data-ms={ms}>
                        <span>{text}</span>
                        <button class="link" aria-label={lang.t(Key::Dismiss)} onclick={Callback::from(move |_| dispatch.emit(Action::Dismiss(id)))}>{"×"}</button>
                    </div>
                }
            }) }
        </div>
    }
}

/// The columns of a record file: the worker waits until they are chosen. A choice made
/// before for the same header is sent without asking.
#[component]
fn ColumnsDialog(p: &WithState) -> Html {
    let s = &p.state;
    let lang = s.lang;
    let (Some(handle), Some(dispatch)) = (p.handle.clone(), p.dispatch.clone()) else {
        return html! {};
    };
    let ask = s.ask_columns.clone();
    {
        let (handle, dispatch) = (handle.clone(), dispatch.clone());
        use_effect_with(ask.clone(), move |ask| {
            if let Some(a) = ask.as_ref().filter(|a| a.remembered) {
                handle.send(
                    &Request::SetColumns {
                        job: a.job,
                        columns: Some(a.proposal.clone()),
                    },
                    None,
                );
                dispatch.emit(Action::ColumnsChosen(Some(a.proposal.clone())));
            }
        });
    }
    let Some(a) = ask.filter(|a| !a.remembered) else {
        return html! {};
    };
    let fields = [
        ("text", Key::ColumnText, a.proposal.text.clone()),
        ("date", Key::ColumnDate, a.proposal.date.clone()),
        ("source", Key::ColumnSource, a.proposal.source.clone()),
        ("title", Key::ColumnTitle, a.proposal.title.clone()),
    ];
    let read = |field: &str| -> Option<String> {
        let el = gloo::utils::document().get_element_by_id(&format!("col-{field}"))?;
        let v = el.dyn_into::<web_sys::HtmlSelectElement>().ok()?.value();
        (!v.is_empty()).then_some(v)
    };
    let load = {
        let (handle, dispatch) = (handle.clone(), dispatch.clone());
        let job = a.job;
        let key = crate::protocol::Columns::header_key(&a.header);
        let (remembered, analysis) = (s.columns.clone(), s.analysis);
        Callback::from(move |_| {
            let columns = crate::protocol::Columns {
                text: read("text"),
                date: read("date"),
                source: read("source"),
                title: read("title"),
            };
            handle.send(
                &Request::SetColumns {
                    job,
                    columns: Some(columns.clone()),
                },
                None,
            );
            // Remembered with the settings, for the next file with this header.
            let mut remembered = remembered.clone();
            remembered.retain(|(k, _)| *k != key);
            remembered.push((key.clone(), columns.clone()));
            let settings = crate::protocol::Settings {
                lang: Some(lang),
                analysis,
                columns: remembered,
            };
            handle.send(&Request::SaveSettings { settings }, None);
            dispatch.emit(Action::ColumnsChosen(Some(columns)));
        })
    };
    let skip = {
        let job = a.job;
        Callback::from(move |_| {
            handle.send(&Request::SetColumns { job, columns: None }, None);
            dispatch.emit(Action::ColumnsChosen(None));
        })
    };
    html! {
        <div class="modal" role="dialog" aria-modal="true" aria-labelledby="columns-title" id="columns-dialog">
            <div class="modal-box">
                <h2 id="columns-title">{format!("{}: {}", lang.t(Key::ColumnsTitle), a.file)}</h2>
                <p class="hint">{lang.t(Key::ColumnsHelp)}</p>
                { for fields.iter().map(|(field, key, chosen)| html! {
                    <label class="column-choice">
                        <span>{lang.t(*key)}</span>
                        <select id={format!("col-{field}")} data-field={*field}>
                            if *field != "text" {
                                <option value="" selected={chosen.is_none()}>{lang.t(Key::ColumnNone)}</option>
                            }
                            { for a.header.iter().map(|h| html! {
                                <option value={h.clone()} selected={chosen.as_deref() == Some(h.as_str())}>{h.clone()}</option>
                            }) }
                        </select>
                    </label>
                }) }
                <div class="modal-actions">
                    <button class="button primary" id="columns-load" onclick={load}>{lang.t(Key::ColumnsLoad)}</button>
                    <button class="button" id="columns-skip" onclick={skip}>{lang.t(Key::ColumnsSkip)}</button>
                </div>
            </div>
        </div>
    }
}

#[component]
fn DocList(p: &WithState) -> Html {
    // Hooks first, unconditionally.
    let filter = use_state(String::new);
    let sort = use_state(|| "added".to_owned());
    let top_row = use_state(|| 0usize);
    let (pad_above, pad_below) = (use_node_ref(), use_node_ref());
    let s = &p.state;
    let lang = s.lang;
    // Filter and sort what is shown (the corpus is not changed); a long list is drawn a
    // window at a time, rows of a fixed height, so 20,000 documents scroll as fast as 20.
    // Kept until the corpus, the filter or the order changes: a scroll only moves the window.
    let order = {
        let corpus = Rc::clone(&s.corpus);
        use_memo(
            (s.corpus_version, (*filter).clone(), (*sort).clone()),
            move |(_, filter, sort)| {
                let needle = filter.to_lowercase();
                let docs = &corpus.docs;
                let mut order: Vec<usize> = (0..docs.len())
                    .filter(|&i| crate::ui::state::doc_matches(&docs[i], &needle))
                    .collect();
                match sort.as_str() {
                    "date" => order.sort_by(|&a, &b| docs[a].date.cmp(&docs[b].date)),
                    "title" => order.sort_by(|&a, &b| docs[a].title.cmp(&docs[b].title)),
                    "size" => order.sort_by_key(|&i| std::cmp::Reverse(docs[i].words)),
                    _ => {}
                }
                order
            },
        )
    };
    let shown: Vec<&crate::protocol::DocSummary> =
        order.iter().map(|&i| &s.corpus.docs[i]).collect();
    let windowed = shown.len() > DOC_WINDOW_FROM;
    let (first, last) = if windowed {
        let first = (*top_row).min(shown.len().saturating_sub(1));
        (first, (first + DOC_WINDOW).min(shown.len()))
    } else {
        (0, shown.len())
    };
    let on_scroll = {
        let top_row = top_row.clone();
        Callback::from(move |e: Event| {
            let el: web_sys::Element = e.target_unchecked_into();
            let row = (el.scroll_top().max(0) as f64 / DOC_ROW_PX).floor() as usize;
            // A few rows above the first visible one, so a small scroll shows no gap.
            top_row.set(row.saturating_sub(DOC_WINDOW / 4));
        })
    };
    let on_filter = {
        let filter = filter.clone();
        let top_row = top_row.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            filter.set(input.value());
            top_row.set(0);
        })
    };
    let on_sort = {
        let sort = sort.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            sort.set(sel.value());
        })
    };
    {
        // The rows not drawn keep their room, so the scroll bar is the whole list's. Set
        // through the CSSOM: the page's CSP refuses style attributes.
        let (above, below) = (pad_above.clone(), pad_below.clone());
        let rest = shown.len() - last;
        use_effect_with((first, rest, windowed), move |&(first, rest, windowed)| {
            if windowed {
                for (pad, rows) in [(above, first), (below, rest)] {
                    if let Some(el) = pad.cast::<web_sys::HtmlElement>() {
                        let px = format!("{}px", rows as f64 * DOC_ROW_PX);
                        let _ = el.style().set_property("height", &px);
                    }
                }
            }
        });
    }
    let (Some(handle), Some(dispatch)) = (p.handle.clone(), p.dispatch.clone()) else {
        return html! {};
    };
    html! {
        <aside class="sidebar">
            // Open by default; on a phone the list folds away above the views.
            <details class="sidebar-box" id="doc-box" open=true>
            <summary><h2>{format!("{} ({})", lang.t(Key::Documents), s.corpus.docs.len())}</h2></summary>
            <p class="hint">{lang.t(Key::DropHint)}</p>
            if let Some((usage, quota)) = s.storage {
                <p class="hint storage">{lang.storage(usage, quota)}</p>
            }
            if s.ready && !s.persistent {
                <p class="notice warn">{lang.t(Key::NoStorage)}</p>
            }
            if s.corpus.docs.is_empty() && s.jobs.is_empty() {
                <p class="empty">{lang.t(Key::NoDocuments)}</p>
            }
            if s.corpus.docs.len() > 1 {
                <div class="doc-tools">
                    <input type="search" id="doc-filter" placeholder={lang.t(Key::Filter)} aria-label={lang.t(Key::Filter)} oninput={on_filter} />
                    <select id="doc-sort" aria-label={lang.t(Key::SortBy)} onchange={on_sort}>
                        <option value="added" selected={*sort == "added"}>{lang.t(Key::SortAdded)}</option>
                        <option value="date" selected={*sort == "date"}>{lang.t(Key::DocDate)}</option>
                        <option value="title" selected={*sort == "title"}>{lang.t(Key::ColumnTitle)}</option>
                        <option value="size" selected={*sort == "size"}>{lang.t(Key::SortSize)}</option>
                    </select>
                    if shown.len() != s.corpus.docs.len() {
                        <span class="hint" id="doc-shown">{format!("{} / {}", lang.num(shown.len() as u64), lang.num(s.corpus.docs.len() as u64))}</span>
                    }
                </div>
            }
            <ul class={classes!("docs", windowed.then_some("windowed"))} id="doc-list" data-total={s.corpus.docs.len().to_string()} data-shown={shown.len().to_string()} onscroll={on_scroll}>
                if windowed {
                    <li class="pad" aria-hidden="true" ref={pad_above.clone()}></li>
                }
                { for shown[first..last].iter().map(|d| {
                    let id = d.id;
                    let remove = {
                        let handle = handle.clone();
                        Callback::from(move |_| handle.send(&Request::Remove { doc: id }, None))
                    };
                    let select = {
                        let dispatch = dispatch.clone();
                        Callback::from(move |_| dispatch.emit(Action::Select(id)))
                    };
                    let selected = s.selected == Some(id);
                    html! {
                        <li class={classes!("doc", selected.then_some("selected"))} data-doc={id.to_string()}>
                            <button class="doc-open" onclick={select}>
                                <span class="doc-title">{d.title.clone()}</span>
                                <span class="doc-name">{d.name.clone()}</span>
                                if d.date.is_some() || d.source.is_some() || d.group.is_some() {
                                    <span class="doc-when">
                                        if let Some(date) = &d.date {
                                            <span class="doc-date" data-inferred={d.date_inferred.to_string()}
                                                title={d.date_inferred.then(|| lang.t(Key::DateInferred))}>
                                                {if d.date_inferred { format!("≈ {date}") } else { date.clone() }}
                                            </span>
                                        }
                                        if let Some(src) = &d.source {
                                            <span class="doc-source">{src.clone()}</span>
                                        }
                                        if let Some(g) = &d.group {
                                            <span class="doc-group">{g.clone()}</span>
                                        }
                                    </span>
                                }
                                <span class="doc-meta">
                                    {format!("{} {} · {}", lang.num(d.syllables), lang.t(Key::StatSyllables).to_lowercase(), lang.size(d.bytes))}
                                    if !d.saved && s.persistent {
                                        <span class="badge unsaved">{lang.t(Key::NotSavedBadge)}</span>
                                    }
                                </span>
                            </button>
                            <button class="doc-remove link" title={lang.t(Key::Remove)}
                                aria-label={format!("{} {}", lang.t(Key::Remove), d.name)} onclick={remove}>{"×"}</button>
                        </li>
                    }
                }) }
                if windowed {
                    <li class="pad" aria-hidden="true" ref={pad_below.clone()}></li>
                }
            </ul>
            </details>
        </aside>
    }
}

/// The Overview's table of distinctive words shows this many documents.
const DISTINCTIVE_ROWS: usize = 100;

/// Above this many documents the list is drawn a window at a time.
const DOC_WINDOW_FROM: usize = 300;
/// Rows drawn at a time in a windowed list.
const DOC_WINDOW: usize = 120;
/// The height of a row in a windowed list (the CSS's `.docs.windowed .doc`).
const DOC_ROW_PX: f64 = 72.0;

#[component]
fn Overview(p: &WithState) -> Html {
    let s = &p.state;
    let lang = s.lang;
    let c = &s.corpus;
    let stat = |key: Key, value: u64, id: &'static str| {
        html! {
            <div class="stat" data-stat={id}>
                <span class="stat-value">{lang.num(value)}</span>
                <span class="stat-label">{lang.t(key)}</span>
            </div>
        }
    };
    html! {
        <div class="overview">
            <div class="stats">
                {stat(Key::StatDocuments, c.documents, "documents")}
                {stat(Key::StatParagraphs, c.paragraphs, "paragraphs")}
                {stat(Key::StatSentences, c.sentences, "sentences")}
                {stat(Key::StatSyllables, c.syllables, "syllables")}
                {stat(Key::StatTypes, c.types, "types")}
                {stat(Key::StatChars, c.chars, "chars")}
                {stat(Key::StatWords, c.words, "words")}
                {stat(Key::StatWordTypes, c.word_types, "word_types")}
                {stat(Key::Hapaxes, c.hapaxes, "hapaxes")}
                <div class="stat" data-stat="ttr">
                    <span class="stat-value">{lang.dec(if c.words > 0 { c.word_types as f64 / c.words as f64 } else { 0.0 }, 3)}</span>
                    <span class="stat-label">{lang.t(Key::Ttr)}</span>
                </div>
                <div class="stat" data-stat="avg_sentence">
                    <span class="stat-value">{lang.dec(if c.sentences > 0 { c.words as f64 / c.sentences as f64 } else { 0.0 }, 1)}</span>
                    <span class="stat-label">{lang.t(Key::AvgSentence)}</span>
                </div>
            </div>
            if c.docs.len() > 1 {
                <h2>{lang.t(Key::Distinctive)}</h2>
                <table class="data distinctive" id="distinctive">
                    <tbody>
                        // The first documents only: a table of 20,000 rows says nothing at a glance.
                        { for c.docs.iter().take(DISTINCTIVE_ROWS).map(|d| html! {
                            <tr data-doc={d.id.to_string()}>
                                <td class="doc-name">{d.name.clone()}</td>
                                <td class="terms">{d.distinctive.join(" · ")}</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                if c.docs.len() > DISTINCTIVE_ROWS {
                    <p class="hint">{format!("{} / {}", lang.num(DISTINCTIVE_ROWS as u64), lang.num(c.docs.len() as u64))}</p>
                }
            }
            <h2>{lang.t(Key::TopWords)}</h2>
            {terms_table(lang, "top-words", Key::Word, &c.top_words[..c.top_words.len().min(30)])}
            <h2>{lang.t(Key::TopSyllables)}</h2>
            {terms_table(lang, "top-terms", Key::Term, &c.top)}
        </div>
    }
}

/// A ranked table of terms with a bar for each count.
fn terms_table(
    lang: Lang,
    id: &'static str,
    head: Key,
    terms: &[crate::protocol::TermCount],
) -> Html {
    let max = terms.first().map_or(1, |t| t.count.max(1));
    html! {
        <table class="top-terms" id={id}>
            <thead><tr><th>{lang.t(Key::Rank)}</th><th>{lang.t(head)}</th><th>{lang.t(Key::Count)}</th><th aria-hidden="true"></th></tr></thead>
            <tbody>
                { for terms.iter().enumerate().map(|(i, tc)| html! {
                    <tr>
                        <td class="num">{i + 1}</td>
                        <td class="term">{tc.term.clone()}</td>
                        <td class="num count">{lang.num(tc.count)}</td>
                        <td class="bar-cell" aria-hidden="true">
                            // An SVG bar, not a style attribute: the page's CSP allows no inline styles.
                            <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" focusable="false">
                                <rect width={format!("{:.1}", tc.count as f64 * 100.0 / max as f64)} height="10" />
                            </svg>
                        </td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}

#[component]
fn Reader(p: &WithState) -> Html {
    // Hooks first, unconditionally.
    let dict_area = use_node_ref();
    let s = &p.state;
    // Bring a concordance hit into view (and focus) once its page is shown.
    {
        let shown = s.mark.is_some() && s.page.is_some();
        use_effect_with((s.mark, shown), |(_, shown)| {
            if *shown {
                if let Ok(Some(el)) = gloo::utils::document().query_selector(".reader-text .hit") {
                    el.scroll_into_view();
                    if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
                        let _ = el.focus();
                    }
                }
            }
        });
    }
    let lang = s.lang;
    let (Some(handle), Some(dispatch)) = (p.handle.clone(), p.dispatch.clone()) else {
        return html! {};
    };
    let Some(doc) = s
        .selected
        .and_then(|id| s.corpus.docs.iter().find(|d| d.id == id))
    else {
        return html! { <p class="empty">{lang.t(Key::PickDocument)}</p> };
    };
    let go = |page: usize| {
        let handle = handle.clone();
        let id = doc.id;
        Callback::from(move |_| handle.send(&Request::Read { doc: id, page }, None))
    };
    let set_date = {
        let handle = handle.clone();
        let id = doc.id;
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let v = input.value();
            let date = (!v.trim().is_empty()).then_some(v);
            handle.send(&Request::SetDate { doc: id, date }, None);
        })
    };
    let toggle_words = {
        let dispatch = dispatch.clone();
        let on = s.show_words;
        Callback::from(move |_| dispatch.emit(Action::ShowWords(!on)))
    };
    let toggle_entities = {
        let dispatch = dispatch.clone();
        let hidden = s.hide_entities;
        Callback::from(move |_| dispatch.emit(Action::HideEntities(!hidden)))
    };
    let save_dict = {
        let area = dict_area.clone();
        let handle = handle.clone();
        let dispatch = dispatch.clone();
        Callback::from(move |_| {
            if let Some(entries) = widgets::textarea_lines(&area) {
                handle.send(
                    &Request::SetDictionary {
                        entries: entries.clone(),
                    },
                    None,
                );
                dispatch.emit(Action::SetDictionary(entries));
            }
        })
    };
    html! {
        <article class={classes!("reader", s.show_words.then_some("show-words"))}>
            <h2 class="reader-title">{doc.title.clone()}</h2>
            <p class="doc-name">{format!("{} · {}", doc.name, doc.encoding.clone().unwrap_or_default())}</p>
            <p class="doc-facts">
                <label class="check">{lang.t(Key::DocDate)}
                    <input type="date" id="doc-date" value={doc.date.clone().unwrap_or_default()}
                        title={doc.date_inferred.then(|| lang.t(Key::DateInferred))}
                        aria-label={lang.t(Key::SetDate)} onchange={set_date} />
                </label>
                if doc.date_inferred {
                    <span class="hint" id="doc-date-inferred">{lang.t(Key::DateInferred)}</span>
                }
                if let Some(src) = &doc.source {
                    <span class="doc-source">{format!("{}: {src}", lang.t(Key::DocSource))}</span>
                }
                if let Some(g) = &doc.group {
                    <span class="doc-group">{format!("{}: {g}", lang.t(Key::DocGroup))}</span>
                }
            </p>
            <div class="row">
                <button class="button small" id="toggle-words" aria-pressed={s.show_words.to_string()} onclick={toggle_words}>{lang.t(Key::ShowWords)}</button>
                <button class="button small" id="toggle-entities" aria-pressed={(!s.hide_entities).to_string()} onclick={toggle_entities}>{lang.t(Key::ShowEntities)}</button>
                if !s.hide_entities {
                    <span class="legend" id="entity-legend">
                        { for [EntityType::Per, EntityType::Org, EntityType::Loc, EntityType::Date, EntityType::Event, EntityType::Role, EntityType::Acronym].into_iter().map(|k| html! {
                            <mark class="ent" data-type={k.id()}>{lang.entity_type(k)}</mark>
                        }) }
                    </span>
                }
            </div>
            if let Some(page) = &s.page {
                <div class="reader-text">
                    { for page.paragraphs.iter().enumerate().map(|(i, para)| {
                        let index = page.page * READER_PAGE + i;
                        let mark = s.mark.filter(|m| m.doc == doc.id && m.para == index).map(|m| m.start as usize..m.end as usize);
                        let ents = if s.hide_entities { &[][..] } else { page.entities.get(i).map(Vec::as_slice).unwrap_or_default() };
                        html! {
                            <p data-para={index.to_string()}>
                                { paragraph_words(lang, para, page.words.get(i).map(Vec::as_slice).unwrap_or_default(), ents, mark) }
                            </p>
                        }
                    }) }
                </div>
                {widgets::pager(lang, page.page, page.pages, go)}
            }
            <details class="dictionary">
                <summary>{format!("{} ({})", lang.t(Key::UserDictionary), s.dictionary.len())}</summary>
                <p class="hint">{lang.t(Key::DictionaryHelp)}</p>
                <textarea ref={dict_area} id="dictionary" rows="5" aria-label={lang.t(Key::UserDictionary)}
                    value={s.dictionary.join("\n")} />
                <div class="row"><button class="button primary" id="dictionary-save" onclick={save_dict}>{lang.t(Key::SaveDictionary)}</button></div>
            </details>
        </article>
    }
}

/// A paragraph as text with each word in a span (its syllables and kind on hover or focus);
/// named entities in a `mark` coloured by type; words overlapping `mark` (a concordance hit)
/// are marked. An entity may begin inside a word the segmenter glued to a title
/// ("Trưởng_Ban"): the word is then shown as two spans.
fn paragraph_words(
    lang: Lang,
    para: &str,
    words: &[crate::protocol::WordView],
    ents: &[crate::protocol::Highlight],
    mark: Option<std::ops::Range<usize>>,
) -> Html {
    // Pieces of the paragraph: (range, word index), cut at word and entity boundaries.
    let mut cuts: Vec<usize> = vec![0, para.len()];
    for w in words {
        cuts.push(w.start as usize);
        cuts.push(w.end as usize);
    }
    for e in ents {
        cuts.push(e.start as usize);
        cuts.push(e.end as usize);
    }
    cuts.retain(|&c| c <= para.len() && para.is_char_boundary(c));
    cuts.sort_unstable();
    cuts.dedup();
    let mut wi = 0;
    let mut ei = 0;
    let mut out: Vec<Html> = Vec::new();
    let mut group: Vec<Html> = Vec::new();
    let mut group_ent: Option<usize> = None;
    let flush = |out: &mut Vec<Html>, group: &mut Vec<Html>, ent: Option<usize>| {
        if group.is_empty() {
            return;
        }
        let children = std::mem::take(group);
        match ent.and_then(|i| ents.get(i)) {
            Some(e) => {
                let tip = format!("{}: {}", lang.entity_type(e.kind), e.canonical);
                out.push(html! {
                    <mark class="ent" data-type={e.kind.id()} data-canonical={e.canonical.clone()} title={tip}>{ for children }</mark>
                });
            }
            None => out.extend(children),
        }
    };
    for pair in cuts.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if a >= b {
            continue;
        }
        while wi < words.len() && (words[wi].end as usize) <= a {
            wi += 1;
        }
        while ei < ents.len() && (ents[ei].end as usize) <= a {
            ei += 1;
        }
        let ent = ents
            .get(ei)
            .filter(|e| (e.start as usize) <= a && b <= e.end as usize)
            .map(|_| ei);
        if ent != group_ent {
            flush(&mut out, &mut group, group_ent);
            group_ent = ent;
        }
        let piece = para[a..b].to_owned();
        match words
            .get(wi)
            .filter(|w| (w.start as usize) <= a && b <= w.end as usize)
        {
            Some(w) => {
                let word = &para[w.start as usize..w.end as usize];
                let syllables = word.split_whitespace().collect::<Vec<_>>().join(" · ");
                let tip = format!("{} — {}", syllables, lang.token_kind(&w.kind));
                let hit = mark.as_ref().is_some_and(|m| a < m.end && m.start < b);
                group.push(html! {
                    <span class={classes!("w", (w.tokens > 1).then_some("multi"), hit.then_some("hit"))} data-kind={w.kind.clone()} data-tip={tip} tabindex="0">{piece}</span>
                });
            }
            None => group.push(html! { {piece} }),
        }
    }
    flush(&mut out, &mut group, group_ent);
    html! { <>{ for out }</> }
}

#[component]
fn NormalizationView(p: &WithState) -> Html {
    let s = &p.state;
    let lang = s.lang;
    let (Some(handle), Some(dispatch)) = (p.handle.clone(), p.dispatch.clone()) else {
        return html! {};
    };
    let settings_form = {
        let a = s.analysis;
        let change = {
            let handle = handle.clone();
            let dispatch = dispatch.clone();
            let columns = s.columns.clone();
            move |next: crate::protocol::AnalysisSettings| {
                dispatch.emit(Action::SetAnalysis(next));
                let settings = crate::protocol::Settings {
                    lang: Some(lang),
                    analysis: next,
                    columns: columns.clone(),
                };
                handle.send(&Request::SaveSettings { settings }, None);
            }
        };
        let checkbox =
            |id: &'static str,
             label: Key,
             on: bool,
             set: fn(&mut crate::protocol::AnalysisSettings, bool)| {
                let change = change.clone();
                let onchange = Callback::from(move |e: Event| {
                    let input: HtmlInputElement = e.target_unchecked_into();
                    let mut next = a;
                    set(&mut next, input.checked());
                    change(next);
                });
                html! {
                    <label class="check"><input type="checkbox" id={id} checked={on} {onchange} />{lang.t(label)}</label>
                }
            };
        let on_tone = {
            let change = change.clone();
            Callback::from(move |e: Event| {
                let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
                change(crate::protocol::AnalysisSettings {
                    modern_tones: sel.value() == "modern",
                    ..a
                });
            })
        };
        html! {
            <fieldset class="settings">
                <legend>{lang.t(Key::NormSettings)}</legend>
                <label class="check">{lang.t(Key::ToneStyle)}
                    <select id="tone-style" onchange={on_tone}>
                        <option value="traditional" selected={!a.modern_tones}>{lang.t(Key::ToneTraditional)}</option>
                        <option value="modern" selected={a.modern_tones}>{lang.t(Key::ToneModern)}</option>
                    </select>
                </label>
                {checkbox("rule-tone", Key::RuleToneMarks, a.tone_marks, |x, v| x.tone_marks = v)}
                {checkbox("rule-glued", Key::RuleGlued, a.glued, |x, v| x.glued = v)}
                {checkbox("rule-punctuation", Key::RulePunctuation, a.punctuation, |x, v| x.punctuation = v)}
                {checkbox("rule-d", Key::RuleDStroke, a.d_stroke, |x, v| x.d_stroke = v)}
                {checkbox("rule-spaces", Key::RuleSpaces, a.spaces, |x, v| x.spaces = v)}
                {checkbox("rule-boilerplate", Key::RuleBoilerplate, a.exclude_boilerplate, |x, v| x.exclude_boilerplate = v)}
            </fieldset>
        }
    };
    let on_scope = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let sel: web_sys::HtmlSelectElement = e.target_unchecked_into();
            dispatch.emit(Action::NormScope(sel.value().parse().ok()));
        })
    };
    let scope_select = html! {
        <label class="check">{lang.t(Key::Scope)}
            <select id="norm-scope" onchange={on_scope}>
                <option value="" selected={s.norm_scope.is_none()}>{lang.t(Key::WholeCorpus)}</option>
                { for s.corpus.docs.iter().map(|d| html! {
                    <option value={d.id.to_string()} selected={s.norm_scope == Some(d.id)}>{d.name.clone()}</option>
                }) }
            </select>
        </label>
    };
    let Some(v) = &s.norm else {
        return html! { <div class="normalization">{settings_form}{scope_select}<p class="empty">{lang.t(Key::Analyzing)}{"…"}</p></div> };
    };
    let doc_name = |id: u32| {
        s.corpus
            .docs
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.name.clone())
            .unwrap_or_default()
    };
    let go = |page: usize| {
        let handle = handle.clone();
        let doc = v.doc;
        Callback::from(move |_| handle.send(&Request::Normalization { doc, page }, None))
    };
    html! {
        <div class="normalization">
            {settings_form}
            {scope_select}
            <h2>{lang.t(Key::ChangesByKind)}</h2>
            <table class="norm-counts" id="norm-counts">
                <tbody>
                    { for v.counts.iter().map(|(kind, n)| html! {
                        <tr data-kind={kind.clone()}><td>{lang.change_kind(kind)}</td><td class="num">{lang.num(*n)}</td></tr>
                    }) }
                </tbody>
            </table>
            if !v.encodings.is_empty() {
                <h2>{lang.t(Key::Encodings)}</h2>
                <table class="encodings" id="encodings">
                    <thead><tr><th>{lang.t(Key::Documents)}</th><th>{lang.t(Key::Encoding)}</th><th>{lang.t(Key::Confidence)}</th><th>{lang.t(Key::DecodeAs)}</th></tr></thead>
                    <tbody>
                        { for v.encodings.iter().map(|e| {
                            let handle = handle.clone();
                            let doc = e.doc;
                            let onchange = Callback::from(move |ev: Event| {
                                let sel: web_sys::HtmlSelectElement = ev.target_unchecked_into();
                                let value = sel.value();
                                let encoding = (!value.is_empty()).then_some(value);
                                handle.send(&Request::SetEncoding { doc, encoding }, None);
                            });
                            html! {
                                <tr data-doc={e.doc.to_string()}>
                                    <td>{e.name.clone()}</td>
                                    <td class="encoding-label">{format!("{} {}", lang.t(Key::DecodedAs), e.encoding)}</td>
                                    <td class="num">{format!("{}%", lang.dec(e.confidence as f64 * 100.0, 0))}</td>
                                    <td>
                                        <select class="encoding-override" aria-label={lang.t(Key::DecodeAs)} {onchange}>
                                            <option value="" selected={!e.overridden}>{lang.t(Key::Detect)}</option>
                                            { for crate::protocol::Encoding::ALL.iter().map(|enc| html! {
                                                <option value={enc.label()} selected={e.overridden && e.encoding == enc.label()}>{enc.label()}</option>
                                            }) }
                                        </select>
                                    </td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            }
            <h2>{format!("{} ({})", lang.t(Key::ChangesInContext), lang.num(v.recorded))}</h2>
            <ol class="changes" id="changes" start={(v.page * crate::protocol::views::CHANGES_PAGE + 1).to_string()}>
                { for v.changes.iter().map(|c| html! {
                    <li data-kind={c.kind.clone()} data-offset={c.start_utf16.to_string()}>
                        <span class="kind">{lang.change_kind(&c.kind)}</span>
                        if v.doc.is_none() { <span class="doc-name">{doc_name(c.doc)}</span> }
                        <span class="ctx">{c.context_before.clone()}</span>
                        <del>{visible(&c.before)}</del>
                        <ins>{visible(&c.after)}</ins>
                        <span class="ctx">{c.context_after.clone()}</span>
                    </li>
                }) }
            </ol>
            {widgets::pager(lang, v.page, v.pages, go)}
            <h2>{lang.t(Key::FlaggedParagraphs)}</h2>
            <ul class="flagged" id="flagged">
                { for v.flagged.iter().map(|f| html! {
                    <li data-flag={f.flag.clone()}>
                        <span class="kind">{lang.flag(&f.flag)}</span>
                        if v.doc.is_none() { <span class="doc-name">{doc_name(f.doc)}</span> }
                        <span class="excluded">{if f.excluded { lang.t(Key::LeftOut) } else { lang.t(Key::Counted) }}</span>
                        <span class="para">{f.text.clone()}</span>
                    </li>
                }) }
            </ul>
            <h2>{lang.t(Key::NotSyllables)}</h2>
            <table class="unknown" id="unknown">
                <tbody>
                    { for v.unknown.iter().map(|u| html! {
                        <tr data-kind={u.kind.clone()}><td class="term">{u.token.clone()}</td><td>{lang.unknown_kind(&u.kind)}</td><td class="num">{lang.num(u.count)}</td></tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}

/// Make whitespace changes visible: "·" for a space, "⏎" for a line break, "∅" for nothing.
fn visible(s: &str) -> String {
    if s.is_empty() {
        return "∅".into();
    }
    s.chars()
        .map(|c| match c {
            ' ' => '·',
            '\n' => '⏎',
            '\r' => '␍',
            '\t' => '⇥',
            '\u{A0}' => '⍽',
            c if c.is_whitespace()
                || matches!(
                    c,
                    '\u{AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}'
                ) =>
            {
                '⌑'
            }
            c => c,
        })
        .collect()
}
