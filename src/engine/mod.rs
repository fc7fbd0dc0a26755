//! The engine: turns a parsed command into a structured [`Answer`], searching the live index.
//! It knows nothing of Discord, Matrix or terminals.

pub mod answer;
pub mod corroborate;
pub mod excerpt;
pub mod figures;
pub mod heading;
pub mod phrase;
pub mod query;
pub mod rank;
pub mod rescore;
pub(crate) mod retrieve;
pub mod spelling;
pub mod spread;
pub mod topics;
pub mod union;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};

pub use answer::*;
use topics::{Synonyms, Topics};

use crate::command::{self, Command, Grammar, Invocation};
use crate::index::{Live, Snapshot};
use retrieve::Found;

/// Answers per page.
pub const DEFAULT_PAGE_SIZE: usize = 3;
/// Hits kept for paging with `!more`.
pub const MAX_HITS: usize = 20;
/// Conversations whose last answer is kept for `!more`.
const MAX_CONVERSATIONS: usize = 4096;

/// Settings of the engine.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub prefix: String,
    pub page_size: usize,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            prefix: "!".to_string(),
            page_size: DEFAULT_PAGE_SIZE,
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

/// The last ranked answer of a conversation, for `!more`.
#[derive(Debug, Clone)]
struct Pages {
    answer: Passages,
    all: Vec<Hit>,
    /// Marks the matched words of the passages of later pages.
    highlighter: Option<excerpt::Highlighter>,
    sequence: u64,
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
    pages: Mutex<(u64, HashMap<String, Pages>)>,
    topic_answers: Mutex<TopicAnswers>,
    /// Whether bare topic commands are answered from `topic_answers` (the benchmark turns it
    /// off to time the search itself).
    reuse_topic_answers: AtomicBool,
    data_dir: PathBuf,
    index_dir: std::sync::OnceLock<(PathBuf, bool)>,
}

impl Engine {
    pub fn new(live: Live, knowledge: Knowledge, data_dir: &Path, config: EngineConfig) -> Engine {
        Engine {
            live,
            knowledge: RwLock::new(Arc::new(knowledge)),
            config,
            pages: Mutex::new((0, HashMap::new())),
            topic_answers: Mutex::new(TopicAnswers::default()),
            reuse_topic_answers: AtomicBool::new(true),
            data_dir: data_dir.to_path_buf(),
            index_dir: std::sync::OnceLock::new(),
        }
    }

    /// The index directory behind the live snapshot, for `!reindex` (`read_only`: another
    /// process builds it).
    pub fn set_index_dir(&self, dir: &Path, read_only: bool) {
        let _ = self.index_dir.set((dir.to_path_buf(), read_only));
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

    pub fn grammar(&self) -> Grammar {
        Grammar::new(self.config.prefix.clone(), self.knowledge().topics.words())
    }

    /// Parses and answers one message; `None` when it is not addressed to the bot.
    pub fn handle(&self, conversation: &str, message: &str) -> Option<Answer> {
        let invocation = command::parse(message, &self.grammar())?;
        Some(self.execute(conversation, invocation))
    }

    /// Like [`Engine::handle`], with `limit` passages on the first page instead of the page size.
    pub fn handle_with_limit(
        &self,
        conversation: &str,
        message: &str,
        limit: usize,
    ) -> Option<Answer> {
        let invocation = command::parse(message, &self.grammar())?;
        Some(self.execute_with(conversation, invocation, limit))
    }

    /// Answers one parsed command in a conversation (a channel, room or terminal session).
    pub fn execute(&self, conversation: &str, invocation: Invocation) -> Answer {
        self.execute_with(conversation, invocation, self.config.page_size)
    }

    fn execute_with(&self, conversation: &str, invocation: Invocation, page_size: usize) -> Answer {
        let _span = tracing::debug_span!("command", conversation).entered();
        let started = std::time::Instant::now();
        let name = invocation.command.name();
        let mut answer = self.dispatch(conversation, invocation.command, page_size.max(1));
        let zero_hits = match &answer {
            Answer::Passages(p) => p.hits.is_empty(),
            Answer::Notice(n) => n.kind == NoticeKind::NoHits,
            _ => false,
        };
        crate::ops::record_command(
            conversation,
            name,
            started.elapsed().as_secs_f64(),
            zero_hits,
        );
        if invocation.truncated
            && let Answer::Passages(p) = &mut answer
        {
            p.notices.push(format!(
                "Your message was long: I read its first {} characters.",
                command::MAX_ARGUMENT_CHARS
            ));
        }
        answer
    }

    fn dispatch(&self, conversation: &str, command: Command, page_size: usize) -> Answer {
        let snapshot = self.live.get();
        let knowledge = self.knowledge();
        let ctx = retrieve::Context {
            snapshot: &snapshot,
            knowledge: &knowledge,
            config: &self.config,
            page_size,
        };
        let answer = match command {
            Command::Search(text) => retrieve::search(&ctx, &text),
            Command::Ask(text) => retrieve::ask(&ctx, &text),
            Command::Topic { name, extra } if extra.is_empty() => {
                self.topic(&ctx, &snapshot, &knowledge, &name)
            }
            Command::Topic { name, extra } => retrieve::topic(&ctx, &name, &extra),
            Command::Compare(text) => retrieve::compare(&ctx, &text),
            Command::Figures(topic) => retrieve::figures(&ctx, topic.as_deref()),
            Command::Quote(reference) => retrieve::quote(&ctx, &reference),
            Command::More => return self.more(conversation),
            Command::Status => {
                let report = crate::ops::status().report(self);
                return Answer::notice(NoticeKind::Info, report.text(), Vec::new());
            }
            Command::Reindex => return self.reindex(),
            Command::Sources => retrieve::sources(&snapshot),
            Command::Topics => retrieve::topic_list(&ctx),
            Command::Help(name) => retrieve::help(&ctx, name.as_deref()),
            Command::About => retrieve::about(&ctx),
            Command::Unknown { name, suggestion } => retrieve::unknown(&ctx, &name, suggestion),
        };
        match answer {
            retrieve::Found::Ranked(all, first, highlighter) => {
                self.remember(conversation, &first, all, highlighter);
                Answer::Passages(first)
            }
            retrieve::Found::Done(answer) => answer,
        }
    }

    /// A bare topic command: ranked once per snapshot, topics and page size, then answered
    /// from that ranking (the same passages, scores, excerpts and notices).
    fn topic(
        &self,
        ctx: &retrieve::Context<'_>,
        snapshot: &Arc<Snapshot>,
        knowledge: &Arc<Knowledge>,
        name: &str,
    ) -> Found {
        let reuse = self.reuse_topic_answers.load(Ordering::Relaxed);
        let Some(topic) = knowledge.topics.find(name).filter(|_| reuse) else {
            return retrieve::topic(ctx, name, "");
        };
        let key = (topic.name.clone(), ctx.page_size);
        if let Some(found) = self
            .topic_answers
            .lock()
            .ok()
            .and_then(|answers| answers.get(snapshot, knowledge, &key))
        {
            return found;
        }
        let found = retrieve::topic(ctx, name, "");
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
        found
    }

    /// Rebuilds the index from data/ now and swaps it in; the old one serves meanwhile.
    fn reindex(&self) -> Answer {
        let info = |text: String| Answer::notice(NoticeKind::Info, text, Vec::new());
        let Some((dir, read_only)) = self.index_dir.get() else {
            return info("This index lives in memory; there is nothing on disk to rebuild.".into());
        };
        if *read_only {
            return info(
                "This process serves an index another process builds (CLIPPINGS_INDEX_READ_ONLY); rebuild it there."
                    .into(),
            );
        }
        let started = std::time::Instant::now();
        let rebuilt = crate::index::store::Store::open(dir)
            .map_err(crate::index::IndexError::from)
            .and_then(|store| {
                crate::index::ensure_current(
                    &store,
                    &self.data_dir,
                    true,
                    crate::index::BuildOptions::default(),
                )
            });
        match rebuilt {
            Ok((snapshot, _)) => {
                let m = &snapshot.manifest;
                let text = format!(
                    "Index rebuilt in {} ms: {} articles, {} passages, {} files skipped.",
                    started.elapsed().as_millis(),
                    m.articles.len(),
                    m.passages,
                    m.warnings.len()
                );
                self.live.swap(snapshot);
                if let Ok(knowledge) = Knowledge::load(&self.data_dir) {
                    self.set_knowledge(knowledge);
                }
                info(text)
            }
            Err(e) => {
                tracing::error!(error = %e, "!reindex failed; the previous index keeps serving");
                Answer::notice(
                    NoticeKind::Busy,
                    format!("The rebuild failed ({e}); the previous index keeps serving."),
                    Vec::new(),
                )
            }
        }
    }

    fn remember(
        &self,
        conversation: &str,
        answer: &Passages,
        all: Vec<Hit>,
        highlighter: Option<excerpt::Highlighter>,
    ) {
        let Ok(mut guard) = self.pages.lock() else {
            return;
        };
        let (counter, pages) = &mut *guard;
        *counter += 1;
        if pages.len() >= MAX_CONVERSATIONS
            && !pages.contains_key(conversation)
            && let Some(oldest) = pages
                .iter()
                .min_by_key(|(_, p)| p.sequence)
                .map(|(k, _)| k.clone())
        {
            pages.remove(&oldest);
        }
        let page = Pages {
            answer: answer.clone(),
            all,
            highlighter,
            sequence: *counter,
        };
        pages.insert(conversation.to_string(), page);
    }

    /// The next page of the conversation's last answer.
    fn more(&self, conversation: &str) -> Answer {
        let Ok(mut guard) = self.pages.lock() else {
            return Answer::notice(
                NoticeKind::Busy,
                "Something went wrong; please ask again.",
                vec![],
            );
        };
        let p = &self.config.prefix;
        let Some(page) = guard.1.get_mut(conversation) else {
            return Answer::notice(
                NoticeKind::NotFound,
                "Nothing to continue: ask something first.",
                vec![format!("{p}ask <question>"), format!("{p}topics")],
            );
        };
        let offset = page.answer.offset + page.answer.hits.len();
        if offset >= page.all.len() {
            return Answer::notice(
                NoticeKind::NoHits,
                format!("That was everything for “{}”.", page.answer.query),
                vec![],
            );
        }
        let end = (offset + self.config.page_size).min(page.all.len());
        page.answer.hits =
            excerpt::apply(page.all[offset..end].to_vec(), page.highlighter.as_ref());
        page.answer.offset = offset;
        page.answer.notices.clear();
        Answer::Passages(page.answer.clone())
    }
}
