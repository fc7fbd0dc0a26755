//! Two-pass ranking: a flat union of the query's terms finds candidates ([`ScoredUnion`]:
//! tantivy's buffered union, every match scored, the collector keeping the best), then the
//! full relevance score — synonyms as a disjunction-max, phrases, proximity — is computed for
//! those candidates only, each term or phrase seeking straight to them.

use std::collections::BTreeMap;

use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, BooleanWeight, EnableScoring, Occur, Query, ScoreCombiner, Scorer, Weight,
};
use tantivy::{DocAddress, DocId, Score, Searcher, SeekDangerResult, Term};

/// A relevance score as a tree over term and phrase queries, combined as tantivy combines
/// them: a boolean union sums its matching clauses, a disjunction-max takes the best clause
/// plus a share of the others, a boost scales.
pub enum Scoring {
    /// A term or phrase query in one field.
    Leaf(Box<dyn Query>),
    /// Boosted parts, summed over those that match.
    Sum(Vec<(Score, Scoring)>),
    /// Boosted parts: the best that matches, plus `tie` times the others that match.
    Max(Vec<(Score, Scoring)>, Score),
    /// A part whose match is recorded as bit `n` of the passage's tags (a question's concept,
    /// for re-ranking by coverage); `n` ≥ 64 is scored but not recorded.
    Tag(u32, Box<Scoring>),
}

impl Scoring {
    fn leaves<'a>(&'a self, out: &mut Vec<&'a dyn Query>) {
        match self {
            Scoring::Leaf(q) => out.push(&**q),
            Scoring::Sum(parts) | Scoring::Max(parts, _) => {
                for (_, part) in parts {
                    part.leaves(out);
                }
            }
            Scoring::Tag(_, part) => part.leaves(out),
        }
    }

    /// A query holding every term and phrase of the score: what the highlights mark.
    pub fn terms_query(&self) -> Box<dyn Query> {
        let mut leaves = Vec::new();
        self.leaves(&mut leaves);
        Box::new(BooleanQuery::new(
            leaves
                .into_iter()
                .map(|q| (Occur::Should, q.box_clone()))
                .collect(),
        ))
    }

    /// The score from the leaves' scores at one document (in [`Scoring::leaves`] order),
    /// `None` when nothing matches there.
    fn score(&self, leaves: &[Option<Score>], next: &mut usize, tags: &mut u64) -> Option<Score> {
        match self {
            Scoring::Leaf(_) => {
                let score = leaves.get(*next).copied().flatten();
                *next += 1;
                score
            }
            Scoring::Sum(parts) => parts
                .iter()
                .filter_map(|(boost, part)| part.score(leaves, next, tags).map(|s| boost * s))
                .fold(None, |total, s| Some(total.unwrap_or(0.0) + s)),
            Scoring::Max(parts, tie) => {
                let scores: Vec<Score> = parts
                    .iter()
                    .filter_map(|(boost, part)| part.score(leaves, next, tags).map(|s| boost * s))
                    .collect();
                let best = scores.iter().copied().reduce(Score::max)?;
                let sum: Score = scores.iter().sum();
                Some(best + tie * (sum - best))
            }
            Scoring::Tag(n, part) => {
                let score = part.score(leaves, next, tags);
                if score.is_some() && *n < 64 {
                    *tags |= 1 << n;
                }
                score
            }
        }
    }
}

/// A relevance query in two passes: `first` finds the candidates (it matches every passage
/// `full` can score), `full` scores them exactly.
pub struct Ranked {
    pub first: Box<dyn Query>,
    pub full: Scoring,
}

/// A leaf scorer asked only whether it holds each candidate, in increasing order
/// (`seek_danger`): a phrase then checks positions at the candidates alone instead of
/// scanning for its next match.
struct Cursor {
    scorer: Box<dyn Scorer>,
    /// The earliest document the scorer can match next.
    lower: DocId,
    /// The score at the document it was created at, if it matches there.
    first: Option<Score>,
}

impl Cursor {
    /// A scorer from `Weight::scorer_danger` at the first candidate.
    fn new((found, mut scorer): (SeekDangerResult, Box<dyn Scorer>)) -> Cursor {
        match found {
            SeekDangerResult::Found => Cursor {
                first: Some(scorer.score()),
                lower: scorer.doc() + 1,
                scorer,
            },
            SeekDangerResult::SeekLowerBound(next) => Cursor {
                scorer,
                lower: next,
                first: None,
            },
        }
    }

    /// The score at `doc` if the scorer holds it; `doc`s come in increasing order, the first
    /// being the one the scorer was created at.
    fn score_at(&mut self, doc: DocId) -> Option<Score> {
        if let Some(first) = self.first.take() {
            return Some(first);
        }
        if doc < self.lower {
            return None;
        }
        match self.scorer.seek_danger(doc) {
            SeekDangerResult::Found => {
                self.lower = doc + 1;
                Some(self.scorer.score())
            }
            SeekDangerResult::SeekLowerBound(next) => {
                self.lower = next;
                None
            }
        }
    }
}

/// A passage scored by the full relevance score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scored {
    pub score: Score,
    pub address: DocAddress,
    /// The [`Scoring::Tag`]s that matched.
    pub tags: u64,
}

/// A union of `Should` clauses ranked without block-max WAND: the same matches and scores as
/// the `BooleanQuery` of the clauses (tantivy's buffered union, summing in clause order), but
/// `TopDocs` scores every passage that matches and keeps those above its k-th best.
///
/// A ranked query's first pass is a flat union of its terms (10 to 30 for a topic). In news
/// coverage thousands of passages share a story's words and score near the threshold, so
/// block-max WAND skips little; the buffered union scores the same postings term by term,
/// faster for topics and questions (docs/BENCHMARKS.md). tantivy picks WAND from the score
/// combiner, so this union sums with its own.
#[derive(Debug)]
pub struct ScoredUnion(pub Vec<Box<dyn Query>>);

impl Clone for ScoredUnion {
    fn clone(&self) -> Self {
        ScoredUnion(self.0.iter().map(|q| q.box_clone()).collect())
    }
}

impl Query for ScoredUnion {
    fn weight(&self, enable: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .0
            .iter()
            .map(|q| Ok((Occur::Should, q.weight(enable)?)))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(BooleanWeight::with_minimum_number_should_match(
            weights,
            1,
            enable.is_scoring_enabled(),
            Box::new(Summed::default),
        )))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for query in &self.0 {
            query.query_terms(visitor);
        }
    }
}

/// tantivy's `SumCombiner` without its licence for block-max WAND.
#[derive(Default, Clone, Copy)]
struct Summed(Score);

impl ScoreCombiner for Summed {
    fn update<TScorer: Scorer>(&mut self, scorer: &mut TScorer) {
        self.0 += scorer.score();
    }

    fn clear(&mut self) {
        self.0 = 0.0;
    }

    fn score(&self) -> Score {
        self.0
    }
}

/// The best `limit` passages of a two-pass query, best first (equal scores in index order).
pub fn best(
    searcher: &Searcher,
    query: &Ranked,
    candidates: usize,
    limit: usize,
) -> tantivy::Result<Vec<Scored>> {
    let found = super::parallel_segments::search(
        searcher,
        &*query.first,
        TopDocs::with_limit(candidates).order_by_score(),
    )?;
    let mut per_segment: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for (_, address) in found {
        per_segment
            .entry(address.segment_ord)
            .or_default()
            .push(address.doc_id);
    }
    let mut leaves = Vec::new();
    query.full.leaves(&mut leaves);
    let stats = super::stats::Stats(searcher);
    let enable = EnableScoring::enabled_from_statistics_provider(&stats, searcher);
    let weights = leaves
        .iter()
        .map(|q| q.weight(enable))
        .collect::<tantivy::Result<Vec<_>>>()?;
    let mut scored = Vec::new();
    for (segment, mut docs) in per_segment {
        docs.sort_unstable();
        let reader = searcher.segment_reader(segment);
        let Some(&start) = docs.first() else { continue };
        // Created at the first candidate: a phrase scorer would otherwise scan for its first
        // match, anywhere in the segment.
        let mut cursors = weights
            .iter()
            .map(|w| w.scorer_danger(reader, start, 1.0).map(Cursor::new))
            .collect::<tantivy::Result<Vec<Cursor>>>()?;
        let mut at = Vec::with_capacity(cursors.len());
        for doc in docs {
            at.clear();
            at.extend(cursors.iter_mut().map(|c| c.score_at(doc)));
            let mut tags = 0;
            if let Some(score) = query.full.score(&at, &mut 0, &mut tags) {
                scored.push(Scored {
                    score,
                    address: DocAddress::new(segment, doc),
                    tags,
                });
            }
        }
    }
    let key = crate::engine::answer::rank_key;
    scored.sort_by(|a, b| {
        key(b.score)
            .total_cmp(&key(a.score))
            .then_with(|| a.address.cmp(&b.address))
    });
    // Passages tied with the last one kept are kept too: which of them make the cut is for
    // the caller to decide by their articles, not by where they sit in the segments.
    if let Some(last) = scored.get(limit.saturating_sub(1)).map(|s| key(s.score)) {
        let tied = scored[limit.min(scored.len())..]
            .iter()
            .take_while(|s| key(s.score) == last)
            .count();
        scored.truncate(limit + tied);
    }
    Ok(scored)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::{BoostQuery, DisjunctionMaxQuery, TermQuery};
    use tantivy::schema::{IndexRecordOption, STORED, Schema, TEXT};
    use tantivy::{Index, Term, doc};

    /// A term query with frequencies (BM25 scoring), for tests.
    pub(crate) fn term(field: tantivy::schema::Field, word: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, word),
            IndexRecordOption::WithFreqs,
        ))
    }

    #[test]
    fn a_scored_union_finds_what_the_boolean_union_finds() {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT | STORED);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        let words = ["alpha", "beta", "gamma", "delta", "omega", "sigma"];
        // Three segments, with many equal scores (repeated bodies) to check the tie order.
        for segment in 0..3usize {
            for i in 0..3_000usize {
                let n = 1 + (i * 13 + segment) % 9;
                let body: Vec<&str> = (0..n).map(|j| words[(i % 11 + j * j) % 6]).collect();
                writer.add_document(doc!(text => body.join(" "))).unwrap();
            }
            writer.commit().unwrap();
        }
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 3);
        // The same clauses as a scored union and as tantivy's boolean union (block-max WAND).
        let clauses = |ws: &[&str]| -> Vec<Box<dyn Query>> {
            ws.iter()
                .enumerate()
                .map(|(i, w)| {
                    let boosted = BoostQuery::new(term(text, w), 1.0 + i as f32 / 4.0);
                    Box::new(boosted) as Box<dyn Query>
                })
                .collect()
        };
        let union = |ws: &[&str]| -> (Box<dyn Query>, Box<dyn Query>) {
            let boolean = clauses(ws)
                .into_iter()
                .map(|q| (Occur::Should, q))
                .collect();
            (
                Box::new(ScoredUnion(clauses(ws))),
                Box::new(BooleanQuery::new(boolean)),
            )
        };
        let queries = [
            union(&["alpha"]),
            union(&["alpha", "gamma"]),
            union(&["beta", "delta", "omega", "sigma", "nothing"]),
            {
                let (scored, boolean) = union(&["alpha", "beta"]);
                let with = |q| -> Box<dyn Query> {
                    Box::new(BooleanQuery::new(vec![
                        (Occur::Must, term(text, "sigma")),
                        (Occur::Should, q),
                    ]))
                };
                (with(scored), with(boolean))
            },
            union(&["nothing"]),
        ];
        let mut compared = 0;
        for (scored, query) in &queries {
            for k in [1, 7, 80, 20_000] {
                let top = TopDocs::with_limit(k).order_by_score();
                let ours = searcher.search(&**scored, &top).unwrap();
                let theirs = searcher.search(&**query, &top).unwrap();
                // Both sum the same term scores, in another order: equal up to rounding.
                assert_eq!(ours.len(), theirs.len(), "{query:?}, k = {k}");
                for (a, b) in ours.iter().zip(&theirs) {
                    assert!(
                        (a.0 - b.0).abs() < 1e-5,
                        "{query:?}, k = {k}: {a:?} vs {b:?}"
                    );
                }
                // The same passages, except those tied with the k-th by rounding.
                let Some(last) = theirs.last().map(|t| t.0 + 1e-5) else {
                    continue;
                };
                let above = |found: &[(Score, DocAddress)]| -> Vec<DocAddress> {
                    let mut docs: Vec<_> =
                        found.iter().filter(|f| f.0 > last).map(|f| f.1).collect();
                    docs.sort();
                    docs
                };
                assert_eq!(above(&ours), above(&theirs), "{query:?}, k = {k}");
                compared += above(&ours).len();
            }
        }
        assert!(compared > 10_000, "{compared}");
    }

    #[test]
    fn rescoring_candidates_gives_the_scores_of_the_equivalent_tantivy_query() {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT | STORED);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let words = ["alpha", "beta", "gamma", "delta", "omega"];
        for i in 0..500usize {
            let body: Vec<&str> = (0..1 + i % 7).map(|j| words[(i * 7 + j * 3) % 5]).collect();
            writer.add_document(doc!(text => body.join(" "))).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let scoring = Scoring::Sum(vec![
            (
                1.0,
                Scoring::Max(
                    vec![
                        (1.0, Scoring::Leaf(term(text, "alpha"))),
                        (0.7, Scoring::Leaf(term(text, "beta"))),
                    ],
                    0.1,
                ),
            ),
            (
                1.5,
                Scoring::Tag(3, Box::new(Scoring::Leaf(term(text, "gamma")))),
            ),
        ]);
        let tantivy_query = BooleanQuery::new(vec![
            (
                Occur::Should,
                Box::new(DisjunctionMaxQuery::with_tie_breaker(
                    vec![
                        term(text, "alpha"),
                        Box::new(BoostQuery::new(term(text, "beta"), 0.7)),
                    ],
                    0.1,
                )) as Box<dyn Query>,
            ),
            (
                Occur::Should,
                Box::new(BoostQuery::new(term(text, "gamma"), 1.5)),
            ),
        ]);
        let first = BooleanQuery::new(
            ["alpha", "beta", "gamma"]
                .iter()
                .map(|w| (Occur::Should, term(text, w)))
                .collect(),
        );
        let ranked = Ranked {
            first: Box::new(first),
            full: scoring,
        };
        // Every matching passage is a candidate: the ranking must be tantivy's own.
        // Passages tied with the 20th are kept too (the caller cuts by article).
        let mut ours = best(&searcher, &ranked, 500, 20).unwrap();
        ours.truncate(20);
        let theirs = searcher
            .search_with_statistics_provider(
                &tantivy_query,
                &TopDocs::with_limit(20).order_by_score(),
                &super::super::stats::Stats(&searcher),
            )
            .unwrap();
        assert_eq!(ours.len(), theirs.len());
        let gamma = Term::from_field_text(text, "gamma");
        for hit in &ours {
            let doc: tantivy::TantivyDocument = searcher.doc(hit.address).unwrap();
            let body = tantivy::schema::Value::as_str(&doc.get_first(text).unwrap())
                .unwrap()
                .to_string();
            assert_eq!(
                hit.tags == 1 << 3,
                body.split(' ').any(|w| w == "gamma"),
                "{body}: {:b}",
                hit.tags
            );
        }
        assert!(searcher.doc_freq(&gamma).unwrap() > 0);
        for (a, (b, _)) in ours.iter().zip(&theirs) {
            assert!((a.score - b).abs() < 1e-4, "{} vs {b}", a.score);
        }
    }
}
