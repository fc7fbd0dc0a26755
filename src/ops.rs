//! Operations: what the bot knows about its own health (platform connections, recent errors),
//! Prometheus metrics, and the built-in HTTP server's `/healthz` and `/metrics`.
//!
//! Platform adapters report into one process-wide [`Status`]; the metrics go through the
//! `metrics` facade to a Prometheus recorder installed once by [`install_metrics`].

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, LazyLock, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use serde::Serialize;

use crate::engine::Engine;

/// A Matrix sync older than this means the connection is not healthy.
pub const MATRIX_STALE: Duration = Duration::from_secs(90);
/// Errors kept for `!status`.
const ERRORS_KEPT: usize = 5;

/// How the running platforms are doing, as their adapters report it.
pub struct Status {
    started: Instant,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Discord shards by id, connected or not; `None` when Discord's gateway is not configured.
    discord: Option<BTreeMap<u32, bool>>,
    /// The last good Matrix sync; outer `None` when Matrix is not configured.
    matrix: Option<Option<Instant>>,
    /// The latest Matrix sync failed.
    matrix_failing: bool,
    errors: VecDeque<(u64, String)>,
    /// Why data/ is not watched, per reindex thread whose watch failed (by [`Unwatched`] id).
    unwatched: BTreeMap<u64, String>,
    /// Why the last update of the index failed, until one succeeds.
    index_failure: Option<String>,
    /// The feeds followed, as the last poll left them.
    feeds: Vec<FeedHealth>,
    alerts_paused: Vec<String>,
}

/// One feed's health: when it was last read, when it last brought something, its error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeedHealth {
    pub name: String,
    pub url: String,
    /// Unix times.
    pub last_success: Option<i64>,
    pub last_new: Option<i64>,
    /// The last error, while the feed keeps failing.
    pub last_error: Option<String>,
    /// Failed polls in a row.
    pub failures: u32,
}

static STATUS: LazyLock<Status> = LazyLock::new(Status::new);

/// The process-wide status.
pub fn status() -> &'static Status {
    &STATUS
}

fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl Status {
    fn new() -> Status {
        Status {
            started: Instant::now(),
            inner: Mutex::new(Inner::default()),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut inner)
    }

    pub fn uptime(&self) -> Duration {
        self.started.elapsed()
    }

    /// Discord's gateway is configured (its shards report as they connect).
    pub fn discord_configured(&self) {
        self.with(|i| {
            i.discord.get_or_insert_with(BTreeMap::new);
        });
    }

    /// A shard connected (READY) or dropped.
    pub fn discord_shard(&self, shard: u32, connected: bool) {
        let was = self.with(|i| {
            i.discord
                .get_or_insert_with(BTreeMap::new)
                .insert(shard, connected)
        });
        // A shard seen before that (re)connects: a reconnection, whether serenity reported the
        // drop in between or resumed the session at once.
        if connected && was.is_some() {
            metrics::counter!("clippings_reconnects_total", "platform" => "discord").increment(1);
        }
    }

    /// Matrix is configured (healthy once it syncs).
    pub fn matrix_configured(&self) {
        self.with(|i| {
            i.matrix.get_or_insert(None);
        });
    }

    /// A Matrix sync succeeded (`true`) or failed.
    pub fn matrix_synced(&self, ok: bool) {
        let was_ok = self.with(|i| {
            let last = i.matrix.get_or_insert(None);
            let was_ok = last.is_some_and(|t| t.elapsed() < MATRIX_STALE);
            if ok {
                *last = Some(Instant::now());
            }
            let was_failing = std::mem::replace(&mut i.matrix_failing, !ok);
            was_ok && !was_failing
        });
        if was_ok && !ok {
            metrics::counter!("clippings_reconnects_total", "platform" => "matrix").increment(1);
        }
    }

    /// Each configured platform and whether it is connected: every Discord shard connected;
    /// Matrix synced, its latest sync good and recent. `/metrics` reads this at each scrape,
    /// so the gauge does not depend on when the recorder was installed.
    pub fn connected(&self) -> Vec<(&'static str, bool)> {
        self.with(|i| {
            let mut out = Vec::new();
            if let Some(shards) = &i.discord {
                out.push(("discord", !shards.is_empty() && shards.values().all(|c| *c)));
            }
            if let Some(last) = i.matrix {
                let fresh = last.is_some_and(|t| t.elapsed() <= MATRIX_STALE);
                out.push(("matrix", fresh && !i.matrix_failing));
            }
            out
        })
    }

    /// data/ cannot be watched: `!status` and `/healthz` warn (the bot answers as before;
    /// changes are picked up on restart or with `!reindex`) while the guard lives.
    pub fn data_unwatched(&'static self, reason: impl Into<String>) -> Unwatched {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let id = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let reason: String = reason.into().chars().take(300).collect();
        self.with(|i| i.unwatched.insert(id, reason));
        Unwatched { status: self, id }
    }

    /// The last update of the index failed (`Some(reason)`: a full disk, a read-only index
    /// folder), or one succeeded since (`None`). `!status` and `/healthz` warn meanwhile.
    pub fn index_update_failed(&self, reason: Option<String>) {
        let reason: Option<String> = reason.map(|r| r.chars().take(300).collect());
        if let Some(reason) = &reason {
            self.error(format!("index update failed: {reason}"));
        }
        self.with(|i| i.index_failure = reason);
    }

    /// Places whose alerts are paused (the bot cannot post there any more), with why.
    pub fn alerts_paused(&self, places: Vec<String>) {
        self.with(|i| i.alerts_paused = places);
    }

    /// The feeds and how their last polls went (after each poll).
    pub fn feeds(&self, feeds: Vec<FeedHealth>) {
        self.with(|i| i.feeds = feeds);
    }

    /// What does not stop the bot from answering but needs someone's attention.
    pub fn warnings(&self) -> Vec<String> {
        self.with(|i| {
            let mut out: Vec<String> = i
                .unwatched
                .values()
                .map(|reason| {
                    format!(
                        "data/ is not watched ({reason}): changes are picked up on restart or with !reindex"
                    )
                })
                .collect();
            if let Some(reason) = &i.index_failure {
                out.push(format!(
                    "the index cannot be updated ({reason}): answers come from it as it was"
                ));
            }
            for place in &i.alerts_paused {
                out.push(format!("alerts paused for {place}"));
            }
            for feed in i.feeds.iter().filter(|f| f.failures > 0) {
                out.push(format!(
                    "feed {} failing ({} in a row): {}",
                    feed.name,
                    feed.failures,
                    feed.last_error.as_deref().unwrap_or("unknown error")
                ));
            }
            out
        })
    }

    /// Remembers an error for `!status` (the text must hold no secret).
    pub fn error(&self, text: impl Into<String>) {
        let text: String = text.into().chars().take(300).collect();
        self.with(|i| {
            i.errors.push_back((now_unix(), text));
            while i.errors.len() > ERRORS_KEPT {
                i.errors.pop_front();
            }
        });
    }

    /// What is wrong with the configured platforms; empty when all is well.
    pub fn problems(&self) -> Vec<String> {
        self.with(|i| {
            let mut problems = Vec::new();
            if let Some(shards) = &i.discord {
                if shards.is_empty() {
                    problems.push("discord: no shard connected yet".to_string());
                }
                for (id, connected) in shards {
                    if !connected {
                        problems.push(format!("discord: shard {id} not connected"));
                    }
                }
            }
            match i.matrix {
                Some(_) if i.matrix_failing => {
                    problems.push("matrix: cannot reach the homeserver".to_string())
                }
                Some(None) => problems.push("matrix: not synced yet".to_string()),
                Some(Some(t)) if t.elapsed() > MATRIX_STALE => {
                    problems.push(format!("matrix: last sync {} s ago", t.elapsed().as_secs()))
                }
                _ => {}
            }
            problems
        })
    }

    /// A snapshot for `/healthz` and `!status`.
    pub fn report(&self, engine: &Engine) -> Report {
        let snapshot = engine.live().get();
        let manifest = &snapshot.manifest;
        let (discord, matrix, errors, feeds) = self.with(|i| {
            (
                i.discord.clone().map(|shards| {
                    shards
                        .into_iter()
                        .map(|(id, c)| (id, if c { "connected" } else { "disconnected" }))
                        .collect::<BTreeMap<_, _>>()
                }),
                i.matrix.map(|last| last.map(|t| t.elapsed().as_secs())),
                i.errors
                    .iter()
                    .map(|(at, text)| format!("{at}: {text}"))
                    .collect(),
                i.feeds.clone(),
            )
        });
        let problems = self.problems();
        Report {
            status: if problems.is_empty() {
                "ok"
            } else {
                "degraded"
            },
            problems,
            uptime_seconds: self.uptime().as_secs(),
            index: IndexReport {
                articles: manifest.articles.len(),
                passages: manifest.passages,
                age_seconds: now_unix().saturating_sub(manifest.built_at),
            },
            discord,
            matrix: matrix.map(|last_sync_seconds_ago| MatrixReport {
                last_sync_seconds_ago,
            }),
            warnings: self.warnings(),
            feeds,
            last_errors: errors,
        }
    }
}

/// Keeps the warning that data/ is not watched until dropped.
pub struct Unwatched {
    status: &'static Status,
    id: u64,
}

impl Drop for Unwatched {
    fn drop(&mut self) {
        self.status.with(|i| i.unwatched.remove(&self.id));
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub status: &'static str,
    pub problems: Vec<String>,
    pub uptime_seconds: u64,
    pub index: IndexReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub discord: Option<BTreeMap<u32, &'static str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matrix: Option<MatrixReport>,
    /// What needs attention but does not make the bot unhealthy (no 503).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// Each feed's last success and error.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub feeds: Vec<FeedHealth>,
    pub last_errors: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexReport {
    pub articles: usize,
    pub passages: u64,
    pub age_seconds: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct MatrixReport {
    pub last_sync_seconds_ago: Option<u64>,
}

impl Report {
    /// The report as a few lines for chat (`!status`).
    pub fn text(&self) -> String {
        let mut lines = vec![format!(
            "Status: {} · up {} · index: {} articles, {} passages, built {} ago",
            self.status,
            human(self.uptime_seconds),
            self.index.articles,
            self.index.passages,
            human(self.index.age_seconds)
        )];
        if let Some(shards) = &self.discord {
            let shards: Vec<String> = shards.iter().map(|(id, s)| format!("{id} {s}")).collect();
            lines.push(format!(
                "Discord shards: {}",
                if shards.is_empty() {
                    "none yet".to_string()
                } else {
                    shards.join(", ")
                }
            ));
        }
        if let Some(m) = &self.matrix {
            lines.push(match m.last_sync_seconds_ago {
                Some(s) => format!("Matrix: last sync {} ago", human(s)),
                None => "Matrix: not synced yet".to_string(),
            });
        }
        for p in &self.problems {
            lines.push(format!("Problem: {p}"));
        }
        for w in &self.warnings {
            lines.push(format!("Warning: {w}"));
        }
        for feed in &self.feeds {
            lines.push(format!("Feed {}: {}", feed.name, feed_line(feed)));
        }
        if self.last_errors.is_empty() {
            lines.push("No recent errors.".to_string());
        } else {
            lines.push("Recent errors:".to_string());
            lines.extend(self.last_errors.iter().map(|e| format!("  {e}")));
        }
        lines.join("\n")
    }
}

/// When a feed was last read and last brought something, in words.
pub fn feed_line(feed: &FeedHealth) -> String {
    let ago = |t: Option<i64>| match t {
        Some(t) => format!("{} ago", human(now_unix().saturating_sub(t.max(0) as u64))),
        None => "never".to_string(),
    };
    let mut line = format!(
        "last read {}, last new article {}",
        ago(feed.last_success),
        ago(feed.last_new)
    );
    if feed.failures > 0 {
        line.push_str(&format!(
            "; failing: {}",
            feed.last_error.as_deref().unwrap_or("unknown error")
        ));
    }
    line
}

fn human(seconds: u64) -> String {
    match seconds {
        s if s < 120 => format!("{s} s"),
        s if s < 7200 => format!("{} min", s / 60),
        s if s < 172_800 => format!("{} h", s / 3600),
        s => format!("{} days", s / 86_400),
    }
}

static PROMETHEUS: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the Prometheus recorder (once per process); `None` if another recorder is set.
pub fn install_metrics() -> Option<PrometheusHandle> {
    PROMETHEUS
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets(&[
                    0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                ])
                .ok()?
                .build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).ok()?;
            Some(handle)
        })
        .clone()
}

#[derive(Clone)]
struct Shared {
    engine: Arc<Engine>,
    metrics: Option<PrometheusHandle>,
}

/// `GET /healthz` and `GET /metrics`, to merge into the built-in HTTP server.
pub fn router(engine: Arc<Engine>) -> Router {
    let shared = Shared {
        engine,
        metrics: install_metrics(),
    };
    Router::new()
        .route("/healthz", get(healthz))
        .route("/metrics", get(prometheus))
        .with_state(shared)
}

async fn healthz(State(shared): State<Shared>) -> Response {
    let report = status().report(&shared.engine);
    let code = if report.problems.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, axum::Json(report)).into_response()
}

async fn prometheus(State(shared): State<Shared>) -> Response {
    let Some(handle) = &shared.metrics else {
        return (StatusCode::NOT_FOUND, "metrics are not enabled").into_response();
    };
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        render(&shared.engine, status(), handle),
    )
        .into_response()
}

/// The Prometheus page: gauges of what is true now (index, uptime, connections), then
/// everything recorded.
fn render(engine: &Engine, status: &Status, handle: &PrometheusHandle) -> String {
    for (platform, connected) in status.connected() {
        metrics::gauge!("clippings_platform_connected", "platform" => platform).set(if connected {
            1.0
        } else {
            0.0
        });
    }
    let snapshot = engine.live().get();
    metrics::gauge!("clippings_index_passages").set(snapshot.manifest.passages as f64);
    metrics::gauge!("clippings_index_articles").set(snapshot.manifest.articles.len() as f64);
    metrics::gauge!("clippings_index_age_seconds")
        .set(now_unix().saturating_sub(snapshot.manifest.built_at) as f64);
    metrics::gauge!("clippings_uptime_seconds").set(status.uptime().as_secs_f64());
    handle.render()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failing_feed_is_a_warning_with_its_error_and_each_feed_says_when_it_was_read() {
        let s = Status::new();
        let now = now_unix() as i64;
        s.feeds(vec![
            FeedHealth {
                name: "good".into(),
                url: "https://a.example/rss".into(),
                last_success: Some(now - 300),
                last_new: Some(now - 7200),
                last_error: None,
                failures: 0,
            },
            FeedHealth {
                name: "bad".into(),
                url: "https://b.example/rss".into(),
                last_success: None,
                last_new: None,
                last_error: Some("HTTP 503".into()),
                failures: 3,
            },
        ]);
        assert!(
            s.problems().is_empty(),
            "a feed never makes the bot unhealthy"
        );
        assert_eq!(
            s.warnings(),
            vec!["feed bad failing (3 in a row): HTTP 503".to_string()]
        );
        let feeds = s.with(|i| i.feeds.clone());
        assert_eq!(
            feed_line(&feeds[0]),
            "last read 5 min ago, last new article 2 h ago"
        );
        assert_eq!(
            feed_line(&feeds[1]),
            "last read never, last new article never; failing: HTTP 503"
        );
    }

    #[test]
    fn problems_name_what_is_wrong() {
        let s = Status::new();
        assert!(s.problems().is_empty(), "nothing configured, nothing wrong");
        assert!(s.connected().is_empty());
        s.discord_configured();
        assert_eq!(s.problems(), vec!["discord: no shard connected yet"]);
        assert_eq!(s.connected(), vec![("discord", false)]);
        s.discord_shard(0, true);
        s.discord_shard(1, false);
        assert_eq!(s.problems(), vec!["discord: shard 1 not connected"]);
        assert_eq!(s.connected(), vec![("discord", false)]);
        s.discord_shard(1, true);
        assert_eq!(s.connected(), vec![("discord", true)]);
        s.matrix_configured();
        assert_eq!(s.problems(), vec!["matrix: not synced yet"]);
        assert_eq!(s.connected(), vec![("discord", true), ("matrix", false)]);
        s.matrix_synced(true);
        assert!(s.problems().is_empty());
        assert_eq!(s.connected(), vec![("discord", true), ("matrix", true)]);
        s.matrix_synced(false);
        assert_eq!(s.problems(), vec!["matrix: cannot reach the homeserver"]);
        assert_eq!(s.connected(), vec![("discord", true), ("matrix", false)]);
        s.matrix_synced(true);
        assert!(s.problems().is_empty());
        for i in 0..8 {
            s.error(format!("error {i}"));
        }
        assert_eq!(s.with(|i| i.errors.len()), ERRORS_KEPT);
    }

    /// A Discord shard can be READY before the HTTP server installs the recorder (the gateway
    /// starts first): the connection gauge must still read 1 on `/metrics` (it was missing,
    /// and `tests/ops_health.rs` failed now and then).
    #[test]
    fn a_connection_made_before_the_recorder_was_installed_shows_on_metrics() {
        let s = Status::new();
        s.discord_configured();
        s.discord_shard(0, true);
        s.matrix_configured();
        let handle = install_metrics().expect("the recorder");
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let engine = Engine::in_ram(&data).expect("an engine over data/");
        let page = render(&engine, &s, &handle);
        assert!(
            page.contains("clippings_platform_connected{platform=\"discord\"} 1\n"),
            "{page}"
        );
        assert!(
            page.contains("clippings_platform_connected{platform=\"matrix\"} 0\n"),
            "{page}"
        );
        s.discord_shard(0, false);
        s.matrix_synced(true);
        let page = render(&engine, &s, &handle);
        assert!(page.contains("clippings_platform_connected{platform=\"discord\"} 0\n"));
        assert!(page.contains("clippings_platform_connected{platform=\"matrix\"} 1\n"));
    }
}
