//! Alerts: the bot speaks first. A place (a Discord channel, a Matrix room) watches topics or
//! searches (`!watch`); when articles new to the index land (a feed, `!add`, a file dropped
//! into data/: whatever committed them), each watch is matched against just their passages
//! (`engine::percolate`), and each place with matches gets one message: the article, the
//! passage that matched with its words highlighted, its ref and the watch. Matches waiting
//! for a place within [`Settings::interval`] of its last message are folded into one.
//!
//! Exactly once: matches and messages live in SQLite (`state`). A message is recorded as
//! pending with its idempotency key before it is posted and as sent after; a pending one is
//! posted again with the same key after a crash (a Discord nonce with `enforce_nonce`, a
//! Matrix transaction id), so the platform drops the repeat.

pub mod state;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::conversation::{Origin, Platform, Push, PushError, Watching};
use crate::engine::corroborate::{StoryText, same_story};
use crate::engine::percolate::{Match, PassageTerms, Percolator, StoredQuery};
use crate::engine::{Alert, AlertItem, Answer, Attribution, Engine, Hit, NoticeKind, excerpt};
use crate::index::{Snapshot, StoredPassage};
use state::{Matched, Outgoing, State};

pub use crate::config::STATE_FILE;
/// At most this many articles are shown in one alert; the rest are counted.
pub const SHOWN_PER_MESSAGE: usize = 3;
/// A story is told once per place within this long: another outlet carrying it later is not
/// alerted again.
const STORY_MEMORY_SECS: i64 = 7 * 24 * 3600;
/// A message that failed this many times is dropped (and said in `!status`).
const MAX_ATTEMPTS: u32 = 12;
/// Stories kept in memory at most (then read again from the index).
const MAX_STORIES: usize = 5_000;
/// How often the alert loop looks for a new index snapshot and due messages.
const TICK: Duration = Duration::from_millis(250);
/// A process posting a message holds it this long; if it stops meanwhile, another (or itself,
/// restarted) posts it again after that with the same key.
const CLAIM_SECS: i64 = 20;
/// A post not answered within this long counts as failed (and is retried with its key).
const POST_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a message waits for its articles to reach this process's index (a follower).
const ARRIVAL_GRACE_SECS: i64 = 120;

#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    #[error(transparent)]
    State(#[from] state::StateError),
    #[error("search failed: {0}")]
    Search(#[from] crate::engine::SearchError),
}

/// How alerts behave.
#[derive(Debug, Clone)]
pub struct Settings {
    /// At most one message per place within this long (`ALERT_MIN_INTERVAL`); what matches
    /// meanwhile waits and is folded into the next one.
    pub interval: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            interval: Duration::from_secs(300),
        }
    }
}

/// The watches of every place, matched against new articles, and the messages they make.
pub struct Alerts {
    engine: Arc<Engine>,
    state: Mutex<State>,
    settings: Settings,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    /// Articles already matched (or in the index before alerts started).
    seen: HashSet<String>,
    /// The snapshot last matched (its address).
    snapshot: usize,
    /// The watches compiled, and the version of watches they were compiled from.
    compiled: Option<Compiled>,
    watches_version: u64,
    /// Articles read as stories (recently alerted ones), by slug.
    stories: HashMap<String, StoryText>,
}

struct Compiled {
    version: u64,
    knowledge: usize,
    percolator: Percolator,
    /// For each stored query: the watches it stands for.
    watchers: Vec<Vec<state::Watch>>,
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

impl Alerts {
    /// Alerts over the state database in `data_dir`.
    pub fn open(engine: Arc<Engine>, settings: Settings) -> Result<Alerts, AlertError> {
        let path = engine.data_dir().join(STATE_FILE);
        Alerts::with_state(engine, State::open(&path)?, settings)
    }

    pub fn with_state(
        engine: Arc<Engine>,
        state: State,
        settings: Settings,
    ) -> Result<Alerts, AlertError> {
        let seen = state.seen()?.into_iter().collect();
        let alerts = Alerts {
            engine,
            state: Mutex::new(state),
            settings,
            inner: Mutex::new(Inner {
                seen,
                ..Inner::default()
            }),
        };
        alerts.update_gauge();
        Ok(alerts)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn update_gauge(&self) {
        if let Ok(n) = self.state().watch_count() {
            metrics::gauge!("clippings_watches").set(n as f64);
        }
        if let Ok(paused) = self.state().paused_places() {
            crate::ops::status().alerts_paused(
                paused
                    .into_iter()
                    .map(|(platform, place, why)| format!("{platform} {place}: {why}"))
                    .collect(),
            );
        }
    }

    /// Matches the articles of the index that alerts have not seen against every watch, and
    /// records what matched where. The first time (no baseline yet), the articles already in
    /// the index are recorded without matching. Blocking: reads the index.
    pub fn catch_up(&self) -> Result<usize, AlertError> {
        let snapshot = self.engine.live().get();
        let mut inner = self.inner();
        let address = Arc::as_ptr(&snapshot) as usize;
        if inner.snapshot == address {
            return Ok(0);
        }
        let mut new: Vec<String> = snapshot
            .manifest
            .articles
            .iter()
            .filter(|a| !inner.seen.contains(&a.slug))
            .map(|a| a.slug.clone())
            .collect();
        // Another process serving the same index may have matched some already.
        let elsewhere = self.state().seen_among(&new)?;
        if !elsewhere.is_empty() {
            new.retain(|slug| !elsewhere.contains(slug));
            inner.seen.extend(elsewhere);
        }
        let baseline = self.state().has_baseline()?;
        let mut matched = Vec::new();
        if baseline && !new.is_empty() {
            matched = self.percolate(&mut inner, &snapshot, &new)?;
        }
        let recorded = self.state().record(&new, &matched, now())?;
        inner.seen.extend(new);
        inner.snapshot = address;
        if recorded > 0 {
            tracing::info!(matches = recorded, "new articles matched watches");
        }
        Ok(recorded)
    }

    /// What the new articles match, place by place.
    fn percolate(
        &self,
        inner: &mut Inner,
        snapshot: &Snapshot,
        new: &[String],
    ) -> Result<Vec<Matched>, AlertError> {
        self.compile(inner)?;
        let Some(compiled) = inner.compiled.as_ref().filter(|c| !c.percolator.is_empty()) else {
            return Ok(Vec::new());
        };
        let searcher = snapshot.reader.searcher();
        let mut out: Vec<Matched> = Vec::new();
        // Articles alerted anywhere lately: a new article of the same story is not news where
        // one of them was alerted.
        let mut recent = self.state().recently_alerted(now() - STORY_MEMORY_SECS)?;
        let mut stories = std::mem::take(&mut inner.stories);
        for slug in new {
            let passages = crate::engine::passages_of(snapshot, &searcher, slug)?;
            let terms: Vec<PassageTerms> = passages
                .iter()
                .map(|p| PassageTerms::of_stored(p, &snapshot.manifest))
                .collect();
            let found = compiled.percolator.best_matches(&terms);
            // Each place once per article: the first watch (oldest) that matched.
            let mut by_place: HashMap<(&str, &str), (&state::Watch, &StoredPassage)> =
                HashMap::new();
            for (q, passage, _) in &found {
                for w in &compiled.watchers[*q] {
                    let entry = by_place
                        .entry((w.platform.as_str(), w.place.as_str()))
                        .or_insert((w, &passages[*passage]));
                    if w.id < entry.0.id {
                        *entry = (w, &passages[*passage]);
                    }
                }
            }
            let mut places: Vec<(&state::Watch, &StoredPassage)> = by_place.into_values().collect();
            places.sort_by_key(|(w, _)| w.id);
            if places.is_empty() {
                continue;
            }
            let title = snapshot
                .manifest
                .article(slug)
                .map(|a| a.meta.title.clone())
                .unwrap_or_default();
            let story = StoryText::new(&title, passages.iter().map(|p| p.text.as_str()));
            let same_story: Vec<String> = recent
                .iter()
                .filter(|earlier| {
                    load_story(&mut stories, snapshot, &searcher, earlier);
                    stories.get(*earlier).is_some_and(|s| same_story(s, &story))
                })
                .cloned()
                .collect();
            for (watch, passage) in places {
                let same = self.alerted_here(watch, &same_story, &out)?;
                out.push(Matched {
                    platform: watch.platform.clone(),
                    place: watch.place.clone(),
                    slug: slug.clone(),
                    watch: watch.text.clone(),
                    reference: passage.reference(),
                    same_story_as: same,
                });
            }
            stories.insert(slug.clone(), story);
            recent.push(slug.clone());
        }
        if stories.len() > MAX_STORIES {
            stories.clear();
        }
        inner.stories = stories;
        Ok(out)
    }

    /// The first of `same_story` alerted in the watch's place (before, or in this batch).
    fn alerted_here(
        &self,
        watch: &state::Watch,
        same_story: &[String],
        batch: &[Matched],
    ) -> Result<Option<String>, AlertError> {
        if same_story.is_empty() {
            return Ok(None);
        }
        let here = |m: &Matched| {
            m.platform == watch.platform && m.place == watch.place && m.same_story_as.is_none()
        };
        if let Some(m) = batch
            .iter()
            .find(|m| here(m) && same_story.contains(&m.slug))
        {
            return Ok(Some(m.slug.clone()));
        }
        let earlier =
            self.state()
                .alerted_in(&watch.platform, &watch.place, now() - STORY_MEMORY_SECS)?;
        Ok(earlier.into_iter().find(|s| same_story.contains(s)))
    }

    /// Compiles the watches when they or the topics changed.
    fn compile(&self, inner: &mut Inner) -> Result<(), AlertError> {
        let knowledge = self.engine.knowledge();
        let knowledge_at = Arc::as_ptr(&knowledge) as usize;
        if inner
            .compiled
            .as_ref()
            .is_some_and(|c| c.version == inner.watches_version && c.knowledge == knowledge_at)
        {
            return Ok(());
        }
        let watches = self.state().active_watches()?;
        let mut by_text: HashMap<String, usize> = HashMap::new();
        let mut queries = Vec::new();
        let mut watchers: Vec<Vec<state::Watch>> = Vec::new();
        for w in watches {
            let i = match by_text.get(&w.text) {
                Some(&i) => i,
                None => {
                    let Ok(q) = StoredQuery::compile(&w.text, &knowledge) else {
                        continue;
                    };
                    queries.push(q);
                    watchers.push(Vec::new());
                    by_text.insert(w.text.clone(), queries.len() - 1);
                    queries.len() - 1
                }
            };
            watchers[i].push(w);
        }
        inner.compiled = Some(Compiled {
            version: inner.watches_version,
            knowledge: knowledge_at,
            percolator: Percolator::new(queries),
            watchers,
        });
        Ok(())
    }

    /// Posts what is due: messages left pending (a crash, a failure) with their own key, then
    /// a new message for each place whose matches have waited out its interval. Returns the
    /// messages sent.
    pub async fn deliver(&self, pushes: &[Arc<dyn Push>]) -> usize {
        let now = now();
        let interval = self.settings.interval.as_secs() as i64;
        let waiting = self.state().places_waiting().unwrap_or_else(|e| {
            tracing::error!(error = %e, "cannot read waiting alerts");
            Vec::new()
        });
        for (platform, place, last_sent) in waiting {
            if now < last_sent + interval {
                continue;
            }
            if let Err(e) = self.state().new_message(&platform, &place, now, interval) {
                tracing::error!(error = %e, "cannot record an alert");
            }
        }
        let pending = self.state().pending(now).unwrap_or_default();
        let mut sent = 0;
        for message in pending {
            let Some(push) = pushes
                .iter()
                .find(|p| p.platform().label() == message.platform)
            else {
                // Another process serving the index posts there.
                continue;
            };
            if !self.arrived(&message, now) {
                continue;
            }
            match self.state().claim(&message, now, now + CLAIM_SECS) {
                Ok(true) => {}
                Ok(false) => continue,
                Err(e) => {
                    tracing::error!(error = %e, "cannot take an alert to post");
                    continue;
                }
            }
            sent += usize::from(self.send(push.as_ref(), &message).await);
        }
        if sent > 0 {
            self.update_gauge();
        }
        sent
    }

    /// Whether the articles of a message are in the index this process serves, or the message
    /// has waited long enough for them. A follower opens a commit a moment after the process
    /// that wrote it, which may already have matched its articles and made the message.
    fn arrived(&self, message: &Outgoing, now: i64) -> bool {
        if now >= message.created + ARRIVAL_GRACE_SECS {
            return true;
        }
        let Ok(matches) = self.state().message_matches(message.id) else {
            return false;
        };
        let snapshot = self.engine.live().get();
        matches
            .iter()
            .all(|m| snapshot.manifest.article(&m.slug).is_some())
    }

    /// Posts one message; whether it was sent.
    async fn send(&self, push: &dyn Push, message: &Outgoing) -> bool {
        let platform = push.platform().label();
        let answer = match self.compose(message) {
            Ok(Some(answer)) => answer,
            Ok(None) => {
                // Every article it carried left the index: nothing to say.
                let _ = self.state().dropped(message);
                return false;
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot compose an alert");
                return false;
            }
        };
        // Given up on before the claim lapses: the post is tried again with the same key.
        let result = match tokio::time::timeout(
            POST_TIMEOUT,
            push.push(&message.place, &answer, Some(&message.key)),
        )
        .await
        {
            Ok(result) => result,
            Err(_) => Err(PushError::Failed(format!(
                "no answer within {} s",
                POST_TIMEOUT.as_secs()
            ))),
        };
        let state = self.state();
        let outcome = match result {
            Ok(()) => {
                let _ = state.sent(message, now());
                "sent"
            }
            Err(PushError::Gone(why) | PushError::UnknownPlace(why)) => {
                tracing::warn!(platform, place = %message.place, error = %why, "cannot post alerts there any more; its watches are paused");
                let _ = state.dropped(message);
                let _ = state.pause(
                    platform,
                    &message.place,
                    &why.chars().take(200).collect::<String>(),
                );
                "gone"
            }
            Err(e) if message.attempts + 1 >= MAX_ATTEMPTS => {
                tracing::error!(platform, place = %message.place, error = %e, "alert dropped after repeated failures");
                let _ = state.dropped(message);
                crate::ops::status().error(format!(
                    "an alert to {platform} {} was dropped: {e}",
                    message.place
                ));
                "dropped"
            }
            Err(e) => {
                let wait = 5i64 << message.attempts.min(7);
                tracing::warn!(platform, place = %message.place, error = %e, retry_in = wait, "alert not posted; trying again");
                let _ = state.retry_at(message, now() + wait);
                "retried"
            }
        };
        drop(state);
        metrics::counter!("clippings_alerts_total", "platform" => platform, "result" => outcome)
            .increment(1);
        if outcome == "gone" {
            self.changed();
        }
        outcome == "sent"
    }

    /// The alert a message carries, from the matches recorded for it and the index as it is.
    pub fn compose(&self, message: &Outgoing) -> Result<Option<Answer>, AlertError> {
        let matches = self.state().message_matches(message.id)?;
        let snapshot = self.engine.live().get();
        let knowledge = self.engine.knowledge();
        let searcher = snapshot.reader.searcher();
        let mut compiled: HashMap<String, Option<StoredQuery>> = HashMap::new();
        let mut items = Vec::new();
        // Every article still in the index counts; the first few are shown.
        let mut watches: Vec<&str> = Vec::new();
        let mut total = 0;
        for m in &matches {
            if snapshot.manifest.article(&m.slug).is_none() {
                continue;
            }
            total += 1;
            if !watches.contains(&m.watch.as_str()) {
                watches.push(&m.watch);
            }
            if items.len() >= SHOWN_PER_MESSAGE {
                continue;
            }
            let passages = crate::engine::passages_of(&snapshot, &searcher, &m.slug)?;
            let Some(passage) = passages.iter().find(|p| p.reference() == m.reference) else {
                total -= 1;
                continue;
            };
            let query = compiled
                .entry(m.watch.clone())
                .or_insert_with(|| StoredQuery::compile(&m.watch, &knowledge).ok());
            let found = query
                .as_ref()
                .and_then(|q| q.matches(&PassageTerms::of_stored(passage, &snapshot.manifest)));
            items.push(AlertItem {
                watch: m.watch.clone(),
                hit: hit(passage, found),
            });
        }
        if items.is_empty() {
            return Ok(None);
        }
        let heading = if total == 1 {
            format!("New on {}", watches.join(", "))
        } else {
            format!("{total} new on {}", watches.join(", "))
        };
        let more = total - items.len();
        Ok(Some(Answer::Alert(Alert {
            heading,
            items,
            more,
            see_all: format!("{}digest 24h", self.engine.config().prefix),
        })))
    }

    /// The watches changed: they are compiled again before the next match.
    fn changed(&self) {
        self.inner().watches_version += 1;
        self.update_gauge();
    }

    /// Runs until `shutdown`: matches each new snapshot of the index, posts what is due.
    pub async fn run(
        self: Arc<Self>,
        pushes: Vec<Arc<dyn Push>>,
        shutdown: impl std::future::Future<Output = ()>,
    ) {
        tokio::pin!(shutdown);
        loop {
            let this = self.clone();
            match tokio::task::spawn_blocking(move || this.catch_up()).await {
                Ok(Err(e)) => {
                    tracing::error!(error = %e, "cannot match new articles against watches")
                }
                Err(e) => tracing::error!(error = %e, "matching new articles failed"),
                Ok(Ok(_)) => {}
            }
            self.deliver(&pushes).await;
            tokio::select! {
                () = &mut shutdown => return,
                () = tokio::time::sleep(TICK) => {}
            }
        }
    }
}

/// Reads an article as a story from the index, once (kept in `stories`).
fn load_story(
    stories: &mut HashMap<String, StoryText>,
    snapshot: &Snapshot,
    searcher: &tantivy::Searcher,
    slug: &str,
) {
    if stories.contains_key(slug) {
        return;
    }
    let Some(entry) = snapshot.manifest.article(slug) else {
        return;
    };
    if let Ok(passages) = crate::engine::passages_of(snapshot, searcher, slug) {
        let story = StoryText::new(&entry.meta.title, passages.iter().map(|p| p.text.as_str()));
        stories.insert(slug.to_string(), story);
    }
}

/// A passage as an alert shows it: its matched words highlighted, the sentences around them.
fn hit(p: &StoredPassage, found: Option<Match>) -> Hit {
    let highlights = found.map(|m| m.highlights).unwrap_or_default();
    Hit {
        rank: 1,
        score: 0.0,
        quote: excerpt::choose(&p.text, &highlights),
        text: p.text.clone(),
        highlights,
        source: Attribution {
            article: p.article.clone(),
            publisher: p.publisher.clone(),
            title: p.title.clone(),
            date: p.date.clone(),
            url: p.url.clone(),
        },
        section: p.section.clone(),
        paragraph: p.paragraph,
        part: p.part,
        reference: p.reference(),
        also_reported_by: Vec::new(),
        concepts: 0,
    }
}

/// The platform label of an origin, for the state.
fn platform(origin: &Origin) -> &'static str {
    origin.platform.label()
}

impl Watching for Alerts {
    fn watch(&self, origin: &Origin, text: &str) -> Answer {
        let p = self.engine.config().prefix.clone();
        if !matches!(origin.platform, Platform::Discord | Platform::Matrix) {
            return Answer::notice(NoticeKind::Info, crate::texts::NO_ALERTS, Vec::new());
        }
        let text = text.trim();
        let knowledge = self.engine.knowledge();
        let stored = match StoredQuery::compile(text, &knowledge) {
            Ok(q) => q,
            Err(_) => {
                return Answer::notice(
                    NoticeKind::BadInput,
                    crate::texts::WATCH_WHAT,
                    vec![
                        format!("{p}watch capex"),
                        format!("{p}watch \"Hang Seng\" -Tencent"),
                    ],
                );
            }
        };
        // What is in the index now is not news to this watch: recorded as seen first.
        if let Err(e) = self.catch_up() {
            tracing::error!(error = %e, "cannot match new articles against watches");
        }
        let stored_text = stored.topic.clone().unwrap_or_else(|| text.to_string());
        let added = self.state().add_watch(
            platform(origin),
            &origin.place,
            &stored_text,
            &origin.user,
            now(),
        );
        match added {
            Ok(added) => {
                self.changed();
                let text = if added {
                    crate::texts::watching(&stored_text, &p)
                } else {
                    crate::texts::already_watching(&stored_text)
                };
                Answer::notice(NoticeKind::Info, text, vec![format!("{p}watches")])
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot add a watch");
                Answer::notice(NoticeKind::Busy, crate::texts::FAILED, Vec::new())
            }
        }
    }

    fn watches(&self, origin: &Origin) -> Answer {
        let p = self.engine.config().prefix.clone();
        let state = self.state();
        let (watches, paused) = match (
            state.watches_of(platform(origin), &origin.place),
            state.paused(platform(origin), &origin.place),
        ) {
            (Ok(w), Ok(paused)) => (w, paused),
            (Err(e), _) | (_, Err(e)) => {
                tracing::error!(error = %e, "cannot list watches");
                return Answer::notice(NoticeKind::Busy, crate::texts::FAILED, Vec::new());
            }
        };
        if watches.is_empty() {
            return Answer::notice(
                NoticeKind::Info,
                crate::texts::NO_WATCHES,
                vec![format!("{p}watch capex")],
            );
        }
        let mut text = crate::texts::WATCHES_HERE.to_string();
        for (i, w) in watches.iter().enumerate() {
            text.push_str(&format!("\n{}. {}", i + 1, w.text));
        }
        if let Some(why) = paused {
            text.push_str(&format!("\n{}", crate::texts::watches_paused(&why, &p)));
        }
        Answer::notice(NoticeKind::Info, text, vec![format!("{p}unwatch 1")])
    }

    fn unwatch(&self, origin: &Origin, which: &str) -> Answer {
        let p = self.engine.config().prefix.clone();
        let which = which.trim();
        let watches = match self.state().watches_of(platform(origin), &origin.place) {
            Ok(w) => w,
            Err(e) => {
                tracing::error!(error = %e, "cannot list watches");
                return Answer::notice(NoticeKind::Busy, crate::texts::FAILED, Vec::new());
            }
        };
        let knowledge = self.engine.knowledge();
        let topic = knowledge
            .topics
            .find(&which.trim_start_matches(['!', '/']).to_lowercase())
            .map(|t| t.name.clone());
        let chosen: Vec<i64> = if which.eq_ignore_ascii_case("all") {
            watches.iter().map(|w| w.id).collect()
        } else if let Ok(n) = which.parse::<usize>() {
            watches
                .get(n.wrapping_sub(1))
                .map(|w| w.id)
                .into_iter()
                .collect()
        } else {
            watches
                .iter()
                .filter(|w| {
                    w.text.eq_ignore_ascii_case(which) || topic.as_deref() == Some(w.text.as_str())
                })
                .map(|w| w.id)
                .collect()
        };
        if chosen.is_empty() {
            return Answer::notice(
                NoticeKind::NotFound,
                crate::texts::NOT_WATCHED,
                vec![format!("{p}watches")],
            );
        }
        match self.state().remove_watches(&chosen) {
            Ok(n) => {
                self.changed();
                Answer::notice(
                    NoticeKind::Info,
                    crate::texts::unwatched(n),
                    vec![format!("{p}watches")],
                )
            }
            Err(e) => {
                tracing::error!(error = %e, "cannot remove watches");
                Answer::notice(NoticeKind::Busy, crate::texts::FAILED, Vec::new())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::Pushing;
    use crate::index::Snapshot;

    /// Records what it posts.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<(String, String)>>);

    impl Push for Recorder {
        fn platform(&self) -> Platform {
            Platform::Discord
        }
        fn push<'a>(
            &'a self,
            place: &'a str,
            _answer: &'a Answer,
            key: Option<&'a str>,
        ) -> Pushing<'a> {
            self.0
                .lock()
                .unwrap()
                .push((place.to_string(), key.unwrap_or_default().to_string()));
            Box::pin(async { Ok(()) })
        }
    }

    fn article(data: &std::path::Path, slug: &str, body: &str) {
        std::fs::write(
            data.join("articles").join(format!("{slug}.md")),
            format!("+++\ntitle = \"{slug}\"\npublisher = \"Wire\"\n+++\n\n{body}\n"),
        )
        .unwrap();
    }

    /// A writer and a follower serving one index share the state file. The writer matches a
    /// new article and makes the message; the follower, whose index does not hold the article
    /// yet, neither posts nor drops it, and posts it once its index has it.
    #[tokio::test]
    async fn a_follower_waits_for_the_articles_of_a_message_then_posts_it_once() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path();
        std::fs::create_dir(data.join("articles")).unwrap();
        article(data, "old", "Weather was mild in the harbour on Monday.");
        let writer_engine = Arc::new(Engine::in_ram(data).unwrap());
        let follower_engine = Arc::new(Engine::in_ram(data).unwrap());
        let writer = Alerts::open(writer_engine.clone(), Settings::default()).unwrap();
        let follower = Alerts::open(follower_engine.clone(), Settings::default()).unwrap();
        writer.catch_up().unwrap();
        writer
            .state()
            .add_watch("discord", "7", "Quokkabank", "u", 0)
            .unwrap();
        writer.changed();

        article(
            data,
            "news",
            "Quokkabank raised its capital spending on Tuesday.",
        );
        writer_engine.live().swap(Snapshot::in_ram(data).unwrap());
        assert_eq!(writer.catch_up().unwrap(), 1);
        // The writer has no platform: it makes the message and leaves it to the follower.
        assert_eq!(writer.deliver(&[]).await, 0);
        assert_eq!(follower.catch_up().unwrap(), 0);

        let recorder = Arc::new(Recorder::default());
        let pushes: Vec<Arc<dyn Push>> = vec![recorder.clone()];
        assert_eq!(follower.deliver(&pushes).await, 0, "not in its index yet");
        assert!(recorder.0.lock().unwrap().is_empty());
        assert_eq!(
            follower.state().pending(now()).unwrap().len(),
            1,
            "not dropped"
        );

        follower_engine.live().swap(Snapshot::in_ram(data).unwrap());
        assert_eq!(
            follower.catch_up().unwrap(),
            0,
            "matched once, by the writer"
        );
        assert_eq!(follower.deliver(&pushes).await, 1);
        assert_eq!(follower.deliver(&pushes).await, 0);
        let posted = recorder.0.lock().unwrap().clone();
        assert_eq!(posted.len(), 1, "{posted:?}");
        assert_eq!(posted[0].0, "7");
        assert_eq!(follower.state().sent_count("discord", "7").unwrap(), 1);
    }
}
