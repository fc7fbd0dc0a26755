//! Running commands against a snapshot: ranking passages, quoting paragraphs, listing sources.

use std::collections::BTreeMap;

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, Term};

use super::answer::*;
use super::excerpt::{self, Highlighter};
use super::heading::TextOrHeading;
use super::query::{self, Builder, Item, SearchQuery};
use super::rescore::{self, Ranked, Scoring};
use super::spread::Work;
use super::union::seek_union;
use super::{EngineConfig, Knowledge, MAX_HITS, corroborate, figures, rank, spelling};
use crate::command;
use crate::index::{Fields, Snapshot, StoredPassage};

pub struct Context<'a> {
    pub snapshot: &'a Snapshot,
    pub knowledge: &'a Knowledge,
    pub config: &'a EngineConfig,
    /// Passages on the first page.
    pub page_size: usize,
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
        let mut text = format!("No passage matches “{what}”.");
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
        };
        Found::Ranked(hits, first, highlighter)
    }
}

/// Ranked passages, and what marks their matched words when they are shown.
pub struct Hits {
    pub hits: Vec<Hit>,
    pub highlighter: Option<Highlighter>,
}

/// `!search`: every word or phrase must match; when nothing has them all, any may.
pub fn search(ctx: &Context<'_>, text: &str) -> Found {
    let p = ctx.prefix();
    let mut parsed = query::parse_search(text);
    if parsed.is_empty() {
        return Found::Done(Answer::notice(
            NoticeKind::BadInput,
            "Search for what? Give me some words.",
            vec![
                format!("{p}search \"data centers\" Brazil"),
                format!("{p}help search"),
            ],
        ));
    }
    let searcher = ctx.snapshot.reader.searcher();
    let mut notices = respell(ctx, &searcher, &mut parsed.groups);
    if parsed.capped {
        notices.push(format!("I searched the first {} words.", query::MAX_ITEMS));
    }
    let dropped = without_ubiquitous_words(ctx, &searcher, &mut parsed);
    if !dropped.is_empty() {
        let words: Vec<String> = dropped.iter().map(|w| format!("“{w}”")).collect();
        notices.push(format!(
            "Most passages have {}, so I didn't require {}.",
            words.join(", "),
            if words.len() == 1 { "it" } else { "them" }
        ));
    }
    let mut hits = run(
        ctx,
        &searcher,
        &*search_query(ctx, &searcher, &parsed, true),
        work(&ctx.snapshot.fields, &searcher, &parsed),
    );
    if hits.hits.is_empty() && parsed.groups.len() > 1 {
        let any = without_common_words(ctx, &searcher, parsed);
        hits = run(
            ctx,
            &searcher,
            &*search_query(ctx, &searcher, &any, false),
            Work::Segments,
        );
        if !hits.hits.is_empty() {
            notices.push("No passage has all your words; these have some of them.".to_string());
        }
    }
    ctx.ranked(text, text.to_string(), hits, notices)
}

/// Share of the passages above which a word is too common to find passages by when not all
/// words match ("the", "a" in pasted text): ranking a union of such words scores nearly every
/// passage, for matches that say little.
const COMMON_SHARE: f32 = 0.2;

/// Each item's share of the passages (its rarest term's, for a phrase), group by group.
fn shares(ctx: &Context<'_>, searcher: &Searcher, parsed: &SearchQuery) -> Vec<Vec<f32>> {
    let mut b = Builder::new(&ctx.snapshot.fields);
    let field = ctx.snapshot.fields.text;
    let total = searcher.num_docs().max(1) as f32;
    let mut share = |item: &Item| -> f32 {
        let terms = b.terms(item.text());
        terms
            .iter()
            .map(|t| doc_freq(searcher, field, t) as f32 / total)
            .fold(1.0, f32::min)
    };
    parsed
        .groups
        .iter()
        .map(|g| g.iter().map(&mut share).collect())
        .collect()
}

/// The words of a query worth matching any of: those that are not in most passages, or the
/// rarest word when all are.
fn without_common_words(
    ctx: &Context<'_>,
    searcher: &Searcher,
    mut parsed: SearchQuery,
) -> SearchQuery {
    let shares = shares(ctx, searcher, &parsed);
    // Words the index doesn't have can't match: the rarest word is the rarest it has.
    let rarest = shares
        .iter()
        .flatten()
        .copied()
        .filter(|&x| x > 0.0)
        .fold(f32::INFINITY, f32::min);
    if rarest.is_infinite() {
        return parsed;
    }
    let keep = COMMON_SHARE.max(rarest);
    for (group, shares) in parsed.groups.iter_mut().zip(&shares) {
        let mut s = shares.iter();
        group.retain(|_| s.next().is_some_and(|&x| x > 0.0 && x <= keep));
    }
    parsed.groups.retain(|g| !g.is_empty());
    parsed
}

/// From this many required words and phrases on (pasted text, long questions typed as a
/// search), words in most passages are no longer required.
const LONG_SEARCH: usize = 5;
/// Share of the passages from which a word is in "most passages".
const UBIQUITOUS_SHARE: f32 = 0.5;

/// A long search without its single words found in most passages ("the", "of"; quoted
/// phrases and OR groups stay): requiring them barely narrows the matches, and intersecting
/// their postings costs the most. At least one word is kept. Returns the words left out.
fn without_ubiquitous_words(
    ctx: &Context<'_>,
    searcher: &Searcher,
    parsed: &mut SearchQuery,
) -> Vec<String> {
    if parsed.groups.len() < LONG_SEARCH {
        return Vec::new();
    }
    let shares = shares(ctx, searcher, parsed);
    let ubiquitous: Vec<bool> = parsed
        .groups
        .iter()
        .zip(&shares)
        .map(|(group, shares)| {
            matches!(group.as_slice(), [Item::Word(_)])
                && shares.first().is_some_and(|&x| x > UBIQUITOUS_SHARE)
        })
        .collect();
    if ubiquitous.iter().all(|u| *u) {
        return Vec::new();
    }
    let mut dropped = Vec::new();
    let mut flags = ubiquitous.iter();
    parsed.groups.retain(|group| {
        let drop = flags.next().is_some_and(|u| *u);
        if drop {
            dropped.push(group[0].text().to_string());
        }
        !drop
    });
    dropped
}

fn search_query(
    ctx: &Context<'_>,
    searcher: &Searcher,
    parsed: &SearchQuery,
    all: bool,
) -> Box<dyn Query> {
    let mut b = Builder::new(&ctx.snapshot.fields);
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    // A group's words and their clauses in one flat union (the same scores as unions nested
    // per word); and when any word may match, every group's in one union. tantivy ranks flat
    // unions and intersections of terms by skipping blocks of postings instead of scoring
    // every passage that has a common word.
    // Each group's items, each item's parts: its text query, and its heading's when a heading
    // has it.
    let groups: Vec<Vec<Vec<Box<dyn Query>>>> = parsed
        .groups
        .iter()
        .map(|group| {
            group
                .iter()
                .filter_map(|i| b.item_parts(i, Some(searcher)))
                .collect::<Vec<_>>()
        })
        .filter(|items| !items.is_empty())
        .collect();
    // Inside an intersection a group's union only answers "which of these passages", which
    // tantivy's windowed union does at a high price (see `union`).
    let sources = b.sources(&parsed.sources);
    let intersected = groups.len() + usize::from(sources.is_some()) > 1;
    for mut items in groups {
        if all && !intersected && items.len() == 1 && items[0].len() == 2 {
            // One word or phrase on its own, in the text or a heading: the text ranked alone,
            // the headings' few matches handed in (see `heading`).
            let mut parts = items.remove(0);
            if let (Some(heading), Some(text)) = (parts.pop(), parts.pop()) {
                clauses.push((Occur::Must, Box::new(TextOrHeading { text, heading })));
            }
            continue;
        }
        let alternatives = items.into_iter().flatten();
        if !all {
            clauses.extend(alternatives.map(|q| (Occur::Should, q)));
        } else if intersected {
            clauses.push((Occur::Must, seek_union(alternatives.collect())));
        } else {
            let alternatives = alternatives.map(|q| (Occur::Should, q));
            clauses.push((Occur::Must, flat(alternatives.collect())));
        }
    }
    // tantivy 0.27 must not get a phrase scorer as the exclusion set itself: `Exclude` seeks
    // it backwards (a debug assertion; release builds skip the check, with no right answer promised). A union seeks its
    // members forwards only; each exclusion goes in twice so no union is ever reduced to one.
    let excluded: Vec<(Occur, Box<dyn Query>)> = parsed
        .excluded
        .iter()
        .filter_map(|i| b.item(i))
        .flat_map(|q| [(Occur::Should, q.box_clone()), (Occur::Should, q)])
        .collect();
    if !excluded.is_empty() {
        clauses.push((Occur::MustNot, Box::new(BooleanQuery::new(excluded))));
    }
    if let Some(q) = sources {
        clauses.push((Occur::Must, q));
    }
    flat(clauses)
}

/// A boolean query of the clauses, or the only clause itself when it alone decides (same
/// matches, same score). A single word then stays a flat union of term queries, which tantivy
/// ranks by skipping blocks of postings (block-max WAND) instead of scoring every passage.
fn flat(mut clauses: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
    if let [(Occur::Must | Occur::Should, _)] = clauses.as_slice()
        && let Some((_, only)) = clauses.pop()
    {
        return only;
    }
    Box::new(BooleanQuery::new(clauses))
}

/// `!ask`: the content words of the question rank the passages; words that stand together in
/// the question count more when they stand together in a passage.
pub fn ask(ctx: &Context<'_>, question: &str) -> Found {
    let p = ctx.prefix();
    let words = query::content_words(question);
    if words.is_empty() {
        return Found::Done(Answer::notice(
            NoticeKind::BadInput,
            "Ask me something about the coverage, in a few words.",
            vec![
                format!("{p}ask how much will Alibaba invest in AI?"),
                format!("{p}topics"),
            ],
        ));
    }
    let searcher = ctx.snapshot.reader.searcher();
    let mut groups: Vec<Vec<Item>> = words.into_iter().map(|w| vec![Item::Word(w)]).collect();
    let notices = respell(ctx, &searcher, &mut groups);
    let items: Vec<Item> = groups.into_iter().flatten().collect();
    let hits = rank_question(ctx, &searcher, &items, rank::expected(question));
    ctx.ranked(question, question.to_string(), hits, notices)
}

/// Ranked passages for the content words of a question.
pub fn rank_question(
    ctx: &Context<'_>,
    searcher: &Searcher,
    items: &[Item],
    expected: rank::Expected,
) -> Hits {
    let mut builder = Builder::new(&ctx.snapshot.fields);
    let concepts = rank::concepts(&mut builder, searcher, ctx.knowledge, items);
    let query = Ranked {
        first: rank::candidate_query(&builder, searcher, &concepts),
        full: rank::question_scoring(&builder, &concepts),
    };
    let tagged = run_ranked(ctx, searcher, &query);
    Hits {
        hits: rank::rerank(tagged, &concepts, expected),
        highlighter: highlighter(ctx, searcher, &*query.full.terms_query()),
    }
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
    let concepts = rank::concepts(&mut b, searcher, ctx.knowledge, &items);
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

/// How many passages the first pass of a ranked query keeps for exact scoring.
const CANDIDATES: usize = 4 * MAX_HITS;

/// Ranks passages for a two-pass query: each loaded with the tags it matched, best first.
fn run_ranked(ctx: &Context<'_>, searcher: &Searcher, query: &Ranked) -> Vec<(Hit, u64)> {
    match rescore::best(searcher, query, CANDIDATES, MAX_HITS) {
        Ok(top) => top
            .into_iter()
            .filter_map(|s| Some((loaded(ctx, searcher, s.score, s.address)?, s.tags)))
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "search failed");
            Vec::new()
        }
    }
}

/// The hits of a two-pass query, best first, and their highlighter.
fn ranked_hits(ctx: &Context<'_>, searcher: &Searcher, query: &Ranked) -> Hits {
    let mut hits: Vec<Hit> = run_ranked(ctx, searcher, query)
        .into_iter()
        .map(|(hit, _)| hit)
        .collect();
    sort_hits(&mut hits);
    Hits {
        hits,
        highlighter: highlighter(ctx, searcher, &*query.full.terms_query()),
    }
}

fn highlighter(ctx: &Context<'_>, searcher: &Searcher, query: &dyn Query) -> Option<Highlighter> {
    Highlighter::new(searcher, query, ctx.snapshot.fields.text)
}

/// How many passages contain the term `word` of `field`.
fn doc_freq(searcher: &Searcher, field: tantivy::schema::Field, word: &str) -> u64 {
    let term = tantivy::Term::from_field_text(field, word);
    searcher.doc_freq(&term).unwrap_or(0)
}

/// Replaces words the index doesn't know by their closest indexed spelling, and says so.
fn respell(ctx: &Context<'_>, searcher: &Searcher, groups: &mut [Vec<Item>]) -> Vec<String> {
    let words = &ctx.snapshot.words;
    let mut notices = Vec::new();
    for item in groups.iter_mut().flatten() {
        let Item::Word(word) = item else { continue };
        let tokens = crate::index::tokenizer::plain_tokens(word);
        let [token] = tokens.as_slice() else { continue };
        let stemmed = crate::index::tokenizer::stemmed_tokens(word);
        let indexed = |term: &String| doc_freq(searcher, ctx.snapshot.fields.text, term) > 0;
        if words.count(token) > 0 || stemmed.iter().all(indexed) {
            continue;
        }
        if let Some(better) = spelling::closest(words, token) {
            notices.push(format!(
                "Nothing has “{word}”, so I searched for “{better}”."
            ));
            *item = Item::Word(better);
        }
    }
    notices
}

/// Section headings holding a word from which a search for it alone is worth spreading:
/// their matches are scored one by one before the text's term is ranked (see `heading`).
/// At 1M passages (`profile_class common`, spread / on one thread) "the" (6,067 headings)
/// took 0.92 / 1.00 ms and "AI" (2,336) 0.69 / 0.72 ms; "said" (1,018) 0.61 / 0.59 ms, and
/// words in fewer headings lost 30–75 µs spread.
const SPREAD_HEADINGS: u64 = 2_000;

/// How much work a search is: one word in few headings is ranked by block-max WAND over its
/// text term, little work however many passages have it.
fn work(fields: &Fields, searcher: &Searcher, parsed: &SearchQuery) -> Work {
    let ([group], true, true) = (
        parsed.groups.as_slice(),
        parsed.excluded.is_empty(),
        parsed.sources.is_empty(),
    ) else {
        return Work::Segments;
    };
    let [Item::Word(word)] = group.as_slice() else {
        return Work::Segments;
    };
    let terms = Builder::new(fields).terms(word);
    match terms.as_slice() {
        [term] if doc_freq(searcher, fields.section, term) < SPREAD_HEADINGS => Work::Small,
        _ => Work::Segments,
    }
}

/// Ranks passages for a query, best first.
fn run(ctx: &Context<'_>, searcher: &Searcher, query: &dyn Query, work: Work) -> Hits {
    let top = super::spread::search_as(
        searcher,
        query,
        TopDocs::with_limit(MAX_HITS).order_by_score(),
        work,
    )
    .inspect_err(|e| tracing::warn!(error = %e, "search failed"))
    .unwrap_or_default();
    let mut hits: Vec<Hit> = top
        .into_iter()
        .filter_map(|(score, address)| loaded(ctx, searcher, score, address))
        .collect();
    sort_hits(&mut hits);
    Hits {
        hits,
        highlighter: highlighter(ctx, searcher, query),
    }
}

/// A hit for a passage of the index, its highlights left for when it is shown.
fn loaded(ctx: &Context<'_>, searcher: &Searcher, score: f32, address: DocAddress) -> Option<Hit> {
    load(ctx, searcher, address).map(|stored| hit(score, stored))
}

/// Best first; equal scores in corpus order, so the ranking never depends on how the index
/// happens to be split into segments.
pub fn sort_hits(hits: &mut [Hit]) {
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.source.article.cmp(&b.source.article))
            .then_with(|| (a.paragraph, a.part).cmp(&(b.paragraph, b.part)))
    });
    for (i, hit) in hits.iter_mut().enumerate() {
        hit.rank = i + 1;
    }
}

fn load(ctx: &Context<'_>, searcher: &Searcher, address: DocAddress) -> Option<StoredPassage> {
    match ctx
        .snapshot
        .fields
        .load(searcher, address, &ctx.snapshot.manifest)
    {
        Ok(stored) => Some(stored),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read a stored passage");
            None
        }
    }
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
    }
}

/// `!<topic> [words]`: the topic's query, narrowed by any extra words.
pub fn topic(ctx: &Context<'_>, name: &str, extra: &str) -> Found {
    let Some(topic) = ctx.knowledge.topics.find(name) else {
        return unknown(ctx, name, None);
    };
    let parsed = query::parse_search(&topic.query);
    let required: Vec<Item> = query::parse_search(extra).items().cloned().collect();
    let searcher = ctx.snapshot.reader.searcher();
    let hits = ranked_hits(
        ctx,
        &searcher,
        &ranked_query(ctx, &searcher, &parsed.groups, &required),
    );
    let label = if extra.is_empty() {
        topic.name.clone()
    } else {
        format!("{} {extra}", topic.name)
    };
    ctx.ranked(&label, topic.description.clone(), hits, Vec::new())
}

/// `!compare`: the best passage of each outlet on the same thing, side by side.
pub fn compare(ctx: &Context<'_>, text: &str) -> Found {
    let p = ctx.prefix();
    let (groups, heading) = match ctx.knowledge.topics.find(text.trim()) {
        Some(t) => (query::parse_search(&t.query).groups, t.description.clone()),
        None => {
            let words: Vec<Vec<Item>> = query::content_words(text)
                .into_iter()
                .map(|w| vec![Item::Word(w)])
                .collect();
            (words, format!("How each outlet reported “{text}”"))
        }
    };
    if groups.is_empty() {
        return Found::Done(Answer::notice(
            NoticeKind::BadInput,
            "Compare what? Name a topic or a few words.",
            vec![format!("{p}compare stock"), format!("{p}compare AI budget")],
        ));
    }
    let searcher = ctx.snapshot.reader.searcher();
    let Hits {
        mut hits,
        highlighter,
    } = ranked_hits(ctx, &searcher, &ranked_query(ctx, &searcher, &groups, &[]));
    // What outlets report differently is mostly figures: prefer passages that state some.
    for hit in &mut hits {
        if rank::states(rank::Expected::Figure, &hit.text) {
            hit.score *= 1.3;
        }
    }
    sort_hits(&mut hits);
    let best = hits.first().map_or(0.0, |h| h.score);
    let mut per_outlet: Vec<Hit> = Vec::new();
    // Outlets whose best passage is far below the best one don't report the same thing.
    for h in hits.into_iter().filter(|h| h.score >= 0.35 * best) {
        if !per_outlet
            .iter()
            .any(|p| p.source.article == h.source.article)
        {
            let rank = per_outlet.len() + 1;
            per_outlet.push(Hit { rank, ..h });
        }
    }
    let notices = discrepancies(&per_outlet).into_iter().collect();
    // Every outlet's passage is shown, whole.
    let per_outlet = excerpt::apply(per_outlet, highlighter.as_ref())
        .into_iter()
        .map(|h| Hit {
            quote: 0..h.text.len(),
            ..h
        })
        .collect();
    let found = Hits {
        hits: per_outlet,
        highlighter,
    };
    let mut found = ctx.page(text, heading, found, notices);
    if let Found::Ranked(all, first, _) = &mut found {
        first.hits = all.clone();
    }
    found
}

/// "The figures differ: ..." when the compared passages state different figures.
fn discrepancies(hits: &[Hit]) -> Option<String> {
    let stated: Vec<(String, Vec<String>)> = hits
        .iter()
        .map(|h| {
            let values: Vec<String> = figures::extract(&h.text)
                .into_iter()
                .filter(|f| f.kind != figures::FigureKind::Date)
                .map(|f| f.value)
                .take(3)
                .collect();
            (h.source.publisher.clone(), values)
        })
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let keys: std::collections::HashSet<String> = stated
        .iter()
        .flat_map(|(_, v)| v.iter().map(|f| figures::key(f)))
        .collect();
    if stated.len() < 2 || keys.len() <= stated[0].1.len() {
        return None;
    }
    let parts: Vec<String> = stated
        .iter()
        .map(|(p, v)| format!("{p}: {}", v.join(", ")))
        .collect();
    Some(format!("The figures differ — {}.", parts.join("; ")))
}

/// At most this many figures in one answer.
const MAX_FIGURES: usize = 12;

/// `!figures [topic]`: the figures stated in the passages on a topic (or on money and
/// percentages), each with its sentence and source; the same figure from several outlets is
/// one line.
pub fn figures(ctx: &Context<'_>, topic_name: Option<&str>) -> Found {
    let groups = match topic_name.map(|t| (t, ctx.knowledge.topics.find(t))) {
        Some((_, Some(t))) => query::parse_search(&t.query).groups,
        Some((words, None)) => query::content_words(words)
            .into_iter()
            .map(|w| vec![Item::Word(w)])
            .collect(),
        None => ["billion", "million", "percent", "shares", "price"]
            .iter()
            .map(|w| vec![Item::Word(w.to_string())])
            .collect(),
    };
    let searcher = ctx.snapshot.reader.searcher();
    let hits = ranked_hits(ctx, &searcher, &ranked_query(ctx, &searcher, &groups, &[])).hits;
    let mut lines: Vec<(String, FigureLine)> = Vec::new();
    for hit in &hits {
        for found in figures::extract(&hit.text) {
            let key = figures::key(&found.value);
            let same = |(k, l): &&mut (String, FigureLine)| {
                *k == key && figures::same_fact(&l.quote, &found.sentence)
            };
            if let Some((_, line)) = lines.iter_mut().find(same) {
                let known = line.source.article == hit.source.article
                    || line
                        .also_reported_by
                        .iter()
                        .any(|a| a.article == hit.source.article);
                if !known {
                    line.also_reported_by.push(hit.source.clone());
                }
                continue;
            }
            lines.push((
                key,
                FigureLine {
                    value: found.value,
                    kind: found.kind,
                    quote: found.sentence,
                    source: hit.source.clone(),
                    reference: hit.reference.clone(),
                    also_reported_by: Vec::new(),
                },
            ));
        }
    }
    let label = topic_name.unwrap_or("the coverage").to_string();
    if lines.is_empty() {
        return ctx.no_hits(&format!("figures on {label}"), Vec::new());
    }
    // Figures carried by more outlets first, then in ranking order.
    lines.sort_by_key(|(_, l)| std::cmp::Reverse(l.also_reported_by.len()));
    let figures = lines
        .into_iter()
        .take(MAX_FIGURES)
        .map(|(_, l)| l)
        .collect();
    Found::Done(Answer::Figures {
        topic: label,
        figures,
    })
}

/// `!quote slug:N`: the whole paragraph behind a passage, with its neighbours.
pub fn quote(ctx: &Context<'_>, reference: &str) -> Found {
    let p = ctx.prefix();
    let Some((slug, number)) = parse_reference(reference) else {
        return Found::Done(Answer::notice(
            NoticeKind::BadInput,
            "Give me a ref like `invezz-shares-surge:3` (every quoted passage shows its ref).",
            vec![format!("{p}help quote")],
        ));
    };
    let manifest = &ctx.snapshot.manifest;
    let Some(article) = manifest.article(&slug) else {
        let closest = manifest
            .articles
            .iter()
            .map(|a| (strsim::jaro_winkler(&a.slug, &slug), &a.slug))
            .filter(|(s, _)| *s > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, s)| format!("{p}quote {s}:{number}"));
        return Found::Done(Answer::notice(
            NoticeKind::NotFound,
            format!("No article is called “{slug}”."),
            closest.into_iter().chain([format!("{p}sources")]).collect(),
        ));
    };
    if number == 0 || number > article.paragraphs {
        return Found::Done(Answer::notice(
            NoticeKind::NotFound,
            format!("{slug} has paragraphs 1 to {}.", article.paragraphs),
            vec![format!("{p}quote {slug}:1")],
        ));
    }
    let searcher = ctx.snapshot.reader.searcher();
    let paragraphs = article_paragraphs(ctx, &searcher, &slug);
    let Some(target) = paragraphs.get(&number) else {
        return Found::Done(Answer::notice(
            NoticeKind::NotFound,
            format!("{slug}:{number} is not in the index."),
            vec![],
        ));
    };
    let source = attribution(&target[0]);
    let section = target[0].section.clone();
    let quoted = (number.saturating_sub(1)..=number + 1)
        .filter_map(|n| paragraphs.get(&n).map(|parts| (n, parts)))
        .map(|(n, parts)| QuotedParagraph {
            number: n,
            text: join_parts(parts),
            target: n == number,
        })
        .collect();
    Found::Done(Answer::Quote(Quote {
        reference: format!("{slug}:{number}"),
        source,
        section,
        paragraphs: quoted,
    }))
}

/// `slug:N`, `slug N`, `slug:N.part` or `slug#N`.
pub fn parse_reference(text: &str) -> Option<(String, u32)> {
    let text = text.trim().trim_matches(|c: char| "`'\"<>[]()".contains(c));
    let (slug, rest) = text.rsplit_once([':', ' ', '#'])?;
    let number = rest.split('.').next()?.parse().ok()?;
    let slug = slug.trim().to_lowercase();
    (!slug.is_empty()).then_some((slug, number))
}

fn article_paragraphs(
    ctx: &Context<'_>,
    searcher: &Searcher,
    slug: &str,
) -> BTreeMap<u32, Vec<StoredPassage>> {
    let term = Term::from_field_text(ctx.snapshot.fields.article, slug);
    let q = TermQuery::new(term, IndexRecordOption::Basic);
    let mut out: BTreeMap<u32, Vec<StoredPassage>> = BTreeMap::new();
    let Ok(docs) = searcher.search(&q, &TopDocs::with_limit(10_000).order_by_score()) else {
        return out;
    };
    for (_, address) in docs {
        if let Some(stored) = load(ctx, searcher, address) {
            out.entry(stored.paragraph).or_default().push(stored);
        }
    }
    for parts in out.values_mut() {
        parts.sort_by_key(|p| p.part);
    }
    out
}

fn join_parts(parts: &[StoredPassage]) -> String {
    let separator = if parts.iter().any(|p| p.text.contains('\n')) {
        "\n"
    } else {
        " "
    };
    parts
        .iter()
        .map(|p| p.text.as_str())
        .collect::<Vec<_>>()
        .join(separator)
}

pub fn sources(snapshot: &Snapshot) -> Found {
    let sources = snapshot
        .manifest
        .articles
        .iter()
        .map(|a| Source {
            source: Attribution {
                article: a.slug.clone(),
                publisher: a.meta.publisher.clone(),
                title: a.meta.title.clone(),
                date: a.meta.date.clone(),
                url: a.meta.url.clone(),
            },
            via: a.meta.via.clone(),
            notes: a.meta.notes.clone(),
            passages: a.passages,
        })
        .collect();
    Found::Done(Answer::Sources { sources })
}

pub fn topic_list(ctx: &Context<'_>) -> Found {
    let topics = ctx
        .knowledge
        .topics
        .list
        .iter()
        .map(|t| TopicLine {
            name: t.name.clone(),
            aliases: t.aliases.clone(),
            description: t.description.clone(),
        })
        .collect();
    Found::Done(Answer::Topics {
        prefix: ctx.prefix().to_string(),
        topics,
    })
}

pub fn help(ctx: &Context<'_>, name: Option<&str>) -> Found {
    let p = ctx.prefix();
    let details = match name {
        None => None,
        Some(n) => match command::help_for(n) {
            Some(h) => Some(format!("{p}{}\n{}\n\n{}", h.usage, h.summary, h.details)),
            None => match ctx.knowledge.topics.find(n.trim_start_matches(['!', '/'])) {
                Some(t) => Some(format!(
                    "{p}{} — {}\nSearches: {}",
                    t.name, t.description, t.query
                )),
                None => {
                    return unknown(ctx, n, None);
                }
            },
        },
    };
    let commands = command::COMMANDS
        .iter()
        .map(|c| HelpLine {
            usage: format!("{p}{}", c.usage),
            summary: c.summary.to_string(),
        })
        .collect();
    let topics = ctx
        .knowledge
        .topics
        .list
        .iter()
        .map(|t| format!("{p}{}", t.name))
        .collect();
    Found::Done(Answer::Help(Help {
        prefix: p.to_string(),
        details,
        commands,
        topics,
    }))
}

pub fn about(ctx: &Context<'_>) -> Found {
    let m = &ctx.snapshot.manifest;
    Found::Done(Answer::About(About {
        version: env!("CARGO_PKG_VERSION").to_string(),
        articles: m.articles.len(),
        passages: m.passages,
        topics: ctx.knowledge.topics.list.len(),
        built_at: m.built_at,
        skipped_files: m.warnings.len(),
    }))
}

pub fn unknown(ctx: &Context<'_>, name: &str, suggestion: Option<String>) -> Found {
    let p = ctx.prefix();
    let shown: String = name.chars().take(40).collect();
    let mut suggestions: Vec<String> = suggestion.into_iter().map(|s| format!("{p}{s}")).collect();
    suggestions.push(format!("{p}help"));
    Found::Done(Answer::notice(
        NoticeKind::UnknownCommand,
        format!("I don't know {p}{shown}."),
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

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::{Index, TantivyDocument};

    #[test]
    fn only_a_lone_word_in_few_headings_is_little_work() {
        let (schema, fields) = Fields::schema();
        let index = Index::create_in_ram(schema);
        crate::index::schema::register_tokenizers(&index);
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for i in 0..2_100u64 {
            let mut doc = TantivyDocument::new();
            doc.add_text(fields.text, "Alibaba shares rose as the cloud grew");
            doc.add_text(fields.section, if i < 5 { "Cloud" } else { "The shares" });
            doc.add_u64(fields.paragraph, i);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let work = |text: &str| work(&fields, &searcher, &query::parse_search(text));
        // One word: in 5 headings, in none, in 2,100 (its matches there are scored one by one).
        assert_eq!(work("cloud"), Work::Small);
        assert_eq!(work("Alibaba"), Work::Small);
        assert_eq!(work("shares"), Work::Segments);
        // Anything else grows with the segments.
        for text in [
            "\"cloud grew\"",
            "cloud Alibaba",
            "cloud OR Alibaba",
            "cloud -rose",
            "cloud source:reuters",
            "Qwen3-Max",
        ] {
            assert_eq!(work(text), Work::Segments, "{text}");
        }
    }
}
