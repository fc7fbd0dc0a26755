//! The command handlers, one file each, and what they share: the context of a command (the
//! index snapshot, topics and synonyms), running a ranked query, loading passages, respelling.

mod about;
mod ask;
mod compare;
mod digest;
mod figures;
mod help;
mod quote;
mod search;
mod sources;
mod topic;
mod topics;
mod trend;

use std::collections::BTreeMap;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, Term};

use super::answer::*;
use super::excerpt::{self, Highlighter};
use super::figures as figure_reading;
use super::percolate::StoredQuery;
use super::query::{self, Builder, Item, SearchQuery};
use super::scoring::parallel_segments::Work;
use super::scoring::seek_union::seek_union;
use super::scoring::text_or_heading::TextOrHeading;
use super::scoring::two_pass::{self, Ranked, Scoring};
use super::{EngineConfig, Knowledge, MAX_HITS, SearchError, corroborate, rank, spelling};
use crate::command;
use crate::index::{Fields, Snapshot, StoredPassage};
use crate::texts;

pub use about::about;
pub use ask::ask;
pub use compare::compare;
pub use digest::{digest, passages_of};
pub use figures::figures;
pub use help::help;
pub use quote::quote;
pub use search::search;
pub use sources::{latest, sources};
pub use topic::topic;
pub use topics::topic_list;
pub use trend::trend;

pub struct Context<'a> {
    pub snapshot: &'a Snapshot,
    pub knowledge: &'a Knowledge,
    pub config: &'a EngineConfig,
    /// Passages on the first page.
    pub page_size: usize,
    /// Passages the first pass of a ranked query keeps for exact scoring.
    pub candidates: usize,
}

/// A ranked answer (all hits kept for paging, and the first page) or a finished answer.
pub enum Found {
    Ranked(Vec<Hit>, Passages, Option<Highlighter>),
    Done(Answer),
}

impl Context<'_> {
    fn prefix(&self) -> &str {
        &self.config.prefix
    }

    fn no_hits(&self, what: &str, notices: Vec<String>) -> Found {
        let mut text = texts::no_passage_matches(what);
        for n in notices {
            text.push(' ');
            text.push_str(&n);
        }
        let p = self.prefix();
        let mut suggestions: Vec<String> = closest_topics(self.knowledge, what)
            .into_iter()
            .map(|t| format!("{p}{t}"))
            .collect();
        suggestions.push(format!("{p}topics"));
        Found::Done(Answer::notice(NoticeKind::NoHits, text, suggestions))
    }

    fn ranked(&self, what: &str, heading: String, found: Hits, notices: Vec<String>) -> Found {
        let hits = corroborate::group(found.hits);
        self.page(
            what,
            heading,
            Hits {
                hits,
                highlighter: found.highlighter,
            },
            notices,
        )
    }

    /// The first page of hits, all of them kept for `!more`.
    fn page(&self, what: &str, heading: String, found: Hits, notices: Vec<String>) -> Found {
        let Hits { hits, highlighter } = found;
        if hits.is_empty() {
            return self.no_hits(what, notices);
        }
        let shown = hits.iter().take(self.page_size).cloned().collect();
        let first = Passages {
            query: what.to_string(),
            heading,
            hits: excerpt::apply(shown, highlighter.as_ref()),
            offset: 0,
            total: hits.len(),
            notices,
            comparison: None,
        };
        Found::Ranked(hits, first, highlighter)
    }
}

/// Ranked passages, and what marks their matched words when they are shown.
pub struct Hits {
    pub hits: Vec<Hit>,
    pub highlighter: Option<Highlighter>,
}

/// A relevance query: any item may match, each counted once (the best of its synonyms);
/// `required` items must match.
fn ranked_query(
    ctx: &Context<'_>,
    searcher: &Searcher,
    groups: &[Vec<Item>],
    required: &[Item],
) -> Ranked {
    let mut b = Builder::new(&ctx.snapshot.fields);
    let items: Vec<Item> = groups.iter().flatten().cloned().collect();
    let concepts = rank::concepts(&mut b, searcher, ctx.knowledge, &items, false);
    let first = rank::candidate_query(&b, searcher, &concepts);
    let full = rank::question_scoring(&b, &concepts);
    let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut scored: Vec<(f32, Scoring)> = Vec::new();
    for item in required {
        let Some(parts) = b.item_parts(item, None) else {
            continue;
        };
        // Required: only asked about the passages the other requirements allow (see `union`).
        let either = parts.iter().map(|q| q.box_clone()).collect();
        must.push((Occur::Must, seek_union(either)));
        let leaves = parts.into_iter().map(|q| (1.0, Scoring::Leaf(q))).collect();
        scored.push((1.0, Scoring::Sum(leaves)));
    }
    if must.is_empty() {
        return Ranked { first, full };
    }
    must.push((Occur::Should, first));
    scored.push((1.0, full));
    Ranked {
        first: Box::new(BooleanQuery::new(must)),
        full: Scoring::Sum(scored),
    }
}

/// Ranks passages for a two-pass query: each loaded with the tags it matched, best first,
/// with any passages tied with the last of the best `top` (the caller sorts and cuts).
fn run_ranked(
    ctx: &Context<'_>,
    searcher: &Searcher,
    query: &Ranked,
    top: usize,
) -> Result<Vec<(Hit, u64)>, SearchError> {
    two_pass::best(searcher, query, ctx.candidates, top)?
        .into_iter()
        .map(|s| Ok((loaded(ctx, searcher, s.score, s.address)?, s.tags)))
        .collect()
}

/// The best `top` hits of a two-pass query, best first, and their highlighter.
fn ranked_hits(
    ctx: &Context<'_>,
    searcher: &Searcher,
    query: &Ranked,
    top: usize,
) -> Result<Hits, SearchError> {
    let mut hits: Vec<Hit> = run_ranked(ctx, searcher, query, top)?
        .into_iter()
        .map(|(hit, _)| hit)
        .collect();
    sort_hits(&mut hits);
    hits.truncate(top);
    Ok(Hits {
        hits,
        highlighter: highlighter(ctx, searcher, &*query.full.terms_query()),
    })
}

fn highlighter(ctx: &Context<'_>, searcher: &Searcher, query: &dyn Query) -> Option<Highlighter> {
    Highlighter::new(searcher, query, ctx.snapshot.fields.text)
}

/// How many passages contain the term `word` of `field`.
fn doc_freq(searcher: &Searcher, field: tantivy::schema::Field, word: &str) -> u64 {
    let term = tantivy::Term::from_field_text(field, word);
    searcher.doc_freq(&term).unwrap_or(0)
}

/// Replaces words the index doesn't know by their closest indexed spelling, and says so; an
/// English word, an outlet's name or a word the synonyms know is not a typo.
fn respell(
    ctx: &Context<'_>,
    searcher: &Searcher,
    groups: &mut [Vec<Item>],
    asked: bool,
) -> Vec<String> {
    let words = &ctx.snapshot.words;
    let synonyms = &ctx.knowledge.synonyms;
    let mut notices = Vec::new();
    for item in groups.iter_mut().flatten() {
        let Item::Word(word) = item else { continue };
        let tokens = crate::index::tokenizer::plain_tokens(word);
        let [token] = tokens.as_slice() else { continue };
        let stemmed = crate::index::tokenizer::stemmed_tokens(word);
        let indexed = |term: &String| doc_freq(searcher, ctx.snapshot.fields.text, term) > 0;
        let outlet = doc_freq(searcher, ctx.snapshot.fields.source, token) > 0;
        if words.count(token) > 0 || stemmed.iter().all(indexed) || outlet {
            continue;
        }
        // An English word the passages lack ("finance", "white") is not a typo of one they
        // have ("france", "while"); nor is a word the synonyms know, which is searched by its
        // other words.
        let lower = word.to_lowercase();
        if wordnik_list::word_exists(&lower)
            || !synonyms.of(&lower).is_empty()
            || (asked && !synonyms.written_for(&lower).is_empty())
        {
            continue;
        }
        // A chat spelling of an English word ("talkin", "peices") is that word, whether or
        // not the passages have it, before any closest indexed word ("taking", "prices").
        if let Some(english) = spelling::english_spelling(&lower) {
            notices.push(texts::respelled(word, &english));
            *item = Item::Word(english);
            continue;
        }
        if let Some(better) = spelling::closest(words, token) {
            notices.push(texts::respelled(word, &better));
            *item = Item::Word(better);
        }
    }
    notices
}

/// A hit for a passage of the index, its highlights left for when it is shown.
fn loaded(
    ctx: &Context<'_>,
    searcher: &Searcher,
    score: f32,
    address: DocAddress,
) -> Result<Hit, SearchError> {
    load(ctx, searcher, address).map(|stored| hit(score, stored))
}

fn load(
    ctx: &Context<'_>,
    searcher: &Searcher,
    address: DocAddress,
) -> Result<StoredPassage, SearchError> {
    Ok(ctx
        .snapshot
        .fields
        .load(searcher, address, &ctx.snapshot.manifest)?)
}

fn attribution(stored: &StoredPassage) -> Attribution {
    Attribution {
        article: stored.article.clone(),
        publisher: stored.publisher.clone(),
        title: stored.title.clone(),
        date: stored.date.clone(),
        url: stored.url.clone(),
    }
}

/// A hit to be ranked ([`sort_hits`] numbers it); its quote and highlights are chosen when it
/// is shown (see `excerpt::apply`).
fn hit(score: f32, stored: StoredPassage) -> Hit {
    let quote = 0..stored.text.len();
    Hit {
        rank: 0,
        score,
        source: attribution(&stored),
        reference: stored.reference(),
        section: stored.section,
        paragraph: stored.paragraph,
        part: stored.part,
        text: stored.text,
        quote,
        highlights: Vec::new(),
        also_reported_by: Vec::new(),
        concepts: 0,
    }
}

pub fn unknown(ctx: &Context<'_>, name: &str, suggestion: Option<String>) -> Found {
    let p = ctx.prefix();
    let shown: String = name.chars().take(40).collect();
    let mut suggestions: Vec<String> = suggestion.into_iter().map(|s| format!("{p}{s}")).collect();
    suggestions.push(format!("{p}help"));
    Found::Done(Answer::notice(
        NoticeKind::UnknownCommand,
        texts::unknown_command(p, &shown),
        suggestions,
    ))
}

/// Topics whose name, aliases or description share words with `text`.
fn closest_topics(knowledge: &Knowledge, text: &str) -> Vec<String> {
    let words = query::content_words(text);
    let mut scored: Vec<(f64, &str)> = knowledge
        .topics
        .list
        .iter()
        .map(|t| {
            let hay = format!(
                "{} {} {} {}",
                t.name,
                t.aliases.join(" "),
                t.description,
                t.query
            )
            .to_lowercase();
            let score = words
                .iter()
                .map(|w| {
                    hay.split(|c: char| !c.is_alphanumeric())
                        .map(|h| strsim::jaro_winkler(h, w))
                        .fold(0.0, f64::max)
                })
                .filter(|s| *s > 0.88)
                .sum::<f64>();
            (score, t.name.as_str())
        })
        .filter(|(s, _)| *s > 0.0)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored
        .into_iter()
        .take(3)
        .map(|(_, n)| n.to_string())
        .collect()
}
