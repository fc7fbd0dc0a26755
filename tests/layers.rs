//! The architecture, checked: every module of src/ uses only the layers below its own, and no
//! two files of one module use each other (directly or round a longer circle). Run it alone
//! with `cargo test --test layers`; it prints the module graph it found.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, bottom to top (src/lib.rs says what each is for).
const LAYERS: &[&[&str]] = &[
    &["texts", "corpus", "command", "config", "web"],
    &["index"],
    &["engine"],
    &["render", "eval"],
    &["conversation"],
    &["ops"],
    &["lifecycle", "logging", "ingest", "alerts"],
    &["discord", "matrix", "terminal"],
    &["supervisor"],
    &["cli"],
    &["main"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a file under src/: `engine/retrieve.rs` is `["engine", "retrieve"]`,
/// `engine/mod.rs` is `["engine"]`, `main.rs` is `["main"]`.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts
}

/// The code of a file without its comments (doc links name modules without using them).
fn code(text: &str) -> String {
    text.lines()
        .map(|line| match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn identifier_at(text: &str) -> &str {
    let end = text
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(text.len());
    &text[..end]
}

/// The first segment of every path after `anchor` (`crate::`, `super::`, `clippings::`),
/// including each member of a `{a, b::c}` group.
fn paths_after(code: &str, anchor: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in code.match_indices(anchor) {
        let before = code[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[i + anchor.len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut member_start = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => member_start = true,
                    c if c.is_whitespace() => {}
                    _ if member_start && depth == 0 => {
                        member_start = false;
                        let name = identifier_at(&group[j..]);
                        if !name.is_empty() && name != "self" {
                            out.push(name.to_string());
                        }
                    }
                    _ => {}
                }
            }
        } else {
            let name = identifier_at(rest);
            if !name.is_empty() {
                out.push(name.to_string());
            }
        }
    }
    out
}

struct Graph {
    /// Top-level module → the top-level modules it uses.
    modules: BTreeMap<String, BTreeSet<String>>,
    /// File module path → sibling files (of the same parent) it uses.
    files: BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let top_level: BTreeSet<String> = files
        .iter()
        .map(|f| module_path(&src, f)[0].clone())
        .filter(|m| m != "lib")
        .collect();
    let mut graph = Graph {
        modules: BTreeMap::new(),
        files: BTreeMap::new(),
    };
    for file in &files {
        let path = module_path(&src, file);
        if path == ["lib"] {
            continue;
        }
        let text = code(&std::fs::read_to_string(file).unwrap());
        let own = path[0].clone();
        let anchor = if own == "main" {
            "clippings::"
        } else {
            "crate::"
        };
        let mut used: Vec<Vec<String>> = Vec::new();
        for name in paths_after(&text, anchor) {
            used.push(vec![name]);
        }
        // `super::x` from `a/b.rs` names `a::x`; from `a/mod.rs` it names the crate's `x`.
        let parent: Vec<String> = if file.ends_with("mod.rs") {
            path[..path.len().saturating_sub(1)].to_vec()
        } else {
            path[..path.len() - 1].to_vec()
        };
        let _ = &parent;
        for name in paths_after(&text, "super::") {
            let mut target = parent.clone();
            target.push(name);
            used.push(target);
        }
        // `crate::engine::rank` from a file of engine names a sibling.
        for (i, _) in text.match_indices(&format!("{anchor}{own}::")) {
            let rest = &text[i + anchor.len() + own.len() + 2..];
            let name = identifier_at(rest);
            if !name.is_empty() {
                used.push(vec![own.clone(), name.to_string()]);
            }
        }
        for target in used {
            let top = &target[0];
            if top != &own && top_level.contains(top) {
                graph
                    .modules
                    .entry(own.clone())
                    .or_default()
                    .insert(top.clone());
            }
            // Siblings: files with the same parent module.
            if target.len() == path.len()
                && target[..target.len() - 1] == path[..path.len() - 1]
                && target != path
                && path.len() > 1
            {
                graph.files.entry(path.clone()).or_default().insert(target);
            }
        }
    }
    graph
}

#[test]
fn every_module_uses_only_the_layers_below_its_own() {
    let graph = graph();
    let mut wrong = Vec::new();
    for (module, used) in &graph.modules {
        println!("{module} -> {used:?}");
        let Some(own) = layer_of(module) else {
            wrong.push(format!(
                "{module} is in no layer (add it to LAYERS and src/lib.rs)"
            ));
            continue;
        };
        for target in used {
            match layer_of(target) {
                Some(layer) if layer < own => {}
                _ => wrong.push(format!("{module} uses {target}")),
            }
        }
    }
    assert!(wrong.is_empty(), "layering broken: {wrong:#?}");
}

#[test]
fn no_files_of_one_module_use_each_other() {
    let graph = graph();
    // A file on a circle of sibling files can reach itself.
    let mut circles = Vec::new();
    for start in graph.files.keys() {
        let mut seen = BTreeSet::new();
        let mut stack: Vec<&Vec<String>> = graph.files[start].iter().collect();
        while let Some(next) = stack.pop() {
            if next == start {
                circles.push(start.join("::"));
                break;
            }
            if seen.insert(next.clone())
                && let Some(more) = graph.files.get(next)
            {
                stack.extend(more.iter());
            }
        }
    }
    assert!(circles.is_empty(), "files on a circle: {circles:?}");
}

#[test]
fn the_checker_sees_a_use_of_a_layer_above() {
    // The scanner itself: a grouped use, a plain path, a sibling, and comments ignored.
    let text = code(
        "use crate::{engine::Answer, conversation::{Origin, Reply}};\n\
         let x = crate::ops::status(); // crate::discord is only mentioned\n",
    );
    assert_eq!(
        paths_after(&text, "crate::"),
        vec!["engine", "conversation", "ops"]
    );
    assert!(layer_of("engine") < layer_of("conversation"));
    assert!(layer_of("discord") > layer_of("conversation"));
    assert_eq!(layer_of("matrix"), layer_of("discord"));
}
