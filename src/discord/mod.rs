//! Discord: the gateway bot (serenity), the HTTP interactions endpoint, and what both share —
//! turning Discord events into an origin and text for the conversation pipeline, and its
//! replies into Discord payloads.

pub mod commands;
pub mod endpoint;
pub mod gateway;
pub mod push;
pub mod render;

use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use serenity::model::application::{CommandInteraction, ComponentInteraction, Interaction};

use crate::command::Invocation;
use crate::conversation::{FollowUp, FollowUpAction, Origin, Pipeline, Platform, Refusal, Reply};
use crate::engine::{Answer, NoticeKind};
use crate::texts;
use render::{Controls, EPHEMERAL, Message, MessageReference};

/// Interaction response types (Discord's "interaction callback type").
pub mod callback {
    pub const PONG: u8 = 1;
    pub const CHANNEL_MESSAGE: u8 = 4;
    pub const DEFERRED_CHANNEL_MESSAGE: u8 = 5;
    pub const UPDATE_MESSAGE: u8 = 7;
    pub const AUTOCOMPLETE_RESULT: u8 = 8;
}

/// A message that arrived in a channel or DM.
#[derive(Debug, Clone)]
pub struct Incoming<'a> {
    pub message_id: u64,
    pub channel_id: u64,
    pub author_id: u64,
    pub author_is_bot: bool,
    pub content: &'a str,
    /// Whether the author may manage the channel (Manage Channels there, or a DM).
    pub manager: bool,
}

/// The Discord side of the bot, independent of how events arrive (gateway or HTTP).
pub struct Discord {
    pipeline: Arc<Pipeline>,
}

/// Where a Discord command comes from; answers get buttons.
fn origin(channel: u64, user: u64) -> Origin {
    Origin::new(Platform::Discord, channel.to_string(), user.to_string()).with_follow_ups()
}

/// An interaction response of `kind` carrying `data`.
pub fn response(kind: u8, data: impl serde::Serialize) -> Value {
    json!({"type": kind, "data": data})
}

impl Discord {
    pub fn new(pipeline: Arc<Pipeline>) -> Discord {
        Discord { pipeline }
    }

    pub fn pipeline(&self) -> &Arc<Pipeline> {
        &self.pipeline
    }

    /// Runs blocking work (search, rendering) off the async executor through the pipeline's
    /// work queue; `None` when it could not run or finish within `deadline`.
    pub async fn blocking<T: Send + 'static>(
        self: &Arc<Self>,
        deadline: Option<Duration>,
        f: impl FnOnce(&Discord) -> T + Send + 'static,
    ) -> Result<T, Refusal> {
        let this = self.clone();
        self.pipeline.off_thread(deadline, move |_| f(&this)).await
    }

    /// The reply to a channel message, if it is a command for the bot. Bots (this one
    /// included) are never answered.
    pub fn on_message(&self, incoming: &Incoming<'_>) -> Option<Message> {
        self.reply_to(incoming).map(|(message, _)| message)
    }

    /// Like [`Discord::on_message`], with the files the reply carries (a `!trend` chart).
    pub fn reply_to(
        &self,
        incoming: &Incoming<'_>,
    ) -> Option<(Message, Vec<serenity::all::CreateAttachment>)> {
        if incoming.author_is_bot {
            return None;
        }
        let origin = origin(incoming.channel_id, incoming.author_id).managing(incoming.manager);
        let (mut message, files) = match self.pipeline.reply(&origin, incoming.content)? {
            Reply::Refused(refusal) => (plain(refusal), Vec::new()),
            Reply::Answer { answer, follow_up } => (
                render::message(&answer, &controls(follow_up)),
                attachments(&answer),
            ),
        };
        message.message_reference = Some(MessageReference {
            message_id: incoming.message_id.to_string(),
            fail_if_not_exists: false,
        });
        Some((message, files))
    }

    /// The interaction response (Discord's JSON) to any interaction, as the body of an HTTP
    /// response: no file (a `/trend` keeps its chart's table).
    pub fn on_interaction(&self, interaction: &Interaction) -> Value {
        self.on_interaction_with_files(interaction, false).0
    }

    /// The interaction response and, when `files` (a response sent as multipart through the
    /// REST API), the files it carries: a `/trend` chart.
    pub fn on_interaction_with_files(
        &self,
        interaction: &Interaction,
        files: bool,
    ) -> (Value, Vec<serenity::all::CreateAttachment>) {
        match interaction {
            Interaction::Ping(_) => (json!({"type": callback::PONG}), Vec::new()),
            Interaction::Command(c) => self.on_command(c, files),
            Interaction::Autocomplete(c) => (self.on_autocomplete(c), Vec::new()),
            Interaction::Component(c) => (self.on_component(c), Vec::new()),
            _ => (ephemeral(texts::UNHANDLED_INTERACTION), Vec::new()),
        }
    }

    fn on_command(
        &self,
        c: &CommandInteraction,
        files: bool,
    ) -> (Value, Vec<serenity::all::CreateAttachment>) {
        let Some(command) = commands::to_command(&c.data) else {
            return (ephemeral(texts::UNKNOWN_SLASH_COMMAND), Vec::new());
        };
        let invocation = Invocation {
            command,
            truncated: false,
        };
        // Discord gives the member's permissions in the channel; a DM is the user's own.
        let manager = c.guild_id.is_none()
            || c.member
                .as_ref()
                .and_then(|m| m.permissions)
                .is_some_and(|p| p.manage_channels());
        let origin = origin(c.channel_id.get(), c.user.id.get()).managing(manager);
        match self.pipeline.run(&origin, invocation) {
            Reply::Refused(refusal) => (ephemeral(refusal.text()), Vec::new()),
            Reply::Answer { answer, follow_up } => {
                let mut message = render::message(&answer, &controls(follow_up));
                let attached = if files {
                    attachments(&answer)
                } else {
                    Vec::new()
                };
                if attached.is_empty() {
                    // No chart to show: the embed keeps the chart's table.
                    message.embeds.iter_mut().for_each(|e| e.image = None);
                }
                if commands::hidden(&c.data) || is_error(&answer) {
                    message.flags = Some(EPHEMERAL);
                }
                (response(callback::CHANNEL_MESSAGE, message), attached)
            }
        }
    }

    fn on_autocomplete(&self, c: &CommandInteraction) -> Value {
        let typed = c.data.autocomplete().map_or("", |o| o.value);
        let knowledge = self.pipeline.engine().knowledge();
        let choices: Vec<Value> = commands::topic_choices(&knowledge.topics, typed)
            .into_iter()
            .map(|(name, value)| json!({"name": name, "value": value}))
            .collect();
        response(callback::AUTOCOMPLETE_RESULT, json!({"choices": choices}))
    }

    fn on_component(&self, c: &ComponentInteraction) -> Value {
        let Some((action, id)) = parse_custom_id(&c.data.custom_id) else {
            return ephemeral(texts::FOLLOW_UP_EXPIRED);
        };
        let origin = origin(c.channel_id.get(), c.user.id.get());
        match (action, self.pipeline.follow_up(&origin, id, action)) {
            (_, Reply::Refused(refusal)) => ephemeral(refusal.text()),
            (FollowUpAction::More, Reply::Answer { answer, .. })
                if matches!(answer, Answer::Notice(_)) =>
            {
                ephemeral(&crate::render::text::render(&answer, Default::default()))
            }
            (FollowUpAction::More, Reply::Answer { answer, follow_up }) => response(
                callback::UPDATE_MESSAGE,
                render::message(&answer, &controls(follow_up)),
            ),
            (FollowUpAction::Paragraph, Reply::Answer { answer, .. }) => {
                let mut message = render::message(&answer, &Controls::default());
                message.flags = Some(EPHEMERAL);
                response(callback::CHANNEL_MESSAGE, message)
            }
        }
    }
}

/// A refusal as a plain message.
fn plain(refusal: Refusal) -> Message {
    Message {
        content: refusal.text().into(),
        ..Message::default()
    }
}

/// The buttons for a follow-up.
fn controls(follow_up: Option<FollowUp>) -> Controls {
    let Some(f) = follow_up else {
        return Controls::default();
    };
    Controls {
        more: f.more.then(|| format!("clip:more:{}", f.id)),
        paragraph: f.paragraph.then(|| format!("clip:para:{}", f.id)),
    }
}

fn parse_custom_id(custom_id: &str) -> Option<(FollowUpAction, u64)> {
    let rest = custom_id.strip_prefix("clip:")?;
    let (action, id) = rest.split_once(':')?;
    let action = match action {
        "more" => FollowUpAction::More,
        "para" => FollowUpAction::Paragraph,
        _ => return None,
    };
    Some((action, id.parse().ok()?))
}

fn is_error(answer: &Answer) -> bool {
    matches!(answer, Answer::Notice(n) if matches!(n.kind, NoticeKind::BadInput | NoticeKind::UnknownCommand | NoticeKind::NotFound | NoticeKind::Busy))
}

/// The files a message carries: the chart of a `!trend` answer, drawn here (an embed shows
/// it as `attachment://trend.png`). Without it the embed keeps its text table.
pub fn attachments(answer: &Answer) -> Vec<serenity::all::CreateAttachment> {
    let Answer::Trend(trend) = answer else {
        return Vec::new();
    };
    match crate::render::chart::png(trend) {
        Ok(png) => vec![serenity::all::CreateAttachment::bytes(
            png,
            render::CHART_FILE,
        )],
        Err(e) => {
            tracing::warn!(error = %e, "no chart");
            Vec::new()
        }
    }
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
    response(callback::CHANNEL_MESSAGE, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::Cooldowns;
    use crate::texts::{ADMIN_ONLY, COOLDOWN as COOLDOWN_TEXT};

    fn pipeline(user_per_minute: u32, channel_per_minute: u32) -> Pipeline {
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        crate::lifecycle::pipeline_in_ram(&data)
            .unwrap()
            .with_cooldowns(Cooldowns {
                user_per_minute,
                channel_per_minute,
            })
    }

    fn discord(user_per_minute: u32, channel_per_minute: u32) -> Discord {
        Discord::new(Arc::new(pipeline(user_per_minute, channel_per_minute)))
    }

    fn say(d: &Discord, user: u64, channel: u64, text: &str) -> Option<Message> {
        d.on_message(&Incoming {
            message_id: 1,
            channel_id: channel,
            author_id: user,
            author_is_bot: false,
            content: text,
            manager: false,
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
            manager: false,
        };
        assert!(d.on_message(&bot).is_none());
        assert!(say(&d, 1, 1, "just talking about capex").is_none());
    }

    #[test]
    fn only_admins_get_the_status() {
        let d = Discord::new(Arc::new(pipeline(100, 100).with_admins(vec!["42".into()])));
        let refused = say(&d, 7, 1, "!status").unwrap();
        assert_eq!(refused.content, ADMIN_ONLY);
        let refused = say(&d, 7, 1, "!reindex").unwrap();
        assert_eq!(refused.content, ADMIN_ONLY);
        let status = say(&d, 42, 1, "!status").unwrap();
        let text = serde_json::to_string(&status).unwrap();
        assert!(
            text.contains("Status:") && text.contains("passages"),
            "{text}"
        );
    }

    #[test]
    fn custom_ids_are_read_strictly() {
        assert_eq!(
            parse_custom_id("clip:more:42"),
            Some((FollowUpAction::More, 42))
        );
        assert_eq!(
            parse_custom_id("clip:para:7"),
            Some((FollowUpAction::Paragraph, 7))
        );
        for bad in ["clip:drop:1", "clip:more:x", "other:more:1", "clip:more"] {
            assert_eq!(parse_custom_id(bad), None, "{bad}");
        }
    }
}
