//! The conversation pipeline: one message from anywhere (Discord, Matrix, the terminal, the
//! CLI, a button) in, one reply out. Parsing, cooldowns, admin checks, execution, paging,
//! follow-ups and metrics happen here, once; adapters only translate.

mod budgets;
mod memory;
pub mod push;
#[cfg(test)]
mod tests;

use std::sync::Arc;
use std::time::{Duration, Instant};

pub use budgets::Cooldowns;
pub use memory::FOLLOW_UP_LIFETIME;
pub use push::{Push, PushError, Pushing};

use crate::command::{self, Command, Invocation};
use crate::engine::{Answer, Engine, Knowledge, NoticeKind, Outcome};
use crate::texts;

/// Where a message comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Platform {
    Discord,
    Matrix,
    /// The terminal chat: the operator's.
    Terminal,
    /// One command from the command line: the operator's.
    Cli,
}

impl Platform {
    /// The platform's name in metrics and logs.
    pub fn label(self) -> &'static str {
        match self {
            Platform::Discord => "discord",
            Platform::Matrix => "matrix",
            Platform::Terminal => "terminal",
            Platform::Cli => "cli",
        }
    }

    /// The operator's own platforms: no cooldowns, admin commands allowed.
    fn is_operator(self) -> bool {
        matches!(self, Platform::Terminal | Platform::Cli)
    }
}

/// Who sent a message, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub platform: Platform,
    /// The channel, room or terminal session.
    pub place: String,
    pub user: String,
    /// The thread within the place, if any (paging follows the thread).
    pub thread: Option<String>,
    /// Whether the platform says the user is an admin of the place.
    pub admin: bool,
    /// Whether the platform shows follow-up buttons under answers.
    pub follow_ups: bool,
    /// Whether the platform says the user may manage the place (Discord's Manage Channels
    /// there, a Matrix power level of at least 50): they may change what it watches.
    pub manager: bool,
}

impl Origin {
    pub fn new(platform: Platform, place: impl Into<String>, user: impl Into<String>) -> Origin {
        Origin {
            platform,
            place: place.into(),
            user: user.into(),
            thread: None,
            admin: false,
            follow_ups: false,
            manager: false,
        }
    }

    pub fn managing(mut self, manager: bool) -> Origin {
        self.manager = manager;
        self
    }

    /// The operator at the terminal, in a conversation of their own naming.
    pub fn operator(conversation: &str) -> Origin {
        Origin::new(Platform::Terminal, conversation, "operator")
    }

    pub fn in_thread(mut self, thread: Option<String>) -> Origin {
        self.thread = thread;
        self
    }

    pub fn with_follow_ups(mut self) -> Origin {
        self.follow_ups = true;
        self
    }

    /// The conversation this message belongs to: one user's, in one place and thread.
    pub fn conversation(&self) -> ConversationKey {
        ConversationKey {
            platform: self.platform,
            place: self.place.clone(),
            thread: self.thread.clone(),
            user: self.user.clone(),
        }
    }
}

/// One user's conversation with the bot in one place (and thread): what `!more` pages.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConversationKey {
    pub platform: Platform,
    pub place: String,
    pub thread: Option<String>,
    pub user: String,
}

/// Why a command got no answer of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Over the user's or the place's command budget.
    Cooldown,
    /// An admin command from someone who is not an admin.
    AdminOnly,
    /// Too much work is waiting.
    Busy,
    /// The answer was not ready in time.
    TimedOut,
    /// Something failed inside (logged with its cause).
    Failed,
    /// A follow-up (button) too old or unknown.
    FollowUpExpired,
    /// Someone else's follow-up.
    NotYourFollowUp,
    /// A paragraph follow-up of an answer without passages.
    NoParagraph,
    /// Changing what a place watches, by someone who may not manage the place.
    ManagersOnly,
}

impl Refusal {
    pub fn text(self) -> &'static str {
        match self {
            Refusal::Cooldown => texts::COOLDOWN,
            Refusal::AdminOnly => texts::ADMIN_ONLY,
            Refusal::Busy => texts::BUSY,
            Refusal::TimedOut => texts::TIMED_OUT,
            Refusal::Failed => texts::FAILED,
            Refusal::FollowUpExpired => texts::FOLLOW_UP_EXPIRED,
            Refusal::NotYourFollowUp => texts::NOT_YOUR_FOLLOW_UP,
            Refusal::NoParagraph => texts::NO_PARAGRAPH,
            Refusal::ManagersOnly => texts::MANAGERS_ONLY,
        }
    }

    /// The refusal as a notice, for platforms that render every reply as an answer.
    pub fn to_answer(self) -> Answer {
        let kind = match self {
            Refusal::AdminOnly | Refusal::NotYourFollowUp | Refusal::ManagersOnly => {
                NoticeKind::Refused
            }
            Refusal::FollowUpExpired | Refusal::NoParagraph => NoticeKind::NotFound,
            Refusal::Cooldown | Refusal::Busy | Refusal::TimedOut | Refusal::Failed => {
                NoticeKind::Busy
            }
        };
        Answer::notice(kind, self.text(), Vec::new())
    }
}

/// The follow-ups a platform may offer under an answer (Discord's buttons).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowUp {
    pub id: u64,
    /// The answer has a next page.
    pub more: bool,
    /// The answer has a first passage whose paragraph can be shown.
    pub paragraph: bool,
}

/// What a follow-up asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowUpAction {
    More,
    Paragraph,
}

/// The pipeline's reply to one message.
#[derive(Debug, Clone, PartialEq)]
#[expect(
    clippy::large_enum_variant,
    reason = "one reply per message, moved once into its renderer"
)]
pub enum Reply {
    Answer {
        answer: Answer,
        follow_up: Option<FollowUp>,
    },
    Refused(Refusal),
}

impl Reply {
    fn answer(answer: Answer) -> Reply {
        Reply::Answer {
            answer,
            follow_up: None,
        }
    }

    /// The reply as an answer (a refusal becomes its notice).
    pub fn into_answer(self) -> Answer {
        match self {
            Reply::Answer { answer, .. } => answer,
            Reply::Refused(r) => r.to_answer(),
        }
    }
}

/// A parsed message with the knowledge (topics, synonyms) it was parsed with: it is answered
/// with the same, whatever is reloaded in between.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub invocation: Invocation,
    knowledge: Arc<Knowledge>,
}

/// `!status` and `!reindex`: the index lifecycle, handed in by whoever runs it.
pub trait Operations: Send + Sync {
    /// The status report, as a few lines for chat.
    fn status(&self) -> String;
    /// Rebuilds the index now; the notice says how it went.
    fn reindex(&self) -> Answer;
}

/// `!feeds`, `!feed add|remove` and `!add <url>`: coverage from the web, handed in by whoever
/// fetches it. Each call may take a while (a page is fetched); the pipeline runs it off the
/// async executor like any command.
pub trait Coverage: Send + Sync {
    /// The feeds followed, each with when it last brought an article and its error.
    fn feeds(&self) -> Answer;
    fn add_feed(&self, url: &str) -> Answer;
    fn remove_feed(&self, name: &str) -> Answer;
    /// Fetches, extracts and stores one page; the notice says what became of it.
    fn add_url(&self, url: &str) -> Answer;
}

/// `!watch`, `!watches` and `!unwatch`: what a place follows, handed in by whoever sends the
/// alerts.
pub trait Watching: Send + Sync {
    fn watch(&self, origin: &Origin, text: &str) -> Answer;
    fn watches(&self, origin: &Origin) -> Answer;
    fn unwatch(&self, origin: &Origin, which: &str) -> Answer;
}

/// The conversation pipeline.
pub struct Pipeline {
    engine: Arc<Engine>,
    operations: Option<Arc<dyn Operations>>,
    coverage: Option<Arc<dyn Coverage>>,
    watching: Option<Arc<dyn Watching>>,
    budgets: budgets::Budgets,
    admins: Vec<String>,
    memory: memory::Memory,
    /// Blocking work (search and rendering) allowed at once; the rest waits its turn.
    work: tokio::sync::Semaphore,
}

impl Pipeline {
    /// A pipeline with the default cooldowns, no admins and no index lifecycle.
    pub fn new(engine: Arc<Engine>) -> Pipeline {
        Pipeline {
            engine,
            operations: None,
            coverage: None,
            watching: None,
            budgets: budgets::Budgets::new(Cooldowns::default()),
            admins: Vec::new(),
            memory: memory::Memory::new(),
            work: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(4, |n| n.get() * 2),
            ),
        }
    }

    pub fn with_cooldowns(mut self, cooldowns: Cooldowns) -> Pipeline {
        self.budgets = budgets::Budgets::new(cooldowns);
        self
    }

    /// Lets these user ids run the admin commands everywhere (`ADMIN_USERS`).
    pub fn with_admins(mut self, admins: Vec<String>) -> Pipeline {
        self.admins = admins;
        self
    }

    /// Where `!status` and `!reindex` go.
    pub fn with_operations(mut self, operations: Arc<dyn Operations>) -> Pipeline {
        self.operations = Some(operations);
        self
    }

    /// Where `!feeds`, `!feed` and `!add <url>` go.
    pub fn with_coverage(mut self, coverage: Arc<dyn Coverage>) -> Pipeline {
        self.coverage = Some(coverage);
        self
    }

    /// Where `!watch`, `!watches` and `!unwatch` go.
    pub fn with_watching(mut self, watching: Arc<dyn Watching>) -> Pipeline {
        self.watching = Some(watching);
        self
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    pub fn prefix(&self) -> &str {
        &self.engine.config().prefix
    }

    /// The command in a message, if it is one.
    pub fn parse(&self, text: &str) -> Option<Parsed> {
        let knowledge = self.engine.knowledge();
        let invocation = command::parse(text, &self.engine.grammar(&knowledge))?;
        Some(Parsed {
            invocation,
            knowledge,
        })
    }

    /// The reply to a message; `None` when it is not addressed to the bot. Blocking.
    pub fn reply(&self, origin: &Origin, text: &str) -> Option<Reply> {
        let parsed = self.parse(text)?;
        Some(self.run_parsed(origin, parsed, None))
    }

    /// The reply to a typed command (slash commands, the CLI). Blocking.
    pub fn run(&self, origin: &Origin, invocation: Invocation) -> Reply {
        self.run_with_limit(origin, invocation, None)
    }

    /// Like [`Pipeline::run`], with `limit` passages on the first page instead of the page size.
    pub fn run_with_limit(
        &self,
        origin: &Origin,
        invocation: Invocation,
        limit: Option<usize>,
    ) -> Reply {
        let parsed = Parsed {
            invocation,
            knowledge: self.engine.knowledge(),
        };
        self.run_parsed(origin, parsed, limit)
    }

    /// The reply to a parsed message. Blocking.
    pub fn run_parsed(&self, origin: &Origin, parsed: Parsed, limit: Option<usize>) -> Reply {
        let operator = origin.platform.is_operator();
        if !operator
            && !self
                .budgets
                .allow(origin.platform, &origin.user, &origin.place)
        {
            return Reply::Refused(Refusal::Cooldown);
        }
        let admin = operator || origin.admin || self.admins.contains(&origin.user);
        if parsed.invocation.command.is_admin_only() && !admin {
            return Reply::Refused(Refusal::AdminOnly);
        }
        if parsed.invocation.command.needs_place_manager() && !admin && !origin.manager {
            return Reply::Refused(Refusal::ManagersOnly);
        }
        self.execute(origin, &parsed.knowledge, parsed.invocation, limit)
    }

    /// The reply to a follow-up (a button under an answer). Blocking.
    pub fn follow_up(&self, origin: &Origin, id: u64, action: FollowUpAction) -> Reply {
        let Some(entry) = self.memory.follow_up(id) else {
            return Reply::Refused(Refusal::FollowUpExpired);
        };
        if entry.asker != origin.user {
            return Reply::Refused(Refusal::NotYourFollowUp);
        }
        let asker = Origin {
            platform: entry.conversation.platform,
            place: entry.conversation.place.clone(),
            user: entry.conversation.user.clone(),
            thread: entry.conversation.thread.clone(),
            admin: origin.admin,
            follow_ups: origin.follow_ups,
            manager: origin.manager,
        };
        let command = match action {
            FollowUpAction::More => Command::More,
            FollowUpAction::Paragraph => match entry.reference {
                Some(reference) => Command::Quote(reference),
                None => return Reply::Refused(Refusal::NoParagraph),
            },
        };
        let reply = self.run(
            &asker,
            Invocation {
                command,
                truncated: false,
            },
        );
        match (action, reply) {
            (FollowUpAction::Paragraph, Reply::Answer { answer, .. }) => Reply::answer(answer),
            (_, reply) => reply,
        }
    }

    /// The operator's conversation (the terminal chat, tests): the answer to a message.
    pub fn handle(&self, conversation: &str, text: &str) -> Option<Answer> {
        self.reply(&Origin::operator(conversation), text)
            .map(Reply::into_answer)
    }

    /// Like [`Pipeline::handle`], with `limit` passages on the first page.
    pub fn handle_with_limit(
        &self,
        conversation: &str,
        text: &str,
        limit: usize,
    ) -> Option<Answer> {
        let parsed = self.parse(text)?;
        let origin = Origin::operator(conversation);
        Some(self.run_parsed(&origin, parsed, Some(limit)).into_answer())
    }

    /// Runs blocking work (search, rendering) off the async executor, a few at a time (twice
    /// the cores: more would only share the cores and make every answer late), within
    /// `deadline` when one is given.
    pub async fn off_thread<T: Send + 'static>(
        self: &Arc<Self>,
        deadline: Option<Duration>,
        f: impl FnOnce(&Pipeline) -> T + Send + 'static,
    ) -> Result<T, Refusal> {
        let this = self.clone();
        let work = async move {
            let Ok(_permit) = this.work.acquire().await else {
                return Err(Refusal::Busy);
            };
            let inner = this.clone();
            tokio::task::spawn_blocking(move || f(&inner))
                .await
                .map_err(|e| {
                    tracing::error!(error = %e, "answering a command failed");
                    Refusal::Failed
                })
        };
        match deadline {
            None => work.await,
            Some(deadline) => tokio::time::timeout(deadline, work)
                .await
                .unwrap_or(Err(Refusal::TimedOut)),
        }
    }

    fn execute(
        &self,
        origin: &Origin,
        knowledge: &Arc<Knowledge>,
        invocation: Invocation,
        limit: Option<usize>,
    ) -> Reply {
        let name = invocation.command.name();
        let platform = origin.platform.label();
        let _span = tracing::debug_span!("command", platform, command = name).entered();
        let started = Instant::now();
        let key = origin.conversation();
        let page_size = self.engine.config().page_size;
        let answered = match invocation.command {
            Command::More => Ok(self.more(&key, page_size)),
            Command::Status => Ok(self.status()),
            Command::Reindex => Ok(self.reindex()),
            Command::Feeds => Ok(self.coverage(|c| c.feeds())),
            Command::Feed(command::FeedAction::Add(url)) => Ok(self.coverage(|c| c.add_feed(&url))),
            Command::Feed(command::FeedAction::Remove(name)) => {
                Ok(self.coverage(|c| c.remove_feed(&name)))
            }
            Command::Feed(command::FeedAction::Usage) => Ok(Answer::notice(
                NoticeKind::Info,
                texts::feed_usage(self.prefix()),
                Vec::new(),
            )),
            Command::AddUrl(url) => Ok(self.coverage(|c| c.add_url(&url))),
            Command::Watch(text) => Ok(self.watching(|w| w.watch(origin, &text))),
            Command::Watches => Ok(self.watching(|w| w.watches(origin))),
            Command::Unwatch(which) => Ok(self.watching(|w| w.unwatch(origin, &which))),
            command => self
                .engine
                .answer(knowledge, command, limit.unwrap_or(page_size))
                .map(|outcome| self.remember(key.clone(), outcome)),
        };
        let mut answer = match answered {
            Ok(answer) => answer,
            Err(e) => {
                tracing::error!(error = %e, platform, command = name, "command failed");
                metrics::counter!("clippings_command_failures_total", "platform" => platform)
                    .increment(1);
                return Reply::Refused(Refusal::Failed);
            }
        };
        record_command(platform, name, started.elapsed().as_secs_f64(), &answer);
        if invocation.truncated
            && let Answer::Passages(p) = &mut answer
        {
            p.notices
                .push(texts::message_was_long(command::MAX_ARGUMENT_CHARS));
        }
        let follow_up = origin
            .follow_ups
            .then(|| self.offer(origin, key, &answer))
            .flatten();
        Reply::Answer { answer, follow_up }
    }

    /// Keeps a ranking for `!more`; the answer to show now.
    fn remember(&self, key: ConversationKey, outcome: Outcome) -> Answer {
        let answer = outcome.answer();
        if let Outcome::Ranked(ranking) = outcome {
            self.memory.remember(key, ranking);
        }
        answer
    }

    /// The next page of the conversation's last answer.
    fn more(&self, key: &ConversationKey, page_size: usize) -> Answer {
        let p = self.prefix();
        let next = self.memory.with_pages(key, |ranking| {
            ranking
                .next_page(page_size)
                .ok_or_else(|| ranking.page().query.clone())
        });
        match next {
            None => Answer::notice(
                NoticeKind::NotFound,
                texts::NOTHING_TO_CONTINUE,
                vec![format!("{p}ask <question>"), format!("{p}topics")],
            ),
            Some(Err(query)) => Answer::notice(
                NoticeKind::NoHits,
                texts::that_was_everything(&query),
                vec![],
            ),
            Some(Ok(page)) => Answer::Passages(page),
        }
    }

    fn status(&self) -> Answer {
        let text = match &self.operations {
            Some(ops) => ops.status(),
            None => texts::NO_OPERATIONS.to_string(),
        };
        Answer::notice(NoticeKind::Info, text, Vec::new())
    }

    fn coverage(&self, f: impl FnOnce(&dyn Coverage) -> Answer) -> Answer {
        match &self.coverage {
            Some(coverage) => f(coverage.as_ref()),
            None => Answer::notice(NoticeKind::Info, texts::NO_COVERAGE, Vec::new()),
        }
    }

    fn watching(&self, f: impl FnOnce(&dyn Watching) -> Answer) -> Answer {
        match &self.watching {
            Some(watching) => f(watching.as_ref()),
            None => Answer::notice(NoticeKind::Info, texts::NO_ALERTS, Vec::new()),
        }
    }

    fn reindex(&self) -> Answer {
        match &self.operations {
            Some(ops) => ops.reindex(),
            None => Answer::notice(NoticeKind::Info, texts::NO_OPERATIONS, Vec::new()),
        }
    }

    /// A follow-up for a ranked answer, remembered for its asker.
    fn offer(&self, origin: &Origin, key: ConversationKey, answer: &Answer) -> Option<FollowUp> {
        let Answer::Passages(p) = answer else {
            return None;
        };
        let reference = p.hits.first().map(|h| h.reference.clone());
        let id = self.memory.offer(&origin.user, key, reference);
        Some(FollowUp {
            id,
            more: p.has_more(),
            paragraph: !p.hits.is_empty(),
        })
    }
}

/// Counts one answered command and its latency.
fn record_command(platform: &'static str, command: &'static str, seconds: f64, answer: &Answer) {
    let zero_hits = match answer {
        Answer::Passages(p) => p.hits.is_empty(),
        Answer::Notice(n) => n.kind == NoticeKind::NoHits,
        _ => false,
    };
    metrics::counter!("clippings_commands_total", "platform" => platform, "command" => command)
        .increment(1);
    metrics::histogram!("clippings_answer_seconds", "platform" => platform).record(seconds);
    if zero_hits {
        metrics::counter!("clippings_zero_hit_total", "platform" => platform).increment(1);
    }
}
