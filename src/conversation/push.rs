//! The push path: the bot posts into a place without being asked (alerts, digests). Each
//! platform implements [`Push`] with the same rendering and safety as its replies.

use std::future::Future;
use std::pin::Pin;

use super::Platform;
use crate::engine::Answer;

/// Why a message could not be posted.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("no such place: {0}")]
    UnknownPlace(String),
    #[error("not connected")]
    NotConnected,
    /// The bot can no longer post there (removed, the place deleted, a permission taken
    /// away): retrying will not help.
    #[error("cannot post there any more: {0}")]
    Gone(String),
    /// It may work later (a network error, a rate limit, a server error).
    #[error("cannot post: {0}")]
    Failed(String),
}

/// A boxed future of a push (the trait is used as `dyn Push`).
pub type Pushing<'a> = Pin<Box<dyn Future<Output = Result<(), PushError>> + Send + 'a>>;

/// Posts answers into places of one platform (a Discord channel, a Matrix room, the terminal).
pub trait Push: Send + Sync {
    /// The platform it posts to.
    fn platform(&self) -> Platform;

    /// Posts `answer` into `place` (a channel id, a room id) as a message of the bot's own.
    /// With `key`, posting again with the same key after a crash does not post twice (a
    /// Discord nonce with `enforce_nonce`, a Matrix transaction id).
    fn push<'a>(&'a self, place: &'a str, answer: &'a Answer, key: Option<&'a str>) -> Pushing<'a>;
}
