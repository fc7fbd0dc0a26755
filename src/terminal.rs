//! The terminal chat: the same commands and answers as in a channel, one command per line,
//! readable in a terminal and scriptable from piped stdin. Also the terminal's push path.

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
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let mut out = std::io::stdout().lock();
    let prefix = pipeline.prefix().to_string();
    if greet && interactive {
        writeln!(
            out,
            "Clippings terminal chat. Ask a question, or try {prefix}topics, {prefix}help. Ctrl-D or `quit` leaves.\n\
             No chat platform is configured, so this is the terminal chat; the README's Configuration section says how to connect Discord or Matrix."
        )?;
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
