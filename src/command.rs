//! The command grammar shared by every platform: text in, a typed `Command` out. Pure code.

/// Longest argument kept, in chars; longer input is cut at a word boundary.
pub const MAX_ARGUMENT_CHARS: usize = 1000;
/// Input beyond this many bytes is not even looked at.
const MAX_INPUT_BYTES: usize = 4 * MAX_ARGUMENT_CHARS * 4;

/// One command, as every platform understands it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `!<topic> [extra words]`; `name` lower-cased as typed (the engine resolves aliases).
    Topic {
        name: String,
        extra: String,
    },
    Search(String),
    Ask(String),
    Quote(String),
    More,
    Sources,
    Topics,
    Help(Option<String>),
    About,
    Compare(String),
    Figures(Option<String>),
    /// `!<name>` that is neither a command nor a topic, with the closest name when one is close.
    Unknown {
        name: String,
        suggestion: Option<String>,
    },
}

/// What the parser needs to know: the prefix and the topic words (names and aliases).
#[derive(Debug, Clone)]
pub struct Grammar {
    pub prefix: String,
    pub topics: Vec<String>,
}

impl Grammar {
    pub fn new(prefix: impl Into<String>, topics: Vec<String>) -> Self {
        Grammar {
            prefix: prefix.into(),
            topics: topics.into_iter().map(|t| t.to_lowercase()).collect(),
        }
    }
}

/// A parsed message; `truncated` when the argument was cut to [`MAX_ARGUMENT_CHARS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub command: Command,
    pub truncated: bool,
}

/// Help for one command: usage without the prefix, a one-line summary, details with examples.
#[derive(Debug)]
pub struct CommandHelp {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub usage: &'static str,
    pub summary: &'static str,
    pub details: &'static str,
}

pub const COMMANDS: &[CommandHelp] = &[
    CommandHelp {
        name: "ask",
        aliases: &["q", "question"],
        usage: "ask <question>",
        summary: "Answer a question with quoted passages",
        details: "Ask in plain words; the content words rank the passages.\nExamples: !ask how much will Alibaba invest in AI?  !ask who is China Unicom?",
    },
    CommandHelp {
        name: "search",
        aliases: &["s", "find"],
        usage: "search <query>",
        summary: "Search passages: words, \"phrases\", -not, OR, source:name",
        details: "All words must match (else any do). \"quoted phrases\", -word to exclude, a OR b, source:invezz.\nExamples: !search \"data centers\" Brazil  !search Zhenwu OR Kunlun -Nvidia",
    },
    CommandHelp {
        name: "quote",
        aliases: &["paragraph", "para"],
        usage: "quote <ref>",
        summary: "The whole paragraph behind a passage, with its neighbours",
        details: "Every quoted passage shows its ref (article:paragraph).\nExample: !quote invezz-shares-surge:2",
    },
    CommandHelp {
        name: "more",
        aliases: &["next"],
        usage: "more",
        summary: "The next passages of the last answer here",
        details: "Continues the last ask, search or topic answer in this conversation.",
    },
    CommandHelp {
        name: "compare",
        aliases: &["vs"],
        usage: "compare <topic or words>",
        summary: "How each outlet reported the same thing, side by side",
        details: "Examples: !compare stock  !compare AI budget",
    },
    CommandHelp {
        name: "figures",
        aliases: &["numbers"],
        usage: "figures [topic]",
        summary: "The key numbers in the coverage, with the quote that states each",
        details: "Examples: !figures  !figures capex",
    },
    CommandHelp {
        name: "sources",
        aliases: &["src", "articles"],
        usage: "sources",
        summary: "The articles and their attribution",
        details: "Lists every article with publisher, title, date and link when known.",
    },
    CommandHelp {
        name: "topics",
        aliases: &[],
        usage: "topics",
        summary: "The topic commands",
        details: "Each topic is a command, e.g. !capex or !chips.",
    },
    CommandHelp {
        name: "help",
        aliases: &["h", "commands"],
        usage: "help [command]",
        summary: "This help, or one command in detail",
        details: "Example: !help search",
    },
    CommandHelp {
        name: "about",
        aliases: &["stats", "version"],
        usage: "about",
        summary: "Corpus and index statistics, version",
        details: "How many articles and passages are indexed, and when.",
    },
];

/// The help entry for a command name or alias (with or without `!` or `/`, any case).
pub fn help_for(name: &str) -> Option<&'static CommandHelp> {
    let name = name.trim().trim_start_matches(['!', '/']).to_lowercase();
    COMMANDS
        .iter()
        .find(|c| c.name == name || c.aliases.contains(&name.as_str()))
}

/// Cleans user text: control, zero-width and bidi formatting characters out, whitespace
/// collapsed, cut to [`MAX_ARGUMENT_CHARS`] at a word boundary. Returns the text and whether
/// it was cut.
pub fn sanitize(text: &str) -> (String, bool) {
    let mut limit = text.len().min(MAX_INPUT_BYTES);
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    let mut out = String::with_capacity(limit.min(MAX_ARGUMENT_CHARS * 4));
    let mut chars = 0;
    let mut truncated = limit < text.len();
    let mut pending_space = false;
    for c in text[..limit].chars() {
        if c.is_whitespace() || c == '\t' || c == '\n' {
            pending_space = !out.is_empty();
            continue;
        }
        if c.is_control() || is_invisible(c) {
            continue;
        }
        if chars + usize::from(pending_space) + 1 > MAX_ARGUMENT_CHARS {
            truncated = true;
            if !pending_space && let Some(cut) = out.rfind(' ') {
                out.truncate(cut);
            }
            break;
        }
        if std::mem::take(&mut pending_space) {
            out.push(' ');
            chars += 1;
        }
        out.push(c);
        chars += 1;
    }
    (out, truncated)
}

fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}' | '\u{00AD}')
}

/// Parses one message; `None` when it is not addressed to the bot.
pub fn parse(input: &str, grammar: &Grammar) -> Option<Invocation> {
    let (text, truncated) = sanitize(input);
    let rest = text.strip_prefix(grammar.prefix.as_str())?;
    if !rest.starts_with(char::is_alphanumeric) {
        return None;
    }
    let (name, argument) = rest.split_once(' ').unwrap_or((rest, ""));
    let name = name.to_lowercase();
    let argument = argument.trim().to_string();
    let optional = |a: String| (!a.is_empty()).then_some(a);
    let command = match help_for(&name).map(|h| h.name) {
        Some("ask") => Command::Ask(argument),
        Some("search") => Command::Search(argument),
        Some("quote") => Command::Quote(argument),
        Some("more") => Command::More,
        Some("compare") => Command::Compare(argument),
        Some("figures") => Command::Figures(optional(argument)),
        Some("sources") => Command::Sources,
        Some("topics") => Command::Topics,
        Some("help") => Command::Help(optional(argument).map(|a| a.to_lowercase())),
        Some("about") => Command::About,
        _ if grammar.topics.contains(&name) => Command::Topic {
            name,
            extra: argument,
        },
        _ => {
            let suggestion = closest(&name, grammar);
            Command::Unknown { name, suggestion }
        }
    };
    Some(Invocation { command, truncated })
}

/// The command or topic closest to a mistyped name.
fn closest(name: &str, grammar: &Grammar) -> Option<String> {
    let name: String = name.chars().take(40).collect();
    let candidates = COMMANDS
        .iter()
        .map(|c| c.name.to_string())
        .chain(grammar.topics.iter().cloned());
    let mut best: Option<(f64, String)> = None;
    for candidate in candidates {
        let mut score = strsim::jaro_winkler(&name, &candidate);
        if name.len() >= 3 && candidate.starts_with(&name) {
            score = score.max(0.95);
        }
        if strsim::damerau_levenshtein(&name, &candidate) == 1 {
            score = score.max(0.9);
        }
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            best = Some((score, candidate));
        }
    }
    best.filter(|(s, _)| *s >= 0.85).map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grammar() -> Grammar {
        Grammar::new("!", vec!["capex".into(), "spending".into(), "chips".into()])
    }

    fn cmd(text: &str) -> Option<Command> {
        parse(text, &grammar()).map(|i| i.command)
    }

    #[test]
    fn every_command_parses() {
        assert_eq!(
            cmd("!ask how much?"),
            Some(Command::Ask("how much?".into()))
        );
        assert_eq!(
            cmd("!search \"data centers\" -x"),
            Some(Command::Search("\"data centers\" -x".into()))
        );
        assert_eq!(cmd("!quote a:1"), Some(Command::Quote("a:1".into())));
        assert_eq!(cmd("!more please"), Some(Command::More));
        assert_eq!(cmd("!sources"), Some(Command::Sources));
        assert_eq!(cmd("!topics"), Some(Command::Topics));
        assert_eq!(cmd("!help"), Some(Command::Help(None)));
        assert_eq!(
            cmd("!help Search"),
            Some(Command::Help(Some("search".into())))
        );
        assert_eq!(cmd("!about"), Some(Command::About));
        assert_eq!(
            cmd("!compare stock"),
            Some(Command::Compare("stock".into()))
        );
        assert_eq!(cmd("!figures"), Some(Command::Figures(None)));
        assert_eq!(
            cmd("!figures chips"),
            Some(Command::Figures(Some("chips".into())))
        );
    }

    #[test]
    fn topics_and_aliases_are_commands_with_extra_words() {
        assert_eq!(
            cmd("!capex"),
            Some(Command::Topic {
                name: "capex".into(),
                extra: String::new()
            })
        );
        assert_eq!(
            cmd("!Spending 2025"),
            Some(Command::Topic {
                name: "spending".into(),
                extra: "2025".into()
            })
        );
    }

    #[test]
    fn command_names_are_case_insensitive_and_have_aliases() {
        assert_eq!(cmd("!ASK x"), Some(Command::Ask("x".into())));
        assert_eq!(cmd("!s x"), Some(Command::Search("x".into())));
        assert_eq!(cmd("!next"), Some(Command::More));
        assert_eq!(cmd("!vs stock"), Some(Command::Compare("stock".into())));
    }

    #[test]
    fn messages_not_addressed_to_the_bot_are_ignored() {
        for text in ["hello", "", "!", "! ask", "!!!", "  ", "ask !x", "!?"] {
            assert_eq!(cmd(text), None, "{text:?}");
        }
    }

    #[test]
    fn a_custom_prefix_is_honoured() {
        let g = Grammar::new("clip!", vec![]);
        assert_eq!(
            parse("clip!ask x", &g).map(|i| i.command),
            Some(Command::Ask("x".into()))
        );
        assert_eq!(parse("!ask x", &g), None);
    }

    #[test]
    fn misspelled_command_suggests_the_closest() {
        assert_eq!(
            cmd("!serch x"),
            Some(Command::Unknown {
                name: "serch".into(),
                suggestion: Some("search".into())
            })
        );
        assert_eq!(
            cmd("!capx"),
            Some(Command::Unknown {
                name: "capx".into(),
                suggestion: Some("capex".into())
            })
        );
        assert_eq!(
            cmd("!sea x"),
            Some(Command::Unknown {
                name: "sea".into(),
                suggestion: Some("search".into())
            })
        );
        assert_eq!(
            cmd("!zzzzzz"),
            Some(Command::Unknown {
                name: "zzzzzz".into(),
                suggestion: None
            })
        );
    }

    #[test]
    fn invisible_and_control_characters_are_removed() {
        assert_eq!(cmd("!as\u{200B}k x\u{0}y"), Some(Command::Ask("xy".into())));
        assert_eq!(
            sanitize("a\u{202E}b\u{2066}c\u{FEFF}"),
            ("abc".into(), false)
        );
        assert_eq!(sanitize("  a \n\t b  "), ("a b".into(), false));
        assert_eq!(sanitize("\u{1}\u{2}\u{7f}"), (String::new(), false));
    }

    #[test]
    fn huge_input_is_cut_at_a_word_boundary() {
        let (text, truncated) = sanitize(&"word ".repeat(20_000));
        assert!(truncated);
        assert!(text.chars().count() <= MAX_ARGUMENT_CHARS);
        assert!(text.ends_with("word"));
        let one_word = "a".repeat(100_000);
        let parsed = parse(&format!("!ask {one_word}"), &grammar()).unwrap();
        assert!(parsed.truncated);
    }

    #[test]
    fn emoji_and_right_to_left_text_survive() {
        assert_eq!(
            cmd("!ask 🚀 علي بابا"),
            Some(Command::Ask("🚀 علي بابا".into()))
        );
    }

    #[test]
    fn help_entries_are_found_by_name_alias_and_prefix() {
        assert_eq!(help_for("!search").unwrap().name, "search");
        assert_eq!(help_for("/ASK").unwrap().name, "ask");
        assert_eq!(help_for("numbers").unwrap().name, "figures");
        assert!(help_for("capex").is_none());
    }
}
