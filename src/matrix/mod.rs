//! Matrix: the bot (matrix-sdk, end-to-end encryption, sqlite store) and what it shares with
//! every platform — turning a room message into a grammar command and an answer into
//! `m.notice` event content.

pub mod bot;
pub mod render;

use std::sync::Arc;

use matrix_sdk::ruma::events::room::message::RoomMessageEventContentWithoutRelation;

use crate::command::Invocation;
use crate::discord::{Budgets, COOLDOWN_TEXT, Cooldowns};
use crate::engine::{Answer, Engine};

/// A text message that arrived in a room.
#[derive(Debug, Clone)]
pub struct Incoming<'a> {
    pub room_id: &'a str,
    pub sender: &'a str,
    /// The thread the message is in, if any (paging follows the thread).
    pub thread: Option<&'a str>,
    /// The message text, reply fallback included (it is removed here).
    pub body: &'a str,
}

/// The Matrix side of the bot, independent of the connection.
pub struct Matrix {
    engine: Arc<Engine>,
    budgets: Budgets<String>,
    admins: Vec<String>,
}

impl Matrix {
    pub fn new(engine: Arc<Engine>, cooldowns: Cooldowns) -> Matrix {
        Matrix {
            engine,
            budgets: Budgets::new(cooldowns, "matrix"),
            admins: Vec::new(),
        }
    }

    /// Lets these user ids run the admin commands (`!status`, `!reindex`).
    pub fn with_admins(mut self, admins: Vec<String>) -> Matrix {
        self.admins = admins;
        self
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// The command in a message, if it is one.
    pub fn command(&self, body: &str) -> Option<Invocation> {
        crate::command::parse(strip_reply_fallback(body), &self.engine.grammar())
    }

    /// The reply to a room message, if it is a command. Blocking: searches the index.
    pub fn on_message(
        &self,
        incoming: &Incoming<'_>,
    ) -> Option<RoomMessageEventContentWithoutRelation> {
        let invocation = self.command(incoming.body)?;
        if !self
            .budgets
            .allow(&incoming.sender.to_string(), &incoming.room_id.to_string())
        {
            return Some(render::content(&Answer::notice(
                crate::engine::NoticeKind::Busy,
                COOLDOWN_TEXT,
                Vec::new(),
            )));
        }
        if invocation.command.is_admin_only() && !self.admins.iter().any(|a| a == incoming.sender) {
            return Some(render::content(&Answer::notice(
                crate::engine::NoticeKind::Refused,
                crate::ops::ADMIN_ONLY,
                Vec::new(),
            )));
        }
        let conversation = format!(
            "matrix:{}:{}:{}",
            incoming.room_id,
            incoming.thread.unwrap_or("-"),
            incoming.sender
        );
        let answer = self.engine.execute(&conversation, invocation);
        Some(render::content(&answer))
    }
}

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

    fn matrix(user_per_minute: u32) -> Matrix {
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let engine = Arc::new(Engine::in_ram(&data).unwrap());
        Matrix::new(
            engine,
            Cooldowns {
                user_per_minute,
                channel_per_minute: 100,
            },
        )
    }

    fn say(m: &Matrix, sender: &str, body: &str) -> Option<String> {
        m.on_message(&Incoming {
            room_id: "!room:localhost",
            sender,
            thread: None,
            body,
        })
        .map(|c| c.msgtype.body().to_string())
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
        let m = matrix(100).with_admins(vec!["@ops:localhost".into()]);
        assert_eq!(
            say(&m, "@a:localhost", "!status").unwrap(),
            crate::ops::ADMIN_ONLY
        );
        assert_eq!(
            say(&m, "@a:localhost", "!reindex").unwrap(),
            crate::ops::ADMIN_ONLY
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
