//! `!sources`: the articles and their attribution; `!latest`: the newest of them.

use super::*;
use crate::index::build::ArticleEntry;

pub fn sources(snapshot: &Snapshot) -> Found {
    Found::Done(Answer::Sources {
        sources: snapshot.manifest.articles.iter().map(source).collect(),
    })
}

/// The `n` newest articles: by publication date, then by when they were fetched; undated ones
/// after every dated one.
pub fn latest(snapshot: &Snapshot, n: usize) -> Found {
    let mut articles: Vec<&ArticleEntry> = snapshot.manifest.articles.iter().collect();
    articles.sort_by(|a, b| {
        let key = |x: &ArticleEntry| (x.meta.date.clone(), x.meta.fetched.clone());
        key(b).cmp(&key(a)).then_with(|| a.slug.cmp(&b.slug))
    });
    Found::Done(Answer::Sources {
        sources: articles.into_iter().take(n).map(source).collect(),
    })
}

fn source(a: &ArticleEntry) -> Source {
    Source {
        source: Attribution {
            article: a.slug.clone(),
            publisher: a.meta.publisher.clone(),
            title: a.meta.title.clone(),
            date: a.meta.date.clone(),
            url: a.meta.url.clone(),
        },
        via: a.meta.via.clone(),
        notes: a.meta.notes.clone(),
        passages: a.passages,
    }
}
