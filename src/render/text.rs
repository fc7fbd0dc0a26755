//! Answers as terminal text: quotes with highlighted words (colour on a TTY), attribution and
//! refs, readable when piped too.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use super::{attribution_line, quote_marks};
use crate::engine::{Alert, Answer, Attribution, Digest, Hit, Passages, Trend};

/// How to draw text.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextStyle {
    pub color: bool,
}

impl TextStyle {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }
}

const HIGHLIGHT: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Yellow)));
const DIM: Style = Style::new().dimmed();
const HEADING: Style = Style::new().bold();

pub fn render(answer: &Answer, style: TextStyle) -> String {
    let mut out = String::new();
    match answer {
        Answer::Passages(p) => passages(&mut out, p, style),
        Answer::Quote(q) => {
            let _ = writeln!(
                out,
                "{}",
                style.paint(
                    HEADING,
                    &format!("{} — {}", q.reference, attribution_line(&q.source))
                )
            );
            if let Some(section) = &q.section {
                let _ = writeln!(out, "{}", style.paint(DIM, section));
            }
            for p in &q.paragraphs {
                let marker = if p.target { "▶" } else { " " };
                let body = if p.target {
                    p.text.clone()
                } else {
                    style.paint(DIM, &p.text)
                };
                let _ = writeln!(
                    out,
                    "{marker} [{}] {}",
                    p.number,
                    body.replace('\n', "\n      ")
                );
            }
            link(&mut out, q.source.url.as_deref(), style);
        }
        Answer::Figures { topic, figures } => {
            let _ = writeln!(
                out,
                "{}",
                style.paint(HEADING, &format!("Figures: {topic}"))
            );
            for f in figures {
                let quote = f
                    .quote
                    .replacen(&f.value, &style.paint(HIGHLIGHT, &f.value), 1);
                let (left, right) = quote_marks(&f.quote);
                let value = style.paint(HEADING, &f.value);
                let _ = writeln!(out, "\n• {value} — {left}{quote}{right}");
                let _ = writeln!(out, "   — {}", attribution_line(&f.source));
                if !f.also_reported_by.is_empty() {
                    let others: Vec<String> =
                        f.also_reported_by.iter().map(Attribution::outlet).collect();
                    let _ = writeln!(out, "   also reported by {}", others.join(", "));
                }
                let _ = writeln!(
                    out,
                    "   {}",
                    style.paint(DIM, &format!("ref {}", f.reference))
                );
            }
        }
        Answer::Sources { sources } => {
            let _ = writeln!(
                out,
                "{}",
                style.paint(HEADING, &format!("{} articles", sources.len()))
            );
            for s in sources {
                let _ = writeln!(
                    out,
                    "• {} ({} passages)",
                    attribution_line(&s.source),
                    s.passages
                );
                let mut extra = vec![format!("ref {}", s.source.article)];
                extra.extend(s.source.url.clone());
                extra.extend(s.via.as_ref().map(|v| format!("via {v}")));
                let _ = writeln!(out, "  {}", style.paint(DIM, &extra.join(" · ")));
                if let Some(notes) = &s.notes {
                    let _ = writeln!(out, "  {}", style.paint(DIM, &format!("note: {notes}")));
                }
            }
        }
        Answer::Topics { prefix, topics } => {
            let _ = writeln!(out, "{}", style.paint(HEADING, "Topics"));
            for t in topics {
                let aliases = if t.aliases.is_empty() {
                    String::new()
                } else {
                    format!(
                        " (also {})",
                        t.aliases
                            .iter()
                            .map(|a| format!("{prefix}{a}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                let _ = writeln!(
                    out,
                    "{prefix}{} — {}{}",
                    t.name,
                    t.description,
                    style.paint(DIM, &aliases)
                );
            }
        }
        Answer::Help(h) => {
            if let Some(details) = &h.details {
                let _ = writeln!(out, "{details}");
            } else {
                let _ = writeln!(out, "{}", style.paint(HEADING, "Commands"));
                for c in &h.commands {
                    let _ = writeln!(out, "{:<26} {}", c.usage, c.summary);
                }
                let _ = writeln!(
                    out,
                    "\n{} {}",
                    style.paint(HEADING, "Topics:"),
                    h.topics.join(" ")
                );
                let _ = writeln!(
                    out,
                    "{}",
                    style.paint(
                        DIM,
                        &format!("{}help <command> for details and examples.", h.prefix)
                    )
                );
            }
        }
        Answer::About(a) => {
            let _ = writeln!(
                out,
                "Clippings {} — {} articles, {} passages, {} topics.",
                a.version, a.articles, a.passages, a.topics
            );
            if a.skipped_files > 0 {
                let _ = writeln!(out, "{} files were skipped (see the log).", a.skipped_files);
            }
        }
        Answer::Alert(a) => alert(&mut out, a, style),
        Answer::Digest(d) => digest(&mut out, d, style),
        Answer::Trend(t) => trend(&mut out, t, style),
        Answer::Notice(n) => {
            let _ = writeln!(out, "{}", n.text);
            if !n.suggestions.is_empty() {
                let _ = writeln!(
                    out,
                    "{}",
                    style.paint(DIM, &format!("Try: {}", n.suggestions.join("  ")))
                );
            }
        }
    }
    out.trim_end().to_string()
}

fn passages(out: &mut String, p: &Passages, style: TextStyle) {
    let _ = writeln!(out, "{}", style.paint(HEADING, &p.heading));
    for notice in &p.notices {
        let _ = writeln!(out, "{}", style.paint(DIM, notice));
    }
    if let Some(c) = &p.comparison {
        comparison(out, c, style);
    }
    for hit in &p.hits {
        let _ = writeln!(out);
        passage(out, hit, style);
    }
    if p.has_more() {
        let shown = p.offset + p.hits.len();
        let _ = writeln!(
            out,
            "\n{}",
            style.paint(
                DIM,
                &format!("{shown} of {} — !more for the next ones", p.total)
            )
        );
    }
}

/// `!compare`'s figures: a block per quantity, a line per outlet.
fn comparison(out: &mut String, c: &crate::engine::Comparison, style: TextStyle) {
    for g in &c.groups {
        let verdict = if g.agree { "agree" } else { "differ" };
        let _ = writeln!(
            out,
            "\n{}",
            style.paint(HEADING, &format!("{} ({verdict})", g.quantity))
        );
        for l in &g.lines {
            let day = l
                .day
                .as_deref()
                .map_or_else(|| "no day given".to_string(), str::to_string);
            let _ = writeln!(
                out,
                "• {}: {} {}",
                l.source.outlet(),
                style.paint(HIGHLIGHT, &l.figure),
                style.paint(DIM, &format!("({day}; ref {})", l.reference))
            );
            let (left, right) = quote_marks(&l.quote);
            let _ = writeln!(out, "  {left}{}{right}", l.quote);
        }
        for d in &g.differences {
            let _ = writeln!(out, "  ⚠ {d}");
        }
    }
}

fn alert(out: &mut String, a: &Alert, style: TextStyle) {
    let _ = writeln!(out, "{}", style.paint(HEADING, &a.heading));
    for item in &a.items {
        let _ = writeln!(out);
        passage(out, &item.hit, style);
        let _ = writeln!(
            out,
            "   {}",
            style.paint(DIM, &format!("watch: {}", item.watch))
        );
    }
    if a.more > 0 {
        let _ = writeln!(
            out,
            "\n{}",
            style.paint(DIM, &format!("and {} more: {}", a.more, a.see_all))
        );
    }
}

fn digest(out: &mut String, d: &Digest, style: TextStyle) {
    let stories: usize = d.groups.iter().map(|g| g.stories.len()).sum();
    let _ = writeln!(
        out,
        "{}",
        style.paint(
            HEADING,
            &format!(
                "New in {}: {} article{}, {} stor{}",
                d.window,
                d.articles,
                if d.articles == 1 { "" } else { "s" },
                stories,
                if stories == 1 { "y" } else { "ies" }
            )
        )
    );
    for g in &d.groups {
        let _ = writeln!(out, "\n{}", style.paint(HEADING, &g.topic));
        for s in &g.stories {
            let _ = writeln!(out, "• {}", attribution_line(&s.source));
            if !s.also_reported_by.is_empty() {
                let others: Vec<String> =
                    s.also_reported_by.iter().map(Attribution::outlet).collect();
                let _ = writeln!(out, "  also reported by {}", others.join(", "));
            }
            let mut tail = vec![format!("ref {}", s.source.article)];
            tail.extend(s.source.url.clone());
            let _ = writeln!(out, "  {}", style.paint(DIM, &tail.join(" · ")));
        }
    }
}

/// A chart as a table: a row per day or week with a bar of `#`, a column per outlet.
fn trend(out: &mut String, t: &Trend, style: TextStyle) {
    let _ = writeln!(out, "{}", style.paint(HEADING, &t.heading));
    let total = t.total();
    if total == 0 {
        let _ = writeln!(out, "No dated article in this span.");
    } else {
        let widest = t
            .buckets
            .iter()
            .map(|b| b.counts.iter().sum::<usize>())
            .max()
            .unwrap_or(1)
            .max(1);
        for b in &t.buckets {
            let n: usize = b.counts.iter().sum();
            let bar = "#".repeat((n * 40).div_ceil(widest).min(40));
            let by: Vec<String> = t
                .outlets
                .iter()
                .zip(&b.counts)
                .filter(|(_, c)| **c > 0)
                .map(|(o, c)| format!("{o} {c}"))
                .collect();
            let detail = if by.is_empty() {
                String::new()
            } else {
                style.paint(DIM, &format!("  ({})", by.join(", ")))
            };
            let _ = writeln!(out, "{}  {n:>4} {bar}{detail}", b.start);
        }
        let _ = writeln!(out, "{total} articles by {} outlets", t.outlets.len());
    }
    if t.undated > 0 {
        let _ = writeln!(
            out,
            "{}",
            style.paint(
                DIM,
                &format!("{} matching articles give no date (not charted)", t.undated)
            )
        );
    }
}

fn passage(out: &mut String, hit: &Hit, style: TextStyle) {
    let quoted = highlighted(hit.quote_text(), &hit.quote_highlights(), style);
    let (cut_start, cut_end) = hit.quote_is_partial();
    let (open, close) = (
        if cut_start { "…" } else { "" },
        if cut_end { "…" } else { "" },
    );
    let (left, right) = quote_marks(hit.quote_text());
    let _ = writeln!(
        out,
        "{}. {left}{open}{}{close}{right}",
        hit.rank,
        quoted.replace('\n', "\n     ")
    );
    let _ = writeln!(out, "   — {}", attribution_line(&hit.source));
    if !hit.also_reported_by.is_empty() {
        let others: Vec<String> = hit
            .also_reported_by
            .iter()
            .map(Attribution::outlet)
            .collect();
        let _ = writeln!(out, "   also reported by {}", others.join(", "));
    }
    let mut tail = vec![format!("ref {}", hit.reference)];
    tail.extend(hit.source.url.clone());
    let _ = writeln!(out, "   {}", style.paint(DIM, &tail.join(" · ")));
}

fn link(out: &mut String, url: Option<&str>, style: TextStyle) {
    if let Some(url) = url {
        let _ = writeln!(out, "{}", style.paint(DIM, url));
    }
}

/// The text with highlighted ranges painted (or left plain without colour).
pub fn highlighted(text: &str, ranges: &[std::ops::Range<usize>], style: TextStyle) -> String {
    let mut out = String::with_capacity(text.len() + ranges.len() * 8);
    let mut at = 0;
    for r in ranges {
        if r.start < at || r.end > text.len() {
            continue;
        }
        out.push_str(&text[at..r.start]);
        out.push_str(&style.paint(HIGHLIGHT, &text[r.clone()]));
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}
