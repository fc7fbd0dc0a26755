//! Ingestion state in one SQLite database (`data/.clippings-state.sqlite3` by default): what
//! each feed's server said last (validators), its errors and backoff, and every address an
//! article is known by. Versioned migrations; every change in a transaction. The articles
//! themselves stay plain files in data/articles.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

use crate::web::Validators;

/// The schema, one migration per version (`PRAGMA user_version` counts those applied).
const MIGRATIONS: &[&str] = &["
    CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        last_success INTEGER,
        last_new INTEGER,
        last_error TEXT,
        last_error_at INTEGER,
        failures INTEGER NOT NULL DEFAULT 0,
        next_poll INTEGER NOT NULL DEFAULT 0
    );
    -- One row per stored article; `stored` is 0 between the claim and the file's arrival.
    CREATE TABLE articles (
        slug TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        publisher TEXT,
        title_key TEXT NOT NULL,
        body_hash TEXT NOT NULL,
        fetched INTEGER NOT NULL,
        stored INTEGER NOT NULL
    );
    CREATE INDEX articles_by_title ON articles (publisher, title_key);
    -- Every normalized address an article is known by: canonical, feed links, redirects.
    CREATE TABLE addresses (
        url TEXT PRIMARY KEY,
        slug TEXT NOT NULL REFERENCES articles (slug) ON DELETE CASCADE,
        item_updated TEXT
    );
    CREATE INDEX addresses_by_slug ON addresses (slug);
"];

/// What went wrong with the state database.
#[derive(Debug, thiserror::Error)]
#[error("ingestion state: {0}")]
pub struct StateError(#[from] rusqlite::Error);

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A feed's record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeedRecord {
    pub validators: Validators,
    pub last_success: Option<i64>,
    pub last_new: Option<i64>,
    pub last_error: Option<String>,
    pub last_error_at: Option<i64>,
    pub failures: u32,
    pub next_poll: i64,
}

/// An article the state knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub slug: String,
    pub body_hash: String,
    /// The feed item's update time when it was last fetched.
    pub item_updated: Option<String>,
    pub stored: bool,
}

/// An article to claim: its slug is chosen inside the claim.
#[derive(Debug, Clone)]
pub struct NewArticle<'a> {
    pub slug_base: &'a str,
    pub url: &'a str,
    pub publisher: Option<&'a str>,
    pub title_key: &'a str,
    pub body_hash: &'a str,
    /// Other addresses it is known by (the feed's link, the address before redirects).
    pub aliases: &'a [String],
    pub item_updated: Option<&'a str>,
}

/// How a claim came out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// A new article: write it under this slug, then [`State::stored`].
    New(String),
    /// Already known under one of its addresses, or by its outlet and title.
    Known(Known),
}

pub struct State {
    conn: Connection,
}

impl State {
    pub fn open(path: &Path) -> Result<State, StateError> {
        let conn = Connection::open(path)?;
        State::setup(conn)
    }

    pub fn in_memory() -> Result<State, StateError> {
        State::setup(Connection::open_in_memory()?)
    }

    fn setup(mut conn: Connection) -> Result<State, StateError> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: usize = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        for (i, migration) in MIGRATIONS.iter().enumerate().skip(version) {
            tx.execute_batch(migration)?;
            tx.pragma_update(None, "user_version", i + 1)?;
        }
        tx.commit()?;
        Ok(State { conn })
    }

    pub fn feed(&self, url: &str) -> Result<FeedRecord, StateError> {
        let record = self
            .conn
            .query_row(
                "SELECT etag, last_modified, last_success, last_new, last_error, last_error_at,
                        failures, next_poll FROM feeds WHERE url = ?1",
                [url],
                |r| {
                    Ok(FeedRecord {
                        validators: Validators {
                            etag: r.get(0)?,
                            last_modified: r.get(1)?,
                        },
                        last_success: r.get(2)?,
                        last_new: r.get(3)?,
                        last_error: r.get(4)?,
                        last_error_at: r.get(5)?,
                        failures: r.get(6)?,
                        next_poll: r.get(7)?,
                    })
                },
            )
            .optional()?;
        Ok(record.unwrap_or_default())
    }

    /// A poll of the feed went through: its new validators, and whether it brought something.
    pub fn feed_succeeded(
        &self,
        url: &str,
        validators: Option<&Validators>,
        brought_new: bool,
        next_poll: i64,
    ) -> Result<(), StateError> {
        let now = now();
        self.conn.execute(
            "INSERT INTO feeds (url, failures, next_poll) VALUES (?1, 0, ?2)
             ON CONFLICT (url) DO NOTHING",
            params![url, next_poll],
        )?;
        self.conn.execute(
            "UPDATE feeds SET last_success = ?2, failures = 0, next_poll = ?3,
                 last_new = CASE WHEN ?4 THEN ?2 ELSE last_new END
             WHERE url = ?1",
            params![url, now, next_poll, brought_new],
        )?;
        if let Some(v) = validators {
            self.conn.execute(
                "UPDATE feeds SET etag = ?2, last_modified = ?3 WHERE url = ?1",
                params![url, v.etag, v.last_modified],
            )?;
        }
        Ok(())
    }

    /// A poll failed: the error, one more failure, and when to try again.
    pub fn feed_failed(&self, url: &str, error: &str, next_poll: i64) -> Result<u32, StateError> {
        let now = now();
        self.conn.execute(
            "INSERT INTO feeds (url) VALUES (?1) ON CONFLICT (url) DO NOTHING",
            [url],
        )?;
        self.conn.execute(
            "UPDATE feeds SET last_error = ?2, last_error_at = ?3, failures = failures + 1,
                 next_poll = ?4 WHERE url = ?1",
            params![url, error, now, next_poll],
        )?;
        Ok(self.feed(url)?.failures)
    }

    pub fn forget_feed(&self, url: &str) -> Result<(), StateError> {
        self.conn
            .execute("DELETE FROM feeds WHERE url = ?1", [url])?;
        Ok(())
    }

    /// The article known at any of `urls` (normalized addresses).
    pub fn known_at(&self, urls: &[String]) -> Result<Option<Known>, StateError> {
        StateRef(&self.conn).known_at(urls)
    }

    /// Claims a new article, unless one is known at its addresses or under its outlet and
    /// title (a republication at a new address). One transaction: two processes polling at
    /// once store the article once.
    /// `taken` says whether a slug is used outside the state (a file written by hand).
    pub fn claim(
        &mut self,
        article: &NewArticle<'_>,
        taken: &dyn Fn(&str) -> bool,
    ) -> Result<Claim, StateError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut urls = vec![article.url.to_string()];
        urls.extend(article.aliases.iter().cloned());
        let known = {
            let this = StateRef(&tx);
            match this.known_at(&urls)? {
                Some(known) => Some(known),
                None => this.known_by_title(article.publisher, article.title_key)?,
            }
        };
        if let Some(known) = known {
            for url in &urls {
                tx.execute(
                    "INSERT INTO addresses (url, slug) VALUES (?1, ?2) ON CONFLICT (url) DO NOTHING",
                    params![url, known.slug],
                )?;
            }
            tx.commit()?;
            return Ok(Claim::Known(known));
        }
        let mut slug = article.slug_base.to_string();
        let mut n = 2;
        while taken(&slug)
            || tx
                .query_row(
                    "SELECT 1 FROM articles WHERE slug = ?1",
                    [&slug],
                    |_| Ok(()),
                )
                .optional()?
                .is_some()
        {
            slug = format!("{}-{n}", article.slug_base);
            n += 1;
        }
        tx.execute(
            "INSERT INTO articles (slug, url, publisher, title_key, body_hash, fetched, stored)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0)",
            params![
                slug,
                article.url,
                article.publisher,
                article.title_key,
                article.body_hash,
                now()
            ],
        )?;
        for url in &urls {
            tx.execute(
                "INSERT INTO addresses (url, slug, item_updated) VALUES (?1, ?2, ?3)
                 ON CONFLICT (url) DO UPDATE SET slug = excluded.slug",
                params![url, slug, article.item_updated],
            )?;
        }
        tx.commit()?;
        Ok(Claim::New(slug))
    }

    /// The claimed article's file is in place.
    pub fn stored(&self, slug: &str) -> Result<(), StateError> {
        self.conn
            .execute("UPDATE articles SET stored = 1 WHERE slug = ?1", [slug])?;
        Ok(())
    }

    /// A claim whose file could not be written: forgotten, so the article is tried again.
    pub fn release(&self, slug: &str) -> Result<(), StateError> {
        self.conn.execute(
            "DELETE FROM articles WHERE slug = ?1 AND stored = 0",
            [slug],
        )?;
        Ok(())
    }

    /// The article was fetched again (the feed said it changed, or someone added it again):
    /// its new text's hash and the item time.
    pub fn refreshed(
        &self,
        slug: &str,
        body_hash: &str,
        urls: &[String],
        item_updated: Option<&str>,
    ) -> Result<(), StateError> {
        self.conn.execute(
            "UPDATE articles SET body_hash = ?2, fetched = ?3 WHERE slug = ?1",
            params![slug, body_hash, now()],
        )?;
        for url in urls {
            self.conn.execute(
                "INSERT INTO addresses (url, slug, item_updated) VALUES (?1, ?2, ?3)
                 ON CONFLICT (url) DO UPDATE SET item_updated = excluded.item_updated",
                params![url, slug, item_updated],
            )?;
        }
        Ok(())
    }

    /// Claims left by a process that stopped between the claim and the file, by slug.
    pub fn unstored(&self) -> Result<Vec<String>, StateError> {
        let mut statement = self
            .conn
            .prepare("SELECT slug FROM articles WHERE stored = 0")?;
        let slugs = statement
            .query_map([], |r| r.get(0))?
            .collect::<Result<Vec<String>, _>>()?;
        Ok(slugs)
    }

    /// Records an article found in data/ that the state does not know (added by hand, or
    /// stored just before a crash).
    pub fn adopt(
        &self,
        slug: &str,
        url: &str,
        publisher: Option<&str>,
        title_key: &str,
        body_hash: &str,
    ) -> Result<(), StateError> {
        self.conn.execute(
            "INSERT INTO articles (slug, url, publisher, title_key, body_hash, fetched, stored)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)
             ON CONFLICT (slug) DO UPDATE SET stored = 1",
            params![slug, url, publisher, title_key, body_hash, now()],
        )?;
        self.conn.execute(
            "INSERT INTO addresses (url, slug) VALUES (?1, ?2) ON CONFLICT (url) DO NOTHING",
            params![url, slug],
        )?;
        Ok(())
    }

    pub fn slugs(&self) -> Result<std::collections::HashSet<String>, StateError> {
        let mut statement = self.conn.prepare("SELECT slug FROM articles")?;
        let slugs = statement
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        Ok(slugs)
    }
}

/// Queries shared by the connection and its transactions.
struct StateRef<'a>(&'a Connection);

impl StateRef<'_> {
    fn known_at(&self, urls: &[String]) -> Result<Option<Known>, StateError> {
        for url in urls {
            let known = self
                .0
                .query_row(
                    "SELECT a.slug, a.body_hash, d.item_updated, a.stored
                     FROM addresses d JOIN articles a ON a.slug = d.slug WHERE d.url = ?1",
                    [url],
                    known_row,
                )
                .optional()?;
            if known.is_some() {
                return Ok(known);
            }
        }
        Ok(None)
    }

    /// The article of the same outlet with the same title (an outlet that moved an article to
    /// a new address). An unknown outlet matches nothing.
    fn known_by_title(
        &self,
        publisher: Option<&str>,
        title_key: &str,
    ) -> Result<Option<Known>, StateError> {
        let Some(publisher) = publisher else {
            return Ok(None);
        };
        if title_key.is_empty() {
            return Ok(None);
        }
        Ok(self
            .0
            .query_row(
                "SELECT slug, body_hash, NULL, stored FROM articles
                 WHERE publisher = ?1 COLLATE NOCASE AND title_key = ?2",
                params![publisher, title_key],
                known_row,
            )
            .optional()?)
    }
}

fn known_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Known> {
    Ok(Known {
        slug: r.get(0)?,
        body_hash: r.get(1)?,
        item_updated: r.get(2)?,
        stored: r.get(3)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article<'a>(url: &'a str, title: &'a str, aliases: &'a [String]) -> NewArticle<'a> {
        NewArticle {
            slug_base: "example-story",
            url,
            publisher: Some("Example"),
            title_key: title,
            body_hash: "h1",
            aliases,
            item_updated: None,
        }
    }

    impl State {
        fn claim_free(&mut self, article: &NewArticle<'_>) -> Result<Claim, StateError> {
            self.claim(article, &|_| false)
        }
    }

    #[test]
    fn a_slug_taken_by_a_hand_written_file_is_not_reused() {
        let mut state = State::in_memory().unwrap();
        let claim = state
            .claim(&article("https://example.com/a", "t", &[]), &|s| {
                s == "example-story"
            })
            .unwrap();
        assert_eq!(claim, Claim::New("example-story-2".into()));
    }

    #[test]
    fn an_article_is_claimed_once_under_any_of_its_addresses() {
        let mut state = State::in_memory().unwrap();
        let aliases = vec!["https://feeds.example/x?id=1".to_string()];
        let first = state
            .claim_free(&article("https://example.com/a", "story", &aliases))
            .unwrap();
        assert_eq!(first, Claim::New("example-story".into()));
        state.stored("example-story").unwrap();
        let again = state
            .claim_free(&article("https://feeds.example/x?id=1", "other", &[]))
            .unwrap();
        assert!(matches!(again, Claim::Known(k) if k.slug == "example-story" && k.stored));
    }

    #[test]
    fn the_same_outlet_and_title_at_a_new_address_is_the_same_article() {
        let mut state = State::in_memory().unwrap();
        state
            .claim_free(&article("https://example.com/a", "story", &[]))
            .unwrap();
        let moved = state
            .claim_free(&article("https://example.com/2025/a", "story", &[]))
            .unwrap();
        assert!(matches!(moved, Claim::Known(_)));
        let mut other_outlet = article("https://other.example/a", "story", &[]);
        other_outlet.publisher = Some("Other");
        assert_eq!(
            state.claim_free(&other_outlet).unwrap(),
            Claim::New("example-story-2".into()),
            "another outlet's story is its own article"
        );
        let mut unknown = article("https://third.example/a", "story", &[]);
        unknown.publisher = None;
        assert!(matches!(state.claim_free(&unknown).unwrap(), Claim::New(_)));
        let mut unknown_again = article("https://fourth.example/a", "story", &[]);
        unknown_again.publisher = None;
        assert!(
            matches!(state.claim_free(&unknown_again).unwrap(), Claim::New(_)),
            "two unknown outlets are not one outlet"
        );
    }

    #[test]
    fn a_released_claim_is_forgotten_and_unstored_claims_are_listed() {
        let mut state = State::in_memory().unwrap();
        let Claim::New(slug) = state
            .claim_free(&article("https://example.com/a", "t", &[]))
            .unwrap()
        else {
            panic!()
        };
        assert_eq!(state.unstored().unwrap(), vec![slug.clone()]);
        state.release(&slug).unwrap();
        assert!(
            state
                .known_at(&["https://example.com/a".into()])
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn feed_failures_count_up_and_a_success_resets_them() {
        let state = State::in_memory().unwrap();
        let url = "https://example.com/rss";
        assert_eq!(state.feed_failed(url, "HTTP 500", 10).unwrap(), 1);
        assert_eq!(state.feed_failed(url, "timed out", 20).unwrap(), 2);
        let v = Validators {
            etag: Some("\"abc\"".into()),
            last_modified: None,
        };
        state.feed_succeeded(url, Some(&v), true, 30).unwrap();
        let record = state.feed(url).unwrap();
        assert_eq!(record.failures, 0);
        assert_eq!(record.validators, v);
        assert_eq!(record.next_poll, 30);
        assert_eq!(record.last_error.as_deref(), Some("timed out"));
        assert!(record.last_new.is_some());
    }

    #[test]
    fn migrations_run_once_on_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.sqlite3");
        State::open(&path)
            .unwrap()
            .feed_failed("u", "e", 1)
            .unwrap();
        let state = State::open(&path).unwrap();
        assert_eq!(state.feed("u").unwrap().failures, 1);
    }
}
