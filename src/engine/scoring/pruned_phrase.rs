//! A phrase ranked on its own without checking positions where they cannot matter.
//!
//! A phrase cannot occur in a passage more often than any of its words (less that word's
//! repeats in the phrase), so [`PrunedPhrase`] walks the rarest word's postings, bounds each
//! passage's score from the term frequencies word by word, and compares positions only where
//! the bound beats the collector's threshold. The passages and scores are those of tantivy's
//! `PhraseQuery` (a property test compares them); everything but ranking is tantivy's.

use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EnableScoring, Explanation, PhraseQuery, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, TERMINATED, Term};

/// An exact phrase (no slop) whose ranking skips position checks that cannot change it.
#[derive(Debug, Clone)]
pub struct PrunedPhrase {
    query: PhraseQuery,
}

impl PrunedPhrase {
    /// The phrase of `terms`, in order, of one field; at least two.
    pub fn new(terms: Vec<Term>) -> PrunedPhrase {
        PrunedPhrase {
            query: PhraseQuery::new(terms),
        }
    }
}

impl Query for PrunedPhrase {
    fn weight(&self, enable: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let inner = self.query.weight(enable)?;
        // The terms in phrase order, at offsets 0, 1, 2… (as `PhraseQuery::new` places them).
        let terms = self.query.phrase_terms();
        let bm25 = match enable {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => Some(Bm25Weight::for_terms(statistics_provider, &terms)?),
            EnableScoring::Disabled { .. } => None,
        };
        let terms = terms.into_iter().enumerate().collect();
        Ok(Box::new(PrunedPhraseWeight { inner, terms, bm25 }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.query.query_terms(visitor);
    }
}

struct PrunedPhraseWeight {
    /// tantivy's phrase weight, for everything but ranking.
    inner: Box<dyn Weight>,
    terms: Vec<(usize, Term)>,
    /// The phrase's BM25 weight, as tantivy's phrase weight computes it; `None` when scoring
    /// is off.
    bm25: Option<Bm25Weight>,
}

impl Weight for PrunedPhraseWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.inner.scorer(reader, boost)
    }

    fn scorer_danger(
        &self,
        reader: &SegmentReader,
        target: DocId,
        boost: Score,
    ) -> tantivy::Result<(SeekDangerResult, Box<dyn Scorer>)> {
        self.inner.scorer_danger(reader, target, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.inner.explain(reader, doc)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.inner.count(reader)
    }

    fn for_each(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score),
    ) -> tantivy::Result<()> {
        self.inner.for_each(reader, callback)
    }

    fn for_each_no_score(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(&[DocId]),
    ) -> tantivy::Result<()> {
        self.inner.for_each_no_score(reader, callback)
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        let (Some(bm25), [(_, first), ..]) = (&self.bm25, self.terms.as_slice()) else {
            return self.inner.for_each_pruning(threshold, reader, callback);
        };
        let Some(fieldnorms) = reader.fieldnorms_readers().get_field(first.field())? else {
            return self.inner.for_each_pruning(threshold, reader, callback);
        };
        // Each word's postings, with the offset that brings its positions to the phrase's
        // start (as tantivy's phrase scorer aligns them); the rarest word leads.
        let last = self.terms.iter().map(|(at, _)| *at).max().unwrap_or(0);
        // A word the phrase has m times needs m - 1 more occurrences than the phrase has
        // ("year on year" twice: "year" three times at least; the positions of k phrases
        // and m offsets add up to k + m - 1 positions at least).
        let mut words: Vec<Word> = Vec::with_capacity(self.terms.len());
        for (at, term) in &self.terms {
            let inverted = reader.inverted_index(term.field())?;
            let Some(postings) =
                inverted.read_postings(term, IndexRecordOption::WithFreqsAndPositions)?
            else {
                return Ok(());
            };
            let repeats = self.terms.iter().filter(|(_, t)| t == term).count() as u32 - 1;
            words.push(Word {
                offset: (last - at) as u32,
                repeats,
                postings,
            });
        }
        words.sort_by_key(|w| w.postings.size_hint());
        let mut threshold = threshold;
        let mut starts: Vec<u32> = Vec::new();
        let mut other: Vec<u32> = Vec::new();
        let mut doc = words[0].postings.doc();
        'docs: while doc != TERMINATED {
            // The phrase occurs at most as often as each word (less its repeats): as soon as
            // that bound cannot beat the threshold, the passage is passed by, before the other
            // words' postings are sought (the rarest word first).
            let fieldnorm = fieldnorms.fieldnorm_id(doc);
            let beats = |most: u32| most > 0 && bm25.score(fieldnorm, most) > threshold;
            let mut most = words[0].most();
            if !beats(most) {
                doc = words[0].postings.advance();
                continue;
            }
            for i in 1..words.len() {
                let postings = &mut words[i].postings;
                let at = if postings.doc() < doc {
                    postings.seek(doc)
                } else {
                    postings.doc()
                };
                if at != doc {
                    doc = words[0].postings.seek(at);
                    continue 'docs;
                }
                most = most.min(words[i].most());
                if !beats(most) {
                    doc = words[0].postings.advance();
                    continue 'docs;
                }
            }
            let first = &mut words[0];
            first
                .postings
                .positions_with_offset(first.offset, &mut starts);
            for w in &mut words[1..] {
                w.postings.positions_with_offset(w.offset, &mut other);
                intersect(&mut starts, &other);
                if starts.is_empty() {
                    break;
                }
            }
            if !starts.is_empty() {
                let score = bm25.score(fieldnorm, starts.len() as u32);
                if score > threshold {
                    threshold = callback(doc, score);
                }
            }
            doc = words[0].postings.advance();
        }
        Ok(())
    }
}

/// One word of the phrase in a segment.
struct Word {
    /// What brings its positions to the phrase's start.
    offset: u32,
    /// How many more times the phrase has this word.
    repeats: u32,
    postings: SegmentPostings,
}

impl Word {
    /// How often the phrase can occur in the current passage, for this word.
    fn most(&self) -> u32 {
        self.postings.term_freq().saturating_sub(self.repeats)
    }
}

/// Keeps in `left` the positions that are also in `right` (both sorted, without repeats).
fn intersect(left: &mut Vec<u32>, right: &[u32]) {
    let mut kept = 0;
    let mut j = 0;
    for i in 0..left.len() {
        let x = left[i];
        while j < right.len() && right[j] < x {
            j += 1;
        }
        if j < right.len() && right[j] == x {
            left[kept] = x;
            kept += 1;
            j += 1;
        }
    }
    left.truncate(kept);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::schema::{INDEXED, Schema, TEXT};
    use tantivy::{Index, doc};

    const WORDS: [&str; 4] = ["year", "on", "the", "rise"];

    /// Passages of the four words in segments, some deleted; each phrase ranked top `k`
    /// by [`PrunedPhrase`] and by tantivy's `PhraseQuery`.
    fn same_as_tantivy(segments: &[Vec<Vec<usize>>], deleted: &[u64], phrases: &[Vec<usize>]) {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let id = schema.add_u64_field("id", INDEXED);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        let mut n = 0u64;
        for segment in segments {
            for body in segment {
                let body: Vec<&str> = body.iter().map(|&w| WORDS[w]).collect();
                writer
                    .add_document(doc!(text => body.join(" "), id => n))
                    .unwrap();
                n += 1;
            }
            writer.commit().unwrap();
        }
        for &d in deleted {
            writer.delete_term(Term::from_field_u64(id, d));
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        for words in phrases {
            let terms: Vec<Term> = words
                .iter()
                .map(|&w| Term::from_field_text(text, WORDS[w]))
                .collect();
            let ours = PrunedPhrase::new(terms.clone());
            let theirs = PhraseQuery::new(terms);
            for k in [1, 2, 5, 20, 1_000] {
                let top = TopDocs::with_limit(k).order_by_score();
                assert_eq!(
                    searcher.search(&ours, &top).unwrap(),
                    searcher.search(&theirs, &top).unwrap(),
                    "{words:?}, top {k}"
                );
            }
            assert_eq!(
                searcher.search(&ours, &Count).unwrap(),
                searcher.search(&theirs, &Count).unwrap()
            );
        }
    }

    #[test]
    fn ranks_as_tantivys_phrase_on_long_postings() {
        // Thousands of passages (postings over many blocks), repeated words, a phrase made of
        // one word twice, and deletions.
        let mut state = 7u64;
        let mut next = move |m: usize| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) as usize) % m
        };
        let segments: Vec<Vec<Vec<usize>>> = (0..3)
            .map(|_| {
                (0..3_000)
                    .map(|_| (0..1 + next(12)).map(|_| next(4)).collect())
                    .collect()
            })
            .collect();
        let phrases = [
            vec![0, 1, 0],
            vec![0, 1],
            vec![2, 3],
            vec![0, 0],
            vec![1, 2, 3, 0],
            vec![3, 3, 3],
        ];
        same_as_tantivy(&segments, &[3, 500, 4_100, 8_999], &phrases);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        #[test]
        fn ranks_as_tantivys_phrase(
            segments in prop::collection::vec(
                prop::collection::vec(prop::collection::vec(0..4usize, 1..10), 1..300),
                1..4,
            ),
            deleted in prop::collection::vec(0..600u64, 0..6),
            phrases in prop::collection::vec(prop::collection::vec(0..4usize, 2..5), 1..4),
        ) {
            same_as_tantivy(&segments, &deleted, &phrases);
        }
    }
}
