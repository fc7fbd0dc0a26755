//! `!help [command]`: what the bot can do, or one command or topic in detail.

use super::*;

pub fn help(ctx: &Context<'_>, name: Option<&str>) -> Found {
    let p = ctx.prefix();
    let details = match name {
        None => None,
        Some(n) => match command::help_for(n) {
            Some(h) => Some(format!("{p}{}\n{}\n\n{}", h.usage, h.summary, h.details)),
            None => match ctx.knowledge.topics.find(n.trim_start_matches(['!', '/'])) {
                Some(t) => Some(format!(
                    "{p}{} — {}\nSearches: {}",
                    t.name, t.description, t.query
                )),
                None => {
                    return unknown(ctx, n, None);
                }
            },
        },
    };
    let commands = command::COMMANDS
        .iter()
        .map(|c| HelpLine {
            usage: format!("{p}{}", c.usage),
            summary: c.summary.to_string(),
        })
        .collect();
    let topics = ctx
        .knowledge
        .topics
        .list
        .iter()
        .map(|t| format!("{p}{}", t.name))
        .collect();
    Found::Done(Answer::Help(Help {
        prefix: p.to_string(),
        details,
        commands,
        topics,
    }))
}
