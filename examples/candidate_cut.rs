//! What the first pass's cut loses. A ranked answer (topics, questions, `!compare`,
//! `!figures`) keeps `CANDIDATES` passages of a cheap first pass and scores only those exactly;
//! this compares its top 20 with the top 20 of rescoring every match, for several cuts.
//!
//! ```sh
//! cargo run --release --example candidate_cut -- 0 100000 1000000   # 0: the seed corpus
//! cargo run --release --example candidate_cut -- --cuts 20,40,80,160,320 100000
//! ```
//! Generated corpora are kept under $CLIPPINGS_BENCH_DIR (default /var/tmp/clippings-bench).
#![allow(dead_code)]

#[path = "bench_scale.rs"]
mod bench_scale;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use clippings::conversation::Pipeline;
use clippings::engine::{Answer, Engine, MAX_HITS};

/// One cut's figures over a set of commands.
#[derive(Debug, Clone, PartialEq)]
pub struct CutReport {
    pub cut: usize,
    /// Mean share of the exhaustive top 20 that the cut's top 20 holds.
    pub recall: f64,
    /// Share of commands whose first three passages are the exhaustive ones, in order.
    pub same_top3: f64,
    /// Mean time per command, ms.
    pub ms: f64,
}

/// The refs of a command's top 20, best first.
fn top(pipeline: &Pipeline, command: &str) -> Vec<String> {
    match pipeline.handle_with_limit("cut", command, MAX_HITS) {
        Some(Answer::Passages(p)) => p.hits.into_iter().map(|h| h.reference).collect(),
        _ => Vec::new(),
    }
}

/// Each cut against rescoring every passage (`exhaustive`: the corpus's passage count).
pub fn measure(
    engine: Arc<Engine>,
    commands: &[String],
    cuts: &[usize],
    exhaustive: usize,
) -> Vec<CutReport> {
    engine.reuse_topic_answers(false);
    let pipeline = Pipeline::new(engine.clone());
    engine.set_candidates(exhaustive);
    let truth: Vec<Vec<String>> = commands.iter().map(|c| top(&pipeline, c)).collect();
    let mut reports = Vec::new();
    for &cut in cuts {
        engine.set_candidates(cut);
        let started = Instant::now();
        let got: Vec<Vec<String>> = commands.iter().map(|c| top(&pipeline, c)).collect();
        let ms = started.elapsed().as_secs_f64() * 1e3 / commands.len().max(1) as f64;
        let (mut recall, mut same) = (0.0, 0usize);
        for (want, have) in truth.iter().zip(&got) {
            let held: HashSet<&String> = have.iter().collect();
            recall += if want.is_empty() {
                1.0
            } else {
                want.iter().filter(|r| held.contains(r)).count() as f64 / want.len() as f64
            };
            same += usize::from(want.iter().take(3).eq(have.iter().take(3)));
        }
        let n = commands.len().max(1) as f64;
        reports.push(CutReport {
            cut,
            recall: recall / n,
            same_top3: same as f64 / n,
            ms,
        });
    }
    engine.set_candidates(clippings::engine::CANDIDATES);
    reports
}

/// The ranked commands for a corpus: the question sets and topics on the seed corpus, the
/// benchmark's topic and question classes on generated coverage.
pub fn commands(seed: bool) -> Vec<String> {
    if !seed {
        return bench_scale::queries()
            .into_iter()
            .filter(|q| matches!(q.class, "topic" | "question"))
            .map(|q| q.command)
            .collect();
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let topics = clippings::engine::topics::Topics::load(&root.join("data")).expect("topics");
    let mut out: Vec<String> = topics.list.iter().map(|t| format!("!{}", t.name)).collect();
    for set in [
        "dev_questions.json",
        "extra_questions.json",
        "everyday_questions.json",
    ] {
        let text = std::fs::read_to_string(root.join("tests/fixtures").join(set)).unwrap();
        let questions: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap();
        out.extend(
            questions
                .iter()
                .filter_map(|q| q["q"].as_str())
                .map(|q| format!("!ask {q}")),
        );
    }
    out
}

/// The engine over the seed corpus (size 0) or generated coverage of `passages` passages.
pub fn engine(passages: usize) -> (Arc<Engine>, usize) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let data = if passages == 0 {
        root.join("data")
    } else {
        let base = std::env::var_os("CLIPPINGS_BENCH_DIR")
            .map_or_else(|| PathBuf::from("/var/tmp/clippings-bench"), PathBuf::from);
        let dir = base.join(format!("cut-{passages}"));
        if !dir.join("articles").exists() {
            bench_scale::synth::generate(&dir, passages, 50, 42).expect("generate");
        }
        dir
    };
    let engine = Engine::in_ram(&data).expect("engine");
    let count = engine.live().get().manifest.passages as usize;
    (Arc::new(engine), count)
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut cuts = vec![20, 40, 80, 160, 320, 640];
    if let Some(i) = args.iter().position(|a| a == "--cuts") {
        let list = args.get(i + 1).cloned().unwrap_or_default();
        cuts = list.split(',').filter_map(|c| c.parse().ok()).collect();
        args.drain(i..(i + 2).min(args.len()));
    }
    for size in args.iter().filter_map(|a| a.parse::<usize>().ok()) {
        let (engine, passages) = engine(size);
        let commands = commands(size == 0);
        println!(
            "{passages} passages, {} ranked commands (top {MAX_HITS} against rescoring all {passages})",
            commands.len()
        );
        println!(
            "{:>6} {:>9} {:>9} {:>9}",
            "cut", "recall", "same top3", "ms"
        );
        for r in measure(engine, &commands, &cuts, passages) {
            println!(
                "{:>6} {:>9.4} {:>9.3} {:>9.2}",
                r.cut, r.recall, r.same_top3, r.ms
            );
        }
    }
}
