//! `data/feeds.toml`: the feeds the bot follows, a file a person can read and edit.
//!
//! ```toml
//! [[feed]]
//! url = "https://example.com/rss.xml"
//! name = "example"          # optional: how commands name it (default: from the host)
//! publisher = "Example"     # optional: for feeds whose pages don't name their outlet
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::web::address;

/// One feed the bot follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedEntry {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
}

impl FeedEntry {
    /// How commands and reports name the feed: its name, else its host.
    pub fn label(&self) -> String {
        self.name.clone().unwrap_or_else(|| {
            address::parse(&self.url)
                .map(|u| address::host(&u))
                .unwrap_or_else(|_| self.url.clone())
        })
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedsFile {
    #[serde(default, rename = "feed")]
    feeds: Vec<FeedEntry>,
}

/// What went wrong with the feeds file or a change to it.
#[derive(Debug, thiserror::Error)]
pub enum FeedsError {
    #[error("cannot read {0}: {1}")]
    Read(PathBuf, std::io::Error),
    #[error("{0} is not valid: {1}")]
    Invalid(PathBuf, String),
    #[error("cannot write {0}: {1}")]
    Write(PathBuf, std::io::Error),
    #[error("{0}")]
    BadUrl(String),
    #[error("already followed: {0}")]
    Exists(String),
    #[error("no feed named {0}")]
    NotFound(String),
}

pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join("feeds.toml")
}

/// The feeds in `data_dir` (none when the file does not exist).
pub fn load(data_dir: &Path) -> Result<Vec<FeedEntry>, FeedsError> {
    let path = path(data_dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(FeedsError::Read(path, e)),
    };
    let file: FeedsFile = toml::from_str(&text).map_err(|e| {
        let message = e.message().to_string();
        FeedsError::Invalid(path.clone(), message)
    })?;
    for feed in &file.feeds {
        address::parse(&feed.url)
            .map_err(|e| FeedsError::Invalid(path.clone(), format!("{}: {e}", feed.url)))?;
    }
    Ok(file.feeds)
}

/// Adds a feed; its name defaults to its host (made unique). Returns the entry added.
pub fn add(
    data_dir: &Path,
    url: &str,
    name: Option<&str>,
    publisher: Option<&str>,
) -> Result<FeedEntry, FeedsError> {
    let parsed = address::parse(url).map_err(FeedsError::BadUrl)?;
    let mut feeds = load(data_dir)?;
    let key = address::normalize(&parsed);
    if let Some(existing) = feeds.iter().find(|f| {
        address::parse(&f.url).is_ok_and(|u| address::normalize(&u) == key)
            || name.is_some_and(|n| f.label().eq_ignore_ascii_case(n))
    }) {
        return Err(FeedsError::Exists(existing.label()));
    }
    let name = match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => name.to_string(),
        None => {
            let host = address::host(&parsed);
            let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
            let mut name = host.clone();
            let mut n = 2;
            while feeds.iter().any(|f| f.label().eq_ignore_ascii_case(&name)) {
                name = format!("{host}-{n}");
                n += 1;
            }
            name
        }
    };
    let entry = FeedEntry {
        url: parsed.to_string(),
        name: Some(name),
        publisher: publisher
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string),
    };
    feeds.push(entry.clone());
    save(data_dir, &feeds)?;
    Ok(entry)
}

/// Removes the feed named `name_or_url` (its name, or its address). Returns it.
pub fn remove(data_dir: &Path, name_or_url: &str) -> Result<FeedEntry, FeedsError> {
    let mut feeds = load(data_dir)?;
    let wanted = name_or_url.trim();
    let key = address::parse(wanted).ok().map(|u| address::normalize(&u));
    let position = feeds.iter().position(|f| {
        f.label().eq_ignore_ascii_case(wanted)
            || key
                .as_ref()
                .is_some_and(|k| address::parse(&f.url).is_ok_and(|u| &address::normalize(&u) == k))
    });
    let Some(i) = position else {
        return Err(FeedsError::NotFound(wanted.to_string()));
    };
    let removed = feeds.remove(i);
    save(data_dir, &feeds)?;
    Ok(removed)
}

/// Writes the feeds file aside and moves it in place (a reader never sees half of it).
fn save(data_dir: &Path, feeds: &[FeedEntry]) -> Result<(), FeedsError> {
    let path = path(data_dir);
    let file = FeedsFile {
        feeds: feeds.to_vec(),
    };
    let text =
        toml::to_string(&file).map_err(|e| FeedsError::Invalid(path.clone(), e.to_string()))?;
    let text = format!(
        "# The feeds Clippings follows (`clippings feed add URL`, or edit by hand).\n{text}"
    );
    std::fs::create_dir_all(data_dir).map_err(|e| FeedsError::Write(path.clone(), e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".feeds-")
        .tempfile_in(data_dir)
        .map_err(|e| FeedsError::Write(path.clone(), e))?;
    std::io::Write::write_all(&mut tmp, text.as_bytes())
        .map_err(|e| FeedsError::Write(path.clone(), e))?;
    tmp.persist(&path)
        .map_err(|e| FeedsError::Write(path.clone(), e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feeds_are_added_listed_and_removed_by_name_or_address() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path()).unwrap().is_empty());
        let a = add(dir.path(), "https://www.example.com/rss", None, None).unwrap();
        assert_eq!(a.name.as_deref(), Some("example.com"));
        let b = add(
            dir.path(),
            "https://example.com/atom",
            None,
            Some("Example"),
        )
        .unwrap();
        assert_eq!(b.name.as_deref(), Some("example.com-2"));
        let c = add(
            dir.path(),
            "https://other.example/feed",
            Some("other"),
            None,
        )
        .unwrap();
        assert_eq!(
            load(dir.path()).unwrap(),
            vec![a.clone(), b.clone(), c.clone()]
        );
        assert!(matches!(
            add(
                dir.path(),
                "https://www.example.com/rss?utm_source=x",
                None,
                None
            ),
            Err(FeedsError::Exists(_))
        ));
        assert_eq!(remove(dir.path(), "OTHER").unwrap(), c);
        assert_eq!(remove(dir.path(), "https://example.com/atom").unwrap(), b);
        assert!(matches!(
            remove(dir.path(), "nope"),
            Err(FeedsError::NotFound(_))
        ));
        assert_eq!(load(dir.path()).unwrap(), vec![a]);
    }

    #[test]
    fn a_bad_feeds_file_or_address_is_named() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            add(dir.path(), "ftp://x/y", None, None),
            Err(FeedsError::BadUrl(_))
        ));
        std::fs::write(path(dir.path()), "[[feed]]\nurl = \"file:///etc/passwd\"\n").unwrap();
        let err = load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("feeds.toml is not valid"), "{err}");
        std::fs::write(path(dir.path()), "[[feed]]\nlink = 3\n").unwrap();
        assert!(matches!(load(dir.path()), Err(FeedsError::Invalid(..))));
    }
}
