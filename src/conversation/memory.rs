//! What a conversation remembers between messages: the last ranked answer (for `!more`) and
//! the follow-ups offered under answers (buttons), both bounded.

use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use lru::LruCache;

use super::ConversationKey;
use crate::engine::Ranking;

/// Conversations whose last answer is kept for `!more`.
const MAX_CONVERSATIONS: usize = 4096;
/// Follow-ups kept at most (the least recently used go first).
const MAX_FOLLOW_UPS: usize = 10_000;
/// How long the follow-ups under an answer keep working.
pub const FOLLOW_UP_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// A follow-up offered under an answer: its asker's conversation and the answer's first ref.
#[derive(Debug, Clone)]
pub(super) struct FollowUpEntry {
    pub(super) asker: String,
    pub(super) conversation: ConversationKey,
    pub(super) reference: Option<String>,
    created: Instant,
}

pub(super) struct Memory {
    pages: Mutex<LruCache<ConversationKey, Ranking>>,
    follow_ups: Mutex<LruCache<u64, FollowUpEntry>>,
    next_follow_up: AtomicU64,
}

fn capacity(n: usize) -> NonZeroUsize {
    NonZeroUsize::new(n).unwrap_or(NonZeroUsize::MIN)
}

impl Memory {
    pub(super) fn new() -> Memory {
        // Ids start from the clock, so buttons from before a restart are never mistaken for
        // new ones.
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_micros() as u64);
        Memory {
            pages: Mutex::new(LruCache::new(capacity(MAX_CONVERSATIONS))),
            follow_ups: Mutex::new(LruCache::new(capacity(MAX_FOLLOW_UPS))),
            next_follow_up: AtomicU64::new(seed),
        }
    }

    /// Keeps a conversation's last ranked answer (replacing the one before).
    pub(super) fn remember(&self, key: ConversationKey, ranking: Ranking) {
        if let Ok(mut pages) = self.pages.lock() {
            pages.put(key, ranking);
        }
    }

    /// Runs `f` on the conversation's last ranked answer; `None` when there is none.
    pub(super) fn with_pages<T>(
        &self,
        key: &ConversationKey,
        f: impl FnOnce(&mut Ranking) -> T,
    ) -> Option<T> {
        self.pages.lock().ok()?.get_mut(key).map(f)
    }

    /// A new follow-up for an answer; its id.
    pub(super) fn offer(
        &self,
        asker: &str,
        conversation: ConversationKey,
        reference: Option<String>,
    ) -> u64 {
        let id = self.next_follow_up.fetch_add(1, Ordering::Relaxed);
        let entry = FollowUpEntry {
            asker: asker.to_string(),
            conversation,
            reference,
            created: Instant::now(),
        };
        if let Ok(mut follow_ups) = self.follow_ups.lock() {
            follow_ups.put(id, entry);
        }
        id
    }

    /// The follow-up, while it lives.
    pub(super) fn follow_up(&self, id: u64) -> Option<FollowUpEntry> {
        let mut follow_ups = self.follow_ups.lock().ok()?;
        let entry = follow_ups.get(&id)?.clone();
        if entry.created.elapsed() >= FOLLOW_UP_LIFETIME {
            follow_ups.pop(&id);
            return None;
        }
        Some(entry)
    }
}
