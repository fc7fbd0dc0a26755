//! `!topics`: the topic commands.

use super::*;

pub fn topic_list(ctx: &Context<'_>) -> Found {
    let topics = ctx
        .knowledge
        .topics
        .list
        .iter()
        .map(|t| TopicLine {
            name: t.name.clone(),
            aliases: t.aliases.clone(),
            description: t.description.clone(),
        })
        .collect();
    Found::Done(Answer::Topics {
        prefix: ctx.prefix().to_string(),
        topics,
    })
}
