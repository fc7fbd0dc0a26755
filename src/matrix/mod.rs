//! Matrix: the bot (matrix-sdk, end-to-end encryption, sqlite store) and what it shares with
//! every platform — turning a room message into an origin and text for the conversation
//! pipeline, and its replies into `m.notice` event content.

pub mod bot;
pub mod render;

use std::sync::{Arc, Mutex};

use matrix_sdk::Client;
use matrix_sdk::ruma::RoomId;
use matrix_sdk::ruma::events::room::message::RoomMessageEventContentWithoutRelation;

use crate::conversation::{Origin, Parsed, Pipeline, Platform, Push, PushError, Pushing};
use crate::engine::Answer;

/// A text message that arrived in a room.
#[derive(Debug, Clone)]
pub struct Incoming<'a> {
    pub room_id: &'a str,
    pub sender: &'a str,
    /// The thread the message is in, if any (paging follows the thread).
    pub thread: Option<&'a str>,
    /// The message text, reply fallback included (it is removed here).
    pub body: &'a str,
    /// Whether the sender's power level in the room is at least [`MANAGER_POWER_LEVEL`].
    pub manager: bool,
}

/// The power level from which a member may change what a room watches (moderators).
pub const MANAGER_POWER_LEVEL: i64 = 50;

impl Incoming<'_> {
    fn origin(&self) -> Origin {
        Origin::new(Platform::Matrix, self.room_id, self.sender)
            .in_thread(self.thread.map(str::to_string))
            .managing(self.manager)
    }
}

/// A reply for a room: the event content, and a chart to post with it (`!trend`).
pub struct Answered {
    pub content: RoomMessageEventContentWithoutRelation,
    pub chart: Option<Vec<u8>>,
}

/// The Matrix side of the bot, independent of the connection.
pub struct Matrix {
    pipeline: Arc<Pipeline>,
    /// The logged-in client, once there is one (for the push path).
    client: Mutex<Option<Client>>,
}

impl Matrix {
    pub fn new(pipeline: Arc<Pipeline>) -> Matrix {
        Matrix {
            pipeline,
            client: Mutex::new(None),
        }
    }

    pub fn pipeline(&self) -> &Arc<Pipeline> {
        &self.pipeline
    }

    /// The command in a message, if it is one (parsed once, answered with [`Matrix::answer`]).
    pub fn command(&self, body: &str) -> Option<Parsed> {
        self.pipeline.parse(strip_reply_fallback(body))
    }

    /// The reply to a parsed command. Blocking: searches the index.
    pub fn answer(&self, incoming: &Incoming<'_>, parsed: Parsed) -> Answered {
        let reply = self.pipeline.run_parsed(&incoming.origin(), parsed, None);
        let answer = reply.into_answer();
        Answered {
            content: render::content(&answer),
            chart: chart_of(&answer),
        }
    }

    /// The reply to a room message, if it is a command. Blocking: searches the index.
    pub fn on_message(&self, incoming: &Incoming<'_>) -> Option<Answered> {
        let parsed = self.command(incoming.body)?;
        Some(self.answer(incoming, parsed))
    }

    /// The client the push path posts with (set by the bot once it is logged in).
    fn connected(&self, client: Option<Client>) {
        if let Ok(mut slot) = self.client.lock() {
            *slot = client;
        }
    }
}

impl Push for Matrix {
    fn platform(&self) -> Platform {
        Platform::Matrix
    }

    /// Posts into a room the bot has joined, as an `m.notice` (encrypted in encrypted rooms).
    fn push<'a>(&'a self, place: &'a str, answer: &'a Answer, key: Option<&'a str>) -> Pushing<'a> {
        Box::pin(async move {
            let client = self
                .client
                .lock()
                .ok()
                .and_then(|c| c.clone())
                .ok_or(PushError::NotConnected)?;
            let room_id =
                RoomId::parse(place).map_err(|_| PushError::UnknownPlace(place.to_string()))?;
            let room = client
                .get_room(&room_id)
                .ok_or_else(|| PushError::Gone(format!("the bot is not in {place}")))?;
            if room.state() != matrix_sdk::RoomState::Joined {
                return Err(PushError::Gone(format!("the bot is no longer in {place}")));
            }
            if let Some(png) = chart_of(answer) {
                let chart_key = key.map(|k| format!("{k}-chart"));
                send_chart(&room, png, chart_key.as_deref())
                    .await
                    .map_err(|e| PushError::Failed(e.to_string()))?;
            }
            let mut content = render::content(answer).with_relation(None);
            content.mentions = Some(Default::default());
            let mut send = room.send(content);
            if let Some(key) = key {
                send = send.with_transaction_id(key.into());
            }
            send.await.map(|_| ()).map_err(|e| {
                let forbidden = matches!(
                    e.client_api_error_kind(),
                    Some(matrix_sdk::ruma::api::error::ErrorKind::Forbidden)
                );
                if forbidden {
                    PushError::Gone(e.to_string())
                } else {
                    PushError::Failed(e.to_string())
                }
            })
        })
    }
}

/// The chart of a `!trend` answer as a PNG (`None` for other answers, or when it cannot be
/// drawn: the text table is sent anyway).
pub fn chart_of(answer: &Answer) -> Option<Vec<u8>> {
    let Answer::Trend(trend) = answer else {
        return None;
    };
    crate::render::chart::png(trend)
        .inspect_err(|e| tracing::warn!(error = %e, "no chart"))
        .ok()
}

/// Posts a chart as an `m.image` (uploaded encrypted in encrypted rooms), pinging no one.
pub async fn send_chart(
    room: &matrix_sdk::Room,
    png: Vec<u8>,
    key: Option<&str>,
) -> Result<(), matrix_sdk::Error> {
    let mut config = matrix_sdk::attachment::AttachmentConfig::new()
        .mentions(Some(matrix_sdk::ruma::events::Mentions::new()));
    if let Some(key) = key {
        config = config.txn_id(key.into());
    }
    room.send_attachment(CHART_FILE, &mime::IMAGE_PNG, png, config)
        .await
        .map(|_| ())
}

/// The file name of a chart.
pub const CHART_FILE: &str = "trend.png";

/// The message without the quoted reply fallback (`> <@user> ...` lines) older clients put
/// before the text of a reply.
pub fn strip_reply_fallback(body: &str) -> &str {
    if !body.starts_with("> ") {
        return body;
    }
    let mut rest = body;
    while let Some(line_end) = rest.find('\n') {
        if rest.starts_with("> ") || rest.starts_with(">\n") {
            rest = &rest[line_end + 1..];
        } else {
            break;
        }
    }
    if rest.starts_with("> ") {
        return "";
    }
    rest.trim_start_matches('\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pipeline(user_per_minute: u32) -> Pipeline {
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        crate::lifecycle::pipeline_in_ram(&data)
            .unwrap()
            .with_cooldowns(crate::conversation::Cooldowns {
                user_per_minute,
                channel_per_minute: 100,
            })
    }

    fn matrix(user_per_minute: u32) -> Matrix {
        Matrix::new(Arc::new(pipeline(user_per_minute)))
    }

    fn say(m: &Matrix, sender: &str, body: &str) -> Option<String> {
        m.on_message(&Incoming {
            room_id: "!room:localhost",
            sender,
            thread: None,
            body,
            manager: false,
        })
        .map(|c| c.content.msgtype.body().to_string())
    }

    #[test]
    fn commands_get_notices_and_chatter_gets_nothing() {
        let m = matrix(100);
        let body = say(&m, "@alice:localhost", "!capex").unwrap();
        assert!(body.contains("ref "), "{body}");
        assert!(say(&m, "@alice:localhost", "we should talk about capex").is_none());
    }

    #[test]
    fn a_reply_fallback_does_not_hide_the_command() {
        assert_eq!(
            strip_reply_fallback("> <@bob:localhost> earlier text\n> more\n\n!ask who"),
            "!ask who"
        );
        assert_eq!(strip_reply_fallback("!capex"), "!capex");
        assert_eq!(strip_reply_fallback("> only a quote"), "");
        let m = matrix(100);
        assert!(say(&m, "@alice:localhost", "> <@bob:localhost> hi\n\n!chips").is_some());
    }

    #[test]
    fn more_pages_through_the_last_answer_of_this_sender_in_this_room() {
        let m = matrix(100);
        let first = say(&m, "@alice:localhost", "!capex").unwrap();
        let next = say(&m, "@alice:localhost", "!more").unwrap();
        assert_ne!(first, next);
        assert!(
            next.starts_with(first.lines().next().unwrap()),
            "same heading: {next}"
        );
        assert!(next.contains("\n4. "), "the next page starts at 4: {next}");
        let other = say(&m, "@bob:localhost", "!more").unwrap();
        assert!(
            !other.contains("\n4. "),
            "bob has no answer to page through: {other}"
        );
    }

    #[test]
    fn only_admins_get_the_status() {
        let m = Matrix::new(Arc::new(
            pipeline(100).with_admins(vec!["@ops:localhost".into()]),
        ));
        assert_eq!(
            say(&m, "@a:localhost", "!status").unwrap(),
            crate::texts::ADMIN_ONLY
        );
        assert_eq!(
            say(&m, "@a:localhost", "!reindex").unwrap(),
            crate::texts::ADMIN_ONLY
        );
        assert!(
            say(&m, "@ops:localhost", "!status")
                .unwrap()
                .starts_with("Status:")
        );
    }

    #[test]
    fn a_user_over_the_cooldown_gets_a_polite_notice() {
        let m = matrix(2);
        assert!(
            !say(&m, "@a:localhost", "!capex")
                .unwrap()
                .contains("Easy there")
        );
        assert!(
            !say(&m, "@a:localhost", "!capex")
                .unwrap()
                .contains("Easy there")
        );
        assert!(
            say(&m, "@a:localhost", "!capex")
                .unwrap()
                .contains("Easy there")
        );
        assert!(
            !say(&m, "@b:localhost", "!capex")
                .unwrap()
                .contains("Easy there")
        );
    }
}
