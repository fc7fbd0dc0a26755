//! `!digest [24h|7d|since DATE] [topic]`: the articles that arrived in a window, grouped by
//! topic (or the topic or words asked about), a story carried by several outlets once.
//!
//! An article arrived on the day it was fetched, or, for a file without that, on the day it
//! was published. Dates are days: `24h` covers yesterday and today.

use chrono::{Duration, NaiveDate};
use tantivy::collector::DocSetCollector;

use super::trend::{day, matching_articles};
use super::*;
use crate::command::Window;
use crate::engine::corroborate::{StoryText, same_story};
use crate::index::build::ArticleEntry;

/// At most this many articles of a window are told apart into stories (the newest).
pub const MAX_DIGEST_ARTICLES: usize = 400;

pub fn digest(
    ctx: &Context<'_>,
    window: Window,
    topic: Option<&str>,
) -> Result<Found, SearchError> {
    let p = ctx.prefix();
    let today = ctx.config.today();
    let (start, label) = match window {
        Window::Hours(h) => {
            let days = i64::from(h.div_ceil(24));
            let start = today - Duration::days(days);
            (start, texts::digest_window_hours(h))
        }
        Window::Since(d) => (d, format!("since {d}")),
        Window::Unreadable => {
            return Ok(Found::Done(Answer::notice(
                NoticeKind::BadInput,
                texts::DIGEST_USAGE,
                vec![
                    format!("{p}digest 24h"),
                    format!("{p}digest since 2025-09-24 capex"),
                ],
            )));
        }
    };
    let mut window_articles: Vec<(NaiveDate, &ArticleEntry)> = ctx
        .snapshot
        .manifest
        .articles
        .iter()
        .filter_map(|a| arrival(a).map(|d| (d, a)))
        .filter(|(d, _)| *d >= start)
        .collect();
    window_articles.sort_by(|(da, a), (db, b)| db.cmp(da).then_with(|| a.slug.cmp(&b.slug)));
    window_articles.truncate(MAX_DIGEST_ARTICLES);
    let groups: Vec<(String, StoredQuery)> = match topic {
        Some(t) => match StoredQuery::compile(t, ctx.knowledge) {
            Ok(q) => vec![(q.topic.clone().unwrap_or_else(|| t.to_string()), q)],
            Err(_) => {
                return Ok(Found::Done(Answer::notice(
                    NoticeKind::BadInput,
                    texts::DIGEST_USAGE,
                    vec![format!("{p}digest 24h capex")],
                )));
            }
        },
        None => ctx
            .knowledge
            .topics
            .list
            .iter()
            .filter_map(|t| {
                let q = StoredQuery::compile(&t.name, ctx.knowledge).ok()?;
                Some((t.name.clone(), q))
            })
            .collect(),
    };
    let searcher = ctx.snapshot.reader.searcher();
    let texts: Vec<StoryText> = window_articles
        .iter()
        .map(|(_, a)| story_text(ctx, &searcher, a))
        .collect::<Result<_, _>>()?;
    let mut placed = vec![false; window_articles.len()];
    let mut out = Vec::new();
    for (name, stored) in &groups {
        let matching: std::collections::HashSet<&str> = matching_articles(ctx, stored)?
            .iter()
            .map(|a| a.slug.as_str())
            .collect();
        let members: Vec<usize> = (0..window_articles.len())
            .filter(|&i| matching.contains(window_articles[i].1.slug.as_str()))
            .collect();
        for &i in &members {
            placed[i] = true;
        }
        let stories = stories(&window_articles, &texts, &members);
        if !stories.is_empty() {
            out.push(DigestGroup {
                topic: name.clone(),
                stories,
            });
        }
    }
    if topic.is_none() {
        let rest: Vec<usize> = (0..window_articles.len()).filter(|&i| !placed[i]).collect();
        let stories = stories(&window_articles, &texts, &rest);
        if !stories.is_empty() {
            out.push(DigestGroup {
                topic: texts::DIGEST_OTHER.to_string(),
                stories,
            });
        }
    }
    let articles = if topic.is_some() {
        out.iter()
            .flat_map(|g| &g.stories)
            .map(|s| 1 + s.also_reported_by.len())
            .sum()
    } else {
        window_articles.len()
    };
    if out.is_empty() {
        let what = topic.map(|t| format!(" on {t}")).unwrap_or_default();
        return Ok(Found::Done(Answer::notice(
            NoticeKind::NoHits,
            texts::nothing_new(&what, &label),
            vec![format!("{p}digest 7d"), format!("{p}latest")],
        )));
    }
    Ok(Found::Done(Answer::Digest(Digest {
        window: label,
        groups: out,
        articles,
    })))
}

/// The day an article arrived: fetched, else published.
fn arrival(a: &ArticleEntry) -> Option<NaiveDate> {
    day(a.meta.fetched.as_deref()).or_else(|| day(a.meta.date.as_deref()))
}

/// The stories among some of the window's articles (newest first): each article joins the
/// first story it is the same story as, the earliest published article leads it.
fn stories(
    articles: &[(NaiveDate, &ArticleEntry)],
    texts: &[StoryText],
    members: &[usize],
) -> Vec<Story> {
    let mut clusters: Vec<Vec<usize>> = Vec::new();
    for &i in members {
        match clusters
            .iter_mut()
            .find(|c| c.iter().any(|&j| same_story(&texts[i], &texts[j])))
        {
            Some(c) => c.push(i),
            None => clusters.push(vec![i]),
        }
    }
    clusters
        .into_iter()
        .map(|mut c| {
            c.sort_by(|&a, &b| {
                let key = |i: usize| {
                    (
                        articles[i].1.meta.date.clone().is_none(),
                        articles[i].1.meta.date.clone(),
                        articles[i].1.slug.clone(),
                    )
                };
                key(a).cmp(&key(b))
            });
            let attribution = |i: usize| attribution_of(articles[i].1);
            Story {
                source: attribution(c[0]),
                also_reported_by: c[1..].iter().map(|&i| attribution(i)).collect(),
            }
        })
        .collect()
}

fn attribution_of(a: &ArticleEntry) -> Attribution {
    Attribution {
        article: a.slug.clone(),
        publisher: a.meta.publisher.clone(),
        title: a.meta.title.clone(),
        date: a.meta.date.clone(),
        url: a.meta.url.clone(),
    }
}

fn story_text(
    ctx: &Context<'_>,
    searcher: &Searcher,
    a: &ArticleEntry,
) -> Result<StoryText, SearchError> {
    let passages = passages_of(ctx.snapshot, searcher, &a.slug)?;
    Ok(StoryText::new(
        &a.meta.title,
        passages.iter().map(|p| p.text.as_str()),
    ))
}

/// The passages of an article, in order.
pub fn passages_of(
    snapshot: &Snapshot,
    searcher: &Searcher,
    slug: &str,
) -> Result<Vec<StoredPassage>, SearchError> {
    let term = Term::from_field_text(snapshot.fields.article, slug);
    let docs = searcher.search(
        &TermQuery::new(term, IndexRecordOption::Basic),
        &DocSetCollector,
    )?;
    let mut out = docs
        .into_iter()
        .map(|d| snapshot.fields.load(searcher, d, &snapshot.manifest))
        .collect::<Result<Vec<_>, _>>()?;
    out.sort_by_key(|p| (p.paragraph, p.part));
    Ok(out)
}
