//! The terminal chat: the same commands and answers as in a channel, one command per line,
//! readable in a terminal and scriptable from piped stdin. Also the terminal's push path.
//!
//! On a terminal (stdin and stdout both), lines are edited with history and completion and
//! answers are wrapped to the window ([`editor`]); piped, lines are read and answers written
//! exactly as they are rendered.

pub mod editor;

use std::io::{BufRead, IsTerminal, Write};
use std::sync::Mutex;

use crate::conversation::{Pipeline, Platform, Push, PushError, Pushing};
use crate::engine::Answer;
use crate::render::text::{self, TextStyle};
use crate::texts;

/// Turns an answer (to the line typed) into what is printed.
pub type Renderer<'a> = &'a dyn Fn(&str, &Answer) -> String;

/// Runs the chat on stdin/stdout until end of input or `quit`.
pub fn run(pipeline: &Pipeline, render: Renderer<'_>, greet: bool) -> std::io::Result<()> {
    let prefix = pipeline.prefix().to_string();
    let greeting = format!(
        "Clippings terminal chat. Ask a question, or try {prefix}topics, {prefix}help. Ctrl-D or `quit` leaves.\n\
         No chat platform is configured, so this is the terminal chat; the README's Configuration section says how to connect Discord or Matrix."
    );
    if std::io::stdin().is_terminal() && std::io::stdout().is_terminal() {
        return editor::run(pipeline, render, greet.then_some(greeting.as_str()));
    }
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let mut out = std::io::stdout().lock();
    if greet && interactive {
        writeln!(out, "{greeting}")?;
    }
    let mut lines = stdin.lock().lines();
    loop {
        if interactive {
            write!(out, "> ")?;
            out.flush()?;
        }
        let Some(line) = lines.next() else { break };
        let line = match line {
            Ok(line) => line,
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                writeln!(out, "{}", texts::NOT_UTF8)?;
                continue;
            }
            Err(e) => return Err(e),
        };
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if interactive && matches!(trimmed, "quit" | "exit" | ":q") {
            break;
        }
        let reply = answer_line(pipeline, trimmed, render);
        writeln!(out, "{reply}\n")?;
        out.flush()?;
    }
    Ok(())
}

/// The width of the terminal on stdout now (80 when it cannot be told).
pub fn terminal_width() -> usize {
    textwrap::termwidth()
}

/// `text` wrapped at word boundaries to `width` columns, line by line. A wrapped line's
/// continuation is indented under its text: past its indentation and a list mark (`1. `,
/// `• `, `- `, `— `, `> `). A word longer than the width (a link) is kept whole. Colour codes
/// take no width.
pub fn wrap(text: &str, width: usize) -> String {
    let width = width.max(20);
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if textwrap::core::display_width(line) <= width {
            out.push_str(line);
            continue;
        }
        let body = line.trim_start_matches(' ');
        let indent = &line[..line.len() - body.len()];
        let hanging = format!("{indent}{}", " ".repeat(mark_width(body)));
        let options = textwrap::Options::new(width)
            .initial_indent(indent)
            .subsequent_indent(&hanging)
            .word_separator(textwrap::WordSeparator::AsciiSpace)
            .word_splitter(textwrap::WordSplitter::NoHyphenation)
            .break_words(false);
        for (j, piece) in textwrap::wrap(body, options).iter().enumerate() {
            if j > 0 {
                out.push('\n');
            }
            out.push_str(piece.trim_end_matches(' '));
        }
    }
    out
}

/// The width of a list mark that starts `line`: `12. `, `• `, `- `, `— `, `> ` or none.
fn mark_width(line: &str) -> usize {
    let plain = strip_color(line);
    let digits = plain.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && plain[digits..].starts_with(". ") {
        return digits + 2;
    }
    ["• ", "- ", "— ", "> "]
        .iter()
        .find(|mark| plain.starts_with(*mark))
        .map_or(0, |_| 2)
}

/// `line` without the colour codes at its start.
fn strip_color(line: &str) -> &str {
    let mut rest = line;
    while let Some(after) = rest.strip_prefix("\x1b[") {
        match after.find(|c: char| c.is_ascii_alphabetic()) {
            Some(end) => rest = &after[end + 1..],
            None => break,
        }
    }
    rest
}

/// One line of chat: a command, or (without the prefix) a question for `ask`.
pub fn answer_line(pipeline: &Pipeline, line: &str, render: Renderer<'_>) -> String {
    let prefix = pipeline.prefix();
    let message = if line.trim_start().starts_with(prefix) {
        line.to_string()
    } else {
        format!("{prefix}ask {line}")
    };
    match pipeline.handle("terminal", &message) {
        Some(answer) => render(line, &answer),
        None => texts::commands_start_with(prefix),
    }
}

/// Whether text written to stdout may be coloured.
pub fn stdout_color() -> TextStyle {
    TextStyle {
        color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// The terminal's push path: messages the bot posts unasked are printed like answers.
pub struct TerminalPush<W: Write + Send> {
    out: Mutex<W>,
    style: TextStyle,
}

impl<W: Write + Send> TerminalPush<W> {
    pub fn new(out: W, style: TextStyle) -> TerminalPush<W> {
        TerminalPush {
            out: Mutex::new(out),
            style,
        }
    }

    /// The writer back (tests read what was pushed).
    pub fn into_inner(self) -> W {
        self.out.into_inner().unwrap_or_else(|e| e.into_inner())
    }
}

impl<W: Write + Send> Push for TerminalPush<W> {
    fn platform(&self) -> Platform {
        Platform::Terminal
    }

    fn push<'a>(
        &'a self,
        _place: &'a str,
        answer: &'a Answer,
        _key: Option<&'a str>,
    ) -> Pushing<'a> {
        let rendered = text::render(answer, self.style);
        let written = self
            .out
            .lock()
            .map_err(|_| PushError::Failed("the terminal is gone".into()))
            .and_then(|mut out| {
                writeln!(out, "{rendered}\n")
                    .and_then(|()| out.flush())
                    .map_err(|e| PushError::Failed(e.to_string()))
            });
        Box::pin(async move { written })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn widest(text: &str) -> usize {
        text.lines()
            .map(textwrap::core::display_width)
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn wrapping_breaks_between_words_only() {
        let answer = "1. “Alibaba Group is raising $3.2 billion through zero-coupon convertible bonds to strengthen its AI push.”\n   — InvestingCube · Alibaba raises $3.2 billion through bonds\n   ref investingcube-convertible-bonds:13\n\n3 of 6 — !more for the next ones";
        let wrapped = wrap(answer, 40);
        assert!(widest(&wrapped) <= 40, "{wrapped}");
        let words = |t: &str| t.split_whitespace().map(str::to_string).collect::<Vec<_>>();
        assert_eq!(words(&wrapped), words(answer), "no word is cut");
        assert_eq!(
            wrapped.lines().take(4).collect::<Vec<_>>(),
            [
                "1. “Alibaba Group is raising $3.2",
                "   billion through zero-coupon",
                "   convertible bonds to strengthen its",
                "   AI push.”"
            ]
        );
        assert!(
            wrapped.contains(
                "\n   — InvestingCube · Alibaba raises $3.2\n     billion through bonds\n"
            ),
            "{wrapped}"
        );
        // Blank lines and short lines stay as they are.
        assert!(
            wrapped.contains("bonds:13\n\n3 of 6 — !more for the next ones"),
            "{wrapped}"
        );
        assert_eq!(wrap(answer, 500), answer);
    }

    #[test]
    fn a_long_link_is_kept_whole_and_colour_takes_no_width() {
        let link = format!("https://example.com/{}", "a".repeat(60));
        let wrapped = wrap(&format!("• see {link} for more"), 30);
        assert!(wrapped.lines().any(|l| l.trim() == link), "{wrapped}");
        let coloured = "\x1b[1mbold words\x1b[0m and some more words after them to wrap";
        let wrapped = wrap(coloured, 24);
        assert!(
            wrapped
                .lines()
                .all(|l| textwrap::core::display_width(l) <= 24),
            "{wrapped:?}"
        );
        assert!(
            wrapped.starts_with("\x1b[1mbold words\x1b[0m and"),
            "{wrapped:?}"
        );
    }

    #[tokio::test]
    async fn a_pushed_answer_is_printed_like_a_reply() {
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let pipeline = crate::lifecycle::pipeline_in_ram(&data).unwrap();
        let answer = pipeline.handle("t", "!capex").unwrap();
        let push = TerminalPush::new(Vec::new(), TextStyle::default());
        push.push("terminal", &answer, None).await.unwrap();
        let printed = String::from_utf8(push.into_inner()).unwrap();
        assert_eq!(
            printed,
            format!("{}\n\n", text::render(&answer, TextStyle::default()))
        );
        assert!(printed.contains("ref "), "{printed}");
    }
}
