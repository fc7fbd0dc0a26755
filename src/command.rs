//! The command grammar shared by every platform: message text in, a typed [`Command`] out. Pure code.

use unicode_segmentation::UnicodeSegmentation;

/// Longest argument kept, in chars; longer input is cut at a word boundary (and `truncated` set).
pub const MAX_ARGUMENT_CHARS: usize = 1000;
/// Input beyond this many bytes is never read: room for a full argument of 4-byte chars, the
/// command name and a generous amount of characters that cleaning removes.
const MAX_INPUT_BYTES: usize = 16 * MAX_ARGUMENT_CHARS;
/// Longest command name kept; no command or topic is longer, so the rest only costs time.
const MAX_NAME_CHARS: usize = 64;
/// Jaro-Winkler similarity above which a name is suggested even without a closer reason.
const SUGGEST_SIMILARITY: f64 = 0.88;

/// One command, as every platform understands it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `!<topic> [extra words]`; `name` lower-cased as typed (the engine resolves aliases).
    Topic { name: String, extra: String },
    /// `!search <query>`; the query as typed after cleaning, possibly empty.
    Search(String),
    /// `!ask <question>`.
    Ask(String),
    /// `!quote <ref>`.
    Quote(String),
    /// `!more`; any words after it are ignored.
    More,
    /// `!sources`.
    Sources,
    /// `!topics`.
    Topics,
    /// `!help [command]`; the command name without prefix, lower-cased.
    Help(Option<String>),
    /// `!about`.
    About,
    /// `!compare <topic or words>`.
    Compare(String),
    /// `!figures [topic]`.
    Figures(Option<String>),
    /// `!status` (admins): uptime, connections, index age, recent errors.
    Status,
    /// `!reindex` (admins): rebuild the index from data/ now.
    Reindex,
    /// `!latest [n]`: the newest articles.
    Latest(usize),
    /// `!feeds`: the feeds followed and when each last brought something.
    Feeds,
    /// `!feed add <url>` / `!feed remove <name>` (admins); anything else gets the usage.
    Feed(FeedAction),
    /// `!add <url>` (admins): fetch, extract, store and index one article page.
    AddUrl(String),
    /// `!watch <topic or search>`: this place follows it (place managers).
    Watch(String),
    /// `!watches`: what this place follows.
    Watches,
    /// `!unwatch <n|topic|all>` (place managers).
    Unwatch(String),
    /// `!digest [24h|7d|since DATE] [topic]`: what is new since then.
    Digest {
        window: Window,
        topic: Option<String>,
    },
    /// `!trend <topic or search> [30d|12w]`: coverage volume over time.
    Trend { what: String, span: Span },
    /// `!<name>` that is neither a command nor a topic, with the closest name when one is close.
    Unknown {
        name: String,
        suggestion: Option<String>,
    },
}

/// What `!feed` is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FeedAction {
    Add(String),
    Remove(String),
    /// Neither: the reply is the command's usage.
    Usage,
}

/// How far back `!digest` looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// The last so many hours (`24h`, `7d` is 168).
    Hours(u32),
    /// Since the start of this day (`since 2025-09-24`).
    Since(chrono::NaiveDate),
    /// Something the grammar cannot read (`since yesterday`): the usage is shown.
    Unreadable,
}

/// `!digest` without a window: the last day.
pub const DIGEST_DEFAULT: Window = Window::Hours(24);
/// The longest window `!digest` takes: a year.
pub const DIGEST_MAX_HOURS: u32 = 366 * 24;

/// How long a `!trend` chart runs, and its bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    /// So many days, a bar a day (`30d`).
    Days(u32),
    /// So many weeks, a bar a week (`12w`).
    Weeks(u32),
}

/// `!trend` without a span: 30 days.
pub const TREND_DEFAULT: Span = Span::Days(30);
/// At most this many bars (days or weeks) in a chart.
pub const TREND_MAX_BARS: u32 = 120;
/// The longest `!watch` text kept.
pub const MAX_WATCH_CHARS: usize = 200;

/// How many articles `!latest` lists without a number, and at most.
pub const LATEST_DEFAULT: usize = 10;
pub const LATEST_MAX: usize = 25;

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

impl Command {
    /// Whether only admins may run it.
    pub fn is_admin_only(&self) -> bool {
        matches!(
            self,
            Command::Status
                | Command::Reindex
                | Command::Feed(FeedAction::Add(_) | FeedAction::Remove(_))
                | Command::AddUrl(_)
        )
    }

    /// Whether only those who may manage the place (or admins) may run it: changing what a
    /// channel or room watches.
    pub fn needs_place_manager(&self) -> bool {
        matches!(self, Command::Watch(_) | Command::Unwatch(_))
    }

    /// The command's name, for metrics (topics are one name: `topic`).
    pub fn name(&self) -> &'static str {
        match self {
            Command::Topic { .. } => "topic",
            Command::Search(_) => "search",
            Command::Ask(_) => "ask",
            Command::Quote(_) => "quote",
            Command::More => "more",
            Command::Sources => "sources",
            Command::Topics => "topics",
            Command::Help(_) => "help",
            Command::About => "about",
            Command::Compare(_) => "compare",
            Command::Figures(_) => "figures",
            Command::Status => "status",
            Command::Reindex => "reindex",
            Command::Latest(_) => "latest",
            Command::Feeds => "feeds",
            Command::Feed(_) => "feed",
            Command::AddUrl(_) => "add",
            Command::Watch(_) => "watch",
            Command::Watches => "watches",
            Command::Unwatch(_) => "unwatch",
            Command::Digest { .. } => "digest",
            Command::Trend { .. } => "trend",
            Command::Unknown { .. } => "unknown",
        }
    }
}

/// A parsed message; `truncated` when the input was cut to [`MAX_ARGUMENT_CHARS`] or left unread.
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

/// Every built-in command, in the order `!help` lists them.
pub const COMMANDS: &[CommandHelp] = &[
    CommandHelp {
        name: "ask",
        aliases: &["q", "question"],
        usage: "ask <question>",
        summary: "Answer a question with quoted passages",
        details: "Ask in plain words; the content words rank the passages.\n\
                  Examples: !ask how much will Alibaba invest in AI?  !ask who is China Unicom?",
    },
    CommandHelp {
        name: "search",
        aliases: &["s", "find"],
        usage: "search <query>",
        summary: "Search passages: words, \"phrases\", -not, OR, source:name",
        details: "All words must match (else any do). \"quoted phrases\", -word to exclude, \
                  a OR b, source:invezz.\n\
                  Examples: !search \"data centers\" Brazil  !search Zhenwu OR Kunlun -Nvidia",
    },
    CommandHelp {
        name: "quote",
        aliases: &["ref"],
        usage: "quote <ref>",
        summary: "The whole paragraph behind a passage, with its neighbours",
        details: "Every quoted passage shows its ref (article:paragraph).\n\
                  Example: !quote invezz-shares-surge:2",
    },
    CommandHelp {
        name: "more",
        aliases: &["next"],
        usage: "more",
        summary: "The next passages of the last answer here",
        details: "Continues the last ask, search or topic answer in this conversation.\n\
                  Example: !more",
    },
    CommandHelp {
        name: "compare",
        aliases: &["vs"],
        usage: "compare <topic or words>",
        summary: "How each outlet reported the same thing, side by side",
        details: "Give a topic or a few words.\nExamples: !compare stock  !compare AI budget",
    },
    CommandHelp {
        name: "figures",
        aliases: &["numbers"],
        usage: "figures [topic]",
        summary: "The key numbers in the coverage, with the quote that states each",
        details: "Without a topic, the numbers of the whole coverage.\n\
                  Examples: !figures  !figures capex",
    },
    CommandHelp {
        name: "sources",
        aliases: &["src", "articles"],
        usage: "sources",
        summary: "The articles and their attribution",
        details: "Lists every article with publisher, title, date and link when known.\n\
                  Example: !sources",
    },
    CommandHelp {
        name: "topics",
        aliases: &[],
        usage: "topics",
        summary: "The topic commands",
        details: "Each topic is a command, e.g. !capex or !chips; words after it narrow it down.\n\
                  Example: !topics",
    },
    CommandHelp {
        name: "latest",
        aliases: &["new", "recent"],
        usage: "latest [n]",
        summary: "The newest articles, with their attribution",
        details: "Newest first, 10 unless you say how many (at most 25).\n\
                  Examples: !latest  !latest 5",
    },
    CommandHelp {
        name: "feeds",
        aliases: &[],
        usage: "feeds",
        summary: "The news feeds followed, and when each last brought an article",
        details: "Admins add and remove feeds with !feed add <url> and !feed remove <name>.\n\
                  Example: !feeds",
    },
    CommandHelp {
        name: "watch",
        aliases: &["follow", "alert"],
        usage: "watch <topic or search>",
        summary: "Post new coverage on a topic or search here as it lands",
        details: "Each new article that matches is posted here with the passage that matched; \
                  several at once come as one message. Members who can manage the channel or \
                  room may change what it watches.\n\
                  Examples: !watch capex  !watch \"Hang Seng\" -Tencent",
    },
    CommandHelp {
        name: "watches",
        aliases: &["watching"],
        usage: "watches",
        summary: "What this channel or room watches",
        details: "Numbered, for !unwatch.\nExample: !watches",
    },
    CommandHelp {
        name: "unwatch",
        aliases: &["unfollow"],
        usage: "unwatch <n|topic|all>",
        summary: "Stop watching something here",
        details: "By its number in !watches, its words, or all of them.\n\
                  Examples: !unwatch 2  !unwatch capex  !unwatch all",
    },
    CommandHelp {
        name: "digest",
        aliases: &["summary"],
        usage: "digest [24h|7d|since DATE] [topic]",
        summary: "What is new since then, by topic, each story once",
        details: "The articles that arrived in the window (the last 24 hours unless you say), \
                  grouped by topic, a story carried by several outlets once.\n\
                  Examples: !digest  !digest 7d capex  !digest since 2025-09-24",
    },
    CommandHelp {
        name: "trend",
        aliases: &["chart"],
        usage: "trend <topic or search> [30d|12w]",
        summary: "A chart of how much is written about it, day by day or week by week",
        details: "Articles per day (30d) or per week (12w), stacked by outlet; 30 days unless you say.\n\
                  Examples: !trend capex  !trend \"data centers\" 12w",
    },
    CommandHelp {
        name: "help",
        aliases: &["h", "commands"],
        usage: "help [command]",
        summary: "This help, or one command in detail",
        details: "Examples: !help  !help search",
    },
    CommandHelp {
        name: "about",
        aliases: &["stats", "version"],
        usage: "about",
        summary: "Corpus and index statistics, version",
        details: "How many articles and passages are indexed, and when.\nExample: !about",
    },
    CommandHelp {
        name: "status",
        aliases: &[],
        usage: "status",
        summary: "(admins) Uptime, connections, index age, recent errors",
        details: "Only the users in ADMIN_USERS may run it.\nExample: !status",
    },
    CommandHelp {
        name: "reindex",
        aliases: &[],
        usage: "reindex",
        summary: "(admins) Rebuild the index from the articles now",
        details: "Only the users in ADMIN_USERS may run it; the old index serves until the new one is ready.\nExample: !reindex",
    },
    CommandHelp {
        name: "feed",
        aliases: &[],
        usage: "feed add|remove <url|name>",
        summary: "(admins) Follow a news feed, or stop following one",
        details: "New articles from followed feeds are fetched every few minutes and indexed.\n\
                  Examples: !feed add https://example.com/rss.xml  !feed remove example.com",
    },
    CommandHelp {
        name: "add",
        aliases: &[],
        usage: "add <url>",
        summary: "(admins) Fetch one article page and add it to the coverage",
        details: "The page is fetched, its article extracted with its attribution, stored and indexed.\n\
                  Example: !add https://example.com/2025/09/chips-rally",
    },
];

/// The help entry for a command name or alias (with or without `!` or `/`, any case).
pub fn help_for(name: &str) -> Option<&'static CommandHelp> {
    let name = name.trim().trim_start_matches(['!', '/']).to_lowercase();
    COMMANDS
        .iter()
        .find(|c| c.name == name || c.aliases.contains(&name.as_str()))
}

/// Cleans user text: control, zero-width and bidi formatting characters out (`\n` and `\t`
/// become spaces), whitespace collapsed and trimmed, cut to [`MAX_ARGUMENT_CHARS`] at a word
/// boundary. Returns the text and whether it was cut.
pub fn sanitize(text: &str) -> (String, bool) {
    let (clean, unread) = clean(text);
    let (cut, truncated) = cut_at_word(clean, MAX_ARGUMENT_CHARS);
    (cut, unread || truncated)
}

/// Parses one message; `None` when it is not addressed to the bot.
pub fn parse(input: &str, grammar: &Grammar) -> Option<Invocation> {
    let (text, unread) = clean(input);
    let (prefix, _) = clean(&grammar.prefix);
    let rest = strip_prefix_ignoring_case(&text, &prefix)?;
    if !rest.starts_with(char::is_alphanumeric) {
        return None;
    }
    let (name, argument) = rest.split_once(' ').unwrap_or((rest, ""));
    let name: String = name.chars().take(MAX_NAME_CHARS).collect();
    let (argument, truncated) = cut_at_word(argument.to_string(), MAX_ARGUMENT_CHARS);
    Some(Invocation {
        command: command_for(name.to_lowercase(), argument, grammar, &prefix),
        truncated: unread || truncated,
    })
}

/// The command a (lower-cased) name and its cleaned argument stand for.
fn command_for(name: String, argument: String, grammar: &Grammar, prefix: &str) -> Command {
    let optional = |a: String| (!a.is_empty()).then_some(a);
    match help_for(&name).map(|h| h.name) {
        Some("ask") => Command::Ask(argument),
        Some("search") => Command::Search(argument),
        Some("quote") => Command::Quote(argument),
        Some("more") => Command::More,
        Some("compare") => Command::Compare(argument),
        Some("figures") => Command::Figures(optional(argument)),
        Some("sources") => Command::Sources,
        Some("topics") => Command::Topics,
        Some("help") => Command::Help(help_topic(&argument, prefix)),
        Some("about") => Command::About,
        Some("status") => Command::Status,
        Some("reindex") => Command::Reindex,
        Some("latest") => Command::Latest(latest_count(&argument)),
        Some("feeds") => Command::Feeds,
        Some("feed") => Command::Feed(feed_action(&argument)),
        Some("add") => Command::AddUrl(argument),
        Some("watch") => Command::Watch(cut_at_word(argument, MAX_WATCH_CHARS).0),
        Some("watches") => Command::Watches,
        Some("unwatch") => Command::Unwatch(argument),
        Some("digest") => digest_of(&argument),
        Some("trend") => trend_of(argument),
        _ if grammar.topics.contains(&name) => Command::Topic {
            name,
            extra: argument,
        },
        _ => {
            let suggestion = closest(&name, grammar);
            Command::Unknown { name, suggestion }
        }
    }
}

/// `!latest 5`: how many; anything else is the default, and at most [`LATEST_MAX`].
fn latest_count(argument: &str) -> usize {
    argument
        .split(' ')
        .next()
        .and_then(|w| w.parse::<usize>().ok())
        .filter(|n| *n > 0)
        .map_or(LATEST_DEFAULT, |n| n.min(LATEST_MAX))
}

/// `[24h|7d|2w|since DATE] [topic]`, in either order (also the slash command's options).
pub fn digest_of(argument: &str) -> Command {
    let mut window = DIGEST_DEFAULT;
    let mut rest = Vec::new();
    let mut words = argument.split(' ').filter(|w| !w.is_empty()).peekable();
    while let Some(word) = words.next() {
        let lower = word.to_lowercase();
        if let Some(hours) = hours_of(&lower) {
            window = Window::Hours(hours.min(DIGEST_MAX_HOURS));
        } else if lower == "since" {
            window = words
                .next()
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .map_or(Window::Unreadable, Window::Since);
        } else {
            rest.push(word);
        }
    }
    let topic = (!rest.is_empty()).then(|| rest.join(" "));
    Command::Digest { window, topic }
}

/// `24h`, `7d`, `2w` in hours (at least one).
fn hours_of(word: &str) -> Option<u32> {
    let (number, unit) = word.split_at(word.len().checked_sub(1)?);
    let n: u32 = number.parse().ok().filter(|n| *n > 0)?;
    let per = match unit {
        "h" => 1,
        "d" => 24,
        "w" => 24 * 7,
        _ => return None,
    };
    Some(n.saturating_mul(per))
}

/// `<topic or search> [30d|12w]`: the span is the last word when it is one.
pub fn trend_of(argument: String) -> Command {
    let argument = argument.trim().to_string();
    let (head, last) = argument.rsplit_once(' ').unwrap_or(("", &argument));
    let lower = last.to_lowercase();
    let span = lower
        .split_at_checked(lower.len().saturating_sub(1))
        .and_then(|(n, unit)| {
            let n: u32 = n.parse().ok().filter(|n| *n > 0)?;
            match unit {
                "d" => Some(Span::Days(n.min(TREND_MAX_BARS))),
                "w" => Some(Span::Weeks(n.min(TREND_MAX_BARS))),
                _ => None,
            }
        });
    match span {
        Some(span) => Command::Trend {
            what: head.trim().to_string(),
            span,
        },
        None => Command::Trend {
            what: argument,
            span: TREND_DEFAULT,
        },
    }
}

/// `add <url>`, `remove <name>` (also `rm`, `delete`), or the usage.
fn feed_action(argument: &str) -> FeedAction {
    let (verb, rest) = argument.split_once(' ').unwrap_or((argument, ""));
    let rest = rest.trim().to_string();
    match verb.to_lowercase().as_str() {
        "add" | "follow" if !rest.is_empty() => FeedAction::Add(rest),
        "remove" | "rm" | "delete" | "unfollow" if !rest.is_empty() => FeedAction::Remove(rest),
        _ => FeedAction::Usage,
    }
}

/// What `!help` was asked about: its first word, without a prefix, lower-cased.
fn help_topic(argument: &str, prefix: &str) -> Option<String> {
    let word = argument.split(' ').next().unwrap_or_default();
    let word = strip_prefix_ignoring_case(word, prefix).unwrap_or(word);
    let word = word.trim_start_matches(['!', '/']);
    (!word.is_empty()).then(|| {
        word.chars()
            .take(MAX_NAME_CHARS)
            .collect::<String>()
            .to_lowercase()
    })
}

/// `text` after `prefix`, comparing case-insensitively (phones capitalise `Clip!ask`).
fn strip_prefix_ignoring_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let mut rest = text.chars();
    for expected in prefix.chars() {
        let found = rest.next()?;
        if found != expected && !found.to_lowercase().eq(expected.to_lowercase()) {
            return None;
        }
    }
    Some(rest.as_str())
}

/// Removes control and invisible characters and collapses whitespace, reading at most
/// [`MAX_INPUT_BYTES`]. Returns the text and whether some input was left unread; a word cut by
/// that limit is dropped.
fn clean(text: &str) -> (String, bool) {
    let limit = text
        .char_indices()
        .map(|(i, c)| i + c.len_utf8())
        .take_while(|&end| end <= MAX_INPUT_BYTES)
        .last()
        .unwrap_or(0);
    let (window, unread) = text.split_at(limit);
    let mut out = String::with_capacity(window.len());
    let mut pending_space = false;
    let mut chars = window.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
        } else if c == '\u{200D}'
            && !pending_space
            && joins_pictographs(out.chars().next_back(), chars.peek())
        {
            out.push(c);
        } else if !c.is_control() && !is_invisible(c) {
            if std::mem::take(&mut pending_space) {
                out.push(' ');
            }
            out.push(c);
        }
    }
    let mid_word = !pending_space && unread.starts_with(|c: char| !c.is_whitespace());
    if mid_word && let Some(space) = out.rfind(' ') {
        out.truncate(space);
    }
    (out, !unread.is_empty())
}

/// Zero-width, bidi formatting and soft-hyphen characters: invisible, and able to disguise a
/// command name or reorder how a reply reads.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Whether a zero-width joiner sits between two symbols (as in 👩‍💻), where it is part of an
/// emoji; next to a letter or digit it could only hide something, so it goes.
fn joins_pictographs(before: Option<char>, after: Option<&char>) -> bool {
    let symbol = |c: char| c > '\u{2000}' && !c.is_alphanumeric() && !is_invisible(c);
    before.is_some_and(symbol) && after.is_some_and(|&c| symbol(c))
}

/// Cuts cleaned text (single spaces, trimmed) to `max` chars at the last space before the
/// limit; a single word longer than that is cut between graphemes, so no emoji or accent is
/// split. Returns the text and whether it was cut.
fn cut_at_word(mut text: String, max: usize) -> (String, bool) {
    let Some((end, next)) = text.char_indices().nth(max) else {
        return (text, false);
    };
    let cut = match next {
        ' ' => end,
        _ => text[..end]
            .rfind(' ')
            .unwrap_or_else(|| grapheme_start(&text, end)),
    };
    text.truncate(cut);
    (text, true)
}

/// The start of the grapheme that holds byte `end`, or `end` itself when that grapheme is
/// the first (a cut there would leave nothing).
fn grapheme_start(text: &str, end: usize) -> usize {
    let start = text
        .grapheme_indices(true)
        .map(|(i, _)| i)
        .take_while(|&i| i <= end)
        .last()
        .unwrap_or(0);
    if start == 0 { end } else { start }
}

/// The command or topic closest to a mistyped name, when one is close enough to suggest.
fn closest(name: &str, grammar: &Grammar) -> Option<String> {
    let candidates = COMMANDS
        .iter()
        .map(|c| c.name)
        .chain(grammar.topics.iter().map(String::as_str));
    let mut best: Option<((u8, f64), &str)> = None;
    for candidate in candidates {
        let score = closeness(name, candidate);
        if score.0 == 0 && score.1 < SUGGEST_SIMILARITY {
            continue;
        }
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, c)| c.to_string())
}

/// How close `name` is to `candidate`: a tier (2 = typed the start of it, 1 = one or two slips,
/// 0 = neither) and the Jaro-Winkler similarity to break ties.
fn closeness(name: &str, candidate: &str) -> (u8, f64) {
    let similarity = strsim::jaro_winkler(name, candidate);
    let length = name.chars().count();
    if length >= 3 && candidate.starts_with(name) {
        return (2, similarity);
    }
    let slips = strsim::damerau_levenshtein(name, candidate);
    let close = (length >= 2 && slips <= 1) || (length >= 6 && slips <= 2);
    (u8::from(close), similarity)
}

#[cfg(test)]
mod tests;
