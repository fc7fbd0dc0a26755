//! The engine: turns a parsed command into a structured [`Answer`], searching the live index.
//! It knows nothing of Discord, Matrix or terminals.

pub mod answer;
pub(crate) mod commands;
pub mod corroborate;
pub mod excerpt;
pub mod figures;
pub mod percolate;
pub mod query;
pub mod rank;
pub mod scoring;
pub mod spelling;
pub mod topics;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};

pub use answer::*;
use topics::{Synonyms, Topics};

use crate::command::{Command, Grammar};
use crate::index::{Live, Snapshot};
use commands::Found;
pub use commands::passages_of;

/// Answers per page.
pub const DEFAULT_PAGE_SIZE: usize = 3;
/// Hits kept for paging with `!more`.
pub const MAX_HITS: usize = 20;
/// Passages the first pass of a ranked query (topics, questions, `!compare`, `!figures`) keeps
/// for exact scoring: chosen by what the cut loses against rescoring every match
/// (`examples/candidate_cut.rs`, docs/BENCHMARKS.md).
pub const CANDIDATES: usize = 16 * MAX_HITS;

/// Settings of the engine.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub prefix: String,
    pub page_size: usize,
    /// The day `!digest` and `!trend` count back from (`None`: today, UTC); tests fix it.
    pub today: Option<chrono::NaiveDate>,
}

impl EngineConfig {
    /// The day windows and charts end with.
    pub fn today(&self) -> chrono::NaiveDate {
        self.today
            .unwrap_or_else(|| chrono::Utc::now().date_naive())
    }
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            prefix: "!".to_string(),
            page_size: DEFAULT_PAGE_SIZE,
            today: None,
        }
    }
}

/// Topics and synonyms: reloaded with the index.
#[derive(Debug, Clone, Default)]
pub struct Knowledge {
    pub topics: Topics,
    pub synonyms: Synonyms,
}

impl Knowledge {
    pub fn load(data_dir: &Path) -> Result<Knowledge, topics::TopicsError> {
        Ok(Knowledge {
            topics: Topics::load(data_dir)?,
            synonyms: Synonyms::load(data_dir)?,
        })
    }
}

/// Why a command could not be answered: the index could not be searched or read. Never
/// shown as "no hits": the pipeline logs it, counts it and tells the user it failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search failed: {0}")]
    Index(#[from] tantivy::TantivyError),
}

/// A ranked answer: every hit kept for paging, and the page shown last.
#[derive(Debug, Clone)]
pub struct Ranking {
    all: Vec<Hit>,
    page: Passages,
    /// Marks the matched words of the passages of later pages.
    highlighter: Option<excerpt::Highlighter>,
}

impl Ranking {
    /// The page shown last (the first page, until [`Ranking::next_page`]).
    pub fn page(&self) -> &Passages {
        &self.page
    }

    /// The next `page_size` passages, or `None` when every hit has been shown.
    pub fn next_page(&mut self, page_size: usize) -> Option<Passages> {
        let offset = self.page.offset + self.page.hits.len();
        if offset >= self.all.len() {
            return None;
        }
        let end = (offset + page_size.max(1)).min(self.all.len());
        self.page.hits = excerpt::apply(self.all[offset..end].to_vec(), self.highlighter.as_ref());
        self.page.offset = offset;
        self.page.notices.clear();
        Some(self.page.clone())
    }
}

/// What the engine found for a command: a ranking to page through, or a finished answer.
#[derive(Debug, Clone)]
pub enum Outcome {
    Ranked(Ranking),
    Done(Answer),
}

impl Outcome {
    /// The answer to show now.
    pub fn answer(&self) -> Answer {
        match self {
            Outcome::Ranked(r) => Answer::Passages(r.page.clone()),
            Outcome::Done(answer) => answer.clone(),
        }
    }
}

/// Topic commands ranked on one snapshot and one set of topics: a bare topic command
/// (`!capex`) has the same answer until the index or the topics change, and it is what a team
/// asks most often. Entries are keyed by topic and page size, so there are at most a few per
/// topic; a new snapshot or new topics empty the table at the next topic command.
#[derive(Default)]
struct TopicAnswers {
    snapshot: Weak<Snapshot>,
    knowledge: Weak<Knowledge>,
    ranked: HashMap<(String, usize), RankedTopic>,
}

struct RankedTopic {
    all: Vec<Hit>,
    first: Passages,
    highlighter: Option<excerpt::Highlighter>,
}

impl TopicAnswers {
    /// Whether the table holds rankings of this snapshot and these topics.
    fn holds(&self, snapshot: &Arc<Snapshot>, knowledge: &Arc<Knowledge>) -> bool {
        std::ptr::eq(self.snapshot.as_ptr(), Arc::as_ptr(snapshot))
            && std::ptr::eq(self.knowledge.as_ptr(), Arc::as_ptr(knowledge))
    }

    fn get(
        &self,
        snapshot: &Arc<Snapshot>,
        knowledge: &Arc<Knowledge>,
        key: &(String, usize),
    ) -> Option<Found> {
        let ranked = self
            .ranked
            .get(key)
            .filter(|_| self.holds(snapshot, knowledge))?;
        Some(Found::Ranked(
            ranked.all.clone(),
            ranked.first.clone(),
            ranked.highlighter.clone(),
        ))
    }

    fn put(
        &mut self,
        snapshot: &Arc<Snapshot>,
        knowledge: &Arc<Knowledge>,
        key: (String, usize),
        ranked: RankedTopic,
    ) {
        if !self.holds(snapshot, knowledge) {
            self.ranked.clear();
            self.snapshot = Arc::downgrade(snapshot);
            self.knowledge = Arc::downgrade(knowledge);
        }
        self.ranked.insert(key, ranked);
    }
}

pub struct Engine {
    live: Live,
    knowledge: RwLock<Arc<Knowledge>>,
    config: EngineConfig,
    topic_answers: Mutex<TopicAnswers>,
    /// Whether bare topic commands are answered from `topic_answers` (the benchmark turns it
    /// off to time the search itself).
    reuse_topic_answers: AtomicBool,
    /// The first pass's cut ([`CANDIDATES`]; the measurement of the cut changes it).
    candidates: AtomicUsize,
    data_dir: PathBuf,
}

impl Engine {
    pub fn new(live: Live, knowledge: Knowledge, data_dir: &Path, config: EngineConfig) -> Engine {
        Engine {
            live,
            knowledge: RwLock::new(Arc::new(knowledge)),
            config,
            topic_answers: Mutex::new(TopicAnswers::default()),
            reuse_topic_answers: AtomicBool::new(true),
            candidates: AtomicUsize::new(CANDIDATES),
            data_dir: data_dir.to_path_buf(),
        }
    }

    /// An engine over an in-memory index of `data_dir` (tests, benchmarks, eval).
    pub fn in_ram(data_dir: &Path) -> anyhow::Result<Engine> {
        let snapshot = Snapshot::in_ram(data_dir)?;
        let knowledge = Knowledge::load(data_dir)?;
        Ok(Engine::new(
            Live::new(snapshot),
            knowledge,
            data_dir,
            EngineConfig::default(),
        ))
    }

    /// An engine over an opened snapshot of `data_dir` (benchmarks).
    pub fn in_ram_from(snapshot: Snapshot, data_dir: &Path) -> Engine {
        let knowledge = Knowledge::load(data_dir).unwrap_or_default();
        Engine::new(
            Live::new(snapshot),
            knowledge,
            data_dir,
            EngineConfig::default(),
        )
    }

    pub fn live(&self) -> &Live {
        &self.live
    }

    /// Whether a bare topic command is answered from the ranking done for it on the same
    /// index and topics (on by default). Off, every topic command is searched afresh: the
    /// benchmark times the search this way.
    pub fn reuse_topic_answers(&self, on: bool) {
        self.reuse_topic_answers.store(on, Ordering::Relaxed);
    }

    /// How many passages the first pass of a ranked query keeps for exact scoring (at least
    /// the hits kept). Ranked answers are then searched afresh: the cut is measured this way.
    pub fn set_candidates(&self, candidates: usize) {
        self.candidates
            .store(candidates.max(MAX_HITS), Ordering::Relaxed);
        if let Ok(mut answers) = self.topic_answers.lock() {
            *answers = TopicAnswers::default();
        }
    }

    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn knowledge(&self) -> Arc<Knowledge> {
        match self.knowledge.read() {
            Ok(k) => k.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Installs new topics and synonyms (after data/ changed).
    pub fn set_knowledge(&self, knowledge: Knowledge) {
        let knowledge = Arc::new(knowledge);
        match self.knowledge.write() {
            Ok(mut k) => *k = knowledge,
            Err(poisoned) => *poisoned.into_inner() = knowledge,
        }
    }

    /// The grammar of these topics (commands are parsed and answered with one snapshot of
    /// the knowledge, so a reload in between cannot leave a topic that cannot be answered).
    pub fn grammar(&self, knowledge: &Knowledge) -> Grammar {
        Grammar::new(self.config.prefix.clone(), knowledge.topics.words())
    }

    /// Answers one search command with these topics and synonyms, `page_size` passages on the
    /// first page. Conversation commands (`!more`, `!status`, `!reindex`) are the pipeline's.
    pub fn answer(
        &self,
        knowledge: &Arc<Knowledge>,
        command: Command,
        page_size: usize,
    ) -> Result<Outcome, SearchError> {
        let snapshot = self.live.get();
        let ctx = commands::Context {
            snapshot: &snapshot,
            knowledge,
            config: &self.config,
            page_size: page_size.max(1),
            candidates: self.candidates.load(Ordering::Relaxed),
        };
        let found = match command {
            Command::Search(text) => commands::search(&ctx, &text)?,
            Command::Ask(text) => commands::ask(&ctx, &text)?,
            Command::Topic { name, extra } if extra.is_empty() => {
                self.topic(&ctx, &snapshot, knowledge, &name)?
            }
            Command::Topic { name, extra } => commands::topic(&ctx, &name, &extra)?,
            Command::Compare(text) => commands::compare(&ctx, &text)?,
            Command::Figures(topic) => commands::figures(&ctx, topic.as_deref())?,
            Command::Quote(reference) => commands::quote(&ctx, &reference)?,
            Command::Sources => commands::sources(&snapshot),
            Command::Latest(n) => commands::latest(&snapshot, n),
            Command::Digest { window, topic } => commands::digest(&ctx, window, topic.as_deref())?,
            Command::Trend { what, span } => commands::trend(&ctx, &what, span)?,
            Command::Topics => commands::topic_list(&ctx),
            Command::Help(name) => commands::help(&ctx, name.as_deref()),
            Command::About => commands::about(&ctx),
            Command::Unknown { name, suggestion } => commands::unknown(&ctx, &name, suggestion),
            Command::More
            | Command::Status
            | Command::Reindex
            | Command::Feeds
            | Command::Feed(_)
            | Command::AddUrl(_)
            | Command::Watch(_)
            | Command::Watches
            | Command::Unwatch(_) => Found::Done(Answer::notice(
                NoticeKind::Info,
                crate::texts::NOT_A_SEARCH,
                Vec::new(),
            )),
        };
        Ok(match found {
            Found::Ranked(all, page, highlighter) => Outcome::Ranked(Ranking {
                all,
                page,
                highlighter,
            }),
            Found::Done(answer) => Outcome::Done(answer),
        })
    }

    /// A bare topic command: ranked once per snapshot, topics and page size, then answered
    /// from that ranking (the same passages, scores, excerpts and notices).
    fn topic(
        &self,
        ctx: &commands::Context<'_>,
        snapshot: &Arc<Snapshot>,
        knowledge: &Arc<Knowledge>,
        name: &str,
    ) -> Result<Found, SearchError> {
        let reuse = self.reuse_topic_answers.load(Ordering::Relaxed);
        let Some(topic) = knowledge.topics.find(name).filter(|_| reuse) else {
            return commands::topic(ctx, name, "");
        };
        let key = (topic.name.clone(), ctx.page_size);
        if let Some(found) = self
            .topic_answers
            .lock()
            .ok()
            .and_then(|answers| answers.get(snapshot, knowledge, &key))
        {
            return Ok(found);
        }
        let found = commands::topic(ctx, name, "")?;
        if let Found::Ranked(all, first, highlighter) = &found
            && let Ok(mut answers) = self.topic_answers.lock()
        {
            let ranked = RankedTopic {
                all: all.clone(),
                first: first.clone(),
                highlighter: highlighter.clone(),
            };
            answers.put(snapshot, knowledge, key, ranked);
        }
        Ok(found)
    }
}
