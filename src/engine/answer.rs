//! Answers are data: what the engine found, for each platform to render its own way.

use std::ops::Range;

use serde::Serialize;

/// Where a passage comes from. Only what the article itself says is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attribution {
    /// The article's slug (its file name).
    pub article: String,
    /// The outlet; `None` when the article does not name one.
    pub publisher: Option<String>,
    pub title: String,
    pub date: Option<String>,
    pub url: Option<String>,
}

/// One quoted passage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    pub rank: usize,
    pub score: f32,
    /// The passage, verbatim.
    pub text: String,
    /// Byte ranges of `text` that matched the query.
    pub highlights: Vec<Range<usize>>,
    /// The byte range of `text` to show as the quote: the sentence or two that answer.
    pub quote: Range<usize>,
    pub source: Attribution,
    pub section: Option<String>,
    pub paragraph: u32,
    pub part: u32,
    /// `slug:paragraph`, for `!quote`.
    pub reference: String,
    /// Other outlets carrying the same fact.
    pub also_reported_by: Vec<Attribution>,
    /// Which of a question's words (its concepts: bit `i` for the `i`-th) the passage holds;
    /// 0 outside questions. A passage holding one its line lacks is not folded into it.
    #[serde(skip)]
    pub concepts: u64,
}

impl Attribution {
    /// How to name the source in a list of outlets: its publisher, or, when the article
    /// names none, its title (an article of an unknown outlet is a source of its own).
    pub fn outlet(&self) -> String {
        match &self.publisher {
            Some(publisher) => publisher.clone(),
            None => format!("“{}” (outlet unknown)", self.title),
        }
    }
}

impl Hit {
    /// A hit of `article` (its outlet the article's name in capitals) for unit tests.
    #[cfg(test)]
    pub(crate) fn of_article(article: &str, score: f32, text: &str) -> Hit {
        Hit {
            rank: 0,
            score,
            text: text.to_string(),
            highlights: vec![],
            quote: 0..text.len(),
            source: Attribution {
                article: article.into(),
                publisher: Some(article.to_uppercase()),
                title: "t".into(),
                date: None,
                url: None,
            },
            section: None,
            paragraph: 1,
            part: 1,
            reference: format!("{article}:1"),
            also_reported_by: vec![],
            concepts: 0,
        }
    }

    /// The quoted sentences, verbatim.
    pub fn quote_text(&self) -> &str {
        self.text.get(self.quote.clone()).unwrap_or(&self.text)
    }

    /// Highlights within the quote, relative to its start.
    pub fn quote_highlights(&self) -> Vec<Range<usize>> {
        self.highlights
            .iter()
            .filter(|h| h.start >= self.quote.start && h.end <= self.quote.end)
            .map(|h| h.start - self.quote.start..h.end - self.quote.start)
            .collect()
    }

    /// Whether the quote leaves out the start or the end of what it is part of: of the
    /// passage, or of a sentence too long for one passage that the passage was cut from (it
    /// goes on from the piece before in lower case, or breaks off after a comma).
    pub fn quote_is_partial(&self) -> (bool, bool) {
        let text = self.text.as_str();
        let goes_on = self.part > 1 && text.starts_with(|c: char| c.is_lowercase());
        let breaks_off = text.trim_end().ends_with([',', ';']);
        (
            self.quote.start > 0 || goes_on,
            self.quote.end < text.len() || breaks_off,
        )
    }
}

/// A page of ranked passages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Passages {
    /// What was asked, as the user put it (or the topic name).
    pub query: String,
    /// A label for the answer: the topic's description, or the question.
    pub heading: String,
    pub hits: Vec<Hit>,
    /// Hits before this page (0 on the first page).
    pub offset: usize,
    /// All hits found (capped).
    pub total: usize,
    /// Things the user should know: spelling fallbacks, dropped words, relaxed matching.
    pub notices: Vec<String>,
    /// `!compare`: the quantities the outlets report, lined up, and where they differ.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Comparison>,
}

/// `!compare`'s figures: each quantity the outlets report (the spending, the share move),
/// one line per outlet, and the differences that matter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub groups: Vec<QuantityGroup>,
}

/// One quantity as each outlet reports it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuantityGroup {
    /// What is measured: "spending", "share move"...
    pub quantity: String,
    pub lines: Vec<FigureReport>,
    /// Said plainly: "ABMedia: more than $5.3 billion; 3 others: $53 billion: 10× apart".
    pub differences: Vec<String>,
    /// Every outlet's figure agrees with the others (within its qualifiers).
    pub agree: bool,
}

/// One outlet's figure for a quantity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureReport {
    pub source: Attribution,
    /// The figure as stated ("more than $5.3 billion").
    pub figure: String,
    pub value: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upper: Option<f64>,
    pub unit: String,
    pub qualifier: super::figures::Qualifier,
    /// The same figure in other units, as the text gives it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<(f64, String)>,
    /// The sentence that states it, verbatim.
    pub quote: String,
    pub reference: String,
    /// The day the figure is about, when the sentence or the article gives one.
    pub day: Option<String>,
}

/// Best first; equal scores in corpus order, so the ranking never depends on how the index
/// happens to be split into segments.
pub fn sort_hits(hits: &mut [Hit]) {
    hits.sort_by(|a, b| {
        rank_key(b.score)
            .total_cmp(&rank_key(a.score))
            .then_with(|| a.source.article.cmp(&b.source.article))
            .then_with(|| (a.paragraph, a.part).cmp(&(b.paragraph, b.part)))
    });
    for (i, hit) in hits.iter_mut().enumerate() {
        hit.rank = i + 1;
    }
}

/// A score with its last eight mantissa bits dropped (a relative precision of 3e-5): the same
/// passage scored in another segment sums its terms in another order and may differ there,
/// which must not reorder equal passages (the same text carried by two articles).
pub(crate) fn rank_key(score: f32) -> f32 {
    f32::from_bits(score.to_bits() & !0xFF)
}

impl Passages {
    pub fn has_more(&self) -> bool {
        self.offset + self.hits.len() < self.total
    }
}

/// A paragraph of an article, for `!quote`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuotedParagraph {
    pub number: u32,
    pub text: String,
    /// The paragraph the ref named (its neighbours are context).
    pub target: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quote {
    pub reference: String,
    pub source: Attribution,
    pub section: Option<String>,
    pub paragraphs: Vec<QuotedParagraph>,
}

/// One figure for `!figures`: the value as stated, the sentence stating it, its source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureLine {
    pub value: String,
    pub kind: super::figures::FigureKind,
    /// The figure read (number, unit, qualifier, conversions the text gives), as `!compare`
    /// reads it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reading: Option<super::figures::Reading>,
    /// The sentence that states the figure, verbatim.
    pub quote: String,
    pub source: Attribution,
    pub reference: String,
    /// Other outlets stating the same figure.
    pub also_reported_by: Vec<Attribution>,
}

/// An article in `!sources`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub source: Attribution,
    pub via: Option<String>,
    pub notes: Option<String>,
    pub passages: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TopicLine {
    pub name: String,
    pub aliases: Vec<String>,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HelpLine {
    pub usage: String,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Help {
    pub prefix: String,
    /// One command in detail, when asked for.
    pub details: Option<String>,
    pub commands: Vec<HelpLine>,
    pub topics: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct About {
    pub version: String,
    pub articles: usize,
    pub passages: u64,
    pub topics: usize,
    /// Unix seconds of the index build.
    pub built_at: u64,
    pub skipped_files: usize,
}

/// New coverage posted into a place that watches it: each new article with the passage that
/// matched (its matched words highlighted) and the watch it matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alert {
    /// "New on capex", "3 new on capex, chips".
    pub heading: String,
    pub items: Vec<AlertItem>,
    /// Articles that matched but are not shown in this message.
    pub more: usize,
    /// The command that lists everything (`!digest 24h`).
    pub see_all: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertItem {
    /// The watch as the place wrote it (`capex`, `"Hang Seng" -Tencent`).
    pub watch: String,
    pub hit: Hit,
}

/// One story in a digest: the first article that carried it and the other outlets that did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Story {
    pub source: Attribution,
    pub also_reported_by: Vec<Attribution>,
}

/// The stories of one topic in a digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DigestGroup {
    /// A topic name, the words asked about, or "other".
    pub topic: String,
    pub stories: Vec<Story>,
}

/// `!digest`: what arrived in a window, by topic, each story once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Digest {
    /// The window, in words ("since 2025-09-23").
    pub window: String,
    pub groups: Vec<DigestGroup>,
    /// Articles in the window (a story carried by three outlets is three).
    pub articles: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TrendUnit {
    Day,
    Week,
}

/// One bar: the articles of a day or of a week (starting Monday), per outlet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrendBucket {
    /// The first day of the bucket, YYYY-MM-DD.
    pub start: String,
    /// Articles per outlet, in the order of `Trend::outlets`.
    pub counts: Vec<usize>,
}

/// `!trend`: coverage volume over time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trend {
    /// What was asked: a topic name or search words.
    pub query: String,
    pub heading: String,
    pub unit: TrendUnit,
    /// Every bucket of the span, oldest first, empty ones included.
    pub buckets: Vec<TrendBucket>,
    /// The outlets stacked, most articles first.
    pub outlets: Vec<String>,
    /// Matching articles that give no date (not charted).
    pub undated: usize,
}

impl Trend {
    /// Articles charted.
    pub fn total(&self) -> usize {
        self.buckets.iter().flat_map(|b| &b.counts).sum()
    }
}

/// Why there is nothing to quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    NoHits,
    UnknownCommand,
    BadInput,
    NotFound,
    Busy,
    /// Information, not a failure (`!status`, `!reindex`).
    Info,
    /// The user may not run that command.
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub kind: NoticeKind,
    pub text: String,
    /// Commands or words to try instead, ready to type.
    pub suggestions: Vec<String>,
}

/// What the engine answers to one command.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Answer {
    Passages(Passages),
    Quote(Quote),
    Figures {
        topic: String,
        figures: Vec<FigureLine>,
    },
    Sources {
        sources: Vec<Source>,
    },
    Topics {
        prefix: String,
        topics: Vec<TopicLine>,
    },
    Help(Help),
    About(About),
    Alert(Alert),
    Digest(Digest),
    Trend(Trend),
    Notice(Notice),
}

impl Answer {
    pub fn notice(kind: NoticeKind, text: impl Into<String>, suggestions: Vec<String>) -> Answer {
        Answer::Notice(Notice {
            kind,
            text: text.into(),
            suggestions,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quote_of_a_passage_cut_from_a_long_sentence_is_marked_as_partial() {
        let whole = Hit::of_article("a", 1.0, "Alibaba rose. It gained 5%.");
        assert_eq!(whole.quote_is_partial(), (false, false));
        let mut quoted = whole.clone();
        quoted.quote = 14..whole.text.len();
        assert_eq!(quoted.quote_is_partial(), (true, false));
        // The first piece of a long sentence breaks off after a comma; the next goes on in
        // lower case.
        let first = Hit::of_article("a", 1.0, "It serves as an engine. - However,");
        assert_eq!(first.quote_is_partial(), (false, true));
        let mut next = Hit::of_article("a", 1.0, "the rest goes to e-commerce.");
        next.part = 2;
        assert_eq!(next.quote_is_partial(), (true, false));
        // A paragraph's first passage may begin in lower case ("eBay said…").
        let first_piece = Hit::of_article("a", 1.0, "eBay said it would.");
        assert_eq!(first_piece.quote_is_partial(), (false, false));
    }
}
