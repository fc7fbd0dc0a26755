//! The catalog of user-facing texts: what every platform says when a command is refused,
//! fails or cannot be followed up, and the sentences answers and notices are built with.
//! Internal error text never reaches a chat (it goes to the log).

/// A user (or a place) is over its command budget.
pub const COOLDOWN: &str = "Easy there — you're sending commands faster than I answer them here. Try again in a few seconds.";

/// A non-admin ran an admin command.
pub const ADMIN_ONLY: &str =
    "Only the bot's admins can run that command (ADMIN_USERS); everything else is yours to use.";

/// The answer was not ready in time.
pub const TIMED_OUT: &str = "That took too long; please try again in a moment.";

/// Too much work is waiting already.
pub const BUSY: &str = "I'm answering a lot of questions right now; please try again in a moment.";

/// Something failed inside (the log has the cause).
pub const FAILED: &str = "Something went wrong; please try again.";

/// A button (follow-up) that is too old or unknown.
pub const FOLLOW_UP_EXPIRED: &str = "This button has expired; run the command again.";

/// Someone else's buttons.
pub const NOT_YOUR_FOLLOW_UP: &str =
    "These buttons belong to whoever asked. You can run the command yourself — try /ask or /help.";

/// The paragraph button of an answer without passages.
pub const NO_PARAGRAPH: &str = "There is no paragraph to show.";

/// A slash command the bot does not have.
pub const UNKNOWN_SLASH_COMMAND: &str = "I don't know that command; try /help.";

/// A kind of interaction the bot does not handle.
pub const UNHANDLED_INTERACTION: &str = "That kind of interaction isn't something I handle.";

/// `!more` with nothing to page through.
pub const NOTHING_TO_CONTINUE: &str = "Nothing to continue: ask something first.";

/// A conversation command handed to the search engine (a programming error, never a user's).
pub const NOT_A_SEARCH: &str = "That command is not a search.";

/// A terminal line that is not UTF-8.
pub const NOT_UTF8: &str = "That line is not UTF-8 text; please type it again.";

/// `!status` or `!reindex` where no index lifecycle was handed to the pipeline.
pub const NO_OPERATIONS: &str =
    "This bot runs without an index of its own to report on or rebuild.";

/// `!feeds`, `!feed` and `!add <url>` in a process that does not fetch coverage.
pub const NO_COVERAGE: &str = "This bot does not fetch coverage from the web.";

/// `!feed` without `add <url>` or `remove <name>`.
pub fn feed_usage(prefix: &str) -> String {
    format!(
        "Usage: {prefix}feed add <url> to follow a news feed, {prefix}feed remove <name> to stop; {prefix}feeds lists them."
    )
}

/// `!reindex` where the index lives in memory.
pub const REINDEX_IN_MEMORY: &str =
    "This index lives in memory; there is nothing on disk to rebuild.";

/// `!reindex` in a read-only follower.
pub const REINDEX_READ_ONLY: &str = "This process serves an index another process builds (CLIPPINGS_INDEX_READ_ONLY); rebuild it there.";

/// `!reindex` failed (the cause is in the log and in `!status`).
pub const REINDEX_FAILED: &str =
    "The rebuild failed; the previous index keeps serving. The cause is in the log and in !status.";

/// `!search` with nothing to search for.
pub const SEARCH_WHAT: &str = "Search for what? Give me some words.";

/// `!ask` with no content words.
pub const ASK_WHAT: &str = "Ask me something about the coverage, in a few words.";

/// `!compare` with nothing to compare.
pub const COMPARE_WHAT: &str = "Compare what? Name a topic or a few words.";

/// `!quote` without a readable ref.
pub const QUOTE_HOW: &str =
    "Give me a ref like `invezz-shares-surge:3` (every quoted passage shows its ref).";

/// A search answered by passages with only some of its words.
pub const SOME_WORDS: &str = "No passage has all your words; these have some of them.";

/// Nothing matched.
pub fn no_passage_matches(what: &str) -> String {
    format!("No passage matches “{what}”.")
}

/// A word the index doesn't know, searched by its closest indexed spelling.
pub fn respelled(word: &str, better: &str) -> String {
    format!("Nothing has “{word}”, so I searched for “{better}”.")
}

/// `!name` that is neither a command nor a topic.
pub fn unknown_command(prefix: &str, name: &str) -> String {
    format!("I don't know {prefix}{name}.")
}

/// A long search cut to its first `n` words.
pub fn searched_first(n: usize) -> String {
    format!("I searched the first {n} words.")
}

/// Words of a long search most passages have (already in quotes), no longer required.
pub fn not_required(words: &[String]) -> String {
    let pronoun = if words.len() == 1 { "it" } else { "them" };
    format!(
        "Most passages have {}, so I didn't require {pronoun}.",
        words.join(", ")
    )
}

/// The heading of `!compare` on words.
pub fn compared(text: &str) -> String {
    format!("How each outlet reported “{text}”")
}

/// `!quote` of an article that doesn't exist.
pub fn no_article(slug: &str) -> String {
    format!("No article is called “{slug}”.")
}

/// `!quote` of a paragraph beyond the article's.
pub fn paragraphs_are(slug: &str, paragraphs: u32) -> String {
    format!("{slug} has paragraphs 1 to {paragraphs}.")
}

/// `!quote` of a paragraph the index lacks.
pub fn not_in_index(slug: &str, number: u32) -> String {
    format!("{slug}:{number} is not in the index.")
}

/// `!more` after the last page.
pub fn that_was_everything(query: &str) -> String {
    format!("That was everything for “{query}”.")
}

/// A message cut to its first `chars` characters.
pub fn message_was_long(chars: usize) -> String {
    format!("Your message was long: I read its first {chars} characters.")
}

/// A terminal line that starts with neither the prefix nor a question.
pub fn commands_start_with(prefix: &str) -> String {
    format!("Commands start with {prefix}; try {prefix}help.")
}

/// `!reindex` done.
pub fn reindexed(millis: u128, articles: usize, passages: u64, skipped: usize) -> String {
    format!(
        "Index rebuilt in {millis} ms: {articles} articles, {passages} passages, {skipped} files skipped."
    )
}

/// `!watch` or `!unwatch` from someone who may not change what the place watches.
pub const MANAGERS_ONLY: &str = "Only members who can manage this channel or room (or the bot's admins) can change what it watches.";

/// The pipeline was built without alerts (the CLI's one-shot commands).
pub const NO_ALERTS: &str = "Watches and alerts work where the bot runs in a channel or room.";

/// `!trend` without anything to chart.
pub const TREND_WHAT: &str =
    "Chart what? Name a topic or a few words, and optionally a span like 30d or 12w.";

/// `!digest` with a window it cannot read.
pub const DIGEST_USAGE: &str =
    "Give the window as 24h, 7d or since YYYY-MM-DD, and optionally a topic.";

/// The digest's group of articles that match no topic.
pub const DIGEST_OTHER: &str = "other";

/// A window of hours in words.
pub fn digest_window_hours(hours: u32) -> String {
    match hours {
        h if h % (24 * 7) == 0 && h > 24 * 7 => format!("the last {} weeks", h / (24 * 7)),
        h if h == 24 * 7 => "the last week".to_string(),
        h if h % 24 == 0 && h > 24 => format!("the last {} days", h / 24),
        24 => "the last 24 hours".to_string(),
        1 => "the last hour".to_string(),
        h => format!("the last {h} hours"),
    }
}

pub fn nothing_new(what: &str, window: &str) -> String {
    format!("Nothing new{what} in {window}.")
}

pub fn trend_heading(label: &str, per: &str, count: u32) -> String {
    let plural = if count == 1 { "" } else { "s" };
    format!("Coverage of {label}: articles per {per}, last {count} {per}{plural}")
}

/// `!watch` without anything to watch.
pub const WATCH_WHAT: &str = "Watch what? Name a topic or give search words.";

pub fn watching(what: &str, prefix: &str) -> String {
    format!(
        "Watching {what} here: new articles that match will be posted in this channel or room. {prefix}unwatch stops it."
    )
}

pub fn already_watching(what: &str) -> String {
    format!("This place already watches {what}.")
}

/// `!watches` where nothing is watched.
pub const NO_WATCHES: &str = "Nothing is watched here yet.";

/// The heading of `!watches`.
pub const WATCHES_HERE: &str = "Watched here:";

pub fn watches_paused(why: &str, prefix: &str) -> String {
    format!("Alerts here are paused ({why}); {prefix}watch something again to resume them.")
}

/// `!unwatch` naming nothing watched.
pub const NOT_WATCHED: &str = "That is not watched here; see the numbered list.";

pub fn unwatched(n: usize) -> String {
    let plural = if n == 1 { "" } else { "es" };
    format!("Removed {n} watch{plural}.")
}

/// `!compare`: the outlets agree on a quantity.
pub fn figures_agree(quantity: &str, outlets: usize) -> String {
    format!("The {outlets} outlets agree on the {quantity}.")
}

/// `!compare`: the figures of a quantity differ.
pub fn figures_differ_on(quantity: &str, how: &str) -> String {
    format!("The {quantity} differs — {how}")
}

/// `!compare` where no quantity is reported by two outlets.
pub const NO_COMPARABLE_FIGURES: &str = "No figure here is reported by two outlets, so there is nothing to line up; each outlet's passage is below.";
