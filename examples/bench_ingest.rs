//! Ingest throughput end to end: a local feed of N articles (default 1,000) on 127.0.0.1, each a
//! news page with navigation, share widgets, related links and JSON-LD attribution; one
//! `feed poll` (fetch, extract, store) and then the update of the index in place (on top of the
//! seed corpus, already indexed). Prints articles per second and the peak memory of the
//! process (the local site included).
//!
//! ```sh
//! cargo run --release --example bench_ingest -- 1000
//! ```

#[path = "support/synth.rs"]
#[allow(dead_code)]
pub mod synth;

use std::path::Path;
use std::time::{Duration, Instant};

use axum::extract::{Path as UrlPath, State};
use axum::response::IntoResponse;

#[derive(Clone)]
struct Site {
    base: String,
    count: usize,
}

fn page(i: usize, base: &str) -> String {
    let mut rng = synth::Rng::new(i as u64 + 1);
    let body: String = (0..6)
        .map(|_| format!("<p>{}</p>", synth::paragraph(&mut rng)))
        .collect();
    format!(
        r#"<!DOCTYPE html><html><head><meta charset="utf-8"><title>Story {i} | Bench Daily</title>
<link rel="canonical" href="{base}/a/{i}">
<script type="application/ld+json">{{"@type":"NewsArticle","headline":"Story number {i}","datePublished":"2025-10-{day:02}T08:00:00Z","author":{{"name":"Bench Writer"}},"publisher":{{"name":"Bench Daily"}}}}</script></head>
<body><nav><a href="/">Home</a> <a href="/markets">Markets</a></nav><div class="share">Share on X · Facebook</div>
<article><h1>Story number {i}</h1>{body}</article>
<aside class="related"><h3>Related</h3><ul><li><a href="/a/{r}">Another story</a></li></ul></aside>
<footer>© Bench Daily</footer></body></html>"#,
        day = i % 28 + 1,
        r = (i + 1) % 1000,
    )
}

async fn feed(State(site): State<Site>) -> impl IntoResponse {
    let items: String = (0..site.count)
        .map(|i| {
            format!(
                "<item><title>Story number {i}</title><link>{}/a/{i}</link><pubDate>Wed, 01 Oct 2025 08:00:00 GMT</pubDate></item>",
                site.base
            )
        })
        .collect();
    (
        [("content-type", "application/rss+xml")],
        format!(
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Bench Daily</title>{items}</channel></rss>"
        ),
    )
}

async fn article(State(site): State<Site>, UrlPath(i): UrlPath<usize>) -> impl IntoResponse {
    (
        [("content-type", "text/html; charset=utf-8")],
        page(i, &site.base),
    )
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else if !entry.file_name().to_string_lossy().starts_with('.') {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn main() -> anyhow::Result<()> {
    let count: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1000);
    let work = tempfile::tempdir()?;
    let data = work.path().join("data");
    let index = work.path().join("index");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data"), &data);
    clippings::lifecycle::open_index(&data, &index, false, false)?;

    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let site = Site {
        base: format!("http://{}", listener.local_addr()?),
        count,
    };
    let feed_url = format!("{}/feed.xml", site.base);
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let app = axum::Router::new()
                .route("/feed.xml", axum::routing::get(feed))
                .route("/a/{i}", axum::routing::get(article))
                .with_state(site);
            axum::serve(listener, app).await.unwrap();
        });
    });

    clippings::ingest::feeds::add(&data, &feed_url, Some("bench"), None)?;
    let settings = clippings::web::FetchSettings {
        allow_private: true,
        per_host_interval: Duration::ZERO,
        ..clippings::web::FetchSettings::default()
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let ingester = rt.block_on(async {
        clippings::ingest::Ingester::open(&data, settings, Duration::from_secs(900))
    })?;
    let started = Instant::now();
    let report = rt.block_on(ingester.poll(false, &|_| {}))?;
    let stored = started.elapsed();
    let (snapshot, freshness) = clippings::lifecycle::open_index(&data, &index, false, false)?;
    let total = started.elapsed();
    let new = report.total(|f| f.new);
    println!(
        "{new} of {count} articles stored ({} failed) in {:.2} s (fetch, extract, store: {:.1} articles/s); \
         index updated in place in {:.2} s ({freshness:?}, {} passages); end to end {:.1} articles/s; peak RSS {:.0} MB",
        report.total(|f| f.failed + f.refused),
        stored.as_secs_f64(),
        new as f64 / stored.as_secs_f64(),
        (total - stored).as_secs_f64(),
        snapshot.manifest.passages,
        new as f64 / total.as_secs_f64(),
        peak_rss_mb(),
    );
    Ok(())
}
