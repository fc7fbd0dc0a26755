//! The engine's answers over differently built indexes of the same corpus.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::Index;

use super::{Answer, Engine};
use crate::index::{Fields, Snapshot, schema};

/// The first page of the answer to a message, as a one-off command.
fn answer(engine: &Engine, text: &str) -> Option<Answer> {
    let knowledge = engine.knowledge();
    let invocation = crate::command::parse(text, &engine.grammar(&knowledge))?;
    let page_size = engine.config().page_size;
    Some(
        engine
            .answer(&Arc::clone(&knowledge), invocation.command, page_size)
            .ok()?
            .answer(),
    )
}

/// The seed corpus with one segment per article, as a build that flushes often would
/// leave it.
fn segment_per_article(data: &Path) -> Snapshot {
    let reference = Snapshot::in_ram(data).unwrap();
    let (schema, _) = Fields::schema();
    let index = Index::create_in_ram(schema);
    schema::register_tokenizers(&index);
    let fields = Fields::of(&index).unwrap();
    let mut writer: tantivy::IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
    for file in crate::corpus::article_files(data).unwrap() {
        let article = crate::corpus::load_file(&file).unwrap();
        for passage in &article.passages() {
            writer
                .add_document(fields.document(&article, passage))
                .unwrap();
        }
        writer.commit().unwrap();
    }
    writer.wait_merging_threads().unwrap();
    Snapshot::from_index(index, reference.manifest, reference.words, PathBuf::new()).unwrap()
}

/// The seed corpus merged into one segment.
fn one_segment(data: &Path) -> Snapshot {
    let snapshot = Snapshot::in_ram(data).unwrap();
    let ids = snapshot.index.searchable_segment_ids().unwrap();
    if ids.len() > 1 {
        let mut writer: tantivy::IndexWriter = snapshot
            .index
            .writer_with_num_threads(1, 15_000_000)
            .unwrap();
        writer.merge(&ids).wait().unwrap();
        writer.wait_merging_threads().unwrap();
    }
    snapshot.reader.reload().unwrap();
    snapshot
}

/// An answer with its passages' scores set apart.
fn without_scores(answer: Option<Answer>) -> (Option<Answer>, Vec<f32>) {
    let mut scores = Vec::new();
    let mut answer = answer;
    if let Some(Answer::Passages(passages)) = &mut answer {
        for hit in &mut passages.hits {
            scores.push(std::mem::take(&mut hit.score));
        }
    }
    (answer, scores)
}

#[test]
fn answers_do_not_depend_on_how_the_index_is_split_into_segments() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let split = segment_per_article(&data);
    let whole = one_segment(&data);
    assert!(split.reader.searcher().segment_readers().len() >= 5);
    assert_eq!(whole.reader.searcher().segment_readers().len(), 1);
    let split = Engine::in_ram_from(split, &data);
    let whole = Engine::in_ram_from(whole, &data);
    let commands = [
        "!capex",
        "!chips",
        "!qwen",
        "!stock",
        "!analysts",
        "!cloud",
        "!datacenters",
        "!competitors",
        "!ask how much will Alibaba spend on AI infrastructure?",
        "!ask why did Alibaba shares rise?",
        "!ask what did analysts say about cloud revenue growth",
        "!search Nvidia",
        "!search \"data centers\" -Brazil",
        "!search the",
        "!search chips OR semiconductors",
        "!figures",
    ];
    let mut differ = Vec::new();
    for command in commands {
        let (a, a_scores) = without_scores(answer(&split, command));
        let (b, b_scores) = without_scores(answer(&whole, command));
        assert!(a.is_some(), "{command}");
        // Sums over the terms of a segment may round differently in the last bit.
        let close = a_scores.len() == b_scores.len()
            && a_scores
                .iter()
                .zip(&b_scores)
                .all(|(x, y)| (x - y).abs() <= 1e-5 * x.abs().max(1.0));
        if a != b || !close {
            differ.push(command);
        }
    }
    assert!(differ.is_empty(), "answers differ: {differ:?}");
}
