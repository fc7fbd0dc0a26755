//! `!search`: words, "phrases", -exclusions, OR, source:NAME; all words required, else any.

use super::*;

/// `!search`: every word or phrase must match; when nothing has them all, any may.
pub fn search(ctx: &Context<'_>, text: &str) -> Result<Found, SearchError> {
    let p = ctx.prefix();
    let mut parsed = query::parse_search(text);
    if parsed.is_empty() {
        return Ok(Found::Done(Answer::notice(
            NoticeKind::BadInput,
            texts::SEARCH_WHAT,
            vec![
                format!("{p}search \"data centers\" Brazil"),
                format!("{p}help search"),
            ],
        )));
    }
    let searcher = ctx.snapshot.reader.searcher();
    let mut notices = respell(ctx, &searcher, &mut parsed.groups, false);
    if parsed.capped {
        notices.push(texts::searched_first(query::MAX_ITEMS));
    }
    let dropped = without_ubiquitous_words(ctx, &searcher, &mut parsed);
    if !dropped.is_empty() {
        let words: Vec<String> = dropped.iter().map(|w| format!("“{w}”")).collect();
        notices.push(texts::not_required(&words));
    }
    let mut hits = run(
        ctx,
        &searcher,
        &*search_query(ctx, &searcher, &parsed, true),
        work(&ctx.snapshot.fields, &searcher, &parsed),
    )?;
    if hits.hits.is_empty() && parsed.groups.len() > 1 {
        let any = without_common_words(ctx, &searcher, parsed);
        hits = run(
            ctx,
            &searcher,
            &*search_query(ctx, &searcher, &any, false),
            Work::Segments,
        )?;
        if !hits.hits.is_empty() {
            notices.push(texts::SOME_WORDS.to_string());
        }
    }
    Ok(ctx.ranked(text, text.to_string(), hits, notices))
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

/// Section headings holding a word from which a search for it alone is worth searching
/// segments side by side: their matches are scored one by one before the text's term is
/// ranked (see `scoring::text_or_heading`); below it, waking the helpers costs more than it
/// saves (measured with `profile_class common`).
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
fn run(
    ctx: &Context<'_>,
    searcher: &Searcher,
    query: &dyn Query,
    work: Work,
) -> Result<Hits, SearchError> {
    let top = crate::engine::scoring::parallel_segments::search_as(
        searcher,
        query,
        TopDocs::with_limit(MAX_HITS).order_by_score(),
        work,
    )?;
    let mut hits: Vec<Hit> = top
        .into_iter()
        .map(|(score, address)| loaded(ctx, searcher, score, address))
        .collect::<Result<_, _>>()?;
    sort_hits(&mut hits);
    Ok(Hits {
        hits,
        highlighter: highlighter(ctx, searcher, query),
    })
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
