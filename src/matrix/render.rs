//! Answers as Matrix `m.notice` event content: an `org.matrix.custom.html` body (blockquotes,
//! highlighted words in bold, attribution with its link) and a plain-text `body` fallback.
//! Every piece of quoted or echoed text is HTML-escaped, `m.mentions` is always present and
//! empty (nothing the bot sends can ping anyone), and the event stays well under Matrix's
//! 64 KiB limit. The content built here is exactly what is sent (and what `--format matrix`
//! prints).

use std::fmt::Write;

use html_escape::{encode_double_quoted_attribute as attr, encode_text as esc};
use matrix_sdk::ruma::events::Mentions;
use matrix_sdk::ruma::events::room::message::RoomMessageEventContentWithoutRelation;

use crate::engine::{Answer, Attribution, Hit, Passages};
use crate::render::{attribution_line, text, truncate_words};

/// Largest serialized content the bot sends; Matrix refuses events over 64 KiB (65,536 bytes,
/// signatures and envelope included), so this leaves ample room.
pub const CONTENT_MAX_BYTES: usize = 40 * 1024;

/// How much of an answer is shown: the longest quote (chars) and the longest list.
#[derive(Debug, Clone, Copy)]
struct Limits {
    quote_chars: usize,
    items: usize,
}

const STEPS: [Limits; 3] = [
    Limits {
        quote_chars: 1500,
        items: 50,
    },
    Limits {
        quote_chars: 400,
        items: 15,
    },
    Limits {
        quote_chars: 120,
        items: 5,
    },
];

/// The event content the bot sends for an answer (without the reply relation, which the
/// adapter adds from the command's event).
pub fn content(answer: &Answer) -> RoomMessageEventContentWithoutRelation {
    for limits in STEPS {
        let shown = limited(answer, limits);
        let content = notice(text::render(&shown, Default::default()), html(&shown));
        if size(&content) <= CONTENT_MAX_BYTES {
            return content;
        }
    }
    let text = "That answer is too long to show here; try a narrower question.";
    notice(text.to_string(), esc(text).into_owned())
}

fn notice(body: String, html: String) -> RoomMessageEventContentWithoutRelation {
    let mut content = RoomMessageEventContentWithoutRelation::notice_html(body, html);
    content.mentions = Some(Mentions::new());
    content
}

fn size(content: &RoomMessageEventContentWithoutRelation) -> usize {
    serde_json::to_vec(content).map_or(usize::MAX, |v| v.len())
}

/// The content as pretty JSON, for `--format matrix`.
pub fn preview(answer: &Answer) -> String {
    serde_json::to_string_pretty(&content(answer)).unwrap_or_default()
}

/// A copy of the answer cut to `limits`: long quotes end with "…", long lists are shortened.
fn limited(answer: &Answer, limits: Limits) -> Answer {
    let mut answer = answer.clone();
    match &mut answer {
        Answer::Passages(p) => {
            for hit in &mut p.hits {
                cut_quote(hit, limits.quote_chars);
                hit.also_reported_by.truncate(limits.items);
            }
            p.heading = truncate_words(&p.heading, 300);
            p.notices.truncate(limits.items.min(5));
            for notice in &mut p.notices {
                *notice = truncate_words(notice, limits.quote_chars);
            }
        }
        Answer::Quote(q) => {
            for p in &mut q.paragraphs {
                p.text = truncate_words(&p.text, limits.quote_chars * 2);
            }
        }
        Answer::Figures { figures, .. } => {
            figures.truncate(limits.items);
            for f in figures {
                f.quote = truncate_words(&f.quote, limits.quote_chars);
            }
        }
        Answer::Sources { sources } => sources.truncate(limits.items),
        Answer::Topics { topics, .. } => topics.truncate(limits.items),
        Answer::Help(h) => h.topics.truncate(limits.items),
        Answer::Notice(n) => {
            n.text = truncate_words(&n.text, limits.quote_chars);
            n.suggestions.truncate(limits.items.min(10));
        }
        Answer::Alert(a) => {
            a.heading = truncate_words(&a.heading, 300);
            for item in &mut a.items {
                cut_quote(&mut item.hit, limits.quote_chars);
                item.hit.also_reported_by.truncate(limits.items);
                item.watch = truncate_words(&item.watch, 200);
            }
        }
        Answer::Digest(d) => {
            for g in &mut d.groups {
                g.stories.truncate(limits.items);
                for s in &mut g.stories {
                    s.also_reported_by.truncate(limits.items);
                }
            }
        }
        Answer::Trend(_) => {}
        Answer::About(_) => {}
    }
    answer
}

/// Shortens the quoted range of a hit to at most `max` chars, ending at a word boundary.
fn cut_quote(hit: &mut Hit, max: usize) {
    let quote = hit.quote_text();
    if quote.chars().count() <= max {
        return;
    }
    let mut end = quote
        .char_indices()
        .nth(max)
        .map_or(quote.len(), |(i, _)| i);
    if let Some(space) = quote[..end].rfind(char::is_whitespace)
        && space > end / 2
    {
        end = space;
    }
    let end = quote[..end].trim_end().len();
    hit.quote = hit.quote.start..hit.quote.start + end;
}

/// The HTML body.
fn html(answer: &Answer) -> String {
    let mut out = String::new();
    match answer {
        Answer::Passages(p) => passages(&mut out, p),
        Answer::Quote(q) => {
            let _ = write!(
                out,
                "<p><strong>{}</strong> — {}</p>",
                esc(&q.reference),
                source(&q.source)
            );
            if let Some(section) = &q.section {
                let _ = write!(out, "<p><em>{}</em></p>", esc(section));
            }
            out.push_str("<blockquote>");
            for p in &q.paragraphs {
                let body = multiline(&p.text);
                if p.target {
                    let _ = write!(out, "<p><strong>[{}]</strong> {body}</p>", p.number);
                } else {
                    let _ = write!(out, "<p><em>[{}] {body}</em></p>", p.number);
                }
            }
            out.push_str("</blockquote>");
        }
        Answer::Figures { topic, figures } => {
            let _ = write!(out, "<p><strong>Figures: {}</strong></p><ul>", esc(topic));
            for f in figures {
                let (left, right) = crate::render::quote_marks(&f.quote);
                let _ = write!(
                    out,
                    "<li><strong>{}</strong> — {left}{}{right}<br>— {}{}<br><code>ref {}</code></li>",
                    esc(&f.value),
                    esc(&f.quote),
                    source(&f.source),
                    also(&f.also_reported_by),
                    esc(&f.reference)
                );
            }
            out.push_str("</ul>");
        }
        Answer::Sources { sources } => {
            let _ = write!(
                out,
                "<p><strong>{} articles</strong></p><ul>",
                sources.len()
            );
            for s in sources {
                let _ = write!(
                    out,
                    "<li>{} ({} passages)<br><code>ref {}</code>",
                    source(&s.source),
                    s.passages,
                    esc(&s.source.article)
                );
                if let Some(via) = &s.via {
                    let _ = write!(out, " · via {}", esc(via));
                }
                if let Some(notes) = &s.notes {
                    let _ = write!(out, "<br><em>note: {}</em>", esc(notes));
                }
                out.push_str("</li>");
            }
            out.push_str("</ul>");
        }
        Answer::Topics { prefix, topics } => {
            out.push_str("<p><strong>Topics</strong></p><ul>");
            for t in topics {
                let _ = write!(
                    out,
                    "<li><code>{}{}</code> — {}",
                    esc(prefix),
                    esc(&t.name),
                    esc(&t.description)
                );
                if !t.aliases.is_empty() {
                    let aliases: Vec<String> = t
                        .aliases
                        .iter()
                        .map(|a| format!("<code>{}{}</code>", esc(prefix), esc(a)))
                        .collect();
                    let _ = write!(out, " <em>(also {})</em>", aliases.join(", "));
                }
                out.push_str("</li>");
            }
            out.push_str("</ul>");
        }
        Answer::Help(h) => {
            if let Some(details) = &h.details {
                let _ = write!(out, "<p>{}</p>", multiline(details));
            } else {
                out.push_str("<p><strong>Commands</strong></p><ul>");
                for c in &h.commands {
                    let _ = write!(
                        out,
                        "<li><code>{}{}</code> — {}</li>",
                        esc(&h.prefix),
                        esc(&c.usage),
                        esc(&c.summary)
                    );
                }
                let topics: Vec<String> = h
                    .topics
                    .iter()
                    .map(|t| format!("<code>{}</code>", esc(t)))
                    .collect();
                let _ = write!(
                    out,
                    "</ul><p><strong>Topics:</strong> {}</p><p><em>{}help &lt;command&gt; for details and examples.</em></p>",
                    topics.join(" "),
                    esc(&h.prefix)
                );
            }
        }
        Answer::Alert(a) => {
            let _ = write!(out, "<p><strong>{}</strong></p>", esc(&a.heading));
            for item in &a.items {
                hit_html(&mut out, &item.hit, None);
                let _ = write!(out, "<p><em>watch: {}</em></p>", esc(&item.watch));
            }
            if a.more > 0 {
                let _ = write!(
                    out,
                    "<p><em>and {} more: <code>{}</code></em></p>",
                    a.more,
                    esc(&a.see_all)
                );
            }
        }
        Answer::Digest(d) => {
            let lines = text::render(answer, Default::default());
            let heading = lines.lines().next().unwrap_or_default();
            let _ = write!(out, "<p><strong>{}</strong></p>", esc(heading));
            for g in &d.groups {
                let _ = write!(out, "<p><strong>{}</strong></p><ul>", esc(&g.topic));
                for s in &g.stories {
                    let _ = write!(
                        out,
                        "<li>{}{}<br><code>ref {}</code></li>",
                        source(&s.source),
                        also(&s.also_reported_by),
                        esc(&s.source.article)
                    );
                }
                out.push_str("</ul>");
            }
        }
        Answer::Trend(_) => {
            let table = text::render(answer, Default::default());
            let _ = write!(out, "<pre>{}</pre>", esc(&table));
        }
        Answer::About(_) | Answer::Notice(_) => {
            let _ = write!(
                out,
                "<p>{}</p>",
                multiline(&text::render(answer, Default::default()))
            );
        }
    }
    out
}

fn passages(out: &mut String, p: &Passages) {
    let _ = write!(out, "<p><strong>{}</strong></p>", esc(&p.heading));
    for notice in &p.notices {
        let _ = write!(out, "<p><em>{}</em></p>", esc(notice));
    }
    if let Some(c) = &p.comparison {
        for g in &c.groups {
            let verdict = if g.agree { "agree" } else { "differ" };
            let _ = write!(
                out,
                "<p><strong>{} ({verdict})</strong></p><ul>",
                esc(&g.quantity)
            );
            for l in &g.lines {
                let _ = write!(
                    out,
                    "<li>{}: <strong>{}</strong> ({}; <code>ref {}</code>)<br>{}</li>",
                    esc(&l.source.outlet()),
                    esc(&l.figure),
                    esc(l.day.as_deref().unwrap_or("no day given")),
                    esc(&l.reference),
                    esc(&l.quote)
                );
            }
            out.push_str("</ul>");
            for d in &g.differences {
                let _ = write!(out, "<p>⚠ {}</p>", esc(d));
            }
        }
    }
    for hit in &p.hits {
        hit_html(out, hit, Some(hit.rank));
    }
    if p.has_more() {
        let shown = p.offset + p.hits.len();
        let _ = write!(
            out,
            "<p><em>{shown} of {} — send <code>!more</code> for the next ones</em></p>",
            p.total
        );
    }
}

fn hit_html(out: &mut String, hit: &Hit, rank: Option<usize>) {
    let (cut_start, cut_end) = hit.quote_is_partial();
    let _ = write!(
        out,
        "<blockquote><p>{}{}{}</p></blockquote><p>{}— {}{}<br><code>ref {}</code></p>",
        if cut_start { "…" } else { "" },
        highlighted(hit.quote_text(), &hit.quote_highlights()),
        if cut_end { "…" } else { "" },
        rank.map(|r| format!("{r}. ")).unwrap_or_default(),
        source(&hit.source),
        also(&hit.also_reported_by),
        esc(&hit.reference)
    );
}

/// "Publisher · Title · date", linked to the article when its URL is a web address.
fn source(a: &Attribution) -> String {
    let line = esc(&attribution_line(a)).into_owned();
    match a.url.as_deref().filter(|u| is_web_url(u)) {
        Some(url) => format!("<a href=\"{}\">{line}</a>", attr(url)),
        None => line,
    }
}

fn is_web_url(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn also(others: &[Attribution]) -> String {
    if others.is_empty() {
        return String::new();
    }
    let names: Vec<String> = others
        .iter()
        .map(|a| esc(&a.outlet()).into_owned())
        .collect();
    format!("<br><em>also reported by {}</em>", names.join(", "))
}

/// Escaped text with line breaks kept.
fn multiline(text: &str) -> String {
    esc(text).replace('\n', "<br>")
}

/// Escaped text with the matched words in bold.
fn highlighted(text: &str, ranges: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len() + ranges.len() * 20);
    let mut at = 0;
    for r in ranges {
        if r.start < at || r.end > text.len() || !text.is_char_boundary(r.start) {
            continue;
        }
        if !text.is_char_boundary(r.end) {
            continue;
        }
        out.push_str(&multiline(&text[at..r.start]));
        let _ = write!(out, "<strong>{}</strong>", multiline(&text[r.clone()]));
        at = r.end;
    }
    out.push_str(&multiline(&text[at..]));
    out
}
