//! `!sources`: the articles and their attribution.

use super::*;

pub fn sources(snapshot: &Snapshot) -> Found {
    let sources = snapshot
        .manifest
        .articles
        .iter()
        .map(|a| Source {
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
        })
        .collect();
    Found::Done(Answer::Sources { sources })
}
