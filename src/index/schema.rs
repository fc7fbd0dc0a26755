//! The one schema type: owns the passage fields and turns passages into documents and back.

use tantivy::schema::{
    Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TantivyDocument, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::{DocAddress, Index, Searcher};

use super::Manifest;
use super::tokenizer;
use crate::corpus::{Article, Passage};

/// Fields of a passage document.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// The passage, stemmed, with positions for phrases; stored verbatim.
    pub text: Field,
    /// The heading above the paragraph.
    pub section: Field,
    /// Publisher, via and slug words, for `source:` filters.
    pub source: Field,
    pub article: Field,
    pub paragraph: Field,
    pub part: Field,
}

impl Fields {
    pub fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let text_options = |name: &str, record: IndexRecordOption| {
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(name)
                    .set_index_option(record),
            )
        };
        let positions = IndexRecordOption::WithFreqsAndPositions;
        let fields = Fields {
            text: b.add_text_field("text", text_options(tokenizer::STEMMED, positions) | STORED),
            section: b.add_text_field(
                "section",
                text_options(tokenizer::STEMMED, positions) | STORED,
            ),
            source: b.add_text_field(
                "source",
                text_options(tokenizer::PLAIN, IndexRecordOption::Basic),
            ),
            article: b.add_text_field("article", STRING | STORED),
            paragraph: b.add_u64_field("paragraph", INDEXED | STORED),
            part: b.add_u64_field("part", STORED),
        };
        (b.build(), fields)
    }

    /// The fields of an opened index (built by [`Fields::schema`]).
    pub fn of(index: &Index) -> tantivy::Result<Fields> {
        let s = index.schema();
        Ok(Fields {
            text: s.get_field("text")?,
            section: s.get_field("section")?,
            source: s.get_field("source")?,
            article: s.get_field("article")?,
            paragraph: s.get_field("paragraph")?,
            part: s.get_field("part")?,
        })
    }

    pub fn document(&self, article: &Article, passage: &Passage) -> TantivyDocument {
        let meta = &article.meta;
        let mut doc = TantivyDocument::new();
        doc.add_text(self.text, &passage.text);
        if let Some(section) = &passage.section {
            doc.add_text(self.section, section);
        }
        doc.add_text(
            self.source,
            source_text(
                meta.publisher.as_deref(),
                meta.via.as_deref(),
                &article.slug,
            ),
        );
        doc.add_text(self.article, &article.slug);
        doc.add_u64(self.paragraph, u64::from(passage.paragraph));
        doc.add_u64(self.part, u64::from(passage.part));
        doc
    }

    /// Reads a stored passage back, with its article's attribution from `manifest` (stored
    /// once per article there, not with every passage).
    pub fn load(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        manifest: &Manifest,
    ) -> tantivy::Result<StoredPassage> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let number =
            |field: Field| doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0) as u32;
        let article = text(self.article).unwrap_or_default();
        let Some(entry) = manifest.article(&article) else {
            return Err(tantivy::TantivyError::InternalError(format!(
                "passage of article “{article}”, which the manifest does not list"
            )));
        };
        let meta = &entry.meta;
        Ok(StoredPassage {
            paragraph: number(self.paragraph),
            part: number(self.part),
            section: text(self.section),
            text: text(self.text).unwrap_or_default(),
            publisher: meta.publisher.clone(),
            title: meta.title.clone(),
            date: meta.date.clone(),
            url: meta.url.clone(),
            article,
        })
    }
}

/// What `source:` filters look at: the publisher, the syndicating site and the slug.
pub fn source_text(publisher: Option<&str>, via: Option<&str>, slug: &str) -> String {
    [publisher, via, Some(slug)]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A passage as stored in the index, with its article's attribution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPassage {
    pub article: String,
    pub paragraph: u32,
    pub part: u32,
    pub section: Option<String>,
    pub text: String,
    pub publisher: Option<String>,
    pub title: String,
    pub date: Option<String>,
    pub url: Option<String>,
}

impl StoredPassage {
    /// The reference `!quote` takes: `slug:paragraph`.
    pub fn reference(&self) -> String {
        format!("{}:{}", self.article, self.paragraph)
    }
}

/// Registers the analyzers the schema names.
pub fn register_tokenizers(index: &Index) {
    index
        .tokenizers()
        .register(tokenizer::STEMMED, tokenizer::stemmed());
    index
        .tokenizers()
        .register(tokenizer::PLAIN, tokenizer::plain());
}
