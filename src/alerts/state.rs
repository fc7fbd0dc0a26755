//! Watches and deliveries in the bot's SQLite database (the file the ingester uses, tables of
//! their own, migrations counted in `alerts_schema`): what each place watches, which articles
//! alerts have seen, what matched where, and each message with its state, so that an alert
//! is sent once across restarts and crashes.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("alert state: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

/// One migration per version.
const MIGRATIONS: &[&str] = &["
CREATE TABLE watches (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    place TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    UNIQUE (platform, place, text)
);
CREATE TABLE places (
    platform TEXT NOT NULL,
    place TEXT NOT NULL,
    paused TEXT,
    last_sent INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (platform, place)
);
CREATE TABLE seen (slug TEXT PRIMARY KEY, first_seen INTEGER NOT NULL);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE matches (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    place TEXT NOT NULL,
    slug TEXT NOT NULL,
    watch TEXT NOT NULL,
    reference TEXT NOT NULL,
    created INTEGER NOT NULL,
    same_story_as TEXT,
    message INTEGER REFERENCES messages(id),
    UNIQUE (platform, place, slug)
);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    platform TEXT NOT NULL,
    place TEXT NOT NULL,
    key TEXT NOT NULL,
    state TEXT NOT NULL,
    created INTEGER NOT NULL,
    sent_at INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX matches_unsent ON matches (platform, place) WHERE message IS NULL AND same_story_as IS NULL;
"];

/// A watch of a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Watch {
    pub id: i64,
    pub platform: String,
    pub place: String,
    pub text: String,
}

/// An article that matched a watch of a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matched {
    pub platform: String,
    pub place: String,
    pub slug: String,
    pub watch: String,
    pub reference: String,
    /// An article of the same story already alerted there: recorded, not sent.
    pub same_story_as: Option<String>,
}

/// A message to post (or posted) into a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    pub id: i64,
    pub platform: String,
    pub place: String,
    /// The idempotency key it is sent with, every time.
    pub key: String,
    pub attempts: u32,
    /// When it was recorded (seconds since the epoch).
    pub created: i64,
}

pub struct State {
    conn: Connection,
}

impl State {
    pub fn open(path: &Path) -> Result<State, StateError> {
        State::setup(Connection::open(path)?)
    }

    pub fn in_memory() -> Result<State, StateError> {
        State::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<State, StateError> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute_batch("CREATE TABLE IF NOT EXISTS alerts_schema (version INTEGER NOT NULL)")?;
        let version: Option<usize> = tx
            .query_row("SELECT version FROM alerts_schema", [], |r| r.get(0))
            .optional()?;
        if version.is_none() {
            tx.execute("INSERT INTO alerts_schema (version) VALUES (0)", [])?;
        }
        for (i, migration) in MIGRATIONS.iter().enumerate().skip(version.unwrap_or(0)) {
            tx.execute_batch(migration)?;
            tx.execute("UPDATE alerts_schema SET version = ?1", [i + 1])?;
        }
        let salt: Option<String> = tx
            .query_row("SELECT value FROM settings WHERE key = 'salt'", [], |r| {
                r.get(0)
            })
            .optional()?;
        if salt.is_none() {
            let salt = format!("{:08x}", rand_u32());
            tx.execute(
                "INSERT INTO settings (key, value) VALUES ('salt', ?1)",
                [salt],
            )?;
        }
        tx.commit()?;
        Ok(State { conn })
    }

    /// Adds a watch; `false` when the place already has it.
    pub fn add_watch(
        &self,
        platform: &str,
        place: &str,
        text: &str,
        by: &str,
        now: i64,
    ) -> Result<bool, StateError> {
        let added = self.conn.execute(
            "INSERT OR IGNORE INTO watches (platform, place, text, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![platform, place, text, now, by],
        )?;
        self.conn.execute(
            "INSERT INTO places (platform, place) VALUES (?1, ?2)
             ON CONFLICT DO UPDATE SET paused = NULL",
            params![platform, place],
        )?;
        Ok(added > 0)
    }

    /// The watches of a place, oldest first.
    pub fn watches_of(&self, platform: &str, place: &str) -> Result<Vec<Watch>, StateError> {
        let mut stmt = self.conn.prepare(
            "SELECT id, platform, place, text FROM watches
             WHERE platform = ?1 AND place = ?2 ORDER BY id",
        )?;
        let rows = stmt.query_map(params![platform, place], watch_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every watch of places not paused.
    pub fn active_watches(&self) -> Result<Vec<Watch>, StateError> {
        let mut stmt = self.conn.prepare(
            "SELECT w.id, w.platform, w.place, w.text FROM watches w
             LEFT JOIN places p ON p.platform = w.platform AND p.place = w.place
             WHERE p.paused IS NULL ORDER BY w.id",
        )?;
        let rows = stmt.query_map([], watch_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn watch_count(&self) -> Result<usize, StateError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM watches", [], |r| r.get::<_, i64>(0))?
            as usize)
    }

    pub fn remove_watches(&self, ids: &[i64]) -> Result<usize, StateError> {
        let mut removed = 0;
        for id in ids {
            removed += self
                .conn
                .execute("DELETE FROM watches WHERE id = ?1", [id])?;
        }
        Ok(removed)
    }

    /// Why a place is paused, if it is.
    pub fn paused(&self, platform: &str, place: &str) -> Result<Option<String>, StateError> {
        Ok(self
            .conn
            .query_row(
                "SELECT paused FROM places WHERE platform = ?1 AND place = ?2",
                params![platform, place],
                |r| r.get(0),
            )
            .optional()?
            .flatten())
    }

    pub fn pause(&self, platform: &str, place: &str, reason: &str) -> Result<(), StateError> {
        self.conn.execute(
            "INSERT INTO places (platform, place, paused) VALUES (?1, ?2, ?3)
             ON CONFLICT DO UPDATE SET paused = ?3",
            params![platform, place, reason],
        )?;
        Ok(())
    }

    /// Places paused, with why.
    pub fn paused_places(&self) -> Result<Vec<(String, String, String)>, StateError> {
        let mut stmt = self.conn.prepare(
            "SELECT platform, place, paused FROM places WHERE paused IS NOT NULL ORDER BY place",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Whether alerts have recorded the articles of the index once (the first start records
    /// them without alerting).
    pub fn has_baseline(&self) -> Result<bool, StateError> {
        Ok(self
            .conn
            .query_row("SELECT 1 FROM settings WHERE key = 'baseline'", [], |_| {
                Ok(())
            })
            .optional()?
            .is_some())
    }

    pub fn seen(&self) -> Result<Vec<String>, StateError> {
        let mut stmt = self.conn.prepare("SELECT slug FROM seen")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records articles as seen and what they matched, in one transaction. An article that is
    /// already seen (another process serving the same index recorded it first) keeps what was
    /// recorded then: its matches here are left out, so each article is matched once. Returns
    /// the matches recorded.
    pub fn record(
        &mut self,
        slugs: &[String],
        matched: &[Matched],
        now: i64,
    ) -> Result<usize, StateError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut already = std::collections::HashSet::new();
        for slug in slugs {
            let added = tx.execute(
                "INSERT OR IGNORE INTO seen (slug, first_seen) VALUES (?1, ?2)",
                params![slug, now],
            )?;
            if added == 0 {
                already.insert(slug.as_str());
            }
        }
        let mut recorded = 0;
        for m in matched
            .iter()
            .filter(|m| !already.contains(m.slug.as_str()))
        {
            recorded += tx.execute(
                "INSERT OR IGNORE INTO matches
                 (platform, place, slug, watch, reference, created, same_story_as)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    m.platform,
                    m.place,
                    m.slug,
                    m.watch,
                    m.reference,
                    now,
                    m.same_story_as
                ],
            )?;
        }
        tx.execute(
            "INSERT OR IGNORE INTO settings (key, value) VALUES ('baseline', '1')",
            [],
        )?;
        tx.commit()?;
        Ok(recorded)
    }

    /// Which of `slugs` are seen already (by this process or another serving the same index).
    pub fn seen_among(
        &self,
        slugs: &[String],
    ) -> Result<std::collections::HashSet<String>, StateError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT 1 FROM seen WHERE slug = ?1")?;
        let mut out = std::collections::HashSet::new();
        for slug in slugs {
            if stmt.exists([slug])? {
                out.insert(slug.clone());
            }
        }
        Ok(out)
    }

    /// Articles alerted (or due to be) in a place since `since`.
    pub fn alerted_in(
        &self,
        platform: &str,
        place: &str,
        since: i64,
    ) -> Result<Vec<String>, StateError> {
        let mut stmt = self.conn.prepare(
            "SELECT slug FROM matches WHERE platform = ?1 AND place = ?2 AND created >= ?3
             AND same_story_as IS NULL ORDER BY id",
        )?;
        let rows = stmt.query_map(params![platform, place, since], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Articles alerted (or due to be) anywhere since `since`, oldest first.
    pub fn recently_alerted(&self, since: i64) -> Result<Vec<String>, StateError> {
        let mut stmt = self.conn.prepare(
            "SELECT slug FROM matches WHERE created >= ?1 AND same_story_as IS NULL
             GROUP BY slug ORDER BY MIN(id)",
        )?;
        let rows = stmt.query_map([since], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Places with matches not yet in a message, and when each last got one.
    pub fn places_waiting(&self) -> Result<Vec<(String, String, i64)>, StateError> {
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT m.platform, m.place, COALESCE(p.last_sent, 0) FROM matches m
             LEFT JOIN places p ON p.platform = m.platform AND p.place = m.place
             WHERE m.message IS NULL AND m.same_story_as IS NULL AND p.paused IS NULL",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Puts every waiting match of a place into a new pending message, unless a message for
    /// the place was recorded less than `interval` seconds ago (by this process or another:
    /// the check and the message are one transaction).
    pub fn new_message(
        &mut self,
        platform: &str,
        place: &str,
        now: i64,
        interval: i64,
    ) -> Result<Option<Outgoing>, StateError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let last: Option<i64> = tx.query_row(
            "SELECT MAX(created) FROM messages WHERE platform = ?1 AND place = ?2",
            params![platform, place],
            |r| r.get(0),
        )?;
        if last.is_some_and(|last| now < last + interval) {
            return Ok(None);
        }
        let waiting: i64 = tx.query_row(
            "SELECT COUNT(*) FROM matches WHERE platform = ?1 AND place = ?2
             AND message IS NULL AND same_story_as IS NULL",
            params![platform, place],
            |r| r.get(0),
        )?;
        if waiting == 0 {
            return Ok(None);
        }
        tx.execute(
            "INSERT INTO messages (platform, place, key, state, created) VALUES (?1, ?2, '', 'pending', ?3)",
            params![platform, place, now],
        )?;
        let id = tx.last_insert_rowid();
        let salt: String =
            tx.query_row("SELECT value FROM settings WHERE key = 'salt'", [], |r| {
                r.get(0)
            })?;
        // Discord takes nonces of at most 25 characters.
        let key = format!("clip{salt}{id:x}");
        tx.execute(
            "UPDATE messages SET key = ?1 WHERE id = ?2",
            params![key, id],
        )?;
        tx.execute(
            "UPDATE matches SET message = ?1 WHERE platform = ?2 AND place = ?3
             AND message IS NULL AND same_story_as IS NULL",
            params![id, platform, place],
        )?;
        tx.commit()?;
        Ok(Some(Outgoing {
            id,
            platform: platform.to_string(),
            place: place.to_string(),
            key,
            attempts: 0,
            created: now,
        }))
    }

    /// Messages recorded but not known to be sent, due by `now`.
    pub fn pending(&self, now: i64) -> Result<Vec<Outgoing>, StateError> {
        let mut stmt = self.conn.prepare(
            "SELECT m.id, m.platform, m.place, m.key, m.attempts, m.created FROM messages m
             LEFT JOIN places p ON p.platform = m.platform AND p.place = m.place
             WHERE m.state = 'pending' AND m.next_try <= ?1 AND p.paused IS NULL ORDER BY m.id",
        )?;
        let rows = stmt.query_map([now], |r| {
            Ok(Outgoing {
                id: r.get(0)?,
                platform: r.get(1)?,
                place: r.get(2)?,
                key: r.get(3)?,
                attempts: r.get(4)?,
                created: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// The matches a message carries, in the order they matched.
    pub fn message_matches(&self, message: i64) -> Result<Vec<Matched>, StateError> {
        let mut stmt = self.conn.prepare(
            "SELECT platform, place, slug, watch, reference, same_story_as FROM matches
             WHERE message = ?1 ORDER BY id",
        )?;
        let rows = stmt.query_map([message], |r| {
            Ok(Matched {
                platform: r.get(0)?,
                place: r.get(1)?,
                slug: r.get(2)?,
                watch: r.get(3)?,
                reference: r.get(4)?,
                same_story_as: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Takes a pending message for posting until `until`: only one process posts it at a time
    /// (each process serving the index delivers). Whether this one got it; a process that
    /// stops while posting leaves it to be taken again, with the same key, after `until`.
    pub fn claim(&self, message: &Outgoing, now: i64, until: i64) -> Result<bool, StateError> {
        let taken = self.conn.execute(
            "UPDATE messages SET next_try = ?1 WHERE id = ?2 AND state = 'pending' AND next_try <= ?3",
            params![until, message.id, now],
        )?;
        Ok(taken == 1)
    }

    pub fn sent(&self, message: &Outgoing, now: i64) -> Result<(), StateError> {
        self.conn.execute(
            "UPDATE messages SET state = 'sent', sent_at = ?1 WHERE id = ?2",
            params![now, message.id],
        )?;
        self.conn.execute(
            "INSERT INTO places (platform, place, last_sent) VALUES (?1, ?2, ?3)
             ON CONFLICT DO UPDATE SET last_sent = ?3",
            params![message.platform, message.place, now],
        )?;
        Ok(())
    }

    /// A message that will not be sent (the place is gone, or it kept failing).
    pub fn dropped(&self, message: &Outgoing) -> Result<(), StateError> {
        self.conn.execute(
            "UPDATE messages SET state = 'dropped' WHERE id = ?1",
            [message.id],
        )?;
        Ok(())
    }

    pub fn retry_at(&self, message: &Outgoing, at: i64) -> Result<(), StateError> {
        self.conn.execute(
            "UPDATE messages SET attempts = attempts + 1, next_try = ?1 WHERE id = ?2",
            params![at, message.id],
        )?;
        Ok(())
    }

    /// Messages sent into a place (tests, `!status`).
    pub fn sent_count(&self, platform: &str, place: &str) -> Result<usize, StateError> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM messages WHERE platform = ?1 AND place = ?2 AND state = 'sent'",
            params![platform, place],
            |r| r.get::<_, i64>(0),
        )? as usize)
    }
}

fn watch_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Watch> {
    Ok(Watch {
        id: r.get(0)?,
        platform: r.get(1)?,
        place: r.get(2)?,
        text: r.get(3)?,
    })
}

/// A random number for the database's idempotency keys (unique per database, so that a new
/// database never repeats the keys of an old one).
fn rand_u32() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
    );
    h.finish() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matched(place: &str, slug: &str) -> Matched {
        Matched {
            platform: "discord".into(),
            place: place.into(),
            slug: slug.into(),
            watch: "capex".into(),
            reference: format!("{slug}:1"),
            same_story_as: None,
        }
    }

    #[test]
    fn a_match_goes_into_one_message_once() {
        let mut s = State::in_memory().unwrap();
        assert!(s.add_watch("discord", "1", "capex", "u", 0).unwrap());
        assert!(!s.add_watch("discord", "1", "capex", "u", 0).unwrap());
        s.record(&["a".into()], &[matched("1", "a")], 10).unwrap();
        // The same article matched again (a restart) is not a second match.
        s.record(&["a".into()], &[matched("1", "a")], 11).unwrap();
        let m = s.new_message("discord", "1", 12, 300).unwrap().unwrap();
        assert!(m.key.len() <= 25, "{}", m.key);
        assert_eq!(s.message_matches(m.id).unwrap().len(), 1);
        assert!(s.new_message("discord", "1", 13, 300).unwrap().is_none());
        assert_eq!(s.pending(13).unwrap(), std::slice::from_ref(&m));
        s.sent(&m, 14).unwrap();
        assert!(s.pending(15).unwrap().is_empty());
        assert_eq!(s.sent_count("discord", "1").unwrap(), 1);
    }

    #[test]
    fn a_paused_place_gets_nothing_until_it_is_watched_again() {
        let mut s = State::in_memory().unwrap();
        s.add_watch("matrix", "!r", "chips", "u", 0).unwrap();
        let m = Matched {
            platform: "matrix".into(),
            ..matched("!r", "a")
        };
        s.record(&["a".into()], &[m], 1).unwrap();
        assert_eq!(s.places_waiting().unwrap().len(), 1);
        s.pause("matrix", "!r", "the bot was removed").unwrap();
        assert!(s.active_watches().unwrap().is_empty());
        assert!(s.places_waiting().unwrap().is_empty());
        s.add_watch("matrix", "!r", "capex", "u", 2).unwrap();
        assert_eq!(s.active_watches().unwrap().len(), 2);
        assert_eq!(s.paused("matrix", "!r").unwrap(), None);
    }

    #[test]
    fn migrations_run_once_and_keep_what_was_stored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite3");
        {
            let s = State::open(&path).unwrap();
            s.add_watch("discord", "1", "capex", "u", 0).unwrap();
        }
        let s = State::open(&path).unwrap();
        assert_eq!(s.watch_count().unwrap(), 1);
    }

    /// Two processes serving one index (a writer and a follower, or two followers) share the
    /// state file: an article is matched by whichever records it first, a place gets one
    /// message per interval, and a pending message is posted by one of them at a time.
    #[test]
    fn processes_sharing_the_state_match_once_and_post_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite3");
        let mut a = State::open(&path).unwrap();
        let mut b = State::open(&path).unwrap();
        a.add_watch("discord", "1", "capex", "u", 0).unwrap();
        a.record(&[], &[], 1).unwrap();

        // Both matched the article in their own snapshot; the second record adds nothing.
        assert_eq!(
            a.record(&["x".into()], &[matched("1", "x")], 10).unwrap(),
            1
        );
        // (Its match for another place, a watch the first process had not compiled yet, too.)
        let late = matched("2", "x");
        assert_eq!(b.record(&["x".into()], &[late], 11).unwrap(), 0);
        assert_eq!(
            b.seen_among(&["x".into(), "y".into()]).unwrap(),
            ["x".to_string()].into_iter().collect()
        );

        // One message, whoever asks first; the other finds none to make.
        let m = b.new_message("discord", "1", 12, 300).unwrap().unwrap();
        assert_eq!(b.message_matches(m.id).unwrap().len(), 1);
        assert!(
            b.places_waiting()
                .unwrap()
                .iter()
                .all(|(_, place, _)| place == "1")
        );
        assert!(a.new_message("discord", "1", 12, 300).unwrap().is_none());
        // A match arriving within the interval waits, though the first is not sent yet.
        a.record(&["y".into()], &[matched("1", "y")], 13).unwrap();
        assert!(a.new_message("discord", "1", 14, 300).unwrap().is_none());
        assert_eq!(a.places_waiting().unwrap().len(), 1);

        // One process takes the pending message; the other cannot until the claim lapses.
        let pending = a.pending(20).unwrap();
        assert_eq!(pending, vec![m.clone()]);
        assert!(a.claim(&pending[0], 20, 50).unwrap());
        assert!(!b.claim(&pending[0], 21, 51).unwrap());
        assert!(b.pending(49).unwrap().is_empty());
        // The one that took it stopped while posting: another takes it later, same key.
        let again = b.pending(50).unwrap();
        assert_eq!(again[0].key, m.key);
        assert!(b.claim(&again[0], 50, 80).unwrap());
        b.sent(&again[0], 51).unwrap();
        assert!(
            !a.claim(&again[0], 90, 120).unwrap(),
            "a sent message is not taken"
        );

        // After the interval the waiting match gets its own message.
        assert!(a.new_message("discord", "1", 312, 300).unwrap().is_some());
    }
}
