//! The terminal chat on a real pseudo-terminal (portable-pty), as a person types into it: the
//! up arrow recalls the last command, also after a restart (the history is kept in the user's
//! state directory); Tab completes `!ca` to `!capex` and a ref after `!quote`; answers are
//! wrapped between words to the window's width, and re-wrapped after the window is resized.
//! Piped, the chat prints exactly what it printed before the line editor came
//! (`tests/fixtures/piped_chat.txt`, written by the chat as it was).

mod common;

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::Workspace;
use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

/// What the person at the keyboard sees, and the keys they press.
struct Terminal {
    master: Box<dyn MasterPty + Send>,
    keys: Arc<Mutex<Box<dyn Write + Send>>>,
    screen: Arc<Mutex<Vec<u8>>>,
    child: Box<dyn Child + Send + Sync>,
}

fn size(cols: u16) -> PtySize {
    PtySize {
        rows: 50,
        cols,
        pixel_width: 0,
        pixel_height: 0,
    }
}

impl Terminal {
    /// The chat of `ws` in a terminal `cols` wide, with `home` as the user's home.
    fn open(ws: &Workspace, home: &Path, cols: u16) -> Terminal {
        let pty = native_pty_system().openpty(size(cols)).unwrap();
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_clippings"));
        cmd.arg("--data");
        cmd.arg(ws.data());
        cmd.arg("--index");
        cmd.arg(ws.index());
        cmd.arg("-q");
        cmd.arg("chat");
        cmd.cwd(ws.dir.path());
        cmd.env("HOME", home);
        cmd.env("XDG_STATE_HOME", home.join("state"));
        cmd.env("TERM", "xterm-256color");
        cmd.env("NO_COLOR", "1");
        for name in [
            "DISCORD_TOKEN",
            "MATRIX_HOMESERVER",
            "DISCORD_PUBLIC_KEY",
            "HTTP_LISTEN",
            "CLIPPINGS_HISTORY",
        ] {
            cmd.env_remove(name);
        }
        let child = pty.slave.spawn_command(cmd).unwrap();
        drop(pty.slave);
        let keys = Arc::new(Mutex::new(pty.master.take_writer().unwrap()));
        let screen = Arc::new(Mutex::new(Vec::new()));
        let mut reader = pty.master.try_clone_reader().unwrap();
        let (seen, answer) = (screen.clone(), keys.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                let mut seen = seen.lock().unwrap();
                seen.extend_from_slice(&buf[..n]);
                // The line editor asks where the cursor is; a terminal answers.
                let asked = buf[..n].windows(4).filter(|w| w == b"\x1b[6n").count();
                for _ in 0..asked {
                    let _ = answer.lock().unwrap().write_all(b"\x1b[1;1R");
                }
            }
        });
        let terminal = Terminal {
            master: pty.master,
            keys,
            screen,
            child,
        };
        terminal.wait_for_prompts(1);
        terminal
    }

    fn press(&self, keys: &str) {
        let mut w = self.keys.lock().unwrap();
        w.write_all(keys.as_bytes()).unwrap();
        w.flush().unwrap();
    }

    /// Everything shown so far, without terminal control sequences.
    fn text(&self) -> String {
        strip_controls(&String::from_utf8_lossy(&self.screen.lock().unwrap()))
    }

    /// Waits until the chat has shown its prompt `n` times (each answer ends with one).
    fn wait_for_prompts(&self, n: usize) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let text = self.text();
            if prompts(&text) >= n {
                // Let the line editor finish setting up the line before keys arrive.
                std::thread::sleep(Duration::from_millis(150));
                return text;
            }
            assert!(Instant::now() < deadline, "no prompt {n} in:\n{text}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Types `line` and Enter, and returns what was shown between it and the next prompt.
    fn enter(&self, keys: &str) -> String {
        let before = prompts(&self.text());
        self.press(keys);
        self.press("\r");
        let text = self.wait_for_prompts(before + 1);
        answer_after(&text, before)
    }

    fn quit(mut self) {
        self.press("\x04");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "{status:?}\n{}", self.text());
                return;
            }
            assert!(Instant::now() < deadline, "Ctrl-D did not end the chat");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

/// How many prompts the screen shows: `> ` at the start of a line.
fn prompts(text: &str) -> usize {
    text.split('\n').filter(|l| l.starts_with("> ")).count()
}

/// The lines after the `n`th prompt's line, up to the next prompt, without the blank line
/// that ends an answer.
fn answer_after(text: &str, n: usize) -> String {
    let mut seen = 0;
    let mut out = Vec::new();
    for line in text.split('\n') {
        if line.starts_with("> ") {
            seen += 1;
            continue;
        }
        if seen == n {
            out.push(line);
        }
    }
    out.join("\n").trim_end().to_string()
}

/// Terminal output as the lines it leaves on screen: the few things the line editor does to
/// redraw its line (carriage return, erase to the end of the line, cursor left and right) are
/// applied, other control sequences dropped; `\r\n` ends a line.
fn strip_controls(raw: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line: Vec<char> = Vec::new();
    let mut col = 0usize;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => match chars.next() {
                Some('[') => {
                    let mut arg = String::new();
                    for c in chars.by_ref() {
                        if ('@'..='~').contains(&c) {
                            let n = arg.trim_start_matches('?').parse::<usize>().unwrap_or(1);
                            match c {
                                'K' => line.truncate(col),
                                'C' => col += n,
                                'D' => col = col.saturating_sub(n),
                                'G' => col = n.saturating_sub(1),
                                _ => {}
                            }
                            break;
                        }
                        arg.push(c);
                    }
                }
                Some(']') => {
                    for c in chars.by_ref() {
                        if c == '\x07' {
                            break;
                        }
                    }
                }
                _ => {}
            },
            '\r' => col = 0,
            '\n' => {
                lines.push(line.drain(..).collect());
                col = 0;
            }
            '\x08' => col = col.saturating_sub(1),
            '\x07' => {}
            c => {
                if line.len() < col {
                    line.resize(col, ' ');
                }
                if col < line.len() {
                    line[col] = c;
                } else {
                    line.push(c);
                }
                col += 1;
            }
        }
    }
    lines.push(line.into_iter().collect());
    lines.join("\n")
}

/// The chat's answer to `line` with its input piped (no terminal, no wrapping).
fn piped(ws: &Workspace, line: &str) -> String {
    let out = ws.run(&["-q", "chat"], &format!("{line}\n"));
    assert!(out.status.success(), "{}", common::stderr(&out));
    common::stdout(&out).trim_end().to_string()
}

fn words(text: &str) -> Vec<&str> {
    text.split_whitespace().collect()
}

fn widest(text: &str) -> usize {
    text.lines().map(|l| l.chars().count()).max().unwrap_or(0)
}

#[test]
fn history_is_recalled_with_the_up_arrow_and_kept_across_runs() {
    let ws = Workspace::new();
    let home = tempfile::tempdir().unwrap();
    let chat = Terminal::open(&ws, home.path(), 200);
    let sources = chat.enter("!sources");
    assert!(sources.starts_with("5 articles"), "{sources}");
    let capex = chat.enter("!capex");
    assert!(capex.contains("ref "), "{capex}");
    // Up twice: the command before the last.
    let again = chat.enter("\x1b[A\x1b[A");
    assert_eq!(again, sources);
    // A line typed with a leading space is answered but not kept, as in a shell.
    assert!(chat.enter(" !topics").contains("!capex"));
    chat.quit();

    let history = home.path().join("state/clippings/history");
    let kept = std::fs::read_to_string(&history).unwrap();
    assert!(
        kept.contains("!sources") && kept.contains("!capex"),
        "{kept}"
    );
    assert!(!kept.contains("!topics"), "{kept}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&history).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the history is the user's alone: {mode:o}");
    }

    let chat = Terminal::open(&ws, home.path(), 200);
    assert_eq!(
        chat.enter("\x1b[A\x1b[A\x1b[A"),
        sources,
        "recalled after a restart"
    );
    chat.quit();
}

#[test]
fn tab_completes_commands_topics_and_refs() {
    let ws = Workspace::new();
    let home = tempfile::tempdir().unwrap();
    let chat = Terminal::open(&ws, home.path(), 200);
    let completed = chat.enter("!ca\t");
    assert_eq!(words(&completed), words(&piped(&ws, "!capex")));
    let quoted = chat.enter("!quote invezz-sh\t2");
    assert_eq!(
        words(&quoted),
        words(&piped(&ws, "!quote invezz-shares-surge:2"))
    );
    assert!(
        chat.text().contains("> !capex"),
        "the line shows the completion"
    );
    chat.quit();
}

#[test]
fn answers_wrap_between_words_to_the_window_and_rewrap_after_a_resize() {
    let ws = Workspace::new();
    let home = tempfile::tempdir().unwrap();
    let chat = Terminal::open(&ws, home.path(), 40);
    let whole = piped(&ws, "!capex");
    assert!(widest(&whole) > 100, "the answer has long lines to wrap");

    let narrow = chat.enter("!capex");
    assert!(widest(&narrow) <= 40, "{narrow}");
    assert_eq!(words(&narrow), words(&whole), "no word is cut in two");
    // A continuation sits under the text of its item, not under its number.
    assert!(narrow.contains("\n1. “"), "{narrow}");
    assert!(
        narrow
            .lines()
            .any(|l| l.starts_with("   ") && !l.starts_with("   —"))
    );

    chat.master.resize(size(72)).unwrap();
    let wider = chat.enter("!capex");
    assert!(widest(&wider) <= 72 && widest(&wider) > 40, "{wider}");
    assert_eq!(words(&wider), words(&whole));
    chat.quit();
}

/// The snapshot commands, piped: byte for byte what the chat printed before it had a line
/// editor. Regenerate only for an intended change of answers:
/// `printf '%s\n' ... | clippings -q chat > tests/fixtures/piped_chat.txt` (the list below).
#[test]
fn piped_chat_output_is_unchanged() {
    let ws = Workspace::new();
    let input = PIPED_COMMANDS.join("\n") + "\n";
    let out = ws.run(&["-q", "chat"], &input);
    assert!(out.status.success(), "{}", common::stderr(&out));
    let expected =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/piped_chat.txt"))
            .unwrap();
    if out.stdout != expected {
        panic!(
            "the piped chat's output changed:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

const PIPED_COMMANDS: &[&str] = &[
    "!help",
    "!topics",
    "!sources",
    "!capex",
    "!more",
    "!bonds",
    "!quote invezz-shares-surge:2",
    "how much will Alibaba invest in AI?",
    "!search “Hong Kong” -Alibaba",
    "!figures capex",
    "!compare capex",
    "!watch capex",
    "!nonsense",
    "!quote nowhere:3",
];
