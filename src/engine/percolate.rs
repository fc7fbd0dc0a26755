//! Stored queries matched against new passages (the percolator of alerts): each watch is
//! compiled once into the terms `!search` or its topic would look for, and a batch of new
//! passages is matched against every watch at once. A term index of the watches (the
//! "presearcher" of the Elasticsearch percolator and Lucene's Monitor) picks the watches that
//! could match the batch's words; only those are checked, passage by passage, on the terms,
//! positions and offsets of the analyzer the index uses, so a watch matches a passage exactly
//! when the search it stands for would, and the matched words are highlighted from their
//! offsets.
//!
//! A search watch (`"Hang Seng" -Tencent`) matches a passage that has every word or phrase
//! (any of an OR group) in its text or heading and none of the excluded ones, from the named
//! sources only, like `!search`. A topic watch (`capex`) matches a passage that has at least
//! [`TOPIC_MIN_CONCEPTS`] distinct concepts of the topic's query (a concept with its
//! synonyms), or the only one when the topic has one: a topic's query is a ranking in which
//! no word is required, and one common word of it ("investment") says little about a passage.

use std::ops::Range;

use rustc_hash::{FxHashMap, FxHashSet};
use tantivy::tokenizer::TextAnalyzer;

use tantivy::query::{BooleanQuery, Occur, Query};

use super::Knowledge;
use super::query::{self, Builder, Item, MAX_PHRASE_WORDS};
use crate::index::{Fields, tokenizer};

/// Distinct concepts of a topic's query a passage must have to match a watch of the topic.
pub const TOPIC_MIN_CONCEPTS: usize = 2;

/// Why a watch cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WatchError {
    #[error("nothing to watch")]
    Empty,
}

/// A watch compiled into terms.
#[derive(Debug, Clone)]
pub struct StoredQuery {
    /// A topic's name, when the watch is a topic.
    pub topic: Option<String>,
    /// Concepts or search groups: each a list of alternatives, each a sequence of stemmed
    /// terms (one term, or a phrase).
    groups: Vec<Vec<Vec<String>>>,
    /// How many groups a passage must have.
    needed: usize,
    excluded: Vec<Vec<String>>,
    /// Source names (unstemmed terms); a passage must come from one of them when any.
    sources: Vec<Vec<String>>,
}

impl StoredQuery {
    /// Compiles a watch: a topic name or alias, or `!search` syntax.
    pub fn compile(text: &str, knowledge: &Knowledge) -> Result<StoredQuery, WatchError> {
        let mut stemmed = tokenizer::stemmed();
        let word = text.trim().trim_start_matches(['!', '/']).to_lowercase();
        if let Some(topic) = knowledge.topics.find(&word) {
            let parsed = query::parse_search(&topic.query);
            let items: Vec<Item> = parsed.items().cloned().collect();
            let groups = concepts(&mut stemmed, knowledge, &items);
            if groups.is_empty() {
                return Err(WatchError::Empty);
            }
            let needed = TOPIC_MIN_CONCEPTS.min(groups.len());
            return Ok(StoredQuery {
                topic: Some(topic.name.clone()),
                groups,
                needed,
                excluded: Vec::new(),
                sources: Vec::new(),
            });
        }
        let parsed = query::parse_search(text);
        let groups: Vec<Vec<Vec<String>>> = parsed
            .groups
            .iter()
            .map(|group| {
                group
                    .iter()
                    .map(|item| terms(&mut stemmed, item.text()))
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
            })
            .filter(|g| !g.is_empty())
            .collect();
        if groups.is_empty() {
            return Err(WatchError::Empty);
        }
        let mut plain = tokenizer::plain();
        Ok(StoredQuery {
            topic: None,
            needed: groups.len(),
            groups,
            excluded: parsed
                .excluded
                .iter()
                .map(|i| terms(&mut stemmed, i.text()))
                .filter(|t| !t.is_empty())
                .collect(),
            sources: parsed
                .sources
                .iter()
                .map(|s| tokenizer::tokens(&mut plain, s))
                .filter(|t| !t.is_empty())
                .collect(),
        })
    }

    /// The same query for the whole index (`!trend`, `!digest`): it matches the passages
    /// [`StoredQuery::matches`] does.
    pub fn to_query(&self, fields: &Fields) -> Box<dyn Query> {
        let builder = Builder::new(fields);
        let either = |seq: &[String]| -> Vec<(Occur, Box<dyn Query>)> {
            [fields.text, fields.section]
                .into_iter()
                .filter_map(|field| builder.sequence(field, seq))
                .map(|q| (Occur::Should, q))
                .collect()
        };
        let groups: Vec<(Occur, Box<dyn Query>)> = self
            .groups
            .iter()
            .map(|group| {
                let alternatives = group.iter().flat_map(|seq| either(seq)).collect();
                (
                    Occur::Should,
                    Box::new(BooleanQuery::new(alternatives)) as Box<dyn Query>,
                )
            })
            .collect();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = if self.needed < groups.len() {
            let at_least = BooleanQuery::with_minimum_required_clauses(groups, self.needed);
            vec![(Occur::Must, Box::new(at_least))]
        } else {
            groups.into_iter().map(|(_, q)| (Occur::Must, q)).collect()
        };
        // Each exclusion twice in a union (see `search_query`: tantivy 0.27 must not get a
        // phrase scorer as an exclusion set of its own).
        let excluded: Vec<(Occur, Box<dyn Query>)> = self
            .excluded
            .iter()
            .flat_map(|seq| either(seq))
            .flat_map(|(_, q)| [(Occur::Should, q.box_clone()), (Occur::Should, q)])
            .collect();
        if !excluded.is_empty() {
            clauses.push((Occur::MustNot, Box::new(BooleanQuery::new(excluded))));
        }
        let sources: Vec<(Occur, Box<dyn Query>)> = self
            .sources
            .iter()
            .filter_map(|seq| builder.sequence(fields.source, seq))
            .map(|q| (Occur::Should, q))
            .collect();
        if !sources.is_empty() {
            clauses.push((Occur::Must, Box::new(BooleanQuery::new(sources))));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// Terms one of which every matching passage has (for the term index of watches).
    fn anchors(&self) -> FxHashSet<&str> {
        // A search needs every group: its first group's first terms are enough. A topic
        // needs some of its groups: any first term.
        let groups = if self.needed == self.groups.len() {
            &self.groups[..1]
        } else {
            &self.groups[..]
        };
        groups
            .iter()
            .flatten()
            .filter_map(|seq| seq.first().map(String::as_str))
            .collect()
    }

    /// How well a passage matches (groups found, then occurrences), with the byte ranges of
    /// the matched words in its text; `None` when it does not match.
    pub fn matches(&self, passage: &PassageTerms) -> Option<Match> {
        if self.excluded.iter().any(|seq| passage.has(seq)) {
            return None;
        }
        if !self.sources.is_empty()
            && !self
                .sources
                .iter()
                .any(|seq| contains_run(&passage.source, seq))
        {
            return None;
        }
        let mut groups = 0;
        let mut highlights = Vec::new();
        for group in &self.groups {
            let mut found = false;
            for seq in group {
                let spans = passage.text.occurrences(seq);
                found |= !spans.is_empty() || !passage.section.occurrences(seq).is_empty();
                highlights.extend(spans);
            }
            groups += usize::from(found);
        }
        if groups < self.needed {
            return None;
        }
        highlights.sort_by_key(|r| (r.start, r.end));
        highlights.dedup();
        let mut merged: Vec<Range<usize>> = Vec::new();
        for r in highlights {
            match merged.last_mut() {
                Some(last) if r.start < last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        Some(Match {
            groups,
            occurrences: merged.len(),
            highlights: merged,
        })
    }
}

/// A passage that matched a stored query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    pub groups: usize,
    pub occurrences: usize,
    /// Byte ranges of the matched words in the passage text, in order, not overlapping.
    pub highlights: Vec<Range<usize>>,
}

impl Match {
    /// Better matches first: more of the query found, then more often.
    pub fn strength(&self) -> (usize, usize) {
        (self.groups, self.occurrences)
    }
}

/// The stemmed terms of a word or phrase, as `!search` builds them.
fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut t = tokenizer::tokens(analyzer, text);
    t.truncate(MAX_PHRASE_WORDS);
    t
}

/// A topic query's items as concepts, each with its synonyms as alternatives (like the
/// topic's ranking). Items that are synonyms of each other ("rose", "surged", "jumped") are
/// one concept: a passage saying "rose" has one of the topic's concepts, not three.
fn concepts(
    analyzer: &mut TextAnalyzer,
    knowledge: &Knowledge,
    items: &[Item],
) -> Vec<Vec<Vec<String>>> {
    let mut out: Vec<Vec<Vec<String>>> = Vec::new();
    for item in items {
        let label = item.text().to_lowercase();
        let typed = terms(analyzer, &label);
        if typed.is_empty() {
            continue;
        }
        let mut variants = vec![typed];
        for synonym in knowledge.synonyms.of(&label) {
            let t = terms(analyzer, synonym);
            if !t.is_empty() && !variants.contains(&t) {
                variants.push(t);
            }
        }
        match out
            .iter_mut()
            .find(|c| c.iter().any(|v| variants.contains(v)))
        {
            Some(concept) => {
                for v in variants {
                    if !concept.contains(&v) {
                        concept.push(v);
                    }
                }
            }
            None => out.push(variants),
        }
    }
    out
}

/// The terms of one field of a passage: where each occurs (its position and byte range).
#[derive(Debug, Default)]
pub struct FieldTerms {
    at: FxHashMap<String, Vec<(usize, Range<usize>)>>,
}

impl FieldTerms {
    fn of(analyzer: &mut TextAnalyzer, text: &str) -> FieldTerms {
        let mut at: FxHashMap<String, Vec<(usize, Range<usize>)>> = FxHashMap::default();
        analyzer.token_stream(text).process(&mut |t| {
            at.entry(t.text.clone())
                .or_default()
                .push((t.position, t.offset_from..t.offset_to));
        });
        FieldTerms { at }
    }

    /// The byte ranges of every occurrence of a term sequence (consecutive positions, like a
    /// phrase query).
    fn occurrences(&self, seq: &[String]) -> Vec<Range<usize>> {
        let Some((first, rest)) = seq.split_first() else {
            return Vec::new();
        };
        let Some(starts) = self.at.get(first) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        'start: for (pos, range) in starts {
            let mut end = range.end;
            for (i, term) in rest.iter().enumerate() {
                let next = self
                    .at
                    .get(term)
                    .and_then(|list| list.iter().find(|(p, _)| *p == pos + i + 1));
                match next {
                    Some((_, r)) => end = end.max(r.end),
                    None => continue 'start,
                }
            }
            out.push(range.start..end);
        }
        out
    }

    fn terms(&self) -> impl Iterator<Item = &str> {
        self.at.keys().map(String::as_str)
    }
}

/// A passage ready to be matched: its text and heading terms, and its source names.
#[derive(Debug, Default)]
pub struct PassageTerms {
    text: FieldTerms,
    section: FieldTerms,
    source: Vec<String>,
}

impl PassageTerms {
    /// `source` is what `source:` filters look at: publisher, via and the article's slug.
    pub fn new(text: &str, section: Option<&str>, source: &str) -> PassageTerms {
        let mut stemmed = tokenizer::stemmed();
        PassageTerms {
            text: FieldTerms::of(&mut stemmed, text),
            section: section
                .map(|s| FieldTerms::of(&mut stemmed, s))
                .unwrap_or_default(),
            source: tokenizer::tokens(&mut tokenizer::plain(), source),
        }
    }

    /// The terms of a passage of the index (its source words as the index has them).
    pub fn of_stored(
        p: &crate::index::StoredPassage,
        manifest: &crate::index::Manifest,
    ) -> PassageTerms {
        let via = manifest
            .article(&p.article)
            .and_then(|a| a.meta.via.as_deref());
        let source = crate::index::schema::source_text(p.publisher.as_deref(), via, &p.article);
        PassageTerms::new(&p.text, p.section.as_deref(), &source)
    }

    fn has(&self, seq: &[String]) -> bool {
        !self.text.occurrences(seq).is_empty() || !self.section.occurrences(seq).is_empty()
    }
}

fn contains_run(haystack: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every watch, compiled, with the term index that finds those a batch could match.
#[derive(Debug, Default)]
pub struct Percolator {
    queries: Vec<StoredQuery>,
    by_term: FxHashMap<String, Vec<usize>>,
}

impl Percolator {
    pub fn new(queries: Vec<StoredQuery>) -> Percolator {
        let mut by_term: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        for (i, q) in queries.iter().enumerate() {
            for term in q.anchors() {
                by_term.entry(term.to_string()).or_default().push(i);
            }
        }
        Percolator { queries, by_term }
    }

    pub fn len(&self) -> usize {
        self.queries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queries.is_empty()
    }

    /// For each query (by its index in the list given to [`Percolator::new`]) that some
    /// passage matches: the best passage (its index in `passages`) and its match.
    pub fn best_matches(&self, passages: &[PassageTerms]) -> Vec<(usize, usize, Match)> {
        let mut candidates: FxHashSet<usize> = FxHashSet::default();
        for p in passages {
            for term in p.text.terms().chain(p.section.terms()) {
                if let Some(list) = self.by_term.get(term) {
                    candidates.extend(list.iter().copied());
                }
            }
        }
        let mut candidates: Vec<usize> = candidates.into_iter().collect();
        candidates.sort_unstable();
        let mut out = Vec::new();
        for q in candidates {
            let best = passages
                .iter()
                .enumerate()
                .filter_map(|(i, p)| self.queries[q].matches(p).map(|m| (i, m)))
                // The strongest match; the earliest passage among equals.
                .max_by(|(i, a), (j, b)| a.strength().cmp(&b.strength()).then(j.cmp(i)));
            if let Some((i, m)) = best {
                out.push((q, i, m));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::topics::{Synonyms, Topics};

    fn knowledge() -> Knowledge {
        let topics = Topics::parse(
            r#"
[[topic]]
name = "capex"
aliases = ["spending"]
description = "d"
query = "capex spending investment \"data centre\" budget"

[[topic]]
name = "solo"
aliases = []
description = "d"
query = "Kunlun"
"#,
            "topics.toml",
        )
        .unwrap();
        let synonyms = Synonyms::from_groups(vec![vec![
            "capex".to_string(),
            "capital expenditure".to_string(),
        ]]);
        Knowledge { topics, synonyms }
    }

    fn passage(text: &str) -> PassageTerms {
        PassageTerms::new(text, None, "Reuters reuters-story")
    }

    fn matches(watch: &str, text: &str) -> bool {
        StoredQuery::compile(watch, &knowledge())
            .unwrap()
            .matches(&passage(text))
            .is_some()
    }

    #[test]
    fn a_search_watch_needs_every_word_and_none_excluded() {
        assert!(matches(
            "\"Hang Seng\" -Tencent",
            "The Hang Seng index rose."
        ));
        assert!(!matches(
            "\"Hang Seng\" -Tencent",
            "The Hang Seng rose with Tencent."
        ));
        assert!(!matches("\"Hang Seng\"", "Seng Hang"));
        assert!(matches("chips nvidia", "Nvidia chips, in short."));
        assert!(!matches("chips nvidia", "Nvidia alone."));
        assert!(matches("Zhenwu OR Kunlun", "The Kunlun P800."));
        assert!(matches("raising", "It raised the budget"));
    }

    #[test]
    fn synonyms_in_a_topic_query_are_one_concept() {
        let mut k = knowledge();
        k.synonyms = Synonyms::from_groups(vec![vec!["rose".into(), "surged".into()]]);
        k.topics = Topics::parse(
            "[[topic]]\nname = \"stock\"\naliases = []\ndescription = \"d\"\nquery = \"shares rose surged\"\n",
            "topics.toml",
        )
        .unwrap();
        let q = StoredQuery::compile("stock", &k).unwrap();
        assert!(q.matches(&passage("The river rose.")).is_none());
        assert!(q.matches(&passage("Shares surged.")).is_some());
    }

    #[test]
    fn a_search_watch_reads_source_filters() {
        assert!(matches("budget source:reuters", "The budget grew."));
        assert!(!matches("budget source:bloomberg", "The budget grew."));
    }

    #[test]
    fn a_topic_watch_needs_two_concepts_or_its_only_one() {
        assert!(matches("capex", "Capital expenditure and the budget grew."));
        assert!(matches("!capex", "Spending on a data centre."));
        assert!(!matches("capex", "A budget was set."));
        assert!(!matches("capex", "The data of a centre."));
        assert!(matches("solo", "Baidu's Kunlun chips."));
    }

    #[test]
    fn a_watch_without_words_is_refused() {
        assert_eq!(
            StoredQuery::compile("-only -excluded", &knowledge()).unwrap_err(),
            WatchError::Empty
        );
        assert!(StoredQuery::compile("\"\" ...", &knowledge()).is_err());
    }

    #[test]
    fn highlights_are_the_matched_words_of_the_text() {
        let q = StoredQuery::compile("\"Hang Seng\" rose", &knowledge()).unwrap();
        let text = "Yesterday the Hang Seng rose 2%.";
        let m = q.matches(&passage(text)).unwrap();
        let marked: Vec<&str> = m.highlights.iter().map(|r| &text[r.clone()]).collect();
        assert_eq!(marked, ["Hang Seng", "rose"]);
    }

    #[test]
    fn the_percolator_finds_each_matching_watch_and_its_best_passage() {
        let k = knowledge();
        let queries = ["capex", "nvidia", "\"Hang Seng\"", "kunlun -baidu"]
            .iter()
            .map(|w| StoredQuery::compile(w, &k).unwrap())
            .collect();
        let p = Percolator::new(queries);
        let passages = [
            passage("Nothing here."),
            passage("Spending on a data centre."),
            passage("Capex, spending and the budget, and Nvidia."),
            passage("Baidu's Kunlun."),
        ];
        let found: Vec<(usize, usize)> = p
            .best_matches(&passages)
            .into_iter()
            .map(|(q, i, _)| (q, i))
            .collect();
        assert_eq!(found, [(0, 2), (1, 2)]);
    }
}
