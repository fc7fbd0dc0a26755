//! The terminal chat on a terminal: line editing, history kept across runs, tab completion of
//! commands, topics and refs, and answers wrapped at word boundaries to the window's width.

use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::FileHistory;
use rustyline::validate::Validator;
use rustyline::{CompletionType, Config, Context, Editor, Helper};

use super::Renderer;
use crate::command::{self, COMMANDS};
use crate::conversation::Pipeline;
use crate::engine::Engine;

/// How many lines the history keeps.
const HISTORY_SIZE: usize = 1000;

/// Where the history is kept: `$CLIPPINGS_HISTORY` (empty: nowhere), else `clippings/history`
/// in the user's state directory (`$XDG_STATE_HOME`, `~/.local/state`), else in their data
/// directory.
pub fn history_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("CLIPPINGS_HISTORY") {
        return (!path.is_empty()).then(|| PathBuf::from(path));
    }
    let base = dirs::state_dir().or_else(dirs::data_local_dir)?;
    Some(base.join("clippings").join("history"))
}

/// Runs the chat with a line editor until Ctrl-D or `quit`.
pub fn run(
    pipeline: &Pipeline,
    render: Renderer<'_>,
    greeting: Option<&str>,
) -> std::io::Result<()> {
    let config = Config::builder()
        .max_history_size(HISTORY_SIZE)
        .map_err(std::io::Error::other)?
        .history_ignore_dups(true)
        .map_err(std::io::Error::other)?
        .history_ignore_space(true)
        .completion_type(CompletionType::List)
        .auto_add_history(false)
        .build();
    let mut editor: Editor<ChatHelper, FileHistory> =
        Editor::with_config(config).map_err(std::io::Error::other)?;
    editor.set_helper(Some(ChatHelper {
        engine: pipeline.engine().clone(),
        prefix: pipeline.prefix().to_string(),
    }));
    let history = history_path().and_then(|path| match prepare_history(&path) {
        Ok(()) => Some(path),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "the chat history is not kept");
            None
        }
    });
    if let Some(path) = &history
        && let Err(e) = editor.load_history(path)
    {
        tracing::warn!(path = %path.display(), error = %e, "the chat history could not be read");
    }
    let mut out = std::io::stdout();
    if let Some(greeting) = greeting {
        writeln!(out, "{}", super::wrap(greeting, super::terminal_width()))?;
    }
    loop {
        let line = match editor.readline("> ") {
            Ok(line) => line,
            // Ctrl-C clears the line, as in a shell; Ctrl-D leaves.
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(std::io::Error::other(e)),
        };
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        // A line typed with a leading space is not kept, as in a shell.
        if let Ok(true) = editor.add_history_entry(line.trim_end())
            && let Some(path) = &history
            && let Err(e) = editor.append_history(path)
        {
            tracing::warn!(path = %path.display(), error = %e, "the chat history could not be saved");
        }
        if matches!(trimmed, "quit" | "exit" | ":q") {
            break;
        }
        let reply = super::answer_line(pipeline, trimmed, render);
        // The width is read for each answer: a window resized since the last one is honoured.
        writeln!(out, "{}\n", super::wrap(&reply, super::terminal_width()))?;
        out.flush()?;
    }
    Ok(())
}

/// Creates the history's directory (private to the user) and file.
fn prepare_history(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

/// Completes the word before the cursor.
struct ChatHelper {
    engine: Arc<Engine>,
    prefix: String,
}

impl Completer for ChatHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let words = Words::of(&self.engine);
        let (start, found) = complete(&self.prefix, line, pos, &words);
        let pairs = found
            .into_iter()
            .map(|c| Pair {
                display: c.display,
                replacement: c.replacement,
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for ChatHelper {
    type Hint = String;
}

impl Highlighter for ChatHelper {
    fn highlight_prompt<'b, 's: 'b, 'p: 'b>(
        &'s self,
        prompt: &'p str,
        _default: bool,
    ) -> Cow<'b, str> {
        Cow::Borrowed(prompt)
    }
}

impl Validator for ChatHelper {}

impl Helper for ChatHelper {}

/// What can be completed: topic words and the refs of the articles indexed now.
pub struct Words {
    /// Topic names and aliases.
    pub topics: Vec<String>,
    /// Article slugs, with how many paragraphs each has.
    pub articles: Vec<(String, u32)>,
}

impl Words {
    pub fn of(engine: &Engine) -> Words {
        let knowledge = engine.knowledge();
        let snapshot = engine.live().get();
        Words {
            topics: knowledge.topics.words(),
            articles: snapshot
                .manifest
                .articles
                .iter()
                .map(|a| (a.slug.clone(), a.paragraphs))
                .collect(),
        }
    }
}

/// One completion: what the list shows and what replaces the word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub display: String,
    pub replacement: String,
}

/// Candidates for the word that ends at `pos` in `line`, and where that word starts.
///
/// The first word completes to a command or topic (`!ca` → `!capex`); after `!quote` a ref
/// (an article slug, then its paragraph number); after `!help` a command or topic; after the
/// commands that take a topic (`!watch`, `!trend`, `!compare`, `!figures`, `!digest`), a
/// topic. Questions (lines without the prefix) complete nothing.
pub fn complete(prefix: &str, line: &str, pos: usize, words: &Words) -> (usize, Vec<Candidate>) {
    let pos = floor_char_boundary(line, pos);
    let before = &line[..pos];
    let start = before.rfind(char::is_whitespace).map_or(0, |i| {
        i + before[i..].chars().next().map_or(1, char::len_utf8)
    });
    let word = &before[start..];
    let first = before.trim_start();
    if !first.starts_with(prefix) || prefix.is_empty() {
        return (pos, Vec::new());
    }
    let lead = before.len() - first.len();
    if start <= lead {
        // The command word itself.
        let Some(typed) = word.strip_prefix(prefix) else {
            return (pos, Vec::new());
        };
        let typed = typed.to_lowercase();
        let found = sorted_unique(
            command_words(words)
                .into_iter()
                .filter(|n| n.starts_with(&typed))
                .map(|n| Candidate {
                    display: format!("{prefix}{n}"),
                    replacement: format!("{prefix}{n} "),
                }),
        );
        return (start, found);
    }
    let command_word = first[prefix.len()..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_lowercase();
    let typed = word.to_lowercase();
    let command = command::help_for(&command_word).map(|c| c.name);
    let found = match command {
        Some("quote") => refs(&typed, words),
        Some("help") => plain(command_words(words), &typed),
        Some("watch" | "unwatch" | "trend" | "compare" | "figures" | "digest") => {
            plain(words.topics.iter().map(String::as_str).collect(), &typed)
        }
        _ => Vec::new(),
    };
    (start, found)
}

/// The built-in command names and the topic words.
fn command_words(words: &Words) -> Vec<&str> {
    let mut names: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
    names.extend(words.topics.iter().map(String::as_str));
    names
}

/// Words that start with `typed`, each followed by a space.
fn plain(names: Vec<&str>, typed: &str) -> Vec<Candidate> {
    sorted_unique(
        names
            .into_iter()
            .filter(|n| n.starts_with(typed))
            .map(|n| Candidate {
                display: n.to_string(),
                replacement: format!("{n} "),
            }),
    )
}

/// Refs that start with `typed`: article slugs (followed by `:`), then once the slug is
/// whole, its paragraph numbers.
fn refs(typed: &str, words: &Words) -> Vec<Candidate> {
    if let Some((slug, number)) = typed.split_once(':') {
        let Some((slug, paragraphs)) = words.articles.iter().find(|(s, _)| s == slug) else {
            return Vec::new();
        };
        return (1..=*paragraphs)
            .map(|n| n.to_string())
            .filter(|n| n.starts_with(number))
            .map(|n| Candidate {
                display: format!("{slug}:{n}"),
                replacement: format!("{slug}:{n} "),
            })
            .collect();
    }
    sorted_unique(
        words
            .articles
            .iter()
            .filter(|(s, _)| s.starts_with(typed))
            .map(|(s, _)| Candidate {
                display: s.clone(),
                replacement: format!("{s}:"),
            }),
    )
}

fn sorted_unique(found: impl Iterator<Item = Candidate>) -> Vec<Candidate> {
    let mut found: Vec<Candidate> = found.collect();
    found.sort_by(|a, b| a.display.cmp(&b.display));
    found.dedup_by(|a, b| a.display == b.display);
    found
}

fn floor_char_boundary(text: &str, pos: usize) -> usize {
    let mut pos = pos.min(text.len());
    while !text.is_char_boundary(pos) {
        pos -= 1;
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> Words {
        Words {
            topics: vec!["capex".into(), "chips".into(), "spending".into()],
            articles: vec![
                ("invezz-shares-surge".into(), 12),
                ("infofinance-ai-investment".into(), 3),
                ("abmedia-ai-budget".into(), 17),
            ],
        }
    }

    fn shown(found: &(usize, Vec<Candidate>)) -> Vec<&str> {
        found.1.iter().map(|c| c.display.as_str()).collect()
    }

    #[test]
    fn the_command_word_completes_to_commands_and_topics() {
        let w = words();
        let found = complete("!", "!ca", 3, &w);
        assert_eq!(found.0, 0);
        assert_eq!(
            found.1,
            vec![Candidate {
                display: "!capex".into(),
                replacement: "!capex ".into()
            }]
        );
        assert_eq!(
            shown(&complete("!", "!s", 2, &w)),
            ["!search", "!sources", "!spending", "!status"]
        );
        assert_eq!(shown(&complete("!", "  !CH", 5, &w)), ["!chips"]);
        assert_eq!(complete("!", "  !CH", 5, &w).0, 2);
        assert!(complete("!", "!zz", 3, &w).1.is_empty());
    }

    #[test]
    fn questions_complete_nothing() {
        let w = words();
        assert!(complete("!", "how much ca", 11, &w).1.is_empty());
        assert!(complete("!", "", 0, &w).1.is_empty());
        assert!(complete("!", "!search ca", 10, &w).1.is_empty());
    }

    #[test]
    fn refs_complete_slug_then_paragraph() {
        let w = words();
        assert_eq!(
            shown(&complete("!", "!quote in", 9, &w)),
            ["infofinance-ai-investment", "invezz-shares-surge"]
        );
        let found = complete("!", "!quote inve", 11, &w);
        assert_eq!(found.0, 7);
        assert_eq!(found.1[0].replacement, "invezz-shares-surge:");
        assert_eq!(
            shown(&complete("!", "!ref infofinance-ai-investment:", 31, &w)),
            [
                "infofinance-ai-investment:1",
                "infofinance-ai-investment:2",
                "infofinance-ai-investment:3"
            ]
        );
        assert_eq!(
            shown(&complete("!", "!quote invezz-shares-surge:1", 28, &w)),
            [
                "invezz-shares-surge:1",
                "invezz-shares-surge:10",
                "invezz-shares-surge:11",
                "invezz-shares-surge:12"
            ]
        );
        assert!(complete("!", "!quote nope:", 12, &w).1.is_empty());
    }

    #[test]
    fn topic_arguments_and_help_complete() {
        let w = words();
        assert_eq!(shown(&complete("!", "!watch c", 8, &w)), ["capex", "chips"]);
        assert_eq!(shown(&complete("!", "!digest 7d sp", 13, &w)), ["spending"]);
        assert_eq!(shown(&complete("!", "!help tr", 8, &w)), ["trend"]);
        // The cursor in the middle of the line completes the word before it.
        let found = complete("!", "!trend ch 12w", 9, &w);
        assert_eq!((found.0, shown(&found)), (7, vec!["chips"]));
    }

    #[test]
    fn another_prefix_is_honoured() {
        let w = words();
        assert_eq!(shown(&complete("?", "?cap", 4, &w)), ["?capex"]);
        assert!(complete("?", "!cap", 4, &w).1.is_empty());
        // A cursor inside a multi-byte character counts from the character's start.
        assert_eq!(complete("!", "!ça", 2, &w).0, 0);
        assert!(complete("!", "!ça", 4, &w).1.is_empty());
    }
}
