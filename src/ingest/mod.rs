//! Coverage from the web: feeds polled, article pages fetched and extracted, each article
//! stored once as a file in data/articles (the index watcher then adds it in place, like any
//! file dropped there). What was seen, the feeds' validators, errors and backoff live in the
//! state database ([`state`]); the feeds themselves in `data/feeds.toml` ([`feeds`]).

pub mod chat;
pub mod feeds;
pub mod state;
pub mod store;

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;
use url::Url;

use crate::corpus::{self, ArticleMeta};
use crate::web::extract::{self, Extracted};
use crate::web::{self, FetchError, Fetched, Fetcher, Kind, address, feed};
use feeds::FeedEntry;
use state::{Claim, NewArticle, State};

pub use crate::config::STATE_FILE;
/// The most items read from one feed per poll (the newest first, as feeds list them).
const MAX_ITEMS_PER_POLL: usize = 1000;
/// The longest a failing feed waits between tries.
const MAX_BACKOFF: Duration = Duration::from_secs(24 * 3600);
/// An article body shorter than this is not an article (a teaser, an error page).
const MIN_TEXT_CHARS: usize = 200;

/// What became of one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "result", content = "slug")]
pub enum Outcome {
    New(String),
    Updated(String),
    Duplicate(String),
}

impl Outcome {
    pub fn slug(&self) -> &str {
        match self {
            Outcome::New(s) | Outcome::Updated(s) | Outcome::Duplicate(s) => s,
        }
    }
}

/// Why a page or feed brought nothing.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{0}")]
    Fetch(#[from] FetchError),
    #[error("{0}")]
    Feed(#[from] feed::FeedError),
    #[error("no article found on the page")]
    NoArticle,
    #[error("the page has no title")]
    NoTitle,
    #[error("{0}")]
    State(#[from] state::StateError),
    #[error("{0}")]
    Store(#[from] store::StoreError),
    #[error("{0}")]
    Feeds(#[from] feeds::FeedsError),
}

impl IngestError {
    /// Refused (robots.txt, a private address) rather than failed.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            IngestError::Fetch(FetchError::Robots | FetchError::Private(_))
        )
    }

    fn label(&self) -> &'static str {
        match self {
            IngestError::Fetch(e) => e.label(),
            IngestError::Feed(_) => "not_a_feed",
            IngestError::NoArticle | IngestError::NoTitle => "no_article",
            _ => "error",
        }
    }
}

/// One feed's part of a poll.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FeedReport {
    pub feed: String,
    pub url: String,
    pub new: usize,
    pub updated: usize,
    pub duplicate: usize,
    pub refused: usize,
    pub failed: usize,
    /// The server said nothing changed since the last poll.
    pub not_modified: bool,
    /// Not polled: still backing off after errors.
    pub waiting: bool,
    /// Why the feed itself could not be read.
    pub error: Option<String>,
    /// Each item that was refused or failed: its address and why.
    pub problems: Vec<String>,
    /// The articles stored or updated, by slug.
    #[serde(skip)]
    pub stored: Vec<String>,
}

/// A pass over the feeds.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PollReport {
    pub feeds: Vec<FeedReport>,
}

impl PollReport {
    pub fn total(&self, f: impl Fn(&FeedReport) -> usize) -> usize {
        self.feeds.iter().map(f).sum()
    }

    /// Something was stored or updated.
    pub fn changed(&self) -> bool {
        self.total(|f| f.new + f.updated) > 0
    }

    /// The one-line summary `feed poll` prints.
    pub fn summary(&self) -> String {
        let failed_feeds = self.feeds.iter().filter(|f| f.error.is_some()).count();
        format!(
            "{} feeds: {} new, {} updated, {} duplicate, {} refused, {} failed{}",
            self.feeds.len(),
            self.total(|f| f.new),
            self.total(|f| f.updated),
            self.total(|f| f.duplicate),
            self.total(|f| f.refused),
            self.total(|f| f.failed),
            if failed_feeds > 0 {
                format!(" ({failed_feeds} feeds could not be read)")
            } else {
                String::new()
            }
        )
    }
}

/// What a feed item tells about its article.
#[derive(Debug, Clone, Default)]
struct Hint<'a> {
    feed: Option<&'a FeedEntry>,
    item: Option<&'a feed::Item>,
    /// Fetch again even when the address is known (someone asked for this page).
    force: bool,
}

/// Ingestion for one data/ folder: one HTTP client, one state database.
pub struct Ingester {
    data_dir: PathBuf,
    fetcher: Fetcher,
    state: Mutex<State>,
    poll_interval: Duration,
}

impl Ingester {
    /// Opens the state in `data_dir` and reconciles it with the article files (claims a crash
    /// left without a file are forgotten; files the state does not know are adopted).
    pub fn open(
        data_dir: &Path,
        settings: web::FetchSettings,
        poll_interval: Duration,
    ) -> Result<Ingester, IngestError> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| store::StoreError::Io(data_dir.to_path_buf(), e))?;
        let state = State::open(&data_dir.join(STATE_FILE))?;
        let fetcher = Fetcher::new(settings)?;
        let ingester = Ingester {
            data_dir: data_dir.to_path_buf(),
            fetcher,
            state: Mutex::new(state),
            poll_interval,
        };
        ingester.reconcile()?;
        Ok(ingester)
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn reconcile(&self) -> Result<(), IngestError> {
        let state = self.state();
        for slug in state.unstored()? {
            if store::article_path(&self.data_dir, &slug).exists() {
                state.stored(&slug)?;
            } else {
                state.release(&slug)?;
            }
        }
        let known = state.slugs()?;
        let Ok(files) = corpus::article_files(&self.data_dir) else {
            return Ok(());
        };
        for path in files {
            let Some(slug) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            if known.contains(slug) {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            let Ok((meta, body)) = corpus::frontmatter::split(&text) else {
                continue;
            };
            let Some(url) = meta.url.as_deref().and_then(|u| address::parse(u).ok()) else {
                continue;
            };
            state.adopt(
                slug,
                &address::normalize(&url),
                meta.publisher.as_deref(),
                &title_key(&meta.title),
                &body_hash(body),
            )?;
        }
        Ok(())
    }

    /// How long until the next feed is due (`None`: no feeds).
    pub fn next_due(&self) -> Option<Duration> {
        let feeds = feeds::load(&self.data_dir).ok()?;
        let state = self.state();
        let now = state::now();
        feeds
            .iter()
            .map(|f| state.feed(&f.url).map_or(0, |r| r.next_poll))
            .min()
            .map(|next| Duration::from_secs(next.saturating_sub(now).max(0) as u64))
    }

    /// Forgets a feed's validators and errors (it is no longer followed).
    pub fn forget_feed(&self, url: &str) -> Result<(), IngestError> {
        Ok(self.state().forget_feed(url)?)
    }

    /// The title of the stored article `slug`.
    pub fn title_of(&self, slug: &str) -> Option<String> {
        let text = std::fs::read_to_string(store::article_path(&self.data_dir, slug)).ok()?;
        corpus::frontmatter::split(&text)
            .ok()
            .map(|(meta, _)| meta.title)
    }

    /// `clippings add URL` and `!add <url>`: fetches, extracts and stores one page.
    pub async fn add_url(&self, url: &str) -> Result<Outcome, IngestError> {
        let url = address::parse(url).map_err(FetchError::BadAddress)?;
        let outcome = self
            .ingest(
                &url,
                Hint {
                    force: true,
                    ..Hint::default()
                },
            )
            .await;
        record_ingest(&outcome);
        outcome
    }

    /// One pass over every feed of data/feeds.toml; `due_only` skips feeds still backing off
    /// or not yet due (the main job), `progress` hears of each item.
    pub async fn poll(
        &self,
        due_only: bool,
        progress: &(dyn Fn(&str) + Sync),
    ) -> Result<PollReport, IngestError> {
        let feeds = feeds::load(&self.data_dir)?;
        let mut report = PollReport::default();
        for entry in &feeds {
            report
                .feeds
                .push(self.poll_feed(entry, due_only, progress).await);
        }
        crate::ops::status().feeds(self.health(&feeds));
        Ok(report)
    }

    /// One feed: a conditional GET, then each item not seen yet.
    async fn poll_feed(
        &self,
        entry: &FeedEntry,
        due_only: bool,
        progress: &(dyn Fn(&str) + Sync),
    ) -> FeedReport {
        let mut report = FeedReport {
            feed: entry.label(),
            url: entry.url.clone(),
            ..FeedReport::default()
        };
        let record = match self.state().feed(&entry.url) {
            Ok(record) => record,
            Err(e) => {
                report.error = Some(e.to_string());
                return report;
            }
        };
        if due_only && record.next_poll > state::now() {
            report.waiting = true;
            return report;
        }
        let fetched = match address::parse(&entry.url) {
            Ok(url) => self
                .fetcher
                .get(&url, Kind::Feed, &record.validators)
                .await
                .map_err(IngestError::from),
            Err(e) => Err(FetchError::BadAddress(e).into()),
        };
        let page = match fetched {
            Ok(Fetched::NotModified) => {
                fetch_counter("not_modified");
                report.not_modified = true;
                self.feed_done(entry, None, false, &mut report);
                return report;
            }
            Ok(Fetched::Page(page)) => {
                fetch_counter("ok");
                page
            }
            Err(e) => {
                fetch_counter(e.label());
                self.feed_failed(entry, &e, record.failures, &mut report);
                return report;
            }
        };
        let parsed = match feed::parse(&page.bytes, &page.url) {
            Ok(parsed) => parsed,
            Err(e) => {
                self.feed_failed(entry, &e.into(), record.failures, &mut report);
                return report;
            }
        };
        for skipped in &parsed.skipped {
            tracing::warn!(feed = %entry.url, "skipped {skipped}");
            report.failed += 1;
            report.problems.push(format!("{}: {skipped}", entry.url));
        }
        // Oldest first, so articles arrive in the order they were published.
        let items: Vec<&feed::Item> = parsed.items.iter().take(MAX_ITEMS_PER_POLL).rev().collect();
        for item in items {
            progress(item.link.as_str());
            let outcome = self
                .ingest(
                    &item.link,
                    Hint {
                        feed: Some(entry),
                        item: Some(item),
                        force: false,
                    },
                )
                .await;
            record_ingest(&outcome);
            match outcome {
                Ok(Outcome::New(slug)) => {
                    report.new += 1;
                    report.stored.push(slug);
                }
                Ok(Outcome::Updated(slug)) => {
                    report.updated += 1;
                    report.stored.push(slug);
                }
                Ok(Outcome::Duplicate(_)) => report.duplicate += 1,
                Err(e) => {
                    tracing::warn!(url = %item.link, error = %e, "feed item not stored");
                    if e.is_refusal() {
                        report.refused += 1;
                    } else {
                        report.failed += 1;
                    }
                    report.problems.push(format!("{}: {e}", item.link));
                }
            }
        }
        let brought_new = report.new + report.updated > 0;
        self.feed_done(entry, Some(&page.validators), brought_new, &mut report);
        report
    }

    fn feed_done(
        &self,
        entry: &FeedEntry,
        validators: Option<&web::Validators>,
        brought_new: bool,
        report: &mut FeedReport,
    ) {
        let next = state::now() + jittered(self.poll_interval).as_secs() as i64;
        if let Err(e) = self
            .state()
            .feed_succeeded(&entry.url, validators, brought_new, next)
        {
            report.error = Some(e.to_string());
        }
    }

    fn feed_failed(
        &self,
        entry: &FeedEntry,
        error: &IngestError,
        failures: u32,
        report: &mut FeedReport,
    ) {
        tracing::warn!(feed = %entry.url, error = %error, "feed not read");
        let wait = match error {
            IngestError::Fetch(e) if e.retry_after().is_some() => {
                e.retry_after().unwrap_or_default()
            }
            _ => backoff(self.poll_interval, failures + 1),
        };
        let next = state::now() + wait.max(Duration::from_secs(1)).as_secs() as i64;
        let text = error.to_string();
        if let Err(e) = self.state().feed_failed(&entry.url, &text, next) {
            tracing::error!(error = %e, "cannot record a feed failure");
        }
        report.error = Some(text);
    }

    /// Each feed's last success and error, for `!status`, `/healthz` and `!feeds`.
    pub fn health(&self, feeds: &[FeedEntry]) -> Vec<crate::ops::FeedHealth> {
        let state = self.state();
        feeds
            .iter()
            .map(|f| {
                let record = state.feed(&f.url).unwrap_or_default();
                crate::ops::FeedHealth {
                    name: f.label(),
                    url: f.url.clone(),
                    last_success: record.last_success,
                    last_new: record.last_new,
                    last_error: record.last_error.filter(|_| record.failures > 0),
                    failures: record.failures,
                }
            })
            .collect()
    }

    /// One article page: known already, or fetched, extracted and stored (new or updated).
    async fn ingest(&self, link: &Url, hint: Hint<'_>) -> Result<Outcome, IngestError> {
        let link_key = address::normalize(link);
        let item_updated = hint.item.and_then(|i| i.updated.as_deref());
        if !hint.force
            && let Some(known) = self.state().known_at(std::slice::from_ref(&link_key))?
        {
            let seen_at = known.item_updated.as_deref();
            if item_updated.is_none() || seen_at == item_updated {
                return Ok(Outcome::Duplicate(known.slug));
            }
            if seen_at.is_none() {
                // First seen without the item's time (by another feed, or by hand): remember
                // it, so that a later change of the item is noticed.
                self.state().refreshed(
                    &known.slug,
                    &known.body_hash,
                    std::slice::from_ref(&link_key),
                    item_updated,
                )?;
                return Ok(Outcome::Duplicate(known.slug));
            }
        }
        let page = match self
            .fetcher
            .get(link, Kind::Article, &web::Validators::default())
            .await
        {
            Ok(Fetched::Page(page)) => {
                fetch_counter("ok");
                page
            }
            Ok(Fetched::NotModified) => {
                fetch_counter("not_modified");
                return Err(IngestError::NoArticle);
            }
            Err(e) => {
                fetch_counter(e.label());
                return Err(e.into());
            }
        };
        let html = page.text();
        let page_url = page.url.clone();
        let extracted = tokio::task::spawn_blocking(move || extract::extract(&html, &page_url))
            .await
            .map_err(|_| IngestError::NoArticle)?;
        let article = Prepared::new(extracted, &page.url, hint.feed, hint.item)?;
        let mut urls = vec![article.key.clone()];
        for other in [link_key, address::normalize(&page.url)] {
            if !urls.contains(&other) {
                urls.push(other);
            }
        }
        let hash = body_hash(&article.body);
        let slug_base = corpus::slugify(&format!(
            "{} {}",
            article.meta.publisher.as_deref().unwrap_or_default(),
            article.meta.title
        ));
        let claim = {
            let data_dir = self.data_dir.clone();
            // A file by that name that the state does not know (written by hand) keeps its name.
            let taken = |slug: &str| store::article_path(&data_dir, slug).exists();
            self.state().claim(
                &NewArticle {
                    slug_base: &slug_base,
                    url: &article.key,
                    publisher: article.meta.publisher.as_deref(),
                    title_key: &title_key(&article.meta.title),
                    body_hash: &hash,
                    aliases: &urls[1..],
                    item_updated,
                },
                &taken,
            )?
        };
        match claim {
            Claim::Known(known) => self.refresh(known, &article, &urls, &hash, item_updated),
            Claim::New(slug) => {
                match store::write_new(&self.data_dir, &slug, article.meta.clone(), &article.body) {
                    Ok(path) => {
                        self.state().stored(&slug)?;
                        tracing::info!(path = %path.display(), url = %article.key, "article stored");
                        Ok(Outcome::New(slug))
                    }
                    Err(e) => {
                        let _ = self.state().release(&slug);
                        Err(e.into())
                    }
                }
            }
        }
    }

    /// A page already stored: unchanged, or its text changed (the same canonical address) and
    /// the file is replaced in place.
    fn refresh(
        &self,
        known: state::Known,
        article: &Prepared,
        urls: &[String],
        hash: &str,
        item_updated: Option<&str>,
    ) -> Result<Outcome, IngestError> {
        if !known.stored || known.body_hash == hash {
            self.state()
                .refreshed(&known.slug, &known.body_hash, urls, item_updated)?;
            return Ok(Outcome::Duplicate(known.slug));
        }
        let path = store::article_path(&self.data_dir, &known.slug);
        if !path.exists() {
            // Removed by a person: it stays removed.
            return Ok(Outcome::Duplicate(known.slug));
        }
        store::replace(
            &self.data_dir,
            &known.slug,
            article.meta.clone(),
            &article.body,
        )?;
        self.state()
            .refreshed(&known.slug, hash, urls, item_updated)?;
        tracing::info!(slug = %known.slug, "article updated in place");
        Ok(Outcome::Updated(known.slug))
    }
}

/// An extracted page made into an article file's attribution and body.
#[derive(Debug, Clone)]
struct Prepared {
    /// The canonical address, normalized.
    key: String,
    meta: ArticleMeta,
    body: String,
}

impl Prepared {
    fn new(
        extracted: Extracted,
        page_url: &Url,
        feed: Option<&FeedEntry>,
        item: Option<&feed::Item>,
    ) -> Result<Prepared, IngestError> {
        if extracted
            .text
            .chars()
            .filter(|c| !c.is_whitespace())
            .count()
            < MIN_TEXT_CHARS
        {
            return Err(IngestError::NoArticle);
        }
        let canonical = extracted
            .url
            .as_deref()
            .and_then(|u| address::parse(u).ok())
            .unwrap_or_else(|| page_url.clone());
        let mut notes = extracted.notes.clone();
        let title = extracted
            .title
            .clone()
            .or_else(|| item.and_then(|i| i.title.clone()))
            .ok_or(IngestError::NoTitle)?;
        let publisher = extracted
            .publisher
            .clone()
            .or_else(|| feed.and_then(|f| f.publisher.clone()))
            .or_else(|| {
                let host = address::host(&canonical);
                let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
                notes.push(format!("the page names no outlet: {host} is its host name"));
                Some(host)
            });
        let date = extracted
            .date
            .clone()
            .or_else(|| item.and_then(|i| i.date.clone()));
        let key = address::normalize(&canonical);
        let meta = ArticleMeta {
            title,
            publisher,
            date,
            // The address without tracking parameters or fragment: the link readers get.
            url: Some(key.clone()),
            via: None,
            notes: (!notes.is_empty()).then(|| notes.join("; ")),
            author: extracted
                .author
                .clone()
                .or_else(|| item.and_then(|i| i.author.clone())),
            feed: feed.map(|f| f.url.clone()),
            fetched: Some(today()),
        };
        Ok(Prepared {
            key,
            meta,
            body: format!("{}\n", extracted.text.trim_end()),
        })
    }
}

/// Today's date (UTC), YYYY-MM-DD.
pub fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}

/// A title as a key: lower-case words, punctuation and spacing ignored.
fn title_key(title: &str) -> String {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

fn body_hash(body: &str) -> String {
    let words: Vec<&str> = body.split_whitespace().collect();
    blake3::hash(words.join(" ").as_bytes())
        .to_hex()
        .to_string()
}

/// The poll interval, give or take a tenth, so feeds on one host are not all polled together.
fn jittered(interval: Duration) -> Duration {
    use std::hash::BuildHasher as _;
    let random = std::collections::hash_map::RandomState::new().hash_one(std::time::Instant::now());
    let tenth = interval.as_millis() as u64 / 10;
    if tenth == 0 {
        return interval;
    }
    let offset = random % (2 * tenth);
    interval - Duration::from_millis(tenth) + Duration::from_millis(offset)
}

/// The wait after `failures` failed polls in a row: doubling from the poll interval, at most a
/// day.
fn backoff(interval: Duration, failures: u32) -> Duration {
    let factor = 2u32.saturating_pow(failures.saturating_sub(1).min(16));
    interval.saturating_mul(factor).min(MAX_BACKOFF)
}

fn fetch_counter(result: &'static str) {
    metrics::counter!("clippings_fetch_total", "result" => result).increment(1);
}

fn record_ingest(outcome: &Result<Outcome, IngestError>) {
    let result = match outcome {
        Ok(Outcome::New(_)) => "new",
        Ok(Outcome::Updated(_)) => "updated",
        _ => return,
    };
    metrics::counter!("clippings_articles_ingested_total", "result" => result).increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_a_day() {
        let m = Duration::from_secs(15 * 60);
        assert_eq!(backoff(m, 1), m);
        assert_eq!(backoff(m, 2), m * 2);
        assert_eq!(backoff(m, 3), m * 4);
        assert_eq!(backoff(m, 40), MAX_BACKOFF);
    }

    #[test]
    fn jitter_stays_within_a_tenth() {
        let m = Duration::from_secs(900);
        for _ in 0..100 {
            let j = jittered(m);
            assert!(
                j >= Duration::from_secs(810) && j <= Duration::from_secs(990),
                "{j:?}"
            );
        }
    }

    #[test]
    fn a_page_that_names_no_outlet_gets_its_host_name_with_a_note_saying_so() {
        let text = "A paragraph of article text that is long enough to count. ".repeat(8);
        let extracted = Extracted {
            title: Some("T".into()),
            text: text.clone(),
            ..Extracted::default()
        };
        let page = Url::parse("https://www.example.com/a?utm_source=x").unwrap();
        let prepared = Prepared::new(extracted.clone(), &page, None, None).unwrap();
        assert_eq!(prepared.meta.publisher.as_deref(), Some("example.com"));
        assert!(
            prepared
                .meta
                .notes
                .as_deref()
                .unwrap()
                .contains("names no outlet")
        );
        assert_eq!(
            prepared.meta.url.as_deref(),
            Some("https://www.example.com/a")
        );
        let feed = FeedEntry {
            url: "https://www.example.com/rss".into(),
            name: None,
            publisher: Some("Example Daily".into()),
        };
        let prepared = Prepared::new(extracted, &page, Some(&feed), None).unwrap();
        assert_eq!(prepared.meta.publisher.as_deref(), Some("Example Daily"));
        assert_eq!(prepared.meta.notes, None);
        let short = Extracted {
            title: Some("T".into()),
            text: "Subscribe to read.".into(),
            ..Extracted::default()
        };
        assert!(matches!(
            Prepared::new(short, &page, None, None),
            Err(IngestError::NoArticle)
        ));
    }

    #[test]
    fn titles_match_whatever_their_punctuation() {
        assert_eq!(
            title_key("Alibaba’s $53B bet: AI!"),
            title_key("alibaba s 53b bet ai")
        );
    }
}
