//! Answers as Discord message payloads: embeds with the quoted passage, highlights in bold,
//! attribution and ref; every Discord limit respected, markdown escaped, no mention can ping.
//! The payload serialized here is exactly what is sent (and what `--format discord` prints).

use serde::Serialize;

use crate::engine::{Answer, Attribution, Hit, Passages};
use crate::render::attribution_line;

pub const CONTENT_MAX: usize = 2000;
pub const TITLE_MAX: usize = 256;
pub const DESCRIPTION_MAX: usize = 4096;
pub const FIELD_NAME_MAX: usize = 256;
pub const FIELD_VALUE_MAX: usize = 1024;
pub const FOOTER_MAX: usize = 2048;
pub const EMBEDS_TOTAL_MAX: usize = 6000;
pub const EMBEDS_MAX: usize = 10;
pub const FIELDS_MAX: usize = 25;
/// A quote in an embed is kept well under the description limit, for readability.
const QUOTE_MAX: usize = 1500;
const COLOR: u32 = 0x2f6f9f;
/// Message flag: only the user who ran the command sees the reply.
pub const EPHEMERAL: u64 = 64;

/// A message as Discord's API takes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Message {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub content: String,
    pub embeds: Vec<Embed>,
    pub components: Vec<ActionRow>,
    /// Always present and empty: nothing the bot sends can ping anyone.
    pub allowed_mentions: AllowedMentions,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flags: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message_reference: Option<MessageReference>,
    /// The idempotency key of a post the bot may repeat after a crash (alerts): with
    /// `enforce_nonce`, Discord answers a repeat with the message already created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enforce_nonce: Option<bool>,
}

/// The file name of a chart attached to a message (`attachment://trend.png` in its embed).
pub const CHART_FILE: &str = "trend.png";

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct AllowedMentions {
    pub parse: Vec<String>,
    pub replied_user: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MessageReference {
    pub message_id: String,
    pub fail_if_not_exists: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Embed {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Field>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub footer: Option<Footer>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<Image>,
    pub color: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Image {
    pub url: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub inline: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Footer {
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionRow {
    #[serde(rename = "type")]
    pub kind: u8,
    pub components: Vec<Button>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Button {
    #[serde(rename = "type")]
    pub kind: u8,
    pub style: u8,
    pub label: String,
    pub custom_id: String,
}

impl Button {
    pub fn new(label: &str, custom_id: String) -> Button {
        Button {
            kind: 2,
            style: 2,
            label: label.to_string(),
            custom_id,
        }
    }
}

/// Escapes Discord markdown so quoted text renders as itself and cannot fake a link, a
/// heading, a quote block or a mention. (Footers are plain text in Discord: not escaped.)
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '#' | '[' | ']' | '(' | ')' | '<' | '@'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Cuts to `max` chars at a word boundary with "…" (never inside an escape pair).
pub fn cut(text: &str, max: usize) -> String {
    let cut = crate::render::truncate_words(text, max);
    if cut.chars().count() <= max {
        return cut;
    }
    cut.chars().take(max).collect()
}

/// An escaped quote with its highlighted words in bold, within `max` chars.
pub fn quote_markdown(text: &str, highlights: &[std::ops::Range<usize>], max: usize) -> String {
    let mut budget = text.len();
    for _ in 0..24 {
        let shown = cut_bytes(text, budget);
        let mut out = String::new();
        let mut at = 0;
        for r in highlights {
            if r.start < at || r.end > shown.len() {
                continue;
            }
            out.push_str(&escape(&shown[at..r.start]));
            out.push_str("**");
            out.push_str(&escape(&shown[r.clone()]));
            out.push_str("**");
            at = r.end;
        }
        out.push_str(&escape(&shown[at..]));
        if shown.len() < text.len() {
            out.push('…');
        }
        if out.chars().count() <= max {
            return out;
        }
        budget = budget * 3 / 4;
    }
    "…".to_string()
}

/// The first `budget` bytes of `text`, ending at a word boundary.
fn cut_bytes(text: &str, budget: usize) -> &str {
    if budget >= text.len() {
        return text;
    }
    let mut end = budget;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    match text[..end].rfind(char::is_whitespace) {
        Some(space) if space > end / 2 => text[..space].trim_end(),
        _ => &text[..end],
    }
}

/// Buttons to attach under a ranked answer: their custom ids come from the adapter, which
/// remembers who asked.
#[derive(Debug, Clone, Default)]
pub struct Controls {
    pub more: Option<String>,
    pub paragraph: Option<String>,
}

/// Renders an answer as a Discord message.
pub fn message(answer: &Answer, controls: &Controls) -> Message {
    let mut m = match answer {
        Answer::Passages(p) => passages(p),
        Answer::Quote(q) => {
            let body: Vec<String> = q
                .paragraphs
                .iter()
                .map(|p| {
                    let text = escape(&p.text);
                    if p.target {
                        format!("**[{}]** {text}", p.number)
                    } else {
                        format!("[{}] {text}", p.number)
                    }
                })
                .collect();
            one_embed(Embed {
                title: Some(cut(&escape(&attribution_line(&q.source)), TITLE_MAX)),
                url: q.source.url.clone(),
                description: Some(cut(&body.join("\n\n"), DESCRIPTION_MAX)),
                footer: Some(Footer {
                    text: cut(&format!("ref {}", q.reference), FOOTER_MAX),
                }),
                ..Embed::default()
            })
        }
        Answer::Figures { topic, figures } => {
            let fields = figures
                .iter()
                .take(FIELDS_MAX)
                .map(|f| {
                    let (left, right) = crate::render::quote_marks(&f.quote);
                    let mut value = format!(
                        "{left}{}{right}\n— {}",
                        escape(&f.quote),
                        escape(&attribution_line(&f.source))
                    );
                    if !f.also_reported_by.is_empty() {
                        value.push_str(&format!(
                            "\nalso reported by {}",
                            escape(&publishers(&f.also_reported_by))
                        ));
                    }
                    value.push_str(&format!("\nref {}", escape(&f.reference)));
                    Field {
                        name: cut(&escape(&f.value), FIELD_NAME_MAX),
                        value: cut(&value, FIELD_VALUE_MAX),
                        inline: false,
                    }
                })
                .collect();
            one_embed(Embed {
                title: Some(cut(&format!("Figures: {}", escape(topic)), TITLE_MAX)),
                fields,
                ..Embed::default()
            })
        }
        Answer::Sources { sources } => {
            let mut fields: Vec<Field> = sources
                .iter()
                .take(FIELDS_MAX - 1)
                .map(|s| {
                    let mut value = format!("ref {}", escape(&s.source.article));
                    if let Some(url) = &s.source.url {
                        value.push_str(&format!(" · {url}"));
                    }
                    if let Some(via) = &s.via {
                        value.push_str(&format!(" · via {}", escape(via)));
                    }
                    if let Some(notes) = &s.notes {
                        value.push_str(&format!("\n{}", escape(notes)));
                    }
                    Field {
                        name: cut(&escape(&attribution_line(&s.source)), FIELD_NAME_MAX),
                        value: cut(&value, FIELD_VALUE_MAX),
                        inline: false,
                    }
                })
                .collect();
            if sources.len() > FIELDS_MAX - 1 {
                fields.push(Field {
                    name: "…".into(),
                    value: format!("and {} more", sources.len() - (FIELDS_MAX - 1)),
                    inline: false,
                });
            }
            one_embed(Embed {
                title: Some(format!("{} articles", sources.len())),
                fields,
                ..Embed::default()
            })
        }
        Answer::Alert(a) => {
            let mut content = escape(&a.heading);
            if a.more > 0 {
                content.push_str(&format!("\nand {} more: {}", a.more, escape(&a.see_all)));
            }
            let embeds = a
                .items
                .iter()
                .take(EMBEDS_MAX)
                .map(|item| {
                    let mut embed = hit_embed(&item.hit, None);
                    if let Some(footer) = &mut embed.footer {
                        footer.text = cut(
                            &format!("{} · watch: {}", footer.text, item.watch),
                            FOOTER_MAX,
                        );
                    }
                    embed
                })
                .collect();
            Message {
                content: cut(&content, CONTENT_MAX),
                embeds,
                ..Message::default()
            }
        }
        Answer::Digest(d) => {
            let heading = crate::render::text::render(answer, Default::default());
            let heading = heading.lines().next().unwrap_or_default().to_string();
            let fields = d
                .groups
                .iter()
                .take(FIELDS_MAX)
                .map(|g| {
                    let lines: Vec<String> = g
                        .stories
                        .iter()
                        .map(|s| {
                            let mut line = format!("• {}", escape(&attribution_line(&s.source)));
                            if let Some(url) = &s.source.url {
                                line.push_str(&format!(" · {url}"));
                            }
                            if !s.also_reported_by.is_empty() {
                                line.push_str(&format!(
                                    "\n  also reported by {}",
                                    escape(&publishers(&s.also_reported_by))
                                ));
                            }
                            line
                        })
                        .collect();
                    Field {
                        name: cut(&escape(&g.topic), FIELD_NAME_MAX),
                        value: cut(&lines.join("\n"), FIELD_VALUE_MAX),
                        inline: false,
                    }
                })
                .collect();
            one_embed(Embed {
                title: Some(cut(&escape(&heading), TITLE_MAX)),
                fields,
                ..Embed::default()
            })
        }
        Answer::Trend(t) => {
            let table = crate::render::text::render(answer, Default::default());
            let body: Vec<&str> = table.lines().skip(1).collect();
            one_embed(Embed {
                title: Some(cut(&escape(&t.heading), TITLE_MAX)),
                description: Some(cut(
                    &format!("```\n{}\n```", body.join("\n").replace('`', "'")),
                    DESCRIPTION_MAX,
                )),
                image: Some(Image {
                    url: format!("attachment://{CHART_FILE}"),
                }),
                ..Embed::default()
            })
        }
        other => {
            let text = crate::render::text::render(other, Default::default());
            Message {
                content: cut(&escape_lines(&text), CONTENT_MAX),
                ..Message::default()
            }
        }
    };
    let mut row = Vec::new();
    if let Some(id) = &controls.more {
        row.push(Button::new("More", id.clone()));
    }
    if let Some(id) = &controls.paragraph {
        row.push(Button::new("Full paragraph", id.clone()));
    }
    if !row.is_empty() {
        m.components.push(ActionRow {
            kind: 1,
            components: row,
        });
    }
    fit_total(&mut m);
    m
}

/// Plain answers (help, topics, notices) keep their line layout; only markdown is escaped.
fn escape_lines(text: &str) -> String {
    text.lines().map(escape).collect::<Vec<_>>().join("\n")
}

fn one_embed(embed: Embed) -> Message {
    Message {
        embeds: vec![Embed {
            color: COLOR,
            ..embed
        }],
        ..Message::default()
    }
}

fn publishers(list: &[Attribution]) -> String {
    list.iter()
        .map(Attribution::outlet)
        .collect::<Vec<_>>()
        .join(", ")
}

fn passages(p: &Passages) -> Message {
    let mut content = escape(&p.heading);
    for notice in &p.notices {
        content.push_str(&format!("\n_{}_", escape(notice)));
    }
    let comparison = p.comparison.as_ref().map(comparison_embed);
    let embeds = comparison
        .into_iter()
        .chain(p.hits.iter().map(|h| hit_embed(h, Some(h.rank))))
        .take(EMBEDS_MAX)
        .collect();
    let mut footer = String::new();
    if p.has_more() {
        footer = format!(
            "\n{} of {} — More for the next ones",
            p.offset + p.hits.len(),
            p.total
        );
    }
    Message {
        content: cut(&format!("{content}{footer}"), CONTENT_MAX),
        embeds,
        ..Message::default()
    }
}

/// `!compare`'s figures: a field per quantity, a line per outlet, the differences flagged.
fn comparison_embed(c: &crate::engine::Comparison) -> Embed {
    let fields = c
        .groups
        .iter()
        .take(FIELDS_MAX)
        .map(|g| {
            let mut lines: Vec<String> = g
                .lines
                .iter()
                .map(|l| {
                    format!(
                        "{}: **{}** ({}; ref {})",
                        escape(&l.source.outlet()),
                        escape(&l.figure),
                        escape(l.day.as_deref().unwrap_or("no day given")),
                        escape(&l.reference)
                    )
                })
                .collect();
            lines.extend(g.differences.iter().map(|d| format!("⚠ {}", escape(d))));
            Field {
                name: cut(
                    &format!(
                        "{} — {}",
                        escape(&g.quantity),
                        if g.agree { "agree" } else { "differ" }
                    ),
                    FIELD_NAME_MAX,
                ),
                value: cut(&lines.join("\n"), FIELD_VALUE_MAX),
                inline: false,
            }
        })
        .collect();
    Embed {
        title: Some("Figures side by side".to_string()),
        fields,
        color: COLOR,
        ..Embed::default()
    }
}

fn hit_embed(hit: &Hit, rank: Option<usize>) -> Embed {
    let (cut_start, cut_end) = hit.quote_is_partial();
    let quote = quote_markdown(hit.quote_text(), &hit.quote_highlights(), QUOTE_MAX);
    let description = format!(
        "> {}{quote}{}",
        if cut_start { "…" } else { "" },
        if cut_end { "…" } else { "" }
    );
    let mut footer = format!("ref {}", hit.reference);
    if !hit.also_reported_by.is_empty() {
        footer.push_str(&format!(
            " · also reported by {}",
            publishers(&hit.also_reported_by)
        ));
    }
    Embed {
        title: Some(cut(
            &format!(
                "{}{}",
                rank.map(|r| format!("{r}. ")).unwrap_or_default(),
                escape(&attribution_line(&hit.source))
            ),
            TITLE_MAX,
        )),
        url: hit.source.url.clone(),
        description: Some(cut(&description, DESCRIPTION_MAX)),
        fields: Vec::new(),
        footer: Some(Footer {
            text: cut(&footer, FOOTER_MAX),
        }),
        image: None,
        color: COLOR,
    }
}

/// Characters Discord counts toward the 6000 total of a message's embeds.
pub fn embeds_total(embeds: &[Embed]) -> usize {
    let len = |s: &Option<String>| s.as_ref().map_or(0, |s| s.chars().count());
    embeds
        .iter()
        .map(|e| {
            len(&e.title)
                + len(&e.description)
                + e.footer.as_ref().map_or(0, |f| f.text.chars().count())
                + e.fields
                    .iter()
                    .map(|f| f.name.chars().count() + f.value.chars().count())
                    .sum::<usize>()
        })
        .sum()
}

/// Shrinks descriptions (longest first) until the embeds fit Discord's total.
fn fit_total(m: &mut Message) {
    m.embeds.truncate(EMBEDS_MAX);
    for _ in 0..64 {
        let total = embeds_total(&m.embeds);
        if total <= EMBEDS_TOTAL_MAX {
            return;
        }
        let Some(longest) = m
            .embeds
            .iter_mut()
            .filter_map(|e| e.description.as_mut())
            .max_by_key(|d| d.chars().count())
        else {
            break;
        };
        let keep = longest
            .chars()
            .count()
            .saturating_sub(total - EMBEDS_TOTAL_MAX)
            .max(1);
        *longest = cut(longest, keep);
    }
    while embeds_total(&m.embeds) > EMBEDS_TOTAL_MAX && m.embeds.len() > 1 {
        m.embeds.pop();
    }
}
