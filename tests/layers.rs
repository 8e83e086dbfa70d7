//! The layering rule, checked on the source: every folder of `src/` is a layer that imports
//! only the layers below it, no two files import each other (directly or round a loop), the
//! UI and the page see the engine only through the protocol, and serde lives only in the
//! protocol. The checker runs on the real tree and, to show that it can fail, on the tree
//! with a planted upward import and a planted cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers, lowest first. `cli` and `web` share the top and must not import each other.
const LAYERS: &[(&str, u32)] = &[
    ("text", 0),
    ("ingest", 1),
    ("wordseg", 2),
    ("words", 3),
    ("entities", 4),
    ("corpus", 5),
    ("query", 6),
    ("protocol", 7),
    ("ui", 8),
    ("cli", 9),
    ("web", 9),
];

/// What a layer may import besides itself and the layers below it: `None` = every lower
/// layer; `Some(list)` = only these (the UI computes nothing, so it sees only the wire).
/// Unit tests (`mod tests`) may build their fixtures from any lower layer.
fn allowed(layer: &str) -> Option<&'static [&'static str]> {
    match layer {
        "ui" => Some(&["protocol"]),
        "web/page" => Some(&["protocol", "ui", "web/console"]),
        _ => None,
    }
}

/// A module path such as `["query", "entities"]` (the crate root is empty).
type ModPath = Vec<String>;

struct File {
    rel: String,
    module: ModPath,
    code: String,
}

fn module_of(rel: &str) -> Option<ModPath> {
    let rel = rel.strip_prefix("src/")?;
    if rel.starts_with("bin/") {
        return None;
    }
    let stem = rel.strip_suffix(".rs")?;
    let mut parts: Vec<String> = stem.split('/').map(str::to_owned).collect();
    if parts.last().is_some_and(|p| p == "mod" || p == "lib") {
        parts.pop();
    }
    Some(parts)
}

/// Code without comments, strings and character literals (so a path in a doc comment or
/// a message is not an import).
fn strip(src: &str) -> String {
    let b: Vec<char> = src.chars().collect();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let next = b.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < b.len() {
                if b[i] == '/' && b.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if b[i] == '*' && b.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r' && (next == Some('#') || next == Some('"')) && !ident_before(&b, i) {
            let mut j = i + 1;
            let mut hashes = 0;
            while b.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if b.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            'raw: while j < b.len() {
                if b[j] == '"' && (0..hashes).all(|k| b.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break 'raw;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                if b[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{1F600}') or a lifetime ('a).
            if next == Some('\\') {
                // The escaped character is taken whatever it is ('\'', '\\').
                let mut j = i + 3;
                while j < b.len() && b[j] != '\'' {
                    j += 1;
                }
                i = j + 1;
                out.push_str("' '");
            } else if b.get(i + 2) == Some(&'\'') {
                i += 3;
                out.push_str("' '");
            } else {
                out.push(c);
                i += 1;
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(b: &[char], i: usize) -> bool {
    i > 0 && (b[i - 1].is_alphanumeric() || b[i - 1] == '_')
}

/// Expand a use tree (`a::{b, c::{d, e}}`) into paths.
fn expand(tree: &str) -> Vec<String> {
    // `a::B as C` names `a::B`.
    let tree = tree.replace(" as ", "@");
    let tree: String = tree.chars().filter(|c| !c.is_whitespace()).collect();
    let Some(open) = tree.find('{') else {
        return vec![tree];
    };
    let prefix = &tree[..open];
    let inner = &tree[open + 1..tree.len().saturating_sub(1)];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, ch) in inner.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(|p| {
            expand(p)
                .into_iter()
                .map(|q| format!("{prefix}{q}"))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Every path a file names that starts at `crate`, `super` or `self`, with the module it is
/// named from (inline modules such as `mod tests { use super::*; }` count).
fn references(file: &File) -> Vec<(ModPath, String)> {
    let code = &file.code;
    let bytes = code.as_bytes();
    // Inline modules: (name, brace depth inside it).
    let mut inline: Vec<(String, i32)> = Vec::new();
    let mut depth = 0i32;
    let mut out = Vec::new();
    let mut i = 0;
    let word_at = |i: usize, w: &str| {
        code[i..].starts_with(w)
            && (i == 0 || !is_ident(bytes[i - 1]))
            && !bytes.get(i + w.len()).is_some_and(|&c| is_ident(c))
    };
    let here = |inline: &Vec<(String, i32)>| {
        let mut m = file.module.clone();
        m.extend(inline.iter().map(|(n, _)| n.clone()));
        m
    };
    while i < bytes.len() {
        match bytes[i] {
            b'{' => {
                depth += 1;
                i += 1;
                continue;
            }
            b'}' => {
                if inline.last().is_some_and(|(_, d)| *d == depth) {
                    inline.pop();
                }
                depth -= 1;
                i += 1;
                continue;
            }
            _ => {}
        }
        if word_at(i, "mod") {
            let rest = &code[i + 3..];
            let name: String = rest
                .trim_start()
                .chars()
                .take_while(|&c| c.is_alphanumeric() || c == '_')
                .collect();
            let after = rest.trim_start()[name.len()..].trim_start();
            if !name.is_empty() && after.starts_with('{') {
                inline.push((name, depth + 1));
            }
            i += 3;
            continue;
        }
        if word_at(i, "use") {
            let end = code[i..].find(';').map_or(code.len(), |e| i + e);
            for p in expand(&code[i + 3..end]) {
                let p = p.split('@').next().unwrap_or("").to_owned();
                if p.starts_with("crate::") || p.starts_with("super::") || p.starts_with("self::") {
                    out.push((here(&inline), p));
                }
            }
            i = end;
            continue;
        }
        for root in ["crate::", "super::"] {
            if code[i..].starts_with(root) && (i == 0 || !is_ident(bytes[i - 1])) {
                let len = code[i..]
                    .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                    .unwrap_or(code.len() - i);
                out.push((here(&inline), code[i..i + len].to_owned()));
                i += len;
                break;
            }
        }
        i += 1;
    }
    out
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The absolute module path a reference names.
fn absolute(from: &ModPath, path: &str) -> ModPath {
    let mut segs = path.split("::").filter(|s| !s.is_empty() && *s != "*");
    let mut base: ModPath = match segs.next() {
        Some("crate") => Vec::new(),
        Some("self") => from.clone(),
        Some("super") => from[..from.len().saturating_sub(1)].to_vec(),
        _ => return Vec::new(),
    };
    for s in segs {
        if s == "super" {
            base.pop();
        } else {
            base.push(s.to_owned());
        }
    }
    base
}

/// The layer of a module: its top folder, or `web/<folder>` inside `web`.
fn layer(m: &ModPath) -> String {
    match m.first().map(String::as_str) {
        Some("web") if m.len() > 1 => format!("web/{}", m[1]),
        Some(top) => top.to_owned(),
        None => String::new(),
    }
}

fn rank(layer: &str) -> Option<u32> {
    let top = layer.split('/').next().unwrap_or("");
    LAYERS.iter().find(|(n, _)| *n == top).map(|&(_, r)| r)
}

/// Every violation of the rule in `files`.
fn check(files: &[File]) -> Vec<String> {
    let modules: BTreeMap<ModPath, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.module.clone(), i))
        .collect();
    let mut problems = Vec::new();
    let mut edges: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
    for (fi, f) in files.iter().enumerate() {
        if f.module.is_empty() {
            continue; // lib.rs declares the layers
        }
        let from_layer = layer(&f.module);
        for (at, r) in references(f) {
            let abs = absolute(&at, &r);
            // The file that holds it: the longest prefix that is a file of ours.
            let Some(ti) = (0..=abs.len())
                .rev()
                .find_map(|n| modules.get(&abs[..n]).copied())
            else {
                continue;
            };
            let target = &files[ti];
            if ti == fi || target.module.is_empty() {
                continue;
            }
            let to_layer = layer(&target.module);
            if to_layer != from_layer {
                let (Some(a), Some(b)) = (rank(&from_layer), rank(&to_layer)) else {
                    problems.push(format!("{}: `{r}` names an unknown layer", f.rel));
                    continue;
                };
                let same_top = from_layer.split('/').next() == to_layer.split('/').next();
                let down = b < a || (same_top && from_layer.starts_with("web"));
                if !down {
                    problems.push(format!(
                        "{}: `{r}` imports {to_layer} from {from_layer}, which is not below it",
                        f.rel
                    ));
                } else if let (Some(list), false) = (
                    allowed(&from_layer),
                    at.iter().any(|m| m == "tests" || m.ends_with("_tests")),
                ) {
                    if !list.contains(&to_layer.as_str()) {
                        problems.push(format!(
                            "{}: `{r}`: {from_layer} may import only {list:?}, not {to_layer}",
                            f.rel
                        ));
                    }
                }
            }
            // A folder's mod.rs is the folder's face: a child naming its parent's items, or
            // the parent its children, is not a loop between files.
            let parent_child = target.module.len() + 1 == f.module.len()
                && f.module.starts_with(&target.module)
                || f.module.len() + 1 == target.module.len()
                    && target.module.starts_with(&f.module);
            if !parent_child {
                edges.entry(fi).or_default().insert(ti);
            }
        }
        if f.module.first().map(String::as_str) != Some("protocol") && uses_serde(&f.code) {
            problems.push(format!(
                "{}: serde outside src/protocol/ (the wire is the only place for it)",
                f.rel
            ));
        }
    }
    if let Some(cycle) = find_cycle(files.len(), &edges) {
        let names: Vec<&str> = cycle.iter().map(|&i| files[i].rel.as_str()).collect();
        problems.push(format!("import cycle: {}", names.join(" → ")));
    }
    problems
}

/// Does the code name serde (its paths, attributes, or its derives as whole words)?
fn uses_serde(code: &str) -> bool {
    let word = |w: &str| {
        code.match_indices(w).any(|(i, _)| {
            let b = code.as_bytes();
            (i == 0 || !is_ident(b[i - 1])) && !b.get(i + w.len()).is_some_and(|&c| is_ident(c))
        })
    };
    word("serde") || word("Serialize") || word("Deserialize")
}

fn find_cycle(n: usize, edges: &BTreeMap<usize, BTreeSet<usize>>) -> Option<Vec<usize>> {
    // 0 unvisited, 1 on the stack, 2 done.
    let mut state = vec![0u8; n];
    let mut stack = Vec::new();
    fn visit(
        v: usize,
        edges: &BTreeMap<usize, BTreeSet<usize>>,
        state: &mut [u8],
        stack: &mut Vec<usize>,
    ) -> Option<Vec<usize>> {
        state[v] = 1;
        stack.push(v);
        for &w in edges.get(&v).into_iter().flatten() {
            if state[w] == 1 {
                let at = stack.iter().position(|&x| x == w).unwrap_or(0);
                let mut c = stack[at..].to_vec();
                c.push(w);
                return Some(c);
            }
            if state[w] == 0 {
                if let Some(c) = visit(w, edges, state, stack) {
                    return Some(c);
                }
            }
        }
        stack.pop();
        state[v] = 2;
        None
    }
    for v in 0..n {
        if state[v] == 0 {
            if let Some(c) = visit(v, edges, &mut state, &mut stack) {
                return Some(c);
            }
        }
    }
    None
}

fn load() -> Vec<File> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut dirs = vec![root.join("src")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).expect("src/ is readable") {
            let p = e.expect("a directory entry").path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p
                    .strip_prefix(root)
                    .expect("under the crate")
                    .to_string_lossy()
                    .replace('\\', "/");
                if let Some(module) = module_of(&rel) {
                    let code = strip(&std::fs::read_to_string(&p).expect("UTF-8 source"));
                    files.push(File { rel, module, code });
                }
            }
        }
    }
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    files
}

#[test]
fn every_import_points_down_and_no_file_imports_itself_round_a_loop() {
    let files = load();
    assert!(files.len() > 40, "found only {} files", files.len());
    for top in LAYERS.iter().map(|(n, _)| n) {
        assert!(
            files
                .iter()
                .any(|f| f.module.first().is_some_and(|m| m == top)),
            "no src/{top}"
        );
    }
    for f in &files {
        let open = f.code.matches('{').count();
        let close = f.code.matches('}').count();
        assert_eq!(
            open, close,
            "{}: braces do not balance once stripped",
            f.rel
        );
    }
    let problems = check(&files);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn plant(files: &mut [File], rel: &str, line: &str) {
    let f = files.iter_mut().find(|f| f.rel == rel).expect(rel);
    f.code = format!("{line}\n{}", f.code);
}

#[test]
fn a_planted_upward_import_fails() {
    let mut files = load();
    plant(&mut files, "src/text/token.rs", "use crate::query::Table;");
    let problems = check(&files);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("src/text/token.rs") && p.contains("imports query from text")),
        "{problems:?}"
    );
}

#[test]
fn a_planted_cycle_between_files_fails() {
    let mut files = load();
    // entities/gazetteer.rs already reads entities/toks.rs; make toks read the gazetteer.
    plant(
        &mut files,
        "src/entities/toks.rs",
        "use super::gazetteer::Gazetteers;",
    );
    let problems = check(&files);
    assert!(
        problems.iter().any(|p| p.starts_with("import cycle:")
            && p.contains("src/entities/toks.rs")
            && p.contains("src/entities/gazetteer.rs")),
        "{problems:?}"
    );
}

#[test]
fn the_ui_cannot_reach_past_the_protocol() {
    let mut files = load();
    plant(
        &mut files,
        "src/ui/state.rs",
        "fn f(c: &crate::corpus::Corpus) {}",
    );
    let problems = check(&files);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("src/ui/state.rs") && p.contains("may import only")),
        "{problems:?}"
    );
}

#[test]
fn serde_outside_the_protocol_fails() {
    let mut files = load();
    plant(
        &mut files,
        "src/query/table.rs",
        "#[derive(serde::Serialize)] struct S;",
    );
    let problems = check(&files);
    assert!(
        problems
            .iter()
            .any(|p| p.contains("src/query/table.rs") && p.contains("serde")),
        "{problems:?}"
    );
}

#[test]
fn use_trees_expand() {
    assert_eq!(
        expand("crate::a::{b, c::{d, e}, f}"),
        [
            "crate::a::b",
            "crate::a::c::d",
            "crate::a::c::e",
            "crate::a::f"
        ]
    );
    assert_eq!(
        strip("let s = \"crate::x\"; // crate::y\n'a'"),
        "let s = \"\"; \n' '"
    );
}
