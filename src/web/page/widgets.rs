//! What the views share: their props, the synced-input hook, the pager, sortable headers,
//! export buttons (tables from the worker, charts as SVG or PNG), and concordance rows.

use super::bridge::{download, Handle};
use crate::protocol::{Request, TableFormat, TableRequest};
use crate::ui::i18n::{Key, Lang};
use crate::ui::state::{Action, Mark, State, Tab};
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

/// The non-blank lines of a textarea, trimmed (a list the user edits: dictionary, stopwords).
pub(crate) fn textarea_lines(area: &NodeRef) -> Option<Vec<String>> {
    let el = area.cast::<HtmlTextAreaElement>()?;
    Some(
        el.value()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect(),
    )
}

/// Props of every view here.
#[derive(Properties, PartialEq)]
pub struct ViewProps {
    /// The page's state.
    pub state: Rc<State>,
    /// The worker.
    pub handle: Handle,
    /// The reducer.
    pub dispatch: Callback<Action>,
}

/// An input or textarea the page keeps showing `value` (the request or list in force) unless
/// the user is typing in it. Yew's `value=` would write the committed value back on every
/// render (a view arriving) and wipe what the user is typing; this never touches a focused
/// element.
#[hook]
pub(crate) fn use_synced_input(value: String) -> NodeRef {
    let node = use_node_ref();
    {
        // After every render: the element may be new (the view below it changed).
        let node = node.clone();
        use_effect(move || {
            let focused = |el: &web_sys::Element| {
                gloo::utils::document()
                    .active_element()
                    .is_some_and(|a| a == *el)
            };
            if let Some(el) = node.cast::<HtmlInputElement>() {
                if el.value() != value && !focused(el.as_ref()) {
                    el.set_value(&value);
                }
            } else if let Some(el) = node.cast::<HtmlTextAreaElement>() {
                if el.value() != value && !focused(el.as_ref()) {
                    el.set_value(&value);
                }
            }
        });
    }
    node
}

/// Colours of series and cloud words (ColorBrewer Dark2, readable on white).
pub(crate) const PALETTE: [&str; 8] = [
    "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
];
pub(crate) const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

pub(crate) fn export_buttons(
    lang: Lang,
    handle: &Handle,
    table: TableRequest,
    id: &'static str,
) -> Html {
    let button = |format: TableFormat, key: Key| {
        let handle = handle.clone();
        let table = table.clone();
        let onclick = Callback::from(move |_| {
            handle.send(
                &Request::ExportTable {
                    table: table.clone(),
                    format,
                },
                None,
            )
        });
        let fmt = if format == TableFormat::Csv {
            "csv"
        } else {
            "json"
        };
        html! { <button class="button small" data-export={fmt} {onclick}>{lang.t(key)}</button> }
    };
    html! {
        <span class="exports" id={id}>
            <span class="label">{lang.t(Key::ExportTable)}</span>
            {button(TableFormat::Csv, Key::ExportCsv)}
            {button(TableFormat::Json, Key::ExportJson)}
        </span>
    }
}

/// SVG text of the chart with id `svg_id`, ready to stand alone.
pub(crate) fn svg_markup(svg_id: &str) -> Option<String> {
    let el = gloo::utils::document().get_element_by_id(svg_id)?;
    let s = web_sys::XmlSerializer::new().ok()?;
    s.serialize_to_string(&el).ok()
}

pub(crate) fn chart_buttons(lang: Lang, svg_id: &'static str, stem: &'static str) -> Html {
    let svg = Callback::from(move |_| {
        if let Some(markup) = svg_markup(svg_id) {
            download(&format!("{stem}.svg"), "image/svg+xml", &markup);
        }
    });
    let png = Callback::from(move |_| export_png(svg_id, stem));
    html! {
        <span class="exports chart-exports">
            <span class="label">{lang.t(Key::ExportChart)}</span>
            <button class="button small" data-export="svg" onclick={svg}>{lang.t(Key::ExportSvg)}</button>
            <button class="button small" data-export="png" onclick={png}>{lang.t(Key::ExportPng)}</button>
        </span>
    }
}

/// Draw the chart into a canvas at twice its size and offer it as a PNG. The SVG goes
/// through a `data:` URL (the page's CSP allows images from `data:`, not `blob:`).
pub(crate) fn export_png(svg_id: &str, stem: &'static str) {
    let Some(markup) = svg_markup(svg_id) else {
        return;
    };
    let Some(el) = gloo::utils::document().get_element_by_id(svg_id) else {
        return;
    };
    let (w, h) = view_box(&el).unwrap_or((800.0, 400.0));
    let Ok(img) = web_sys::HtmlImageElement::new() else {
        return;
    };
    let url = format!(
        "data:image/svg+xml;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(&markup))
    );
    let onload = {
        let img = img.clone();
        Closure::once(move || {
            let doc = gloo::utils::document();
            let Ok(canvas) = doc.create_element("canvas") else {
                return;
            };
            let canvas: web_sys::HtmlCanvasElement = canvas.unchecked_into();
            let scale = 2.0;
            canvas.set_width((w * scale) as u32);
            canvas.set_height((h * scale) as u32);
            let Some(ctx) = canvas
                .get_context("2d")
                .ok()
                .flatten()
                .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
            else {
                return;
            };
            ctx.set_fill_style_str("#ffffff");
            ctx.fill_rect(0.0, 0.0, w * scale, h * scale);
            let _ = ctx.draw_image_with_html_image_element_and_dw_and_dh(
                &img,
                0.0,
                0.0,
                w * scale,
                h * scale,
            );
            let Ok(data) = canvas.to_data_url_with_type("image/png") else {
                return;
            };
            let name = format!("{stem}.png");
            // A data: URL download needs no blob and no network.
            if let Ok(a) = doc.create_element("a") {
                let a: web_sys::HtmlAnchorElement = a.unchecked_into();
                a.set_href(&data);
                a.set_download(&name);
                let _ = gloo::utils::body().append_child(&a);
                a.click();
                a.remove();
            }
        })
    };
    img.set_onload(Some(onload.as_ref().unchecked_ref()));
    onload.forget();
    img.set_src(&url);
}

pub(crate) fn view_box(el: &web_sys::Element) -> Option<(f64, f64)> {
    let vb = el.get_attribute("viewBox")?;
    let v: Vec<f64> = vb
        .split_whitespace()
        .filter_map(|s| s.parse().ok())
        .collect();
    (v.len() == 4).then(|| (v[2], v[3]))
}

/// Previous / next page buttons (nothing for a single page).
pub(crate) fn pager(
    lang: Lang,
    page: usize,
    pages: usize,
    go: impl Fn(usize) -> Callback<MouseEvent>,
) -> Html {
    if pages <= 1 {
        return html! {};
    }
    html! {
        <nav class="pager">
            <button class="button" disabled={page == 0} onclick={go(page.saturating_sub(1))}>{lang.t(Key::PrevPage)}</button>
            <span>{format!("{} / {}", page + 1, pages)}</span>
            <button class="button" disabled={page + 1 >= pages} onclick={go(page + 1)}>{lang.t(Key::NextPage)}</button>
        </nav>
    }
}

/// A column header that sorts the table when pressed.
pub(crate) fn sort_header(
    label: &str,
    col: &'static str,
    active: bool,
    ascending: bool,
    onclick: Callback<MouseEvent>,
) -> Html {
    let aria = match (active, ascending) {
        (false, _) => "none",
        (true, true) => "ascending",
        (true, false) => "descending",
    };
    let arrow = match (active, ascending) {
        (false, _) => "",
        (true, true) => " ▲",
        (true, false) => " ▼",
    };
    html! {
        <th aria-sort={aria} data-col={col}>
            <button class="sort" {onclick}>{format!("{label}{arrow}")}</button>
        </th>
    }
}

pub(crate) fn fmt_opt(lang: Lang, v: Option<f64>, places: usize) -> String {
    match v {
        Some(v) if v.is_finite() => lang.dec(v, places),
        Some(v) if v > 0.0 => "∞".into(),
        Some(v) if v < 0.0 => "−∞".into(),
        _ => "—".into(),
    }
}

pub(crate) fn fmt_p(v: Option<f64>) -> String {
    match v {
        Some(p) if p < 0.0001 => "< 0.0001".into(),
        Some(p) => format!("{p:.4}"),
        None => "—".into(),
    }
}

/// Buttons that look a term up in the other views.
pub(crate) fn show_in(lang: Lang, dispatch: &Callback<Action>, term: &str) -> Html {
    let b = |tab: Tab, key: Key, cls: &'static str| {
        let dispatch = dispatch.clone();
        let term = term.to_owned();
        let label = format!("{} {}: {}", lang.t(Key::ShowIn), lang.t(key), term);
        html! {
            <button class={classes!("link", cls)} title={label.clone()} aria-label={label}
                onclick={Callback::from(move |_| dispatch.emit(Action::Explore(tab, term.clone())))}>
                {lang.t(key)}
            </button>
        }
    };
    html! {
        <span class="show-in">
            {b(Tab::Concordance, Key::Concordance, "to-kwic")}
            {b(Tab::Trends, Key::Trends, "to-trends")}
            {b(Tab::Collocates, Key::Collocates, "to-collocates")}
        </span>
    }
}

/// A file name without its extension, cut to `n` characters.
pub(crate) fn short(name: &str, n: usize) -> String {
    short_text(name.rsplit_once('.').map_or(name, |(s, _)| s), n)
}

/// `text` cut to `n` characters, with an ellipsis when cut.
pub(crate) fn short_text(text: &str, n: usize) -> String {
    if text.chars().count() > n {
        format!(
            "{}…",
            text.chars().take(n.saturating_sub(1)).collect::<String>()
        )
    } else {
        text.to_owned()
    }
}

/// Rows of concordance lines (the Concordance view, an entity's mentions): document, left
/// context, the match as a button that opens the Reader there, right context.
pub(crate) fn kwic_rows(
    lang: Lang,
    lines: &[crate::protocol::KwicLine],
    docs: &[crate::protocol::DocSummary],
    dispatch: &Callback<Action>,
) -> Html {
    let name_of = |id: u32| {
        docs.iter()
            .find(|d| d.id == id)
            .map(|d| d.name.clone())
            .unwrap_or_default()
    };
    html! {
        <>
        { for lines.iter().map(|l| {
            let dispatch = dispatch.clone();
            let mark = Mark { doc: l.doc, para: l.para, start: l.start, end: l.end };
            let label = format!("{}: {}", lang.t(Key::OpenInReader), l.matched);
            html! {
                <tr data-doc={l.doc.to_string()} data-para={l.para.to_string()}>
                    <td class="doc-name">{name_of(l.doc)}</td>
                    <td class="left"><div class="ctx">{l.left.clone()}</div></td>
                    <td class="match">
                        <button class="link hit" title={label.clone()} aria-label={label}
                            onclick={Callback::from(move |_| dispatch.emit(Action::OpenHit(mark)))}>{l.matched.clone()}</button>
                    </td>
                    <td class="right">{l.right.clone()}</td>
                </tr>
            }
        }) }
        </>
    }
}
