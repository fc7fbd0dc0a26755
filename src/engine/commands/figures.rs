//! `!figures [topic]`: the figures stated in the passages on a topic, each with its source.

use super::*;

/// At most this many figures in one answer.
const MAX_FIGURES: usize = 12;

/// `!figures [topic]`: the figures stated in the passages on a topic (or on money and
/// percentages), each with its sentence and source; the same figure from several outlets is
/// one line.
pub fn figures(ctx: &Context<'_>, topic_name: Option<&str>) -> Result<Found, SearchError> {
    let groups = match topic_name.map(|t| (t, ctx.knowledge.topics.find(t))) {
        Some((_, Some(t))) => query::parse_search(&t.query).groups,
        Some((words, None)) => query::content_words(words)
            .into_iter()
            .map(|w| vec![Item::Word(w)])
            .collect(),
        None => ["billion", "million", "percent", "shares", "price"]
            .iter()
            .map(|w| vec![Item::Word(w.to_string())])
            .collect(),
    };
    let searcher = ctx.snapshot.reader.searcher();
    let hits = ranked_hits(
        ctx,
        &searcher,
        &ranked_query(ctx, &searcher, &groups, &[]),
        MAX_HITS,
    )?
    .hits;
    let mut lines: Vec<(String, FigureLine)> = Vec::new();
    for hit in &hits {
        for found in figure_reading::extract(&hit.text) {
            let key = figure_reading::key(&found.value);
            let same = |(k, l): &&mut (String, FigureLine)| {
                *k == key && figure_reading::same_fact(&l.quote, &found.sentence)
            };
            if let Some((_, line)) = lines.iter_mut().find(same) {
                let known = line.source.article == hit.source.article
                    || line
                        .also_reported_by
                        .iter()
                        .any(|a| a.article == hit.source.article);
                if !known {
                    line.also_reported_by.push(hit.source.clone());
                }
                continue;
            }
            lines.push((
                key,
                FigureLine {
                    value: found.value,
                    kind: found.kind,
                    reading: found.reading,
                    quote: found.sentence,
                    source: hit.source.clone(),
                    reference: hit.reference.clone(),
                    also_reported_by: Vec::new(),
                },
            ));
        }
    }
    let label = topic_name.unwrap_or("the coverage").to_string();
    if lines.is_empty() {
        return Ok(ctx.no_hits(&format!("figures on {label}"), Vec::new()));
    }
    // Figures carried by more outlets first, then in ranking order.
    lines.sort_by_key(|(_, l)| std::cmp::Reverse(l.also_reported_by.len()));
    let figures = lines
        .into_iter()
        .take(MAX_FIGURES)
        .map(|(_, l)| l)
        .collect();
    Ok(Found::Done(Answer::Figures {
        topic: label,
        figures,
    }))
}
