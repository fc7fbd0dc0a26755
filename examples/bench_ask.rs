//! Times the `!ask` path on a corpus (the seed corpus by default): parsing, query building,
//! search, snippets and highlights, the answer value. Run with
//! `cargo run --release --example bench_ask [-- DATA_DIR [ROUNDS]]`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use clippings::conversation::Pipeline;
use clippings::engine::{Answer, Engine};

const QUESTIONS: &[&str] = &[
    "!ask how much will Alibaba invest in AI?",
    "!ask what is Qwen3-Max?",
    "!ask where will the new data centers be?",
    "!ask how did chip stocks react?",
    "!ask who is China Unicom?",
    "!capex",
    "!chips",
    "!search \"export controls\" Nvidia",
    "!search HK$151.80",
    "!ask semiconducter",
];

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let data = args.next().map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data"),
        PathBuf::from,
    );
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(200);
    let start = Instant::now();
    let engine = Engine::in_ram(&data)?;
    // Topic commands searched each time, as the other commands are (a repeated bare topic
    // command is otherwise answered from the ranking done for it).
    engine.reuse_topic_answers(false);
    let engine = Pipeline::new(std::sync::Arc::new(engine));
    println!("index built in {:?}", start.elapsed());
    for q in QUESTIONS {
        engine.handle("warmup", q);
    }
    let mut all = Vec::new();
    println!(
        "{:<45} {:>10} {:>10} {:>10}",
        "command", "p50", "p99", "max"
    );
    for q in QUESTIONS {
        let mut times: Vec<Duration> = (0..rounds)
            .map(|_| {
                let t = Instant::now();
                let answer = engine.handle("bench", q);
                let elapsed = t.elapsed();
                assert!(matches!(
                    answer,
                    Some(Answer::Passages(_)) | Some(Answer::Notice(_))
                ));
                elapsed
            })
            .collect();
        times.sort();
        all.extend_from_slice(&times);
        println!(
            "{:<45} {:>10.3?} {:>10.3?} {:>10.3?}",
            q,
            pct(&times, 50),
            pct(&times, 99),
            times[times.len() - 1]
        );
    }
    all.sort();
    println!(
        "{:<45} {:>10.3?} {:>10.3?} {:>10.3?}",
        "all",
        pct(&all, 50),
        pct(&all, 99),
        all[all.len() - 1]
    );
    Ok(())
}

fn pct(sorted: &[Duration], p: usize) -> Duration {
    sorted[((sorted.len() - 1) * p) / 100]
}
