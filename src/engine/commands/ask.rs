//! `!ask`: a question in plain words, ranked by its content words.

use super::*;

/// `!ask`: the content words of the question rank the passages; words that stand together in
/// the question count more when they stand together in a passage.
pub fn ask(ctx: &Context<'_>, question: &str) -> Result<Found, SearchError> {
    let p = ctx.prefix();
    let words = query::content_words_with(question, ctx.knowledge.synonyms.known_phrases());
    if words.is_empty() {
        return Ok(Found::Done(Answer::notice(
            NoticeKind::BadInput,
            texts::ASK_WHAT,
            vec![
                format!("{p}ask how much will Alibaba invest in AI?"),
                format!("{p}topics"),
            ],
        )));
    }
    let searcher = ctx.snapshot.reader.searcher();
    let mut groups: Vec<Vec<Item>> = words.into_iter().map(|w| vec![Item::Word(w)]).collect();
    let notices = respell(ctx, &searcher, &mut groups, true);
    let items: Vec<Item> = groups.into_iter().flatten().collect();
    let hits = rank_question(ctx, &searcher, &items, question)?;
    Ok(ctx.ranked(question, question.to_string(), hits, notices))
}

/// A name is rare when at most this share of passages holds it ("Zhenwu", not "Chinese" or
/// "Nvidia" in coverage of Chinese chips).
const RARE_NAME_SHARE: f32 = 0.03;

/// Ranked passages for the content words of a question (`items`), read with the question as
/// typed: the kind of answer it wants, and an outlet it names.
pub fn rank_question(
    ctx: &Context<'_>,
    searcher: &Searcher,
    items: &[Item],
    question: &str,
) -> Result<Hits, SearchError> {
    let mut builder = Builder::new(&ctx.snapshot.fields);
    let mut concepts = rank::concepts(&mut builder, searcher, ctx.knowledge, items, true);
    rank::mark_lists(&mut concepts, question);
    rank::weigh_known(&mut concepts, question);
    rank::weigh_preamble(&mut concepts, question);
    let expected = rank::expected(question);
    rank::weigh_frame(&mut concepts, expected, question);
    tracing::debug!(
        ?expected,
        concepts = ?concepts
            .iter()
            .map(|c| (&c.label, c.idf, &c.variants, c.listed))
            .collect::<Vec<_>>(),
        "question read"
    );
    let query = Ranked {
        first: rank::candidate_query(&builder, searcher, &concepts),
        full: rank::question_scoring(&builder, &concepts),
    };
    let tagged = run_ranked(ctx, searcher, &query, MAX_HITS)?;
    let text = ctx.snapshot.fields.text;
    let everyday = |word: &str| {
        builder.terms(word).iter().any(|t| {
            searcher
                .doc_freq(&Term::from_field_text(text, t))
                .unwrap_or(0)
                > 0
        })
    };
    let mut named = rank::NamedOutlets::new(question, everyday);
    let docs = searcher.num_docs().max(1) as f32;
    let rare = |word: &str| {
        crate::index::tokenizer::stemmed_tokens(word)
            .iter()
            .all(|t| {
                let df = searcher
                    .doc_freq(&Term::from_field_text(text, t))
                    .unwrap_or(0) as f32;
                df / docs <= RARE_NAME_SHARE
            })
    };
    let currencies = rank::asked_currencies(question);
    let mut hits = rank::rerank(tagged, &concepts, expected, &currencies, &mut named, rare);
    hits.truncate(MAX_HITS);
    Ok(Hits {
        hits,
        highlighter: highlighter(ctx, searcher, &*query.full.terms_query())
            .map(|h| h.wanting(expected)),
    })
}
