//! Freshness of the index updated in place (`bench_scale --freshness`): how soon a new
//! article is found, what arrivals cost the searches running meanwhile, how fast the index
//! alone takes articles, and the index after many updates against a fresh rebuild.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use clippings::conversation::Pipeline;
use clippings::engine::Answer;
use clippings::index::incremental::Updater;
use clippings::index::store::Store;
use clippings::index::{self, BuildOptions, Snapshot};
use serde::Serialize;

use super::synth;

#[derive(Debug, Serialize)]
pub struct FreshnessReport {
    pub passages: u64,
    /// From the file landing in data/ to the first search finding it, ms: one at a time.
    pub arrival_p50_ms: f64,
    pub arrival_p99_ms: f64,
    /// The same for each of 50 articles landing at once.
    pub burst_p50_ms: f64,
    pub burst_p99_ms: f64,
    /// From the file landing to a read-only follower process finding it, ms.
    pub follower_p50_ms: f64,
    pub follower_p99_ms: f64,
    /// Query latency, ms, idle and while an article arrives every second.
    pub idle_p50_ms: f64,
    pub idle_p99_ms: f64,
    pub busy_p50_ms: f64,
    pub busy_p99_ms: f64,
    /// Articles of ~20 passages a second, the index alone (50 per commit, and 1 per commit).
    pub ingest_batched_per_sec: f64,
    pub ingest_single_per_sec: f64,
    /// After `updates` adds, edits and removes: size and query latency against a fresh
    /// rebuild of the same data.
    pub updates: usize,
    pub updated_mb: f64,
    pub rebuilt_mb: f64,
    pub updated_p50_ms: f64,
    pub updated_p99_ms: f64,
    pub rebuilt_p50_ms: f64,
    pub rebuilt_p99_ms: f64,
}

/// An article of `paragraphs` generated paragraphs naming `token`.
fn article(rng: &mut synth::Rng, token: &str, paragraphs: usize) -> String {
    let mut text =
        format!("+++\ntitle = \"{token} results lift shares\"\npublisher = \"Bench Wire\"\n+++\n");
    for i in 0..paragraphs {
        let prose = synth::paragraph(rng);
        if i == 0 {
            text.push_str(&format!("{token} said on Tuesday that {prose}\n\n"));
        } else {
            text.push_str(&format!("{prose}\n\n"));
        }
    }
    text
}

fn found(bot: &Pipeline, token: &str) -> bool {
    matches!(bot.handle("bench", &format!("!search {token}")), Some(Answer::Passages(p)) if !p.hits.is_empty())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn p50_p99(mut ms: Vec<f64>) -> (f64, f64) {
    ms.sort_by(f64::total_cmp);
    (percentile(&ms, 0.5), percentile(&ms, 0.99))
}

/// Times every query `reps` times through the bot, ms.
fn query_latencies(bot: &Pipeline, commands: &[String], reps: usize) -> Vec<f64> {
    let mut out = Vec::new();
    for _ in 0..reps {
        for c in commands {
            let started = Instant::now();
            std::hint::black_box(bot.handle("bench", c));
            out.push(started.elapsed().as_secs_f64() * 1e3);
        }
    }
    out
}

/// A copy of `from` made of hard links (the articles are never written, only added and
/// removed beside them).
fn link_copy(from: &Path, to: &Path) {
    let _ = std::fs::remove_dir_all(to);
    std::fs::create_dir_all(to.join("articles")).expect("data copy");
    for entry in std::fs::read_dir(from.join("articles")).expect("articles") {
        let path = entry.expect("entry").path();
        std::fs::hard_link(
            &path,
            to.join("articles").join(path.file_name().expect("name")),
        )
        .expect("link");
    }
    for name in ["topics.toml", "synonyms.toml"] {
        let _ = std::fs::copy(from.join(name), to.join(name));
    }
}

pub fn run(passages: usize, work: &Path, commands: &[String], updates: usize) -> FreshnessReport {
    let source = work.join(format!("data-{passages}"));
    if !source.join("articles").is_dir() {
        eprintln!("generating {passages} passages…");
        synth::generate(&source, passages, 50, 42).expect("generate");
    }
    let data = work.join(format!("fresh-data-{passages}"));
    link_copy(&source, &data);
    let index_dir = work.join(format!("fresh-index-{passages}"));
    let _ = std::fs::remove_dir_all(&index_dir);
    eprintln!("building the index…");
    let store = Store::open(&index_dir).expect("store");
    index::rebuild(&store, &data, BuildOptions::default()).expect("build");
    let engine = clippings::lifecycle::engine(&data, &index_dir, "!", false).expect("engine");
    let bot = Pipeline::new(engine.clone());
    engine.reuse_topic_answers(false);
    let reloader =
        clippings::lifecycle::keep_current(engine.clone(), &index_dir, false).expect("watch data/");
    let follower_engine =
        clippings::lifecycle::follower_engine(&data, &index_dir, "!").expect("follower");
    let follower = Pipeline::new(follower_engine.clone());
    let following = clippings::lifecycle::keep_current(follower_engine.clone(), &index_dir, true)
        .expect("follow");
    std::thread::sleep(Duration::from_secs(2));
    let mut rng = synth::Rng::new(7);
    let articles = data.join("articles");

    eprintln!("100 arrivals one at a time…");
    let mut arrivals = Vec::new();
    let mut followed = Vec::new();
    for i in 0..100 {
        let token = format!("freshtoken{i}x");
        let text = article(&mut rng, &token, 20);
        let started = Instant::now();
        std::fs::write(articles.join(format!("fresh-{i}.md")), text).expect("write");
        while !found(&bot, &token) {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "{token} never found"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        arrivals.push(started.elapsed().as_secs_f64() * 1e3);
        while !found(&follower, &token) {
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "{token} never followed"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        followed.push(started.elapsed().as_secs_f64() * 1e3);
    }
    let (arrival_p50_ms, arrival_p99_ms) = p50_p99(arrivals);
    let (follower_p50_ms, follower_p99_ms) = p50_p99(followed);
    drop(following);
    drop(follower);

    eprintln!("a burst of 50…");
    let texts: Vec<(String, String)> = (0..50)
        .map(|i| {
            let token = format!("bursttoken{i}x");
            let text = article(&mut rng, &token, 20);
            (token, text)
        })
        .collect();
    let started = Instant::now();
    for (i, (_, text)) in texts.iter().enumerate() {
        std::fs::write(articles.join(format!("burst-{i}.md")), text).expect("write");
    }
    let mut waiting: Vec<&str> = texts.iter().map(|(t, _)| t.as_str()).collect();
    let mut burst = Vec::new();
    while !waiting.is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "burst never found"
        );
        waiting.retain(|token| {
            if found(&bot, token) {
                burst.push(started.elapsed().as_secs_f64() * 1e3);
                false
            } else {
                true
            }
        });
        std::thread::sleep(Duration::from_millis(2));
    }
    let (burst_p50_ms, burst_p99_ms) = p50_p99(burst);

    eprintln!("queries idle, then while an article arrives every second…");
    let (idle_p50_ms, idle_p99_ms) = p50_p99(query_latencies(&bot, commands, 3));
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let stop = stop.clone();
        let articles = articles.clone();
        std::thread::spawn(move || {
            let mut rng = synth::Rng::new(8);
            let mut i = 0;
            while !stop.load(Ordering::Relaxed) {
                let text = article(&mut rng, &format!("busytoken{i}x"), 20);
                std::fs::write(articles.join(format!("busy-{i}.md")), text).expect("write");
                i += 1;
                std::thread::sleep(Duration::from_secs(1));
            }
        })
    };
    let (busy_p50_ms, busy_p99_ms) = p50_p99(query_latencies(&bot, commands, 3));
    stop.store(true, Ordering::Relaxed);
    let _ = writer.join();
    drop(reloader);
    drop(bot);
    drop(engine);
    std::thread::sleep(Duration::from_secs(1));

    eprintln!("ingest rate of the index alone…");
    let generation = Store::open(&index_dir)
        .expect("store")
        .current()
        .expect("current");
    let mut updater = Updater::open(&generation).expect("writer");
    let batched = 500;
    let mut spent = Duration::ZERO;
    for batch in 0..batched / 50 {
        // The files of a batch are written before the clock runs for it.
        for i in 0..50 {
            let text = article(&mut rng, &format!("ingest{batch}n{i}x"), 20);
            std::fs::write(articles.join(format!("ingest-{batch}-{i}.md")), text).expect("write");
        }
        let started = Instant::now();
        updater.apply(&data).expect("apply");
        spent += started.elapsed();
    }
    let ingest_batched_per_sec = batched as f64 / spent.as_secs_f64();
    let single = 50;
    let mut spent = Duration::ZERO;
    for i in 0..single {
        let text = article(&mut rng, &format!("single{i}x"), 20);
        std::fs::write(articles.join(format!("single-{i}.md")), text).expect("write");
        let started = Instant::now();
        updater.apply(&data).expect("apply");
        spent += started.elapsed();
    }
    let ingest_single_per_sec = single as f64 / spent.as_secs_f64();

    eprintln!("{updates} updates…");
    let mut added: Vec<String> = Vec::new();
    let originals: Vec<PathBuf> = std::fs::read_dir(&articles)
        .expect("articles")
        .map(|e| e.expect("entry").path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("synthetic-"))
        })
        .collect();
    let mut done = 0;
    while done < updates {
        for _ in 0..10 {
            match rng.below(3) {
                0 => {
                    let name = format!("update-{done}.md");
                    let size = 10 + rng.below(20);
                    let text = article(&mut rng, &format!("update{done}x"), size);
                    std::fs::write(articles.join(&name), text).expect("write");
                    added.push(name);
                }
                1 => {
                    // An edit: a new version written to a new inode (the generated files are
                    // hard links shared with the source corpus).
                    let path = &originals[rng.below(originals.len())];
                    let size = 10 + rng.below(20);
                    let text = article(&mut rng, &format!("edit{done}x"), size);
                    let _ = std::fs::remove_file(path);
                    std::fs::write(path, text).expect("edit");
                }
                _ => {
                    if !added.is_empty() {
                        let name = added.swap_remove(rng.below(added.len()));
                        let _ = std::fs::remove_file(articles.join(name));
                    }
                }
            }
            done += 1;
        }
        updater.apply(&data).expect("apply");
    }
    let settled = updater.settle(Duration::from_secs(1800)).expect("settle");
    drop(settled);
    updater.finish().expect("merges");
    let updated_mb = super::dir_mb(&generation);
    eprintln!("a fresh rebuild of the same data…");
    let rebuilt_dir = work.join(format!("fresh-rebuilt-{passages}"));
    let _ = std::fs::remove_dir_all(&rebuilt_dir);
    let rebuilt_store = Store::open(&rebuilt_dir).expect("store");
    let rebuilt = index::rebuild(&rebuilt_store, &data, BuildOptions::default()).expect("build");
    let rebuilt_mb = super::dir_mb(&rebuilt);
    let passages_now = Snapshot::open(&generation).expect("open").manifest.passages;
    let [
        updated_p50_ms,
        updated_p99_ms,
        rebuilt_p50_ms,
        rebuilt_p99_ms,
    ] = compare(&generation, &rebuilt, &data, commands, 10);
    FreshnessReport {
        passages: passages_now,
        arrival_p50_ms,
        arrival_p99_ms,
        burst_p50_ms,
        burst_p99_ms,
        follower_p50_ms,
        follower_p99_ms,
        idle_p50_ms,
        idle_p99_ms,
        busy_p50_ms,
        busy_p99_ms,
        ingest_batched_per_sec,
        ingest_single_per_sec,
        updates,
        updated_mb,
        rebuilt_mb,
        updated_p50_ms,
        updated_p99_ms,
        rebuilt_p50_ms,
        rebuilt_p99_ms,
    }
}

/// Query latency p50 and p99 (ms) on two generations of the same data, the same commands
/// interleaved command by command so that both see the same machine: `[a50, a99, b50, b99]`.
pub fn compare(a: &Path, b: &Path, data: &Path, commands: &[String], reps: usize) -> [f64; 4] {
    let bot = |dir: &Path| {
        let engine =
            clippings::engine::Engine::in_ram_from(Snapshot::open(dir).expect("open"), data);
        engine.reuse_topic_answers(false);
        Pipeline::new(Arc::new(engine))
    };
    let (first, second) = (bot(a), bot(b));
    let (mut ta, mut tb) = (Vec::new(), Vec::new());
    for rep in 0..reps {
        for c in commands {
            // Alternate which goes first, so neither always finds the caches warm.
            let order: [(&Pipeline, &mut Vec<f64>); 2] = if rep % 2 == 0 {
                [(&first, &mut ta), (&second, &mut tb)]
            } else {
                [(&second, &mut tb), (&first, &mut ta)]
            };
            for (bot, times) in order {
                let started = Instant::now();
                std::hint::black_box(bot.handle("bench", c));
                times.push(started.elapsed().as_secs_f64() * 1e3);
            }
        }
    }
    let (a50, a99) = p50_p99(ta);
    let (b50, b99) = p50_p99(tb);
    [a50, a99, b50, b99]
}
