//! `!<topic> [words]`: a topic's query from data/topics.toml, narrowed by any extra words.

use super::*;

/// `!<topic> [words]`: the topic's query, narrowed by any extra words.
pub fn topic(ctx: &Context<'_>, name: &str, extra: &str) -> Result<Found, SearchError> {
    let Some(topic) = ctx.knowledge.topics.find(name) else {
        return Ok(unknown(ctx, name, None));
    };
    let parsed = query::parse_search(&topic.query);
    let required: Vec<Item> = query::parse_search(extra).items().cloned().collect();
    let searcher = ctx.snapshot.reader.searcher();
    let hits = ranked_hits(
        ctx,
        &searcher,
        &ranked_query(ctx, &searcher, &parsed.groups, &required),
        MAX_HITS,
    )?;
    let label = if extra.is_empty() {
        topic.name.clone()
    } else {
        format!("{} {extra}", topic.name)
    };
    Ok(ctx.ranked(&label, topic.description.clone(), hits, Vec::new()))
}
