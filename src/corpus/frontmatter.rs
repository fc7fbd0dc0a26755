//! TOML front matter between `+++` lines: the attribution an article file carries.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// What went wrong reading the front matter of one article file.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum FrontMatterError {
    #[error("no front matter: the file must start with a `+++` line")]
    Missing,
    #[error("front matter is not closed by a `+++` line")]
    Unclosed,
    #[error("bad front matter: {0}")]
    Toml(String),
    #[error("missing {0}")]
    MissingField(&'static str),
    #[error("invalid date {0:?}: expected YYYY-MM-DD")]
    BadDate(String),
}

/// The attribution of one article. Only what the article itself supports is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ArticleMeta {
    pub title: String,
    /// The outlet, when the article names one (unknown stays unknown: `None`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// The byline, when the page gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// The feed the article came through (its address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feed: Option<String>,
    /// When the bot fetched the page, YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetched: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    title: Option<String>,
    publisher: Option<String>,
    date: Option<toml::Value>,
    url: Option<String>,
    via: Option<String>,
    notes: Option<String>,
    author: Option<String>,
    feed: Option<String>,
    fetched: Option<toml::Value>,
}

/// Splits a file into its front matter and its body, and validates the front matter.
pub fn split(source: &str) -> Result<(ArticleMeta, &str), FrontMatterError> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let rest = strip_fence(source).ok_or(FrontMatterError::Missing)?;
    let (toml_text, body) = find_closing_fence(rest).ok_or(FrontMatterError::Unclosed)?;
    let raw: RawMeta = toml::from_str(toml_text)
        .map_err(|e| FrontMatterError::Toml(first_line(&e.to_string())))?;
    Ok((validate(raw)?, body))
}

fn strip_fence(text: &str) -> Option<&str> {
    let rest = text.strip_prefix("+++")?;
    let rest = rest.trim_start_matches([' ', '\t']);
    rest.strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))
}

fn find_closing_fence(text: &str) -> Option<(&str, &str)> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Some((&text[..offset], &text[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

fn first_line(message: &str) -> String {
    let line = message
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(message);
    line.trim().to_string()
}

fn non_empty(value: Option<String>) -> Option<String> {
    value
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn validate(raw: RawMeta) -> Result<ArticleMeta, FrontMatterError> {
    let title = non_empty(raw.title).ok_or(FrontMatterError::MissingField("title"))?;
    let publisher = non_empty(raw.publisher);
    let date = raw.date.map(parse_date).transpose()?;
    Ok(ArticleMeta {
        title,
        publisher,
        date,
        url: non_empty(raw.url),
        via: non_empty(raw.via),
        notes: non_empty(raw.notes),
        author: non_empty(raw.author),
        feed: non_empty(raw.feed),
        fetched: raw.fetched.map(parse_date).transpose()?,
    })
}

/// Validates attribution given by other means (the `add` command) like front matter.
pub fn check(meta: ArticleMeta) -> Result<ArticleMeta, FrontMatterError> {
    validate(RawMeta {
        title: Some(meta.title),
        publisher: meta.publisher,
        date: meta.date.map(toml::Value::String),
        url: meta.url,
        via: meta.via,
        notes: meta.notes,
        author: meta.author,
        feed: meta.feed,
        fetched: meta.fetched.map(toml::Value::String),
    })
}

/// Accepts a TOML local date (`date = 2025-09-12`) or the same as a string.
pub fn parse_date(value: toml::Value) -> Result<String, FrontMatterError> {
    let text = match &value {
        toml::Value::String(s) => s.trim().to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        other => return Err(FrontMatterError::BadDate(other.to_string())),
    };
    validate_date(&text)
}

/// Checks that `text` is a real calendar date written YYYY-MM-DD.
pub fn validate_date(text: &str) -> Result<String, FrontMatterError> {
    let bad = || FrontMatterError::BadDate(text.to_string());
    let parsed: toml::value::Datetime = text.parse().map_err(|_| bad())?;
    match (parsed.date, parsed.time, parsed.offset) {
        (Some(d), None, None) if text.len() == 10 && day_exists(d.year, d.month, d.day) => {
            Ok(text.to_string())
        }
        _ => Err(bad()),
    }
}

fn day_exists(year: u16, month: u8, day: u8) -> bool {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// Writes an article file: front matter, then the body as given.
pub fn render(meta: &ArticleMeta, body: &str) -> String {
    // Serializing a struct of strings cannot fail.
    let toml_text = toml::to_string(meta).unwrap_or_default();
    format!("+++\n{toml_text}+++\n{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_title_publisher_and_body() {
        let (meta, body) = split("+++\ntitle = \"T\"\npublisher = \"P\"\n+++\nHello\n").unwrap();
        assert_eq!(meta.title, "T");
        assert_eq!(meta.publisher.as_deref(), Some("P"));
        assert_eq!(meta.date, None);
        assert_eq!(body, "Hello\n");
    }

    #[test]
    fn accepts_toml_dates_and_string_dates() {
        let (a, _) = split("+++\ntitle='T'\npublisher='P'\ndate=2025-09-12\n+++\n").unwrap();
        let (b, _) = split("+++\ntitle='T'\npublisher='P'\ndate='2025-09-12'\n+++\n").unwrap();
        assert_eq!(a.date.as_deref(), Some("2025-09-12"));
        assert_eq!(b.date, a.date);
    }

    #[test]
    fn rejects_impossible_dates() {
        for date in [
            "2025-02-30",
            "2025-13-01",
            "25-09-12",
            "2025-09-12T10:00:00",
            "soon",
        ] {
            let text = format!("+++\ntitle='T'\npublisher='P'\ndate='{date}'\n+++\n");
            assert!(
                matches!(split(&text), Err(FrontMatterError::BadDate(_))),
                "{date}"
            );
        }
    }

    #[test]
    fn a_missing_title_is_named() {
        let err = split("+++\npublisher='P'\n+++\n").unwrap_err();
        assert_eq!(err.to_string(), "missing title");
    }

    /// The format used to require a publisher, so a page that names no outlet said
    /// "Unknown publisher", which answers then printed as an outlet.
    #[test]
    fn an_article_that_names_no_outlet_has_no_publisher() {
        for text in [
            "+++\ntitle='T'\n+++\n",
            "+++\ntitle='T'\npublisher='  '\n+++\n",
        ] {
            let (meta, _) = split(text).unwrap();
            assert_eq!(meta.publisher, None, "{text}");
        }
        let meta = ArticleMeta {
            title: "T".into(),
            ..ArticleMeta::default()
        };
        assert!(!render(&meta, "Body\n").contains("publisher"));
    }

    #[test]
    fn unknown_fields_and_bad_toml_are_errors() {
        assert!(matches!(
            split("+++\ntitle='T'\npublsher='P'\n+++\n"),
            Err(FrontMatterError::Toml(_))
        ));
        assert!(matches!(
            split("+++\ntitle = \n+++\n"),
            Err(FrontMatterError::Toml(_))
        ));
        assert_eq!(split("no fence").unwrap_err(), FrontMatterError::Missing);
        assert_eq!(
            split("+++\ntitle='T'\n").unwrap_err(),
            FrontMatterError::Unclosed
        );
    }

    #[test]
    fn render_round_trips() {
        let meta = ArticleMeta {
            title: "A \"quoted\" title".into(),
            publisher: Some("P".into()),
            date: Some("2025-09-12".into()),
            ..Default::default()
        };
        let file = render(&meta, "Body\n");
        assert_eq!(split(&file).unwrap(), (meta, "Body\n"));
    }
}
