//! `!about`: the corpus and the index in figures.

use super::*;

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
