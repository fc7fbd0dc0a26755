//! Command budgets: how many commands a user, and a place (channel, room), may send a minute.

use std::num::NonZeroU32;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::Platform;

/// Per-user and per-place command budgets.
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

fn quota(per_minute: u32) -> Quota {
    let n = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_minute(n)
        .allow_burst(NonZeroU32::new(per_minute.clamp(1, 5)).unwrap_or(NonZeroU32::MIN))
}

type Key = (Platform, String);

/// The budgets of every platform's users and places.
pub(super) struct Budgets {
    users: DefaultKeyedRateLimiter<Key>,
    places: DefaultKeyedRateLimiter<Key>,
}

impl Budgets {
    pub(super) fn new(cooldowns: Cooldowns) -> Budgets {
        Budgets {
            users: RateLimiter::keyed(quota(cooldowns.user_per_minute)),
            places: RateLimiter::keyed(quota(cooldowns.channel_per_minute)),
        }
    }

    /// Whether the user may run a command in this place now; a refusal is counted.
    pub(super) fn allow(&self, platform: Platform, user: &str, place: &str) -> bool {
        let allowed = self.users.check_key(&(platform, user.to_string())).is_ok()
            && self
                .places
                .check_key(&(platform, place.to_string()))
                .is_ok();
        if !allowed {
            metrics::counter!("clippings_cooldown_refusals_total", "platform" => platform.label())
                .increment(1);
        }
        allowed
    }
}
