//! Runs one class of the archive-scale benchmark's queries in a loop against an existing
//! corpus and index, for profiling (`perf record`), and prints per-query latencies.
//!
//! CLASS is one of the benchmark's query classes, `all`, or `=COMMAND` (`"=!ask why?"`).
//!
//! ```sh
//! cargo run --release --example bench_scale -- --reps 1 1000000     # corpus + index, once
//! cargo build --release --example profile_class
//! perf record -g target/release/examples/profile_class topic 20 \
//!     /var/tmp/clippings-bench/data-1000000 /var/tmp/clippings-bench/index-1000000
//! ```
#[path = "bench_scale.rs"]
mod bench_scale;

use std::path::PathBuf;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [class, secs, data, index] = args.as_slice() else {
        eprintln!("usage: profile_class CLASS SECONDS DATA_DIR INDEX_DIR");
        std::process::exit(2);
    };
    let secs: u64 = secs.parse().unwrap_or(10);
    let engine =
        clippings::lifecycle::engine(&PathBuf::from(data), &PathBuf::from(index), "!", false)
            .expect("engine");
    // Profile the search: a repeated bare topic command would be answered from its ranking.
    engine.reuse_topic_answers(false);
    let engine = clippings::conversation::Pipeline::new(engine);
    // CLASS is a class name, `all`, or `=COMMAND` for one command of your own.
    let queries: Vec<_> = match class.strip_prefix('=') {
        Some(command) => vec![bench_scale::Query {
            class: "own",
            command: command.to_string(),
            text: String::new(),
        }],
        None => bench_scale::queries()
            .into_iter()
            .filter(|q| class == "all" || q.class == class)
            .collect(),
    };
    let mut per_query = vec![Duration::ZERO; queries.len()];
    let mut rounds = 0u32;
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(secs) {
        for (i, q) in queries.iter().enumerate() {
            let t = Instant::now();
            std::hint::black_box(engine.handle("profile", &q.command));
            per_query[i] += t.elapsed();
        }
        rounds += 1;
    }
    for (q, total) in queries.iter().zip(per_query) {
        let mean = total.as_secs_f64() * 1e6 / f64::from(rounds.max(1));
        let shown: String = q.command.chars().take(60).collect();
        println!("{mean:>10.0} µs  {shown}");
    }
}
