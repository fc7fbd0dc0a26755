//! The coverage desk of a running bot: the ingester on a runtime of its own, the feeds polled
//! every `FEED_POLL_MINUTES`, and `!feeds`, `!feed add|remove` and `!add <url>` answered.

use std::sync::Arc;
use std::time::Duration;

use crate::config::Config;
use crate::conversation::Coverage;
use crate::engine::{Answer, NoticeKind};
use crate::web::{self, address};

use super::{IngestError, Ingester, Outcome, feeds};

/// How long `!add <url>` waits for its page before saying it gave up.
const ADD_DEADLINE: Duration = Duration::from_secs(90);

/// How the bot fetches feeds and pages, from its configuration.
pub fn fetch_settings(config: &Config) -> web::FetchSettings {
    web::FetchSettings {
        user_agent: web::fetch::user_agent(config.user_agent_contact.as_deref()),
        allow_private: config.allow_private_hosts,
        per_host_interval: Duration::from_millis(config.host_interval_ms),
        ..web::FetchSettings::default()
    }
}

/// The ingester of `config.data_dir`, polling every `FEED_POLL_MINUTES` (call it within a
/// tokio runtime).
pub fn open_ingester(config: &Config) -> Result<Ingester, IngestError> {
    let minutes = u64::from(config.feed_poll_minutes.unwrap_or(15));
    Ingester::open(
        &config.data_dir,
        fetch_settings(config),
        Duration::from_secs(60 * minutes),
    )
}

/// The ingester and the runtime its fetches run on (one worker: fetching waits on the
/// network, and the cores are for answering).
pub struct Desk {
    ingester: Arc<Ingester>,
    runtime: Option<tokio::runtime::Runtime>,
    wake: Arc<tokio::sync::Notify>,
}

impl Desk {
    /// Opens the ingester for `config.data_dir`; polls the feeds in the background when
    /// `poll` (the process that writes the index) and `FEED_POLL_MINUTES` is not 0.
    pub fn start(config: &Config, poll: bool) -> anyhow::Result<Arc<Desk>> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("clippings-ingest")
            .enable_all()
            .build()?;
        let ingester = {
            let _guard = runtime.enter();
            Arc::new(open_ingester(config)?)
        };
        let wake = Arc::new(tokio::sync::Notify::new());
        if poll && config.feed_poll_minutes.is_some() {
            runtime.spawn(poll_loop(ingester.clone(), wake.clone()));
        }
        Ok(Arc::new(Desk {
            ingester,
            runtime: Some(runtime),
            wake,
        }))
    }

    pub fn ingester(&self) -> &Arc<Ingester> {
        &self.ingester
    }

    fn block_on<T>(&self, f: impl std::future::Future<Output = T>) -> T {
        match &self.runtime {
            Some(runtime) => runtime.handle().block_on(f),
            None => unreachable!("the runtime lives as long as the desk"),
        }
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

/// Polls the feeds that are due, then sleeps until the next is (or until woken by a new feed).
async fn poll_loop(ingester: Arc<Ingester>, wake: Arc<tokio::sync::Notify>) {
    loop {
        // Each pass in a task of its own: a panic in one (hostile input that got through)
        // is logged, and the next pass comes as usual.
        let pass = ingester.clone();
        match tokio::spawn(async move { pass.poll(true, &|_| {}).await }).await {
            Ok(Ok(report)) if report.changed() => {
                tracing::info!(summary = %report.summary(), "feeds polled")
            }
            Ok(Ok(report)) => tracing::debug!(summary = %report.summary(), "feeds polled"),
            Ok(Err(e)) => tracing::warn!(error = %e, "feeds not polled"),
            Err(e) => tracing::error!(error = %e, "a feed poll failed"),
        }
        let wait = ingester.next_due().unwrap_or(Duration::from_secs(60));
        tokio::select! {
            () = tokio::time::sleep(wait.clamp(Duration::from_secs(1), Duration::from_secs(3600))) => {}
            () = wake.notified() => {}
        }
    }
}

fn info(text: impl Into<String>) -> Answer {
    Answer::notice(NoticeKind::Info, text, Vec::new())
}

fn refused(text: impl Into<String>) -> Answer {
    Answer::notice(NoticeKind::Refused, text, Vec::new())
}

impl Coverage for Desk {
    fn feeds(&self) -> Answer {
        let data_dir = self.ingester.data_dir();
        let list = match feeds::load(data_dir) {
            Ok(list) => list,
            Err(e) => return refused(format!("The feeds cannot be read: {e}")),
        };
        if list.is_empty() {
            return info("No feeds are followed yet. Admins add one with feed add <url>.");
        }
        let mut lines = vec![format!("{} feeds followed:", list.len())];
        for (feed, health) in list.iter().zip(self.ingester.health(&list)) {
            lines.push(format!(
                "• {} — {} — {}",
                health.name,
                feed.url,
                crate::ops::feed_line(&health)
            ));
        }
        info(lines.join("\n"))
    }

    fn add_feed(&self, url: &str) -> Answer {
        match feeds::add(self.ingester.data_dir(), url, None, None) {
            Ok(entry) => {
                self.wake.notify_one();
                info(format!(
                    "Following {} ({}). Its new articles arrive within minutes.",
                    entry.label(),
                    entry.url
                ))
            }
            Err(e) => refused(format!("Not added: {e}.")),
        }
    }

    fn remove_feed(&self, name: &str) -> Answer {
        match feeds::remove(self.ingester.data_dir(), name) {
            Ok(entry) => {
                let _ = self.ingester.forget_feed(&entry.url);
                info(format!(
                    "No longer following {} ({}). Its articles stay in the coverage.",
                    entry.label(),
                    entry.url
                ))
            }
            Err(e) => refused(format!("Not removed: {e}.")),
        }
    }

    fn add_url(&self, url: &str) -> Answer {
        if let Err(e) = address::parse(url) {
            return refused(format!("Not added: {e}."));
        }
        let ingester = self.ingester.clone();
        let url = url.trim().to_string();
        let outcome = self.block_on(async move {
            tokio::time::timeout(ADD_DEADLINE, ingester.add_url(&url)).await
        });
        match outcome {
            Ok(Ok(outcome)) => info(added_text(&outcome, &self.ingester)),
            Ok(Err(e)) => refused(not_added_text(&e)),
            Err(_) => refused("Not added: the page took too long to fetch."),
        }
    }
}

/// What `!add` and `clippings add URL` say of a stored page.
pub fn added_text(outcome: &Outcome, ingester: &Ingester) -> String {
    let title = ingester
        .title_of(outcome.slug())
        .map(|t| format!("“{t}” "))
        .unwrap_or_default();
    match outcome {
        Outcome::New(slug) => {
            format!("Added {title}(ref {slug}); it is searchable within seconds.")
        }
        Outcome::Updated(slug) => format!("Updated {title}(ref {slug}): the page had changed."),
        Outcome::Duplicate(slug) => {
            format!("Already in the coverage: {title}(ref {slug}); nothing changed.")
        }
    }
}

pub fn not_added_text(e: &IngestError) -> String {
    format!("Not added: {e}.")
}
