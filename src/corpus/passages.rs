//! Splitting cleaned blocks into passages: a paragraph is the unit of attribution, and a long
//! one is cut at sentence boundaries into passages of about [`MAX_PASSAGE_CHARS`].

use unicode_segmentation::UnicodeSegmentation;

use super::clean::Block;

/// Passages longer than this are split (counted in chars).
pub const MAX_PASSAGE_CHARS: usize = 600;
/// A piece shorter than this is not left alone before a sentence too long to join it whole.
const ORPHAN_CHARS: usize = MAX_PASSAGE_CHARS / 3;

/// One quotable piece of an article, verbatim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// Paragraph number in the cleaned article, from 1.
    pub paragraph: u32,
    /// Passage number within the paragraph, from 1.
    pub part: u32,
    /// The heading the paragraph sits under, when there is one.
    pub section: Option<String>,
    pub text: String,
}

/// A cleaned paragraph with its number and section, the unit `!quote` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub number: u32,
    pub section: Option<String>,
    pub text: String,
}

/// Numbers the paragraphs of cleaned blocks, each labelled with the heading above it.
pub fn paragraphs(blocks: &[Block]) -> Vec<Paragraph> {
    let mut section = None;
    let mut out = Vec::new();
    for block in blocks {
        match block {
            Block::Heading(h) => section = Some(h.clone()),
            Block::Paragraph(text) => out.push(Paragraph {
                number: out.len() as u32 + 1,
                section: section.clone(),
                text: text.clone(),
            }),
        }
    }
    out
}

/// Splits paragraphs into passages.
pub fn passages(paragraphs: &[Paragraph]) -> Vec<Passage> {
    let mut out = Vec::new();
    for p in paragraphs {
        for (i, text) in split(&p.text).into_iter().enumerate() {
            out.push(Passage {
                paragraph: p.number,
                part: i as u32 + 1,
                section: p.section.clone(),
                text,
            });
        }
    }
    out
}

/// Cuts a paragraph into pieces of at most about `MAX_PASSAGE_CHARS`: lists and tables at
/// line ends, prose at sentence ends, and a sentence that is itself too long at clauses or
/// words. Such a sentence continues a short piece before it (under [`ORPHAN_CHARS`]) rather
/// than leaving it alone: a question and the start of its answer stay one passage.
pub fn split(text: &str) -> Vec<String> {
    if text.chars().count() <= MAX_PASSAGE_CHARS {
        return vec![text.to_string()];
    }
    let units: Vec<&str> = if text.contains('\n') {
        text.split_inclusive('\n').collect()
    } else {
        text.split_sentence_bounds().collect()
    };
    let mut pieces = Vec::new();
    let mut current = String::new();
    for unit in units {
        if unit.chars().count() > MAX_PASSAGE_CHARS {
            if current.trim().chars().count() >= ORPHAN_CHARS {
                flush(&mut current, &mut pieces);
            }
            pack(clauses(unit), &mut current, &mut pieces);
            continue;
        }
        if current.chars().count() + unit.chars().count() > MAX_PASSAGE_CHARS {
            flush(&mut current, &mut pieces);
        }
        current.push_str(unit);
    }
    flush(&mut current, &mut pieces);
    pieces
}

/// Pieces of an overlong sentence: clauses (after ", ", "; ", " - ") where they are short
/// enough, words otherwise.
fn clauses(sentence: &str) -> impl Iterator<Item = &str> {
    sentence
        .split_inclusive([',', ';'])
        .flat_map(|c| c.split_inclusive(" - "))
        .flat_map(|c| {
            let words = c.chars().count() > MAX_PASSAGE_CHARS;
            let (a, b) = if words {
                (None, Some(c.split_word_bounds()))
            } else {
                (Some(c), None)
            };
            a.into_iter().chain(b.into_iter().flatten())
        })
}

/// Adds `units` to `current`, flushing it whenever the next would not fit; what is left of
/// the last piece stays in `current`.
fn pack<'a>(units: impl Iterator<Item = &'a str>, current: &mut String, pieces: &mut Vec<String>) {
    for unit in units {
        if current.chars().count() + unit.chars().count() > MAX_PASSAGE_CHARS {
            flush(current, pieces);
        }
        current.push_str(unit);
    }
}

fn flush(current: &mut String, pieces: &mut Vec<String>) {
    let piece = current.trim();
    if !piece.is_empty() {
        pieces.push(piece.to_string());
    }
    current.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_paragraph_is_one_passage() {
        assert_eq!(split("One sentence. Two."), vec!["One sentence. Two."]);
    }

    #[test]
    fn long_paragraph_splits_at_sentence_ends_and_keeps_every_word() {
        let sentence = "Alibaba said it would raise spending on “AI infrastructure” again. ";
        let text = sentence.repeat(20);
        let pieces = split(text.trim());
        assert!(pieces.len() > 1);
        for p in &pieces {
            assert!(p.chars().count() <= MAX_PASSAGE_CHARS, "{p}");
            assert!(p.ends_with("again."), "{p}");
        }
        assert_eq!(pieces.join(" "), text.trim());
    }

    #[test]
    fn a_sentence_longer_than_the_limit_is_cut_at_words() {
        let text = "word ".repeat(400);
        let pieces = split(text.trim());
        assert!(
            pieces
                .iter()
                .all(|p| p.chars().count() <= MAX_PASSAGE_CHARS)
        );
        assert_eq!(pieces.join(" ").split(' ').count(), 400);
    }

    #[test]
    fn a_short_piece_is_continued_by_an_overlong_sentence_not_left_alone() {
        let question = "Is the pivot a growth engine or a response to regulation? - It is both.";
        let answer = format!(
            "It serves as a growth engine driven by demand, {}and a response to export rules.",
            "and a hedge against rivals, ".repeat(25)
        );
        let text = format!("{question} {answer}");
        let pieces = split(&text);
        assert!(pieces[0].starts_with(question), "{pieces:?}");
        assert!(
            pieces[0].contains("It serves as a growth engine"),
            "{pieces:?}"
        );
        assert!(
            pieces
                .iter()
                .all(|p| p.chars().count() <= MAX_PASSAGE_CHARS)
        );
        assert_eq!(pieces.join(" "), text);

        // A piece long enough to stand alone still ends at its sentence end.
        let long = "Alibaba said it would raise spending on cloud infrastructure again. ".repeat(4);
        let text = format!("{long}{answer}");
        let pieces = split(&text);
        assert_eq!(pieces[0], long.trim());
        assert_eq!(pieces.join(" "), text);
    }

    #[test]
    fn lists_split_between_items() {
        let item = format!("- {}\n", "x".repeat(250));
        let text = item.repeat(4);
        let pieces = split(text.trim());
        assert_eq!(pieces.len(), 2);
        assert!(pieces.iter().all(|p| p.starts_with("- ")));
    }

    #[test]
    fn paragraphs_are_numbered_under_their_heading() {
        let blocks = vec![
            Block::Paragraph("Lead.".into()),
            Block::Heading("Chips".into()),
            Block::Paragraph("Body.".into()),
        ];
        let paras = paragraphs(&blocks);
        assert_eq!(paras[0].number, 1);
        assert_eq!(paras[0].section, None);
        assert_eq!(paras[1].number, 2);
        assert_eq!(paras[1].section.as_deref(), Some("Chips"));
    }
}
