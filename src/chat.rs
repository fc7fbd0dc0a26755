//! The terminal chat: the same commands and answers as in a channel, one command per line,
//! readable in a terminal and scriptable from piped stdin.

use std::io::{BufRead, IsTerminal, Write};

use crate::engine::Engine;
use crate::render::{self, text::TextStyle};

/// How the chat prints answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChatFormat {
    #[default]
    Text,
    Json,
    /// The Discord message payload the bot would send.
    Discord,
    /// The Matrix event content the bot would send.
    Matrix,
}

/// Runs the chat on stdin/stdout until end of input or `quit`.
pub fn run(engine: &Engine, format: ChatFormat, greet: bool) -> std::io::Result<()> {
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let style = TextStyle {
        color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let mut out = std::io::stdout().lock();
    let prefix = engine.config().prefix.clone();
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
                writeln!(out, "That line is not UTF-8 text; please type it again.")?;
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
        let reply = answer_line(engine, trimmed, format, style);
        writeln!(out, "{reply}\n")?;
        out.flush()?;
    }
    Ok(())
}

/// One line of chat: a command, or (without the prefix) a question for `ask`.
pub fn answer_line(engine: &Engine, line: &str, format: ChatFormat, style: TextStyle) -> String {
    let prefix = &engine.config().prefix;
    let message = if line.trim_start().starts_with(prefix.as_str()) {
        line.to_string()
    } else {
        format!("{prefix}ask {line}")
    };
    let answer = match engine.handle("terminal", &message) {
        Some(answer) => answer,
        None => return format!("Commands start with {prefix}; try {prefix}help."),
    };
    match format {
        ChatFormat::Text => render::text::render(&answer, style),
        ChatFormat::Json => render::json::render(line, &answer),
        ChatFormat::Discord => crate::discord::preview(&answer),
        ChatFormat::Matrix => crate::matrix::render::preview(&answer),
    }
}
