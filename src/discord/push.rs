//! Posting into a Discord channel without being asked, rendered like a reply (no buttons, no
//! mention can ping).

use std::sync::Arc;

use serenity::all::ChannelId;

use super::render::{self, Controls};
use crate::config::Secret;
use crate::conversation::{Platform, Push, PushError, Pushing};
use crate::engine::Answer;

/// Posts into channels with the bot's REST client.
#[derive(Clone)]
pub struct DiscordPush {
    http: Arc<serenity::http::Http>,
}

impl DiscordPush {
    /// A push path with its own REST client (through the rate-limit proxy when one is set).
    pub fn new(token: &Secret, proxy: Option<&str>) -> DiscordPush {
        DiscordPush {
            http: Arc::new(super::gateway::http(token, proxy)),
        }
    }
}

impl Push for DiscordPush {
    fn platform(&self) -> Platform {
        Platform::Discord
    }

    fn push<'a>(&'a self, place: &'a str, answer: &'a Answer, key: Option<&'a str>) -> Pushing<'a> {
        Box::pin(async move {
            let channel = place
                .parse::<u64>()
                .ok()
                .filter(|id| *id != 0)
                .ok_or_else(|| PushError::UnknownPlace(place.to_string()))?;
            let mut message = render::message(answer, &Controls::default());
            if let Some(key) = key {
                message.nonce = Some(key.to_string());
                message.enforce_nonce = Some(true);
            }
            let files = super::attachments(answer);
            self.http
                .send_message(ChannelId::new(channel), files, &message)
                .await
                .map(|_| ())
                .map_err(classify)
        })
    }
}

/// A refusal that will not change by retrying (no access, no such channel) is `Gone`.
fn classify(e: serenity::Error) -> PushError {
    use serenity::http::HttpError;
    match &e {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(r))
            if matches!(r.status_code.as_u16(), 403 | 404) =>
        {
            PushError::Gone(format!("{} ({})", r.error.message, r.status_code.as_u16()))
        }
        _ => PushError::Failed(e.to_string()),
    }
}
