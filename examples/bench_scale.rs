//! Archive-scale benchmark: Clippings' full `!ask`/`!search` path against bare tantivy (top-10
//! BM25 with stored fields and snippets, the floor of this design) and SQLite FTS5 (bm25() and
//! snippet(), what a user would otherwise embed), on the same generated passages and the same
//! ~100 queries in five classes.
//!
//! ```sh
//! cargo run --release --example bench_scale -- 10000 100000 1000000      # table
//! cargo run --release --example bench_scale -- --json 10000               # JSON
//! cargo run --release --example bench_scale -- --reps 5 1000000           # fewer timed runs
//! cargo run --release --example bench_scale -- --freshness 1000000         # index updated in place
//! ```
//! Corpora are generated once under $CLIPPINGS_BENCH_DIR (default /var/tmp/clippings-bench).
#![allow(dead_code)]

#[path = "support/synth.rs"]
pub mod synth;

#[path = "support/freshness.rs"]
mod freshness;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clippings::conversation::Pipeline;
use clippings::engine::Engine;
use clippings::index::{self, BuildOptions, Snapshot, store::Store};
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::QueryParser;
use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, TantivyDocument};

pub const CLASSES: &[&str] = &["topic", "question", "phrase", "common", "hostile"];

/// One benchmark query: its class, the chat command, and the plain text other engines get.
#[derive(Debug, Clone)]
pub struct Query {
    pub class: &'static str,
    pub command: String,
    pub text: String,
}

/// About 100 queries: topic commands, questions, phrases, common words and hostile input.
pub fn queries() -> Vec<Query> {
    let mut q = Vec::new();
    let topics = [
        ("capex", "capital expenditure spending investment budget"),
        ("chips", "chips semiconductor processor accelerators"),
        ("cloud", "cloud computing revenue"),
        ("qwen", "Qwen3-Max Qwen3-Next large language model"),
        ("stock", "shares stock Hong Kong rose surged"),
        ("datacenters", "data centers Brazil France"),
        ("bonds", "convertible bonds zero-coupon"),
        ("nvidia", "Nvidia export controls restrictions"),
        ("analysts", "analysts target price rating"),
        ("competitors", "competitors rivals competition"),
    ];
    for (name, words) in topics {
        q.push(Query {
            class: "topic",
            command: format!("!{name}"),
            text: words.into(),
        });
    }
    let companies = [
        "Alibaba", "Tencent", "Baidu", "Huawei", "SMIC", "Nvidia", "Xiaomi", "DeepSeek",
    ];
    let subjects = [
        "AI infrastructure",
        "data centers",
        "export controls",
        "cloud computing",
        "chip equipment",
    ];
    for (i, c) in companies.iter().enumerate() {
        let s = subjects[i % subjects.len()];
        for question in [
            format!("how much will {c} invest in {s}?"),
            format!("why did {c} shares rise?"),
            format!("what did the chief executive of {c} say about {s}?"),
            format!("when did {c} announce its plans?"),
        ] {
            q.push(Query {
                class: "question",
                command: format!("!ask {question}"),
                text: question,
            });
        }
    }
    for p in [
        "AI infrastructure",
        "data centers",
        "export controls",
        "convertible bonds",
        "large language models",
        "capital expenditure",
        "semiconductor self-sufficiency",
        "Hong Kong",
        "Eddie Wu",
        "Kunlun P800",
        "chip equipment",
        "foreign investment",
        "year on year",
        "training costs",
        "highest level since",
        "Qwen3-Max",
        "regulatory scrutiny",
        "the conference",
        "South Korea",
        "revenue from",
    ] {
        q.push(Query {
            class: "phrase",
            command: format!("!search \"{p}\""),
            text: format!("\"{p}\""),
        });
    }
    for w in [
        "the",
        "said",
        "shares",
        "company",
        "billion",
        "AI",
        "market",
        "investors",
        "growth",
        "year",
        "China",
        "stock",
        "demand",
        "revenue",
        "plans",
    ] {
        q.push(Query {
            class: "common",
            command: format!("!search {w}"),
            text: w.into(),
        });
    }
    let paste = "Alibaba cloud chips investment the of and ".repeat(700);
    let nested = format!("{}chips{}", "(".repeat(400), ")".repeat(400));
    for h in [
        "\"unclosed phrase".to_string(),
        "text:*".into(),
        "[a TO z]".into(),
        nested,
        paste,
        "a".repeat(20_000),
        "* ? ~ ^ : - + !".into(),
        "title:alibaba^100 AND OR NOT".into(),
        "🚀🚀🚀 📈 ما هي".into(),
        "\u{200b}\u{202e}x\u{0}".into(),
        "-the -and -of".into(),
        "OR OR OR OR".into(),
        "\"a\" \"b\" \"c\" \"d\" \"e\" \"f\"".into(),
        "chips~2 clou*".into(),
        "word ".repeat(5000),
    ] {
        q.push(Query {
            class: "hostile",
            command: format!("!search {h}"),
            text: h,
        });
    }
    // A paragraph pasted as a question: dozens of content words, most of them common.
    let pasted = "the company said on Monday that its shares rose in Hong Kong trading after it \
        reported revenue growth from cloud computing and artificial intelligence, while analysts \
        said investors expect more spending on data centers, chips and models this year, and \
        the market welcomed the plan announced by the chief executive";
    q.push(Query {
        class: "hostile",
        command: format!("!ask {pasted}"),
        text: pasted.into(),
    });
    q
}

#[derive(Debug, Clone, Serialize)]
pub struct Latency {
    pub engine: String,
    pub class: String,
    pub p50_us: f64,
    pub p99_us: f64,
    pub max_us: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct SizeReport {
    pub passages: u64,
    pub articles: usize,
    pub build_secs: f64,
    pub build_passages_per_sec: f64,
    pub index_mb: f64,
    pub fts5_build_secs: f64,
    pub fts5_mb: f64,
    pub first_answer_ms: f64,
    pub serving_rss_mb: f64,
    /// Of the serving process's resident memory after every query: private memory (heap)
    /// and pages of files mapped into it (the index, which tantivy reads through mmap).
    pub serving_rss_anon_mb: f64,
    pub serving_rss_file_mb: f64,
    pub latencies: Vec<Latency>,
    /// Queries per second with 2 threads, per engine.
    pub throughput: Vec<(String, f64)>,
    pub bench_peak_rss_mb: f64,
}

pub fn rss_peak_mb() -> f64 {
    status_mb("VmHWM:")
}

/// A memory figure of this process from /proc/self/status, in MB (0 where not known).
fn status_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn dir_mb(path: &Path) -> f64 {
    fn size(p: &Path) -> u64 {
        std::fs::read_dir(p).map_or(0, |entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| {
                    let path = e.path();
                    if path.is_dir() {
                        size(&path)
                    } else {
                        e.metadata().map_or(0, |m| m.len())
                    }
                })
                .sum()
        })
    }
    size(path) as f64 / 1e6
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i].as_secs_f64() * 1e6
}

/// Times `f` over every query of each class `reps` times (hostile ones fewer), per class
/// (classes without a query in `queries` are left out).
fn measure(
    engine: &str,
    queries: &[Query],
    reps: usize,
    mut f: impl FnMut(&Query),
) -> Vec<Latency> {
    let mut out = Vec::new();
    for class in CLASSES {
        let mut times = Vec::new();
        for q in queries.iter().filter(|q| q.class == *class) {
            f(q);
            let n = if *class == "hostile" {
                reps.div_ceil(4)
            } else {
                reps
            };
            for _ in 0..n {
                let t = Instant::now();
                f(q);
                times.push(t.elapsed());
            }
        }
        if times.is_empty() {
            continue;
        }
        times.sort();
        out.push(Latency {
            engine: engine.into(),
            class: class.to_string(),
            p50_us: percentile(&times, 0.5),
            p99_us: percentile(&times, 0.99),
            max_us: times.last().map_or(0.0, |d| d.as_secs_f64() * 1e6),
        });
    }
    out
}

/// Built without Discord, there is no adapter to time.
#[cfg(not(feature = "discord"))]
fn adapter_latencies(
    _engine: &Arc<Pipeline>,
    _queries: &[Query],
    _timed: &[Query],
    _reps: usize,
    _label: &str,
) -> Vec<Latency> {
    Vec::new()
}

/// The platform adapter's path at this size: a Discord channel message in, the rendered reply
/// (embeds, buttons) out, through `Discord::blocking` (search and rendering off the async
/// executor, bounded) on a 2-worker tokio runtime, while another user keeps the bot busy with
/// commands of their own the whole time (all of `queries`). Timed from the message's arrival
/// to the reply ready to send, for each of `timed`.
#[cfg(feature = "discord")]
fn adapter_latencies(
    engine: &Arc<Pipeline>,
    queries: &[Query],
    timed: &[Query],
    reps: usize,
    label: &str,
) -> Vec<Latency> {
    use clippings::discord::{Discord, Incoming};
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    let Ok(runtime) = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    else {
        return Vec::new();
    };
    let discord = Arc::new(Discord::new(engine.clone()));
    // A fresh author and channel per command, so the cooldowns never refuse one.
    let ids = Arc::new(AtomicU64::new(1));
    let answer = |discord: Arc<Discord>, ids: Arc<AtomicU64>, command: String| async move {
        let id = ids.fetch_add(1, Ordering::Relaxed);
        discord
            .blocking(None, move |d| {
                d.on_message(&Incoming {
                    message_id: id,
                    channel_id: id,
                    author_id: id,
                    author_is_bot: false,
                    content: &command,
                    manager: false,
                })
                .is_some()
            })
            .await
            .unwrap_or(false)
    };
    let busy = Arc::new(AtomicBool::new(true));
    let background = {
        let (discord, ids, busy) = (discord.clone(), ids.clone(), busy.clone());
        let commands: Vec<String> = queries.iter().map(|q| q.command.clone()).collect();
        runtime.spawn(async move {
            // Bounded: it stops when the timed runs are done, or after a million commands.
            for command in commands.iter().cycle().take(1_000_000) {
                if !busy.load(Ordering::Relaxed) {
                    break;
                }
                answer(discord.clone(), ids.clone(), command.clone()).await;
            }
        })
    };
    let latencies = measure(label, timed, reps, |q| {
        std::hint::black_box(runtime.block_on(answer(
            discord.clone(),
            ids.clone(),
            q.command.clone(),
        )));
    });
    busy.store(false, Ordering::Relaxed);
    let _ = runtime.block_on(background);
    latencies
}

/// Queries per second over the whole query set with 2 threads.
fn throughput<S: Sync>(state: &S, queries: &[Query], f: impl Fn(&S, &Query) + Sync) -> f64 {
    let started = Instant::now();
    let rounds = 3;
    std::thread::scope(|s| {
        for t in 0..2 {
            let f = &f;
            s.spawn(move || {
                for _ in 0..rounds {
                    for q in queries
                        .iter()
                        .skip(t)
                        .step_by(2)
                        .filter(|q| q.class != "hostile")
                    {
                        f(state, q);
                    }
                }
            });
        }
    });
    let count = queries.iter().filter(|q| q.class != "hostile").count() * rounds;
    count as f64 / started.elapsed().as_secs_f64()
}

/// Bare tantivy: lenient parse of the raw text, top 10, stored fields and a snippet.
pub fn bare_tantivy(snapshot: &Snapshot, text: &str) -> usize {
    let searcher = snapshot.reader.searcher();
    let parser = QueryParser::for_index(&snapshot.index, vec![snapshot.fields.text]);
    let (query, _errors) = parser.parse_query_lenient(text);
    let Ok(top) = searcher.search(&query, &TopDocs::with_limit(10).order_by_score()) else {
        return 0;
    };
    let Ok(snippets) = SnippetGenerator::create(&searcher, &*query, snapshot.fields.text) else {
        return 0;
    };
    let mut n = 0;
    for (_, address) in top {
        let address: DocAddress = address;
        if let Ok(doc) = searcher.doc::<TantivyDocument>(address) {
            let text = doc
                .get_first(snapshot.fields.text)
                .and_then(|v| v.as_str())
                .unwrap_or("");
            n += snippets.snippet(text).fragment().len();
        }
    }
    n
}

/// SQLite FTS5: the same passages, bm25() ranking and snippet().
pub struct Fts5 {
    path: PathBuf,
}

fn fts5_query(text: &str) -> String {
    let phrase = text.trim().starts_with('"') && text.matches('"').count() == 2;
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(64)
        .map(|w| format!("\"{w}\""))
        .collect();
    if words.is_empty() {
        return "\"\"".into();
    }
    if phrase {
        words.join(" + ")
    } else {
        words.join(" OR ")
    }
}

impl Fts5 {
    pub fn build(path: &Path, data: &Path) -> (Fts5, f64) {
        let _ = std::fs::remove_file(path);
        let (articles, _) = clippings::corpus::load(data).expect("corpus");
        let started = Instant::now();
        let mut conn = rusqlite::Connection::open(path).expect("sqlite");
        conn.execute_batch("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
            CREATE VIRTUAL TABLE passages USING fts5(text, article UNINDEXED, publisher UNINDEXED, title UNINDEXED, paragraph UNINDEXED, tokenize='porter unicode61');").expect("schema");
        let tx = conn.transaction().expect("tx");
        {
            let mut insert = tx.prepare("INSERT INTO passages(text, article, publisher, title, paragraph) VALUES (?1, ?2, ?3, ?4, ?5)").expect("insert");
            for a in &articles {
                for p in a.passages() {
                    insert
                        .execute(rusqlite::params![
                            p.text,
                            a.slug,
                            a.meta.publisher,
                            a.meta.title,
                            p.paragraph
                        ])
                        .expect("row");
                }
            }
        }
        tx.commit().expect("commit");
        conn.execute_batch("INSERT INTO passages(passages) VALUES('optimize');")
            .expect("optimize");
        (
            Fts5 {
                path: path.to_path_buf(),
            },
            started.elapsed().as_secs_f64(),
        )
    }

    pub fn connect(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(&self.path).expect("sqlite")
    }

    pub fn search(conn: &rusqlite::Connection, text: &str) -> usize {
        let mut stmt = conn
            .prepare_cached("SELECT snippet(passages, 0, '[', ']', '…', 24), article, publisher, title, paragraph FROM passages WHERE passages MATCH ?1 ORDER BY bm25(passages) LIMIT 10")
            .expect("query");
        let rows = stmt.query_map([fts5_query(text)], |r| r.get::<_, String>(0));
        rows.map(|rows| rows.filter_map(Result::ok).map(|s| s.len()).sum())
            .unwrap_or(0)
    }
}

/// Generates (once) and benchmarks one corpus size.
/// `separate_probe`: measure start-up in a fresh process (the real figure); tests measure it
/// in-process instead, since their binary is not this one.
pub fn run_size(passages: usize, work: &Path, reps: usize, separate_probe: bool) -> SizeReport {
    let data = work.join(format!("data-{passages}"));
    if !data.join("articles").is_dir() {
        eprintln!("generating {passages} passages…");
        synth::generate(&data, passages, 50, 42).expect("generate");
    }
    let index_dir = work.join(format!("index-{passages}"));
    let _ = std::fs::remove_dir_all(&index_dir);
    let store = Store::open(&index_dir).expect("store");
    eprintln!("building the index…");
    let started = Instant::now();
    let generation = index::rebuild(&store, &data, BuildOptions::default()).expect("build");
    let build_secs = started.elapsed().as_secs_f64();
    let snapshot = Snapshot::open(&generation).expect("open");
    let passages_built = snapshot.manifest.passages;
    let articles = snapshot.manifest.articles.len();
    let index_mb = dir_mb(&generation);
    eprintln!("building FTS5…");
    let fts_path = work.join(format!("fts5-{passages}.sqlite"));
    let (fts, fts5_build_secs) = Fts5::build(&fts_path, &data);
    let fts5_mb = std::fs::metadata(&fts_path).map_or(0.0, |m| m.len() as f64 / 1e6);
    let [
        first_answer_ms,
        serving_rss_mb,
        serving_rss_anon_mb,
        serving_rss_file_mb,
    ] = if separate_probe {
        serve_probe(&data, &index_dir)
    } else {
        probe_figures(&data, &index_dir)
    };

    let engine = Arc::new(Pipeline::new(Arc::new(Engine::in_ram_from(
        snapshot, &data,
    ))));
    // Every topic command searched afresh: the figures of the search path. What a repeated
    // topic command costs when its ranking is reused is measured apart, below.
    engine.engine().reuse_topic_answers(false);
    let qs = queries();
    eprintln!("timing {} queries…", qs.len());
    let mut latencies = measure("clippings", &qs, reps, |q| {
        std::hint::black_box(engine.handle("bench", &q.command));
    });
    let bare = engine.engine().live().get();
    latencies.extend(measure("tantivy", &qs, reps, |q| {
        std::hint::black_box(bare_tantivy(&bare, &q.text));
    }));
    latencies.extend(adapter_latencies(&engine, &qs, &qs, reps, "adapter"));
    engine.engine().reuse_topic_answers(true);
    let topics: Vec<Query> = qs.iter().filter(|q| q.class == "topic").cloned().collect();
    latencies.extend(measure("reused", &topics, reps, |q| {
        std::hint::black_box(engine.handle("bench", &q.command));
    }));
    latencies.extend(adapter_latencies(
        &engine,
        &qs,
        &topics,
        reps,
        "adapter, reused",
    ));
    engine.engine().reuse_topic_answers(false);
    let conn = fts.connect();
    latencies.extend(measure("fts5", &qs, reps, |q| {
        std::hint::black_box(Fts5::search(&conn, &q.text));
    }));
    let throughput = vec![
        (
            "clippings".to_string(),
            throughput(&*engine, &qs, |e, q| {
                std::hint::black_box(e.handle("bench", &q.command));
            }),
        ),
        (
            "tantivy".to_string(),
            throughput(&*bare, &qs, |s, q| {
                std::hint::black_box(bare_tantivy(s, &q.text));
            }),
        ),
        (
            "fts5".to_string(),
            throughput(&fts, &qs, |f, q| {
                thread_local!(static CONN: std::cell::RefCell<Option<rusqlite::Connection>> = const { std::cell::RefCell::new(None) });
                CONN.with(|c| {
                    let mut c = c.borrow_mut();
                    let conn = c.get_or_insert_with(|| f.connect());
                    std::hint::black_box(Fts5::search(conn, &q.text));
                });
            }),
        ),
    ];
    SizeReport {
        passages: passages_built,
        articles,
        build_secs,
        build_passages_per_sec: passages_built as f64 / build_secs,
        index_mb,
        fts5_build_secs,
        fts5_mb,
        first_answer_ms,
        serving_rss_mb,
        serving_rss_anon_mb,
        serving_rss_file_mb,
        latencies,
        throughput,
        bench_peak_rss_mb: rss_peak_mb(),
    }
}

/// Starts a fresh process on the existing index (the real start-up path) and reports the time
/// to its first answer, its peak RSS after answering every query, and its private and
/// file-backed resident memory then.
fn serve_probe(data: &Path, index_dir: &Path) -> [f64; 4] {
    let Ok(exe) = std::env::current_exe() else {
        return [0.0; 4];
    };
    let out = std::process::Command::new(exe)
        .arg("--serve-probe")
        .arg(data)
        .arg(index_dir)
        .output();
    let Ok(out) = out else { return [0.0; 4] };
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text
        .split_whitespace()
        .filter_map(|p| p.parse::<f64>().ok());
    std::array::from_fn(|_| parts.next().unwrap_or(0.0))
}

fn probe(data: &Path, index_dir: &Path) {
    let [first, rss, anon, file] = probe_figures(data, index_dir);
    println!("{first:.1} {rss:.1} {anon:.1} {file:.1}");
}

fn probe_figures(data: &Path, index_dir: &Path) -> [f64; 4] {
    let started = Instant::now();
    // As the bot starts: the existing index served at once, data/ compared in the background.
    let engine =
        clippings::lifecycle::serving_engine(data, index_dir, "!", false, false).expect("engine");
    let _reloader =
        clippings::lifecycle::keep_current(engine.clone(), index_dir, false).expect("reloader");
    // Another first-pass cut, to compare what it costs in memory.
    if let Some(cut) = std::env::var("CLIPPINGS_BENCH_CANDIDATES")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        engine.set_candidates(cut);
    }
    let engine = Pipeline::new(engine);
    std::hint::black_box(engine.handle(
        "probe",
        "!ask how much will Alibaba invest in AI infrastructure?",
    ));
    let first = started.elapsed().as_secs_f64() * 1e3;
    for q in queries() {
        std::hint::black_box(engine.handle("probe", &q.command));
    }
    if std::env::var_os("CLIPPINGS_BENCH_MAPS").is_some() {
        for (path, mb) in mapped_mb() {
            eprintln!("{mb:8.1} MB  {path}");
        }
    }
    [
        first,
        rss_peak_mb(),
        status_mb("RssAnon:"),
        status_mb("RssFile:"),
    ]
}

/// Resident MB of each file mapped into this process (/proc/self/smaps), largest first.
pub fn mapped_mb() -> Vec<(String, f64)> {
    let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap_or_default();
    let mut by_file: std::collections::BTreeMap<String, f64> = Default::default();
    let mut current: Option<String> = None;
    for line in smaps.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields
            .first()
            .is_some_and(|f| f.contains('-') && !f.ends_with(':'))
        {
            current = fields.get(5).filter(|p| p.starts_with('/')).map(|p| {
                // Index files by their folder and kind (postings, positions, store…).
                let path = Path::new(p);
                match (path.parent(), path.extension()) {
                    (Some(dir), Some(kind)) if p.contains("gen-") => {
                        format!("{}/*.{}", dir.display(), kind.to_string_lossy())
                    }
                    _ => p.to_string(),
                }
            });
        } else if let (Some(file), ["Rss:", kb, ..]) = (&current, fields.as_slice()) {
            *by_file.entry(file.clone()).or_default() += kb.parse::<f64>().unwrap_or(0.0) / 1024.0;
        }
    }
    let mut out: Vec<(String, f64)> = by_file.into_iter().filter(|(_, mb)| *mb >= 0.1).collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    out
}

pub fn table(reports: &[SizeReport]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for r in reports {
        let _ = writeln!(
            out,
            "\n## {} passages ({} articles)\n",
            r.passages, r.articles
        );
        let _ = writeln!(out, "| figure | value |\n|---|---|");
        let _ = writeln!(
            out,
            "| index build (2 threads) | {:.1} s, {:.0} passages/s |",
            r.build_secs, r.build_passages_per_sec
        );
        let _ = writeln!(
            out,
            "| index size | {:.1} MB (FTS5: {:.1} MB, built in {:.1} s) |",
            r.index_mb, r.fts5_mb, r.fts5_build_secs
        );
        let _ = writeln!(
            out,
            "| first answer after start (existing index) | {:.1} ms |",
            r.first_answer_ms
        );
        let _ = writeln!(
            out,
            "| serving RSS after all queries | {:.0} MB (now {:.0} MB private, {:.0} MB of mapped files) |",
            r.serving_rss_mb, r.serving_rss_anon_mb, r.serving_rss_file_mb
        );
        for (engine, qps) in &r.throughput {
            let _ = writeln!(
                out,
                "| throughput, 2 threads, {engine} | {qps:.0} queries/s |"
            );
        }
        let _ = writeln!(
            out,
            "\n| class | Clippings p50 / p99 / max (µs) | bare tantivy | FTS5 | adapter, bot busy |\n|---|---|---|---|---|"
        );
        for class in CLASSES {
            let cell = |engine: &str| latency_cell(r, engine, class);
            let _ = writeln!(
                out,
                "| {class} | {} | {} | {} | {} |",
                cell("clippings"),
                cell("tantivy"),
                cell("fts5"),
                cell("adapter")
            );
        }
        let _ = writeln!(
            out,
            "| topic, ranking reused | {} | | | {} |",
            latency_cell(r, "reused", "topic"),
            latency_cell(r, "adapter, reused", "topic")
        );
    }
    out
}

/// `p50 / p99 / max` of one engine and class, empty when it was not measured.
fn latency_cell(r: &SizeReport, engine: &str, class: &str) -> String {
    r.latencies
        .iter()
        .find(|l| l.engine == engine && l.class == class)
        .map_or(String::new(), |l| {
            format!("{:.0} / {:.0} / {:.0}", l.p50_us, l.p99_us, l.max_us)
        })
}

/// Command line of the benchmark.
#[derive(clap::Parser, Debug)]
#[command(about = "Clippings vs bare tantivy vs SQLite FTS5 at archive scale")]
struct Args {
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
    /// Timed runs of each query per engine (hostile queries: a quarter of them).
    #[arg(long, default_value_t = 20)]
    reps: usize,
    /// Internal: start on an existing index and report the time to the first answer.
    #[arg(long, num_args = 2, value_names = ["DATA", "INDEX"])]
    serve_probe: Option<Vec<PathBuf>>,
    /// Measure freshness instead: articles arriving while the bot runs, ingest rate, and the
    /// index after `--updates` incremental updates against a fresh rebuild.
    #[arg(long)]
    freshness: bool,
    /// Compare query latency on two index generations of the same data (DATA A B), interleaved.
    #[arg(long, num_args = 3, value_names = ["DATA", "A", "B"])]
    compare: Option<Vec<PathBuf>>,
    /// Adds, edits and removes applied for `--freshness`.
    #[arg(long, default_value_t = 10_000)]
    updates: usize,
    /// Corpus sizes in passages.
    #[arg(default_values_t = [10_000])]
    sizes: Vec<usize>,
}

fn main() {
    let args = <Args as clap::Parser>::parse();
    if let Some([data, index]) = args.serve_probe.as_deref() {
        probe(data, index);
        return;
    }
    let work = std::env::var_os("CLIPPINGS_BENCH_DIR")
        .map_or_else(|| PathBuf::from("/var/tmp/clippings-bench"), PathBuf::from);
    std::fs::create_dir_all(&work).expect("work dir");
    if let Some([data, a, b]) = args.compare.as_deref() {
        let commands: Vec<String> = queries()
            .into_iter()
            .filter(|q| q.class != "hostile")
            .map(|q| q.command)
            .collect();
        let [a50, a99, b50, b99] = freshness::compare(a, b, data, &commands, args.reps);
        println!("A p50 {a50:.2} ms p99 {a99:.2} ms; B p50 {b50:.2} ms p99 {b99:.2} ms");
        return;
    }
    if args.freshness {
        let commands: Vec<String> = queries()
            .into_iter()
            .filter(|q| q.class != "hostile")
            .map(|q| q.command)
            .collect();
        for &n in &args.sizes {
            let report = freshness::run(n, &work, &commands, args.updates);
            println!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
        }
        return;
    }
    let reports: Vec<SizeReport> = args
        .sizes
        .iter()
        .map(|&n| run_size(n, &work, args.reps, true))
        .collect();
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&reports).unwrap_or_default()
        );
    } else {
        println!("{}", table(&reports));
    }
}
