//! One word or phrase ranked alone: its matches in the text, and the few in section headings.
//!
//! [`TextOrHeading`] reads the heading's matches first, with their full score, then lets the
//! text's own query skip blocks by block-max WAND, handing over each heading match in passage
//! order: the matches and scores of the union of both terms (a unit test compares them),
//! without the union's bookkeeping at every passage of a common word.

use tantivy::query::{BooleanQuery, EnableScoring, Explanation, Occur, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

/// Heading matches beyond this many in a segment: ranked as tantivy's union instead (their
/// scores are kept in memory).
const MAX_APART: usize = if cfg!(test) { 300 } else { 65_536 };

/// The union of a word's (or phrase's) text query and its section-heading query.
#[derive(Debug)]
pub struct TextOrHeading {
    pub text: Box<dyn Query>,
    pub heading: Box<dyn Query>,
}

impl Clone for TextOrHeading {
    fn clone(&self) -> Self {
        TextOrHeading {
            text: self.text.box_clone(),
            heading: self.heading.box_clone(),
        }
    }
}

impl Query for TextOrHeading {
    fn weight(&self, enable: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let union = BooleanQuery::new(vec![
            (Occur::Should, self.text.box_clone()),
            (Occur::Should, self.heading.box_clone()),
        ]);
        Ok(Box::new(TextOrHeadingWeight {
            text: self.text.weight(enable)?,
            heading: self.heading.weight(enable)?,
            union: union.weight(enable)?,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.text.query_terms(visitor);
        self.heading.query_terms(visitor);
    }
}

struct TextOrHeadingWeight {
    text: Box<dyn Weight>,
    heading: Box<dyn Weight>,
    /// tantivy's union of the two, for everything but ranking.
    union: Box<dyn Weight>,
}

impl Weight for TextOrHeadingWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        self.union.scorer(reader, boost)
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.union.explain(reader, doc)
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        self.union.count(reader)
    }

    fn for_each(
        &self,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score),
    ) -> tantivy::Result<()> {
        self.union.for_each(reader, callback)
    }

    fn for_each_pruning(
        &self,
        threshold: Score,
        reader: &SegmentReader,
        callback: &mut dyn FnMut(DocId, Score) -> Score,
    ) -> tantivy::Result<()> {
        // The heading's matches, each with the union's score: the text's score there plus the
        // heading's (two numbers add up the same in either order).
        let mut heading = self.heading.scorer(reader, 1.0)?;
        let mut text = self.text.scorer(reader, 1.0)?;
        let mut apart: Vec<(DocId, Score)> = Vec::new();
        let mut doc = heading.doc();
        while doc != TERMINATED {
            if apart.len() == MAX_APART {
                return self.union.for_each_pruning(threshold, reader, callback);
            }
            if text.doc() < doc {
                text.seek(doc);
            }
            let score = if text.doc() == doc {
                text.score() + heading.score()
            } else {
                heading.score()
            };
            apart.push((doc, score));
            doc = heading.advance();
        }
        if apart.is_empty() {
            return self.text.for_each_pruning(threshold, reader, callback);
        }
        // The text's query prunes its own blocks; the heading's matches go in between, in
        // passage order, as the collector needs them.
        let mut next = 0;
        self.text
            .for_each_pruning(threshold, reader, &mut |doc, score| {
                while let Some(&(held, full)) = apart.get(next).filter(|(held, _)| *held < doc) {
                    callback(held, full);
                    next += 1;
                }
                match apart.get(next) {
                    Some(&(held, full)) if held == doc => {
                        next += 1;
                        callback(doc, full)
                    }
                    _ => callback(doc, score),
                }
            })?;
        for &(held, full) in &apart[next..] {
            callback(held, full);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::scoring::two_pass::tests::term;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BoostQuery, PhraseQuery};
    use tantivy::schema::{STORED, Schema, TEXT};
    use tantivy::{Index, doc};

    #[test]
    fn ranks_as_the_union_of_text_and_heading() {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT | STORED);
        let heading = schema.add_text_field("heading", TEXT);
        let id = schema.add_u64_field("id", tantivy::schema::INDEXED);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        let words = ["alpha", "beta", "gamma", "delta", "omega"];
        // Three segments; repeated bodies make many equal scores. "alpha" is in many texts
        // and few headings, "beta" in headings more often than the fallback allows, "omega"
        // only in headings, "delta" in no heading; runs of passages share a heading, as the
        // passages of one section do.
        let mut n = 0u64;
        for segment in 0..3usize {
            for i in 0..4_000usize {
                let len = 1 + (i * 7 + segment) % 8;
                let body: Vec<&str> = (0..len).map(|j| words[(i % 13 + j * j) % 4]).collect();
                let head = match ((i / 40) % 10, (i / 40) % 25) {
                    (_, 0) => "alpha beta",
                    (_, 12) => "omega gamma",
                    (1..=3, _) => "beta",
                    _ => "",
                };
                writer
                    .add_document(doc!(text => body.join(" "), heading => head, id => n))
                    .unwrap();
                n += 1;
            }
            writer.commit().unwrap();
        }
        // Deleted passages must stay out.
        writer.delete_term(Term::from_field_u64(id, 17));
        writer.delete_term(Term::from_field_u64(id, 4_400));
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.segment_readers().len(), 3);
        let phrase = |field, a: &str, b: &str| -> Box<dyn Query> {
            Box::new(PhraseQuery::new(vec![
                Term::from_field_text(field, a),
                Term::from_field_text(field, b),
            ]))
        };
        let pairs: Vec<(Box<dyn Query>, Box<dyn Query>)> = vec![
            (term(text, "alpha"), term(heading, "alpha")),
            (term(text, "beta"), term(heading, "beta")),
            (term(text, "omega"), term(heading, "omega")),
            (term(text, "delta"), term(heading, "delta")),
            (
                phrase(text, "alpha", "beta"),
                phrase(heading, "alpha", "beta"),
            ),
            (
                phrase(text, "omega", "gamma"),
                phrase(heading, "omega", "gamma"),
            ),
        ];
        // Heading matches per segment for each pair: some handed in, some too many.
        let (mut apart, mut too_many) = (false, false);
        for (text_query, heading_query) in pairs {
            let heading_query: Box<dyn Query> = Box::new(BoostQuery::new(heading_query, 0.3));
            let ours = TextOrHeading {
                text: text_query.box_clone(),
                heading: heading_query.box_clone(),
            };
            let union = BooleanQuery::new(vec![
                (Occur::Should, text_query),
                (Occur::Should, heading_query),
            ]);
            for reader in searcher.segment_readers() {
                let weight = ours
                    .heading
                    .weight(EnableScoring::disabled_from_searcher(&searcher));
                let n = weight.unwrap().count(reader).unwrap() as usize;
                apart |= n > 0 && n <= MAX_APART;
                too_many |= n > MAX_APART;
            }
            for k in [1, 10, 20, 500] {
                let top = TopDocs::with_limit(k).order_by_score();
                assert_eq!(
                    searcher.search(&ours, &top).unwrap(),
                    searcher.search(&union, &top).unwrap(),
                    "{ours:?}, top {k}"
                );
            }
            assert_eq!(
                searcher.search(&ours, &Count).unwrap(),
                searcher.search(&union, &Count).unwrap()
            );
        }
        assert!(apart && too_many);
    }
}
