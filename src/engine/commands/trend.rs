//! `!trend <topic or search> [30d|12w]`: how many articles matched, day by day or week by
//! week, stacked by outlet. A topic or search matches an article when it matches one of its
//! passages, as a watch would (`engine::percolate`).

use chrono::{Datelike, Duration, NaiveDate};
use tantivy::collector::DocSetCollector;

use super::*;
use crate::command::Span;
use crate::index::build::ArticleEntry;

pub fn trend(ctx: &Context<'_>, what: &str, span: Span) -> Result<Found, SearchError> {
    let p = ctx.prefix();
    let usage = || {
        Found::Done(Answer::notice(
            NoticeKind::BadInput,
            texts::TREND_WHAT,
            vec![
                format!("{p}trend capex"),
                format!("{p}trend \"data centers\" 12w"),
            ],
        ))
    };
    if what.trim().is_empty() {
        return Ok(usage());
    }
    let Ok(stored) = StoredQuery::compile(what, ctx.knowledge) else {
        return Ok(usage());
    };
    let articles = matching_articles(ctx, &stored)?;
    let dated: Vec<(NaiveDate, &ArticleEntry)> = articles
        .iter()
        .filter_map(|a| day(a.meta.date.as_deref().or(a.meta.fetched.as_deref())).map(|d| (d, *a)))
        .collect();
    let undated = articles.len() - dated.len();
    let label = stored
        .topic
        .clone()
        .unwrap_or_else(|| what.trim().to_string());
    let trend = chart(&label, &dated, ctx.config.today(), span, undated);
    Ok(Found::Done(Answer::Trend(trend)))
}

/// The articles with a passage the stored query matches.
pub(super) fn matching_articles<'s>(
    ctx: &'s Context<'_>,
    stored: &StoredQuery,
) -> Result<Vec<&'s ArticleEntry>, SearchError> {
    let searcher = ctx.snapshot.reader.searcher();
    let docs = searcher.search(&*stored.to_query(&ctx.snapshot.fields), &DocSetCollector)?;
    let map = ctx.snapshot.doc_articles(&searcher);
    let mut positions: Vec<usize> = docs
        .iter()
        .filter_map(|d| {
            map.get(d.segment_ord as usize)?
                .get(d.doc_id as usize)
                .copied()
        })
        .filter(|&p| p != u32::MAX)
        .map(|p| p as usize)
        .collect();
    positions.sort_unstable();
    positions.dedup();
    let articles = &ctx.snapshot.manifest.articles;
    Ok(positions
        .into_iter()
        .filter_map(|p| articles.get(p))
        .collect())
}

/// The day a front-matter date names (`2025-09-24`, or a timestamp starting with one).
pub(super) fn day(date: Option<&str>) -> Option<NaiveDate> {
    let date = date?;
    NaiveDate::parse_from_str(date.get(..10)?, "%Y-%m-%d").ok()
}

/// The buckets of a span ending `today`, and each article counted in its bucket by outlet.
pub fn chart(
    label: &str,
    articles: &[(NaiveDate, &ArticleEntry)],
    today: NaiveDate,
    span: Span,
    undated: usize,
) -> Trend {
    let (unit, count, step) = match span {
        Span::Days(n) => (TrendUnit::Day, n, 1),
        Span::Weeks(n) => (TrendUnit::Week, n, 7),
    };
    let last = match unit {
        TrendUnit::Day => today,
        TrendUnit::Week => {
            today - Duration::days(i64::from(today.weekday().num_days_from_monday()))
        }
    };
    let first = last - Duration::days(i64::from(count.saturating_sub(1)) * step);
    let outlet = |a: &ArticleEntry| {
        Attribution {
            article: a.slug.clone(),
            publisher: a.meta.publisher.clone(),
            title: a.meta.title.clone(),
            date: None,
            url: None,
        }
        .outlet()
    };
    let in_span: Vec<(usize, String)> = articles
        .iter()
        .filter(|(d, _)| *d >= first && *d < last + Duration::days(step))
        .map(|(d, a)| (((*d - first).num_days() / step) as usize, outlet(a)))
        .collect();
    let mut totals: Vec<(String, usize)> = Vec::new();
    for (_, name) in &in_span {
        match totals.iter_mut().find(|(n, _)| n == name) {
            Some((_, c)) => *c += 1,
            None => totals.push((name.clone(), 1)),
        }
    }
    totals.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let outlets: Vec<String> = totals.into_iter().map(|(n, _)| n).collect();
    let mut buckets: Vec<TrendBucket> = (0..count)
        .map(|i| TrendBucket {
            start: (first + Duration::days(i64::from(i) * step)).to_string(),
            counts: vec![0; outlets.len()],
        })
        .collect();
    for (bucket, name) in in_span {
        let o = outlets.iter().position(|n| *n == name).unwrap_or(0);
        if let Some(c) = buckets.get_mut(bucket).and_then(|b| b.counts.get_mut(o)) {
            *c += 1;
        }
    }
    let per = match unit {
        TrendUnit::Day => "day",
        TrendUnit::Week => "week",
    };
    Trend {
        query: label.to_string(),
        heading: texts::trend_heading(label, per, count),
        unit,
        buckets,
        outlets,
        undated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::ArticleMeta;

    fn entry(slug: &str, publisher: Option<&str>) -> ArticleEntry {
        ArticleEntry {
            slug: slug.into(),
            meta: ArticleMeta {
                title: format!("Title of {slug}"),
                publisher: publisher.map(str::to_string),
                ..ArticleMeta::default()
            },
            paragraphs: 1,
            passages: 1,
        }
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn days_are_counted_per_outlet_most_articles_first() {
        let (a, b, c) = (
            entry("a", Some("Reuters")),
            entry("b", Some("Bloomberg")),
            entry("c", Some("Reuters")),
        );
        let old = entry("old", Some("Reuters"));
        let articles = [
            (d("2026-12-04"), &a),
            (d("2026-12-02"), &b),
            (d("2026-12-04"), &c),
            (d("2026-10-01"), &old),
        ];
        let t = chart("capex", &articles, d("2026-12-04"), Span::Days(3), 2);
        assert_eq!(t.outlets, ["Reuters", "Bloomberg"]);
        let starts: Vec<&str> = t.buckets.iter().map(|b| b.start.as_str()).collect();
        assert_eq!(starts, ["2026-12-02", "2026-12-03", "2026-12-04"]);
        let counts: Vec<Vec<usize>> = t.buckets.iter().map(|b| b.counts.clone()).collect();
        assert_eq!(counts, [vec![0, 1], vec![0, 0], vec![2, 0]]);
        assert_eq!((t.total(), t.undated, t.unit), (3, 2, TrendUnit::Day));
    }

    #[test]
    fn weeks_start_on_monday_and_unknown_outlets_stay_apart() {
        let (a, b) = (entry("a", None), entry("b", None));
        // 2026-12-04 is a Friday: its week starts on Monday 2026-11-30.
        let articles = [(d("2026-11-30"), &a), (d("2026-11-29"), &b)];
        let t = chart("x", &articles, d("2026-12-04"), Span::Weeks(2), 0);
        let starts: Vec<&str> = t.buckets.iter().map(|b| b.start.as_str()).collect();
        assert_eq!(starts, ["2026-11-23", "2026-11-30"]);
        assert_eq!(t.outlets.len(), 2, "{:?}", t.outlets);
        assert_eq!(t.total(), 2);
    }

    #[test]
    fn a_front_matter_date_is_read_as_a_day() {
        assert_eq!(day(Some("2025-09-24")), Some(d("2025-09-24")));
        assert_eq!(day(Some("2025-09-24T10:00:00Z")), Some(d("2025-09-24")));
        assert_eq!(day(Some("09-25")), None);
        assert_eq!(day(Some("2025-13-01")), None);
        assert_eq!(day(None), None);
    }
}
