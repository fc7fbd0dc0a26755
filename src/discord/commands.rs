//! Slash commands: their definitions for registration, and interaction data back into the one
//! command grammar.

use serde_json::{Value, json};
use serenity::model::application::{CommandData, CommandDataOptionValue};

use crate::command::{Command, sanitize};

/// Choices Discord accepts in one autocomplete answer.
pub const AUTOCOMPLETE_MAX: usize = 25;
/// Application command option types.
const OPTION_STRING: u8 = 3;
const OPTION_BOOLEAN: u8 = 5;
/// A slash command (application command type `CHAT_INPUT`).
const CHAT_INPUT: u8 = 1;
/// Where a command may be used: guilds, the bot's DMs, private channels.
const CONTEXTS: [u8; 3] = [0, 1, 2];

fn hide() -> Value {
    json!({"type": OPTION_BOOLEAN, "name": "hide", "description": "Only you see the answer", "required": false})
}

fn text(name: &str, description: &str, required: bool, autocomplete: bool) -> Value {
    json!({"type": OPTION_STRING, "name": name, "description": description, "required": required,
           "autocomplete": autocomplete, "max_length": crate::command::MAX_ARGUMENT_CHARS})
}

/// The slash commands, as the body of Discord's bulk overwrite (idempotent: registering twice
/// leaves the same set).
pub fn definitions() -> Value {
    let command = |name: &str, description: &str, mut options: Vec<Value>| {
        options.push(hide());
        json!({"name": name, "description": description, "type": CHAT_INPUT, "options": options, "contexts": CONTEXTS})
    };
    Value::Array(vec![
        command(
            "ask",
            "Answer a question with quoted passages",
            vec![text("question", "What do you want to know?", true, false)],
        ),
        command(
            "search",
            "Search passages: words, \"phrases\", -not, OR, source:name",
            vec![text("query", "What to search for", true, false)],
        ),
        command(
            "topic",
            "A topic of the coverage",
            vec![
                text("name", "The topic", true, true),
                text("words", "Narrow it down", false, false),
            ],
        ),
        command(
            "quote",
            "The whole paragraph behind a passage",
            vec![text(
                "ref",
                "The ref shown under a passage (article:paragraph)",
                true,
                false,
            )],
        ),
        command(
            "compare",
            "How each outlet reported the same thing",
            vec![text("what", "A topic or a few words", true, true)],
        ),
        command(
            "figures",
            "The key numbers, with the quote that states each",
            vec![text("topic", "A topic (optional)", false, true)],
        ),
        command("sources", "The articles and their attribution", vec![]),
        command(
            "latest",
            "The newest articles, with their attribution",
            vec![text(
                "count",
                "How many (1 to 25; 10 when left out)",
                false,
                false,
            )],
        ),
        command(
            "feeds",
            "The news feeds followed, and when each last brought an article",
            vec![],
        ),
        command(
            "watch",
            "Post new coverage on a topic or search in this channel as it lands",
            vec![text("what", "A topic, or search words", true, true)],
        ),
        command("watches", "What this channel watches", vec![]),
        command(
            "unwatch",
            "Stop watching something in this channel",
            vec![text(
                "which",
                "Its number in /watches, its words, or all",
                true,
                false,
            )],
        ),
        command(
            "digest",
            "What is new since then, by topic, each story once",
            vec![
                text(
                    "since",
                    "24h, 7d or since YYYY-MM-DD (24h when left out)",
                    false,
                    false,
                ),
                text("topic", "A topic or words (optional)", false, true),
            ],
        ),
        command(
            "trend",
            "A chart of how much is written about a topic, over time",
            vec![
                text("what", "A topic, or search words", true, true),
                text(
                    "span",
                    "30d (a bar a day) or 12w (a bar a week)",
                    false,
                    false,
                ),
            ],
        ),
        command(
            "help",
            "What Clippings can do",
            vec![text("command", "One command in detail", false, false)],
        ),
    ])
}

fn option<'a>(data: &'a CommandData, name: &str) -> Option<&'a CommandDataOptionValue> {
    data.options
        .iter()
        .find(|o| o.name == name)
        .map(|o| &o.value)
}

fn string(data: &CommandData, name: &str) -> String {
    match option(data, name) {
        Some(CommandDataOptionValue::String(s)) => sanitize(s).0,
        Some(CommandDataOptionValue::Autocomplete { value, .. }) => sanitize(value).0,
        _ => String::new(),
    }
}

fn optional(data: &CommandData, name: &str) -> Option<String> {
    Some(string(data, name)).filter(|s| !s.is_empty())
}

/// Whether the user asked for an answer only they see.
pub fn hidden(data: &CommandData) -> bool {
    matches!(
        option(data, "hide"),
        Some(CommandDataOptionValue::Boolean(true))
    )
}

/// A slash command as a grammar command; `None` for a command this bot doesn't define.
pub fn to_command(data: &CommandData) -> Option<Command> {
    Some(match data.name.as_str() {
        "ask" => Command::Ask(string(data, "question")),
        "search" => Command::Search(string(data, "query")),
        "topic" => Command::Topic {
            name: string(data, "name").to_lowercase(),
            extra: string(data, "words"),
        },
        "quote" => Command::Quote(string(data, "ref")),
        "compare" => Command::Compare(string(data, "what")),
        "figures" => Command::Figures(optional(data, "topic")),
        "sources" => Command::Sources,
        "latest" => Command::Latest(
            string(data, "count")
                .parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .map_or(crate::command::LATEST_DEFAULT, |n| {
                    n.min(crate::command::LATEST_MAX)
                }),
        ),
        "feeds" => Command::Feeds,
        "watch" => Command::Watch(string(data, "what")),
        "watches" => Command::Watches,
        "unwatch" => Command::Unwatch(string(data, "which")),
        "digest" => crate::command::digest_of(&format!(
            "{} {}",
            string(data, "since"),
            string(data, "topic")
        )),
        "trend" => {
            crate::command::trend_of(format!("{} {}", string(data, "what"), string(data, "span")))
        }
        "help" => Command::Help(optional(data, "command")),
        _ => return None,
    })
}

/// Up to 25 topic choices for what the user has typed so far: names and aliases that start
/// with it first, then those containing it (or whose description does).
pub fn topic_choices(topics: &crate::engine::topics::Topics, typed: &str) -> Vec<(String, String)> {
    let typed = typed.trim().to_lowercase();
    let mut starts = Vec::new();
    let mut contains = Vec::new();
    for t in &topics.list {
        let words = std::iter::once(&t.name).chain(&t.aliases);
        let label = format!("{} — {}", t.name, t.description);
        let label: String = label.chars().take(100).collect();
        if words.clone().any(|w| w.starts_with(&typed)) {
            starts.push((label, t.name.clone()));
        } else if words.clone().any(|w| w.contains(&typed))
            || t.description.to_lowercase().contains(&typed)
        {
            contains.push((label, t.name.clone()));
        }
    }
    starts.extend(contains);
    starts.truncate(AUTOCOMPLETE_MAX);
    starts
}
