//! The JSON interface of `ask`/`search` for scripts: one object, stable field names.

use serde::Serialize;

use crate::engine::{Answer, Attribution, Hit};

#[derive(Debug, Serialize)]
pub struct JsonAnswer<'a> {
    pub query: &'a str,
    pub hits: Vec<JsonHit<'a>>,
    /// Spelling fallbacks and relaxed matching, as sentences.
    pub notices: Vec<&'a str>,
    /// Set when there is nothing to quote: why, and what to try.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<&'a crate::engine::Notice>,
    /// `compare`: each quantity's figures per outlet and the differences found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<&'a crate::engine::Comparison>,
}

#[derive(Debug, Serialize)]
pub struct JsonHit<'a> {
    pub rank: usize,
    pub score: f32,
    pub text: &'a str,
    /// The sentence or two of `text` that answer (all of it for short passages).
    pub quote: &'a str,
    pub article: &'a str,
    /// `null` when the article names no outlet.
    pub publisher: Option<&'a str>,
    pub title: &'a str,
    pub date: Option<&'a str>,
    pub url: Option<&'a str>,
    pub paragraph: u32,
    #[serde(rename = "ref")]
    pub reference: &'a str,
    pub also_reported_by: &'a [Attribution],
}

impl<'a> JsonHit<'a> {
    fn new(hit: &'a Hit) -> Self {
        JsonHit {
            rank: hit.rank,
            score: hit.score,
            text: &hit.text,
            quote: hit.quote_text(),
            article: &hit.source.article,
            publisher: hit.source.publisher.as_deref(),
            title: &hit.source.title,
            date: hit.source.date.as_deref(),
            url: hit.source.url.as_deref(),
            paragraph: hit.paragraph,
            reference: &hit.reference,
            also_reported_by: &hit.also_reported_by,
        }
    }
}

/// The `{"query", "hits"}` object for a ranked answer; other answers are serialized whole.
pub fn render(query: &str, answer: &Answer) -> String {
    let value = match answer {
        Answer::Passages(p) => serde_json::to_string_pretty(&JsonAnswer {
            query,
            hits: p.hits.iter().map(JsonHit::new).collect(),
            notices: p.notices.iter().map(String::as_str).collect(),
            notice: None,
            comparison: p.comparison.as_ref(),
        }),
        Answer::Notice(n) => serde_json::to_string_pretty(&JsonAnswer {
            query,
            hits: Vec::new(),
            notices: Vec::new(),
            notice: Some(n),
            comparison: None,
        }),
        other => serde_json::to_string_pretty(other),
    };
    value.unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}
