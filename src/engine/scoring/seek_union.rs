//! A union for the inside of an intersection: the matches and scores of a boolean union of
//! `Should` clauses, but seeking only moves its members forward.
//!
//! tantivy's union buffers a window of documents and scores all of it at every seek past the
//! window; inside an intersection, where the other words decide which documents are looked
//! at, that work is thrown away. This union keeps no window: its score is the sum of its
//! members at the document, in clause order, as tantivy's union sums them.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

/// A union of queries matched where any of them matches, scored as the sum of those that do.
#[derive(Debug)]
pub struct SeekUnion(pub Vec<Box<dyn Query>>);

impl Clone for SeekUnion {
    fn clone(&self) -> Self {
        SeekUnion(self.0.iter().map(|q| q.box_clone()).collect())
    }
}

/// The clauses as one query: the clause itself when there is only one, else a [`SeekUnion`].
pub fn seek_union(mut clauses: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if clauses.len() == 1
        && let Some(only) = clauses.pop()
    {
        return only;
    }
    Box::new(SeekUnion(clauses))
}

impl Query for SeekUnion {
    fn weight(&self, enable: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .0
            .iter()
            .map(|q| q.weight(enable))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(UnionWeight(weights)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for query in &self.0 {
            query.query_terms(visitor);
        }
    }
}

struct UnionWeight(Vec<Box<dyn Weight>>);

impl Weight for UnionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let members = self
            .0
            .iter()
            .map(|w| w.scorer(reader, boost))
            .collect::<tantivy::Result<Vec<_>>>()?;
        let mut union = UnionScorer {
            members,
            doc: TERMINATED,
        };
        union.doc = union.first_doc();
        Ok(Box::new(union))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        let mut explanation = Explanation::new("sum of the clauses that match", scorer.score());
        for weight in &self.0 {
            if let Ok(detail) = weight.explain(reader, doc) {
                explanation.add_detail(detail);
            }
        }
        Ok(explanation)
    }
}

struct UnionScorer {
    members: Vec<Box<dyn Scorer>>,
    doc: DocId,
}

impl UnionScorer {
    fn first_doc(&self) -> DocId {
        self.members
            .iter()
            .map(|m| m.doc())
            .min()
            .unwrap_or(TERMINATED)
    }
}

impl DocSet for UnionScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        for member in &mut self.members {
            if member.doc() == self.doc {
                member.advance();
            }
        }
        self.doc = self.first_doc();
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for member in &mut self.members {
            if member.doc() < target {
                member.seek(target);
            }
        }
        self.doc = self.first_doc();
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.members
            .iter()
            .map(|m| m.size_hint())
            .fold(0u32, u32::saturating_add)
    }

    fn cost(&self) -> u64 {
        self.members.iter().map(|m| m.cost()).sum()
    }
}

impl Scorer for UnionScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        let mut total = 0.0;
        for member in &mut self.members {
            if member.doc() == doc {
                total += member.score();
            }
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::scoring::two_pass::tests::term;
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, TermQuery};
    use tantivy::schema::{STORED, Schema, TEXT};
    use tantivy::{Index, doc};

    #[test]
    fn an_intersection_of_seek_unions_ranks_as_the_intersection_of_tantivys_unions() {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT | STORED);
        let heading = schema.add_text_field("heading", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let words = ["alpha", "beta", "gamma", "delta", "omega", "sigma"];
        // Enough documents for tantivy's union to move its 4,096-document window many times.
        for i in 0..30_000usize {
            let body: Vec<&str> = (0..1 + i % 9)
                .map(|j| words[(i * 7 + j * 3 + i / 11) % 6])
                .collect();
            let head = words[(i / 5) % 6];
            writer
                .add_document(doc!(text => body.join(" "), heading => head))
                .unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let either = |word: &str, phrase: Option<&str>| -> Vec<Box<dyn Query>> {
            let mut parts = vec![
                term(text, word),
                Box::new(BoostQuery::new(term(heading, word), 0.3)) as Box<dyn Query>,
            ];
            if let Some(next) = phrase {
                parts.push(Box::new(PhraseQuery::new(vec![
                    Term::from_field_text(text, word),
                    Term::from_field_text(text, next),
                ])));
            }
            parts
        };
        let requirements = [("alpha", Some("beta")), ("gamma", Some("delta"))];
        let tantivy_union = |parts: Vec<Box<dyn Query>>| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(
                parts.into_iter().map(|q| (Occur::Should, q)).collect(),
            ))
        };
        let ours = BooleanQuery::new(
            requirements
                .iter()
                .map(|&(w, p)| (Occur::Must, seek_union(either(w, p))))
                .collect(),
        );
        let theirs = BooleanQuery::new(
            requirements
                .iter()
                .map(|&(w, p)| (Occur::Must, tantivy_union(either(w, p))))
                .collect(),
        );
        let top = |q: &dyn Query| {
            searcher
                .search(q, &TopDocs::with_limit(50).order_by_score())
                .unwrap()
        };
        let (a, b) = (top(&ours), top(&theirs));
        assert_eq!(a.len(), 50);
        assert_eq!(
            a.iter().map(|(_, d)| *d).collect::<Vec<_>>(),
            b.iter().map(|(_, d)| *d).collect::<Vec<_>>()
        );
        for ((x, _), (y, _)) in a.iter().zip(&b) {
            assert!((x - y).abs() < 1e-5, "{x} vs {y}");
        }
        assert_eq!(
            ours.count(&searcher).unwrap(),
            theirs.count(&searcher).unwrap()
        );
        // The highlighter finds every term through the union.
        let mut terms = Vec::new();
        ours.query_terms(&mut |t, _| terms.push(t.clone()));
        assert!(terms.contains(&Term::from_field_text(heading, "gamma")));
        // A union of one clause is that clause.
        let one = seek_union(vec![term(text, "alpha")]);
        assert!(one.downcast_ref::<TermQuery>().is_some());
    }
}
