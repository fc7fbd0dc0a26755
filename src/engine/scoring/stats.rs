//! BM25 statistics that depend only on the passages alive in the index, not on how they are
//! split into segments or whether deleted passages were merged away yet.
//!
//! tantivy's own statistics count every document a segment ever held (`max_doc`), and a
//! merge of segments with deletions estimates the merged token count from the stored field
//! norms while a fresh segment keeps the exact count: an index updated in place and a fresh
//! build of the same passages would score alike only by chance. Here the number of documents
//! is the live one and the token count of a field is the sum of the field norms of the live
//! documents (the estimate tantivy's merger makes), for every segment alike. Document
//! frequencies are tantivy's; they are exact once the segments holding deletions are merged
//! (`index::incremental`).

use std::sync::{LazyLock, Mutex};

use rustc_hash::FxHashMap;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::index::SegmentId;
use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::Field;
use tantivy::{Searcher, SegmentReader, Term};

/// Token counts per (segment, deletions seen, field): computed once per segment state.
type Key = (SegmentId, u32, u32);

static TOKENS: LazyLock<Mutex<FxHashMap<Key, u64>>> = LazyLock::new(Default::default);
/// Entries kept before the table is emptied (segments merged away leave stale ones).
const MAX_ENTRIES: usize = 4096;

/// The statistics of one searcher.
pub struct Stats<'a>(pub &'a Searcher);

impl Bm25StatisticsProvider for Stats<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        let mut total = 0;
        for segment in self.0.segment_readers() {
            total += segment_tokens(segment, field)?;
        }
        Ok(total)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.0.num_docs())
    }

    /// tantivy's count, which includes deleted passages until their segment is merged: never
    /// more than the live passages (tantivy's idf refuses that, with a panic).
    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        Ok(self.0.doc_freq(term)?.min(self.0.num_docs()))
    }
}

fn segment_tokens(segment: &SegmentReader, field: Field) -> tantivy::Result<u64> {
    let key = (
        segment.segment_id(),
        segment.num_deleted_docs(),
        field.field_id(),
    );
    if let Some(&known) = TOKENS.lock().ok().as_ref().and_then(|t| t.get(&key)) {
        return Ok(known);
    }
    let tokens = match segment.fieldnorms_readers().get_field(field)? {
        Some(norms) => live_tokens(segment, &norms),
        None => segment.inverted_index(field)?.total_num_tokens(),
    };
    if let Ok(mut table) = TOKENS.lock() {
        if table.len() >= MAX_ENTRIES {
            table.clear();
        }
        table.insert(key, tokens);
    }
    Ok(tokens)
}

/// The sum of the field norms of the segment's live documents.
fn live_tokens(segment: &SegmentReader, norms: &FieldNormReader) -> u64 {
    let mut count = [0u64; 256];
    for doc in segment.doc_ids_alive() {
        count[norms.fieldnorm_id(doc) as usize] += 1;
    }
    count
        .iter()
        .enumerate()
        .map(|(id, n)| n * u64::from(FieldNormReader::id_to_fieldnorm(id as u8)))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::indexer::NoMergePolicy;
    use tantivy::query::{Bm25Weight, TermQuery};
    use tantivy::schema::{IndexRecordOption, STRING, Schema, TEXT};
    use tantivy::{Index, IndexWriter, TantivyDocument, doc};

    #[test]
    fn a_word_of_deleted_passages_not_yet_merged_away_scores_without_a_panic() {
        let mut schema = Schema::builder();
        let id = schema.add_text_field("id", STRING);
        let text = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter<TantivyDocument> =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(NoMergePolicy));
        for n in 0..10 {
            writer
                .add_document(doc!(id => n.to_string(), text => "chips rally"))
                .unwrap();
        }
        writer.commit().unwrap();
        // Nine of the ten go: "chips" is in ten documents of the segment, one of them alive.
        for n in 0..9 {
            writer.delete_term(Term::from_field_text(id, &n.to_string()));
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.num_docs(), 1);
        let term = Term::from_field_text(text, "chips");
        assert_eq!(searcher.doc_freq(&term).unwrap(), 10);
        let stats = Stats(&searcher);
        assert_eq!(stats.doc_freq(&term).unwrap(), 1);
        let weight = Bm25Weight::for_terms(&stats, std::slice::from_ref(&term)).unwrap();
        assert!(weight.score(1, 2).is_finite());
        let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
        let hits = searcher
            .search(
                &query,
                &tantivy::collector::TopDocs::with_limit(5).order_by_score(),
            )
            .unwrap();
        assert_eq!(hits.len(), 1);
    }
}
