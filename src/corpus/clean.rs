//! Cleaning raw scraped article text into headings and paragraphs: page furniture out, real
//! content kept verbatim, flattened tables rejoined into rows.

use std::sync::LazyLock;

use regex::Regex;

use super::table;

/// One piece of a cleaned article, in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A short title line that labels the paragraphs after it.
    Heading(String),
    /// Running text, a bullet list (one item per line) or a table (one row per line).
    Paragraph(String),
}

/// Strings the article's own attribution names: lines that repeat them are bylines.
#[derive(Debug, Default, Clone, Copy)]
pub struct Context<'a> {
    pub title: &'a str,
    pub publisher: Option<&'a str>,
    pub via: Option<&'a str>,
}

/// Lines that are page furniture whatever the site: widgets, buttons, ad slots, comment forms.
const FURNITURE: &[&str] = &[
    "add to favorites",
    "add to favourites",
    "advertisement",
    "avatar",
    "bookmark",
    "comment",
    "comments",
    "copy link",
    "email",
    "facebook",
    "follow",
    "follow us",
    "latest article",
    "latest articles",
    "latest news",
    "leave a reply",
    "like",
    "linkedin",
    "log in",
    "login",
    "more articles",
    "must read",
    "phone",
    "pinterest",
    "popular",
    "print",
    "read more",
    "recommended",
    "reddit",
    "related",
    "related articles",
    "related posts",
    "reply",
    "save",
    "share",
    "share this",
    "share this article",
    "show original",
    "sign up",
    "source",
    "source link",
    "subscribe",
    "tags",
    "telegram",
    "trending",
    "tweet",
    "twitter",
    "whatsapp",
    "x",
    "you may also like",
    "you might also like",
];

static FURNITURE_PATTERNS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        r"(?i)^disclaimer(?-u:\b)",
        r"(?i)(?-u:\b)first appeared (in|on)(?-u:\b)",
        r"(?i)(?-u:\b)originally published (in|on|by)(?-u:\b)",
        r"(?i)(?-u:\b)republishing without permission(?-u:\b)",
        r"(?i)(?-u:\b)all rights reserved(?-u:\b)",
        r"(?i)^(©|copyright\s+(©\s*)?\d{4})",
        r"(?i)^this article (is|was|has been) machine[- ]translated",
        r"(?i)^please enter your (comment|name|email)",
        r"(?i)^save my name",
        r"(?i)^source:\s*\S.{0,100}$",
        r"^\d{1,4}[-/.]\d{1,2}([-/.]\d{2,4})?$",
        r"^\(.{1,250}\)$",
    ]
    .iter()
    .map(|p| Regex::new(p).expect("furniture patterns are valid"))
    .collect()
});

const BULLETS: &[&str] = &["- ", "• ", "* ", "– ", "· ", "▪ ", "● "];
const HEADING_MAX_CHARS: usize = 100;

/// Cleans a raw article body into blocks.
pub fn clean(body: &str, ctx: Context<'_>) -> Vec<Block> {
    let lines = join_wrapped_lines(body);
    let lines = drop_furniture(lines, ctx);
    assemble(&lines)
}

/// Rejoins lines that a hard wrap split: within a blank-line block, a line that does not end a
/// sentence and is followed by one starting in lower case continues on that line.
fn join_wrapped_lines(body: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut previous_blank = true;
    for raw in body.lines() {
        let line = raw.trim();
        if line.is_empty() {
            previous_blank = true;
            continue;
        }
        let continues = !previous_blank
            && !is_bullet(line)
            && line.chars().next().is_some_and(|c| c.is_lowercase())
            && out
                .last()
                .is_some_and(|l| !ends_sentence(l) && !is_bullet(l));
        match out.last_mut() {
            Some(last) if continues => {
                last.push(' ');
                last.push_str(line);
            }
            _ => out.push(line.to_string()),
        }
        previous_blank = false;
    }
    out
}

fn drop_furniture(lines: Vec<String>, ctx: Context<'_>) -> Vec<String> {
    let mut out = Vec::with_capacity(lines.len());
    let mut skip_next = false;
    for line in lines {
        if std::mem::take(&mut skip_next) {
            continue;
        }
        let key = furniture_key(&line);
        // A lone "Disclaimer:" label is followed by the disclaimer itself.
        if key == "disclaimer" {
            skip_next = true;
            continue;
        }
        if !is_furniture(&line, &key, ctx) {
            out.push(line);
        }
    }
    out
}

/// Lower case, without the dashes, bullets and colons that decorate widget labels.
fn furniture_key(line: &str) -> String {
    line.trim_matches(|c: char| c.is_whitespace() || "-–—•*:|".contains(c))
        .to_lowercase()
}

fn is_furniture(line: &str, key: &str, ctx: Context<'_>) -> bool {
    FURNITURE.binary_search(&key).is_ok()
        || FURNITURE_PATTERNS.iter().any(|re| re.is_match(line))
        || is_phone_line(line)
        || is_byline(key, ctx)
}

fn is_byline(key: &str, ctx: Context<'_>) -> bool {
    let same = |s: &str| !s.is_empty() && furniture_key(s) == key;
    same(ctx.title) || ctx.publisher.is_some_and(same) || ctx.via.is_some_and(same)
}

/// A short line that is mostly a phone number ("Call now: +84 969 116 052").
fn is_phone_line(line: &str) -> bool {
    let digits = line.chars().filter(char::is_ascii_digit).count();
    let letters = line.chars().filter(|c| c.is_alphabetic()).count();
    let phone_chars = line
        .chars()
        .all(|c| c.is_alphanumeric() || c.is_whitespace() || "+()-.:/".contains(c));
    line.chars().count() <= 60 && digits >= 8 && letters <= 15 && phone_chars && line.contains('+')
}

pub(crate) fn is_bullet(line: &str) -> bool {
    BULLETS.iter().any(|b| line.starts_with(b))
}

fn ends_sentence(line: &str) -> bool {
    line.trim_end()
        .ends_with(['.', '!', '?', ':', ';', '"', '”', '’', ')', '…'])
}

/// A line short enough and unpunctuated enough to be a heading, a tag or a table cell.
pub(crate) fn is_short(line: &str) -> bool {
    !is_bullet(line)
        && line.chars().count() <= HEADING_MAX_CHARS
        && (!line.ends_with(['.', '!', '?', ';', '"', '”', '…']) || is_title_case(line))
}

/// "Strong Market Reaction in Hong Kong and the U.S.": most longer words capitalised, so a
/// heading even though it ends with a full stop.
fn is_title_case(line: &str) -> bool {
    let long: Vec<&str> = line
        .split_whitespace()
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 4)
        .collect();
    let capitalised = long
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .count();
    long.len() >= 2
        && capitalised * 4 >= long.len() * 3
        && !line.trim_end_matches('.').contains(". ")
}

/// Groups cleaned lines into headings and paragraphs.
fn assemble(lines: &[String]) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if is_bullet(&lines[i]) {
            let end = run_end(lines, i, is_bullet);
            blocks.push(Block::Paragraph(lines[i..end].join("\n")));
            i = end;
        } else if is_short(&lines[i]) {
            let end = run_end(lines, i, is_short);
            short_run(&lines[i..end], end < lines.len(), &mut blocks);
            i = end;
        } else {
            blocks.push(Block::Paragraph(lines[i].clone()));
            i += 1;
        }
    }
    blocks
}

fn run_end(lines: &[String], start: usize, pred: impl Fn(&str) -> bool) -> usize {
    start + lines[start..].iter().take_while(|l| pred(l)).count()
}

/// A run of short lines is a table when its cells line up in columns; otherwise only its last
/// line heads the text that follows, and the lines before it are tags and labels.
fn short_run(run: &[String], text_follows: bool, blocks: &mut Vec<Block>) {
    if let Some(found) = table::detect(run) {
        if let Some(heading) = found.heading {
            blocks.push(Block::Heading(heading));
        }
        blocks.push(Block::Paragraph(found.rows));
        if let Some(trailing) = found.trailing.filter(|_| text_follows) {
            blocks.push(Block::Heading(trailing));
        }
    } else if let Some(last) = run.last().filter(|_| text_follows) {
        blocks.push(Block::Heading(last.clone()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraphs(blocks: &[Block]) -> Vec<&str> {
        blocks
            .iter()
            .filter_map(|b| match b {
                Block::Paragraph(p) => Some(p.as_str()),
                Block::Heading(_) => None,
            })
            .collect()
    }

    #[test]
    fn furniture_list_is_sorted_for_binary_search() {
        assert!(FURNITURE.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn widgets_ads_and_phone_numbers_are_dropped() {
        let body = "Email\n\nTelegram\n\nPhone\n\nGọi ngay: +84 969 116 052\n\n- Advertisement -\n\n\
                    Must read\n\nShares rose 5% on Monday.\n\nLike\nAdd to Favorites\nComments\n";
        let blocks = clean(body, Context::default());
        assert_eq!(
            blocks,
            vec![Block::Paragraph("Shares rose 5% on Monday.".into())]
        );
    }

    #[test]
    fn disclaimer_label_takes_its_text_along() {
        let body =
            "Real text here.\n\nDisclaimer:\nAll information on our website is for reference.\n";
        assert_eq!(
            paragraphs(&clean(body, Context::default())),
            ["Real text here."]
        );
    }

    #[test]
    fn headings_label_the_following_paragraph_and_tags_vanish() {
        let body = "Greater China\nAlibaba\nCloud Computing\nNews Summary\nShares surged.\n";
        assert_eq!(
            clean(body, Context::default()),
            vec![
                Block::Heading("News Summary".into()),
                Block::Paragraph("Shares surged.".into())
            ]
        );
    }

    #[test]
    fn bullet_items_stay_together_as_one_paragraph() {
        let body = "Outlook:\n- Current price: $155.44\n- Support: near $148.\nAfter.\n";
        assert_eq!(
            paragraphs(&clean(body, Context::default())),
            ["- Current price: $155.44\n- Support: near $148.", "After."]
        );
    }

    #[test]
    fn hard_wrapped_lines_are_rejoined() {
        let body = "The company said it would\nraise spending next year.\n\nNext paragraph.\n";
        assert_eq!(
            paragraphs(&clean(body, Context::default())),
            [
                "The company said it would raise spending next year.",
                "Next paragraph."
            ]
        );
    }

    #[test]
    fn bylines_and_the_title_line_are_dropped() {
        let ctx = Context {
            title: "Big News",
            publisher: Some("ABMedia"),
            via: Some("Followin"),
        };
        let body = "Big News\n\navatar\nABMedia\n09-25\nThe body text.\n";
        assert_eq!(paragraphs(&clean(body, ctx)), ["The body text."]);
    }

    #[test]
    fn typographic_quotes_are_kept_verbatim() {
        let body = "“We are vigorously advancing,” Wu said.\n";
        assert_eq!(
            paragraphs(&clean(body, Context::default())),
            ["“We are vigorously advancing,” Wu said."]
        );
    }
}
