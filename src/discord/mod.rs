//! Discord: the gateway bot (serenity), the HTTP interactions endpoint, and what both share —
//! turning Discord events into grammar commands and answers into Discord payloads.

pub mod commands;
pub mod endpoint;
pub mod gateway;
pub mod render;

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use serde_json::{Value, json};
use serenity::model::application::{CommandInteraction, ComponentInteraction, Interaction};

use crate::command::{Command, Invocation};
use crate::engine::{Answer, Engine, NoticeKind};
use render::{Controls, EPHEMERAL, Message, MessageReference};

/// How long the buttons under an answer keep working.
pub const BUTTON_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// Button sessions kept at most (the oldest go first).
const MAX_SESSIONS: usize = 10_000;

/// Per-user and per-channel command budgets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cooldowns {
    pub user_per_minute: u32,
    pub channel_per_minute: u32,
}

impl Default for Cooldowns {
    fn default() -> Self {
        Cooldowns {
            user_per_minute: 12,
            channel_per_minute: 60,
        }
    }
}

/// A message that arrived in a channel or DM.
#[derive(Debug, Clone)]
pub struct Incoming<'a> {
    pub message_id: u64,
    pub channel_id: u64,
    pub author_id: u64,
    pub author_is_bot: bool,
    pub content: &'a str,
}

struct Session {
    asker: u64,
    conversation: String,
    reference: Option<String>,
    created: Instant,
}

/// The Discord side of the bot, independent of how events arrive (gateway or HTTP).
pub struct Discord {
    engine: Arc<Engine>,
    sessions: Mutex<HashMap<u64, Session>>,
    next_session: AtomicU64,
    budgets: Budgets<u64>,
    admins: Vec<String>,
    /// Blocking work (search and rendering) allowed at once; the rest waits its turn.
    work: tokio::sync::Semaphore,
}

fn quota(per_minute: u32) -> Quota {
    let n = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(n)
        .allow_burst(NonZeroU32::new(per_minute.clamp(1, 5)).unwrap_or(NonZeroU32::MIN))
}

/// Per-user and per-place (channel, room) command budgets of one platform.
pub(crate) struct Budgets<K: std::hash::Hash + Eq + Clone> {
    users: DefaultKeyedRateLimiter<K>,
    places: DefaultKeyedRateLimiter<K>,
    platform: &'static str,
}

impl<K: std::hash::Hash + Eq + Clone> Budgets<K> {
    pub(crate) fn new(cooldowns: Cooldowns, platform: &'static str) -> Budgets<K> {
        Budgets {
            users: RateLimiter::keyed(quota(cooldowns.user_per_minute)),
            places: RateLimiter::keyed(quota(cooldowns.channel_per_minute)),
            platform,
        }
    }

    /// Whether the user may run a command here now; a refusal is counted in the metrics.
    pub(crate) fn allow(&self, user: &K, place: &K) -> bool {
        let allowed = self.users.check_key(user).is_ok() && self.places.check_key(place).is_ok();
        if !allowed {
            crate::ops::record_cooldown(self.platform);
        }
        allowed
    }
}

pub(crate) const COOLDOWN_TEXT: &str = "Easy there — you're sending commands faster than I answer them here. Try again in a few seconds.";

impl Discord {
    pub fn new(engine: Arc<Engine>, cooldowns: Cooldowns) -> Discord {
        // Ids start from the clock, so buttons from before a restart are never mistaken for new ones.
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_micros() as u64);
        Discord {
            engine,
            sessions: Mutex::new(HashMap::new()),
            next_session: AtomicU64::new(seed),
            budgets: Budgets::new(cooldowns, "discord"),
            admins: Vec::new(),
            work: tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(4, |n| n.get() * 2),
            ),
        }
    }

    /// Runs blocking work (search, rendering) off the async executor, a few at a time (twice
    /// the cores): more would only share the cores and make every answer late.
    pub async fn blocking<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&Discord) -> T + Send + 'static,
    ) -> Option<T> {
        let _permit = self.work.acquire().await.ok()?;
        let this = self.clone();
        tokio::task::spawn_blocking(move || f(&this)).await.ok()
    }

    /// Lets these user ids run the admin commands (`!status`, `!reindex`).
    pub fn with_admins(mut self, admins: Vec<String>) -> Discord {
        self.admins = admins;
        self
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    fn allowed(&self, user: u64, channel: u64) -> bool {
        self.budgets.allow(&user, &channel)
    }

    /// The reply to a channel message, if it is a command for the bot. Bots (this one
    /// included) are never answered.
    pub fn on_message(&self, incoming: &Incoming<'_>) -> Option<Message> {
        if incoming.author_is_bot {
            return None;
        }
        let invocation = crate::command::parse(incoming.content, &self.engine.grammar())?;
        let reference = Some(MessageReference {
            message_id: incoming.message_id.to_string(),
            fail_if_not_exists: false,
        });
        if !self.allowed(incoming.author_id, incoming.channel_id) {
            return Some(Message {
                content: COOLDOWN_TEXT.into(),
                message_reference: reference,
                ..Message::default()
            });
        }
        if invocation.command.is_admin_only()
            && !self.admins.contains(&incoming.author_id.to_string())
        {
            return Some(Message {
                content: crate::ops::ADMIN_ONLY.into(),
                message_reference: reference,
                ..Message::default()
            });
        }
        let conversation = format!("discord:{}:{}", incoming.channel_id, incoming.author_id);
        let answer = self.engine.execute(&conversation, invocation);
        let controls = self.controls(&answer, incoming.author_id, &conversation);
        let mut message = render::message(&answer, &controls);
        message.message_reference = reference;
        Some(message)
    }

    /// The interaction response (Discord's JSON) to any interaction.
    pub fn on_interaction(&self, interaction: &Interaction) -> Value {
        match interaction {
            Interaction::Ping(_) => json!({"type": 1}),
            Interaction::Command(c) => self.on_command(c),
            Interaction::Autocomplete(c) => self.on_autocomplete(c),
            Interaction::Component(c) => self.on_component(c),
            _ => ephemeral("That kind of interaction isn't something I handle."),
        }
    }

    fn on_command(&self, c: &CommandInteraction) -> Value {
        let Some(command) = commands::to_command(&c.data) else {
            return ephemeral("I don't know that command; try /help.");
        };
        if !self.allowed(c.user.id.get(), c.channel_id.get()) {
            return ephemeral(COOLDOWN_TEXT);
        }
        let conversation = format!("discord:{}:{}", c.channel_id.get(), c.user.id.get());
        let answer = self.engine.execute(
            &conversation,
            Invocation {
                command,
                truncated: false,
            },
        );
        let hide = commands::hidden(&c.data) || is_error(&answer);
        let controls = self.controls(&answer, c.user.id.get(), &conversation);
        let mut message = render::message(&answer, &controls);
        if hide {
            message.flags = Some(EPHEMERAL);
        }
        json!({"type": 4, "data": message})
    }

    fn on_autocomplete(&self, c: &CommandInteraction) -> Value {
        let typed = c.data.autocomplete().map_or("", |o| o.value);
        let knowledge = self.engine.knowledge();
        let choices: Vec<Value> = commands::topic_choices(&knowledge.topics, typed)
            .into_iter()
            .map(|(name, value)| json!({"name": name, "value": value}))
            .collect();
        json!({"type": 8, "data": {"choices": choices}})
    }

    fn on_component(&self, c: &ComponentInteraction) -> Value {
        let user = c.user.id.get();
        let Some((action, id)) = parse_custom_id(&c.data.custom_id) else {
            return ephemeral("This button has expired; run the command again.");
        };
        let (conversation, reference) = {
            let Ok(mut sessions) = self.sessions.lock() else {
                return ephemeral("Something went wrong; please try again.");
            };
            sessions.retain(|_, s| s.created.elapsed() < BUTTON_LIFETIME);
            match sessions.get(&id) {
                None => return ephemeral("This button has expired; run the command again."),
                Some(s) if s.asker != user => {
                    return ephemeral(
                        "These buttons belong to whoever asked. You can run the command yourself — try /ask or /help.",
                    );
                }
                Some(s) => (s.conversation.clone(), s.reference.clone()),
            }
        };
        match action {
            "more" => {
                let answer = self.engine.execute(
                    &conversation,
                    Invocation {
                        command: Command::More,
                        truncated: false,
                    },
                );
                if matches!(answer, Answer::Notice(_)) {
                    return ephemeral(&crate::render::text::render(&answer, Default::default()));
                }
                let controls = self.controls(&answer, user, &conversation);
                json!({"type": 7, "data": render::message(&answer, &controls)})
            }
            _ => {
                let Some(reference) = reference else {
                    return ephemeral("There is no paragraph to show.");
                };
                let answer = self.engine.execute(
                    &conversation,
                    Invocation {
                        command: Command::Quote(reference),
                        truncated: false,
                    },
                );
                let mut message = render::message(&answer, &Controls::default());
                message.flags = Some(EPHEMERAL);
                json!({"type": 4, "data": message})
            }
        }
    }

    /// Buttons for a ranked answer, remembered for their asker.
    fn controls(&self, answer: &Answer, asker: u64, conversation: &str) -> Controls {
        let Answer::Passages(p) = answer else {
            return Controls::default();
        };
        let id = self.next_session.fetch_add(1, Ordering::Relaxed);
        let session = Session {
            asker,
            conversation: conversation.to_string(),
            reference: p.hits.first().map(|h| h.reference.clone()),
            created: Instant::now(),
        };
        if let Ok(mut sessions) = self.sessions.lock() {
            if sessions.len() >= MAX_SESSIONS {
                sessions.retain(|_, s| s.created.elapsed() < BUTTON_LIFETIME);
                if sessions.len() >= MAX_SESSIONS
                    && let Some(oldest) = sessions
                        .iter()
                        .min_by_key(|(_, s)| s.created)
                        .map(|(k, _)| *k)
                {
                    sessions.remove(&oldest);
                }
            }
            sessions.insert(id, session);
        }
        Controls {
            more: p.has_more().then(|| format!("clip:more:{id}")),
            paragraph: (!p.hits.is_empty()).then(|| format!("clip:para:{id}")),
        }
    }
}

fn parse_custom_id(custom_id: &str) -> Option<(&str, u64)> {
    let rest = custom_id.strip_prefix("clip:")?;
    let (action, id) = rest.split_once(':')?;
    matches!(action, "more" | "para").then_some(())?;
    Some((action, id.parse().ok()?))
}

fn is_error(answer: &Answer) -> bool {
    matches!(answer, Answer::Notice(n) if matches!(n.kind, NoticeKind::BadInput | NoticeKind::UnknownCommand | NoticeKind::NotFound | NoticeKind::Busy))
}

/// The message payload the bot would send for an answer, as pretty JSON (no buttons: those
/// need a live conversation).
pub fn preview(answer: &Answer) -> String {
    serde_json::to_string_pretty(&render::message(answer, &Controls::default())).unwrap_or_default()
}

/// An interaction reply only the user sees.
pub fn ephemeral(text: &str) -> Value {
    let message = Message {
        content: render::cut(&render::escape(text), render::CONTENT_MAX),
        flags: Some(EPHEMERAL),
        ..Message::default()
    };
    json!({"type": 4, "data": message})
}

#[cfg(test)]
mod tests {
    use super::*;

    fn discord(user_per_minute: u32, channel_per_minute: u32) -> Discord {
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let engine = Arc::new(Engine::in_ram(&data).unwrap());
        Discord::new(
            engine,
            Cooldowns {
                user_per_minute,
                channel_per_minute,
            },
        )
    }

    fn say(d: &Discord, user: u64, channel: u64, text: &str) -> Option<Message> {
        d.on_message(&Incoming {
            message_id: 1,
            channel_id: channel,
            author_id: user,
            author_is_bot: false,
            content: text,
        })
    }

    #[test]
    fn a_user_over_the_cooldown_gets_a_polite_notice() {
        let d = discord(2, 100);
        assert!(say(&d, 1, 10, "!capex").unwrap().content != COOLDOWN_TEXT);
        assert!(say(&d, 1, 10, "!capex").unwrap().content != COOLDOWN_TEXT);
        assert_eq!(say(&d, 1, 10, "!capex").unwrap().content, COOLDOWN_TEXT);
        assert!(
            say(&d, 2, 10, "!capex").unwrap().content != COOLDOWN_TEXT,
            "other users are not held back"
        );
    }

    #[test]
    fn a_busy_channel_is_held_back_too() {
        let d = discord(100, 2);
        say(&d, 1, 10, "!chips");
        say(&d, 2, 10, "!chips");
        assert_eq!(say(&d, 3, 10, "!chips").unwrap().content, COOLDOWN_TEXT);
        assert!(say(&d, 3, 11, "!chips").unwrap().content != COOLDOWN_TEXT);
    }

    #[test]
    fn bots_and_chatter_get_no_reply() {
        let d = discord(100, 100);
        let bot = Incoming {
            message_id: 1,
            channel_id: 1,
            author_id: 9,
            author_is_bot: true,
            content: "!capex",
        };
        assert!(d.on_message(&bot).is_none());
        assert!(say(&d, 1, 1, "just talking about capex").is_none());
    }

    #[test]
    fn only_admins_get_the_status() {
        let d = discord(100, 100).with_admins(vec!["42".into()]);
        let refused = say(&d, 7, 1, "!status").unwrap();
        assert_eq!(refused.content, crate::ops::ADMIN_ONLY);
        let refused = say(&d, 7, 1, "!reindex").unwrap();
        assert_eq!(refused.content, crate::ops::ADMIN_ONLY);
        let status = say(&d, 42, 1, "!status").unwrap();
        let text = serde_json::to_string(&status).unwrap();
        assert!(
            text.contains("Status:") && text.contains("passages"),
            "{text}"
        );
    }

    #[test]
    fn custom_ids_are_read_strictly() {
        assert_eq!(parse_custom_id("clip:more:42"), Some(("more", 42)));
        assert_eq!(parse_custom_id("clip:para:7"), Some(("para", 7)));
        for bad in ["clip:drop:1", "clip:more:x", "other:more:1", "clip:more"] {
            assert_eq!(parse_custom_id(bad), None, "{bad}");
        }
    }
}
