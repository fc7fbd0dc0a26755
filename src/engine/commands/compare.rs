//! `!compare`: the best passage of each outlet on the same thing, side by side.

use super::*;

/// `!compare`: the best passage of each outlet on the same thing, side by side.
pub fn compare(ctx: &Context<'_>, text: &str) -> Result<Found, SearchError> {
    let p = ctx.prefix();
    let (groups, heading) = match ctx.knowledge.topics.find(text.trim()) {
        Some(t) => (query::parse_search(&t.query).groups, t.description.clone()),
        None => {
            let words: Vec<Vec<Item>> = query::content_words(text)
                .into_iter()
                .map(|w| vec![Item::Word(w)])
                .collect();
            (words, texts::compared(text))
        }
    };
    if groups.is_empty() {
        return Ok(Found::Done(Answer::notice(
            NoticeKind::BadInput,
            texts::COMPARE_WHAT,
            vec![format!("{p}compare stock"), format!("{p}compare AI budget")],
        )));
    }
    let searcher = ctx.snapshot.reader.searcher();
    let Hits {
        mut hits,
        highlighter,
    } = ranked_hits(ctx, &searcher, &ranked_query(ctx, &searcher, &groups, &[]))?;
    // What outlets report differently is mostly figures: prefer passages that state some.
    for hit in &mut hits {
        if rank::states(rank::Expected::Figure, &hit.text) {
            hit.score *= 1.3;
        }
    }
    sort_hits(&mut hits);
    let best = hits.first().map_or(0.0, |h| h.score);
    let mut per_outlet: Vec<Hit> = Vec::new();
    // Outlets whose best passage is far below the best one don't report the same thing.
    for h in hits.into_iter().filter(|h| h.score >= 0.35 * best) {
        if !per_outlet
            .iter()
            .any(|p| p.source.article == h.source.article)
        {
            let rank = per_outlet.len() + 1;
            per_outlet.push(Hit { rank, ..h });
        }
    }
    let notices = discrepancies(&per_outlet).into_iter().collect();
    // Every outlet's passage is shown, whole.
    let per_outlet = excerpt::apply(per_outlet, highlighter.as_ref())
        .into_iter()
        .map(|h| Hit {
            quote: 0..h.text.len(),
            ..h
        })
        .collect();
    let found = Hits {
        hits: per_outlet,
        highlighter,
    };
    let mut found = ctx.page(text, heading, found, notices);
    if let Found::Ranked(all, first, _) = &mut found {
        first.hits = all.clone();
    }
    Ok(found)
}

/// "The figures differ: ..." when the compared passages state different figures.
fn discrepancies(hits: &[Hit]) -> Option<String> {
    let stated: Vec<(String, Vec<String>)> = hits
        .iter()
        .map(|h| {
            let values: Vec<String> = figure_reading::extract(&h.text)
                .into_iter()
                .filter(|f| f.kind != figure_reading::FigureKind::Date)
                .map(|f| f.value)
                .take(3)
                .collect();
            (h.source.outlet(), values)
        })
        .filter(|(_, v)| !v.is_empty())
        .collect();
    let keys: std::collections::HashSet<String> = stated
        .iter()
        .flat_map(|(_, v)| v.iter().map(|f| figure_reading::key(f)))
        .collect();
    if stated.len() < 2 || keys.len() <= stated[0].1.len() {
        return None;
    }
    let parts: Vec<String> = stated
        .iter()
        .map(|(p, v)| format!("{p}: {}", v.join(", ")))
        .collect();
    Some(texts::figures_differ(&parts))
}
