//! Typed search queries: the lenient `!search` syntax, questions for `!ask`, and topic
//! queries, turned into tantivy queries built programmatically (no raw parser sees user text).

use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TextAnalyzer;

use super::scoring::pruned_phrase::PrunedPhrase;
use crate::index::Fields;
use crate::index::tokenizer;

/// At most this many words and phrases are searched; the rest is ignored (and said so).
pub const MAX_ITEMS: usize = 24;
/// A phrase keeps at most this many words.
pub const MAX_PHRASE_WORDS: usize = 8;

/// A word or a quoted phrase, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Word(String),
    Phrase(String),
}

impl Item {
    pub fn text(&self) -> &str {
        match self {
            Item::Word(w) | Item::Phrase(w) => w,
        }
    }
}

/// `!search` syntax: every group must match (a group is one item, or items joined by OR).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    pub groups: Vec<Vec<Item>>,
    pub excluded: Vec<Item>,
    pub sources: Vec<String>,
    /// Items beyond [`MAX_ITEMS`] were dropped.
    pub capped: bool,
}

impl SearchQuery {
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }

    /// All positive items, in order.
    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.groups.iter().flatten()
    }
}

/// Reads search syntax leniently: `"phrases"` (an unclosed quote runs to the end), `-word`,
/// `-"phrase"`, `a OR b`, `source:x` / `publisher:x`. Any other `field:value` is read as words,
/// and characters that mean syntax elsewhere (`*`, `[`, `^`, `~`...) are just separators.
pub fn parse_search(input: &str) -> SearchQuery {
    let mut query = SearchQuery::default();
    let mut pending_or = false;
    let mut count = 0;
    for token in lex(input) {
        match token {
            Lexeme::Or => {
                pending_or = !query.groups.is_empty();
                continue;
            }
            _ if count >= MAX_ITEMS => {
                query.capped = true;
                continue;
            }
            Lexeme::Source(name) => query.sources.push(name),
            Lexeme::Item {
                item,
                negated: true,
            } => query.excluded.push(item),
            // A word or phrase already searched adds nothing (pasted text repeats a lot).
            Lexeme::Item {
                item,
                negated: false,
            } if query.items().any(|known| same_item(known, &item)) => {}
            Lexeme::Item {
                item,
                negated: false,
            } => {
                count += 1;
                match query.groups.last_mut() {
                    Some(group) if pending_or => group.push(item),
                    _ => query.groups.push(vec![item]),
                }
            }
        }
        pending_or = false;
    }
    query
}

fn same_item(a: &Item, b: &Item) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
        && a.text().to_lowercase() == b.text().to_lowercase()
}

enum Lexeme {
    Or,
    Source(String),
    Item { item: Item, negated: bool },
}

fn lex(input: &str) -> Vec<Lexeme> {
    let mut out = Vec::new();
    let mut rest = input;
    while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
        rest = &rest[start..];
        let negated =
            rest.starts_with('-') && rest.len() > 1 && !rest[1..].starts_with(char::is_whitespace);
        let body = if negated { &rest[1..] } else { rest };
        if let Some((phrase, after)) = quoted(body) {
            let phrase = phrase.trim();
            if !phrase.is_empty() {
                out.push(Lexeme::Item {
                    item: Item::Phrase(phrase.to_string()),
                    negated,
                });
            }
            rest = after;
            continue;
        }
        let end = body.find(char::is_whitespace).unwrap_or(body.len());
        let word = &body[..end];
        rest = &body[end..];
        if word == "OR" || word == "||" {
            out.push(Lexeme::Or);
        } else if let Some(name) = source_filter(word) {
            out.push(Lexeme::Source(name));
        } else {
            let word = word
                .rsplit_once(':')
                .filter(|(f, _)| is_field_name(f))
                .map_or(word, |(_, v)| v);
            if word.chars().any(char::is_alphanumeric) {
                out.push(Lexeme::Item {
                    item: Item::Word(word.to_string()),
                    negated,
                });
            }
        }
    }
    out
}

/// Marks that open or close a quoted phrase, as people type them: straight and typographic
/// double quotes, low-9 quotes, guillemets, and single quotes of every kind.
const DOUBLE_QUOTES: &[char] = &['"', '“', '”', '„', '‟', '«', '»', '＂'];
const SINGLE_QUOTES: &[char] = &['\'', '‘', '’', '‚', '‛', '‹', '›'];

/// A phrase in quotes at the start of `text`, and the text after its closing mark (an
/// unclosed quote runs to the end). A single quote closes only where no letter follows it,
/// so an apostrophe inside the phrase (“Alibaba’s cloud”) does not end it.
fn quoted(text: &str) -> Option<(&str, &str)> {
    let open = text.chars().next()?;
    let single = SINGLE_QUOTES.contains(&open);
    if !single && !DOUBLE_QUOTES.contains(&open) {
        return None;
    }
    let inner = &text[open.len_utf8()..];
    let mut marks = inner.char_indices().filter(|&(i, c)| {
        if single {
            SINGLE_QUOTES.contains(&c)
                && !inner[i + c.len_utf8()..].starts_with(char::is_alphanumeric)
        } else {
            DOUBLE_QUOTES.contains(&c)
        }
    });
    Some(match marks.next() {
        Some((i, close)) => (&inner[..i], &inner[i + close.len_utf8()..]),
        None => (inner, ""),
    })
}

fn source_filter(word: &str) -> Option<String> {
    let (field, value) = word.split_once(':')?;
    let field = field.to_lowercase();
    let value = value.trim_matches(|c: char| !c.is_alphanumeric());
    (matches!(field.as_str(), "source" | "publisher" | "outlet" | "from") && !value.is_empty())
        .then(|| value.to_lowercase())
}

fn is_field_name(field: &str) -> bool {
    !field.is_empty() && field.len() <= 20 && field.chars().all(|c| c.is_ascii_alphabetic())
}

/// Words that ask rather than say: they don't drive the ranking of a question.
const QUESTION_WORDS: &[&str] = &[
    "a",
    "able",
    "about",
    "according",
    "actually",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "anybody",
    "anyone",
    "anything",
    "are",
    "aren",
    "arent",
    "as",
    "at",
    "basically",
    "be",
    "been",
    "being",
    "bit",
    "btw",
    "by",
    "can",
    "completely",
    "could",
    "couldn",
    "couldnt",
    "curious",
    "d",
    "did",
    "didn",
    "didnt",
    "do",
    "does",
    "doesn",
    "doesnt",
    "doing",
    "don",
    "done",
    "dont",
    "entirely",
    "exactly",
    "for",
    "from",
    "fully",
    "get",
    "gets",
    "give",
    "gonna",
    "got",
    "gotta",
    "guess",
    "had",
    "hadn",
    "hadnt",
    "has",
    "hasn",
    "hasnt",
    "have",
    "haven",
    "havent",
    "he",
    "hear",
    "heard",
    "her",
    "hers",
    "hey",
    "him",
    "his",
    "how",
    "howd",
    "hows",
    "i",
    "im",
    "in",
    "into",
    "is",
    "isn",
    "isnt",
    "it",
    "its",
    "ive",
    "just",
    "kinda",
    "knew",
    "know",
    "like",
    "literally",
    "ll",
    "lol",
    "lot",
    "m",
    "many",
    "maybe",
    "me",
    "much",
    "my",
    "nah",
    "of",
    "ok",
    "okay",
    "on",
    "or",
    "our",
    "out",
    "perhaps",
    "please",
    "pls",
    "ppl",
    "probably",
    "quite",
    "r",
    "re",
    "really",
    "remind",
    "roughly",
    "s",
    "said",
    "saw",
    "say",
    "says",
    "seeing",
    "seen",
    "she",
    "should",
    "shouldn",
    "shouldnt",
    "show",
    "simply",
    "so",
    "some",
    "somebody",
    "someone",
    "something",
    "sort",
    "spose",
    "sposed",
    "stuff",
    "supposed",
    "sure",
    "t",
    "tell",
    "than",
    "thank",
    "thanks",
    "that",
    "thats",
    "the",
    "their",
    "them",
    "then",
    "there",
    "theres",
    "these",
    "they",
    "theyd",
    "theyll",
    "theyre",
    "thing",
    "things",
    "think",
    "this",
    "tho",
    "those",
    "thought",
    "tldr",
    "to",
    "totally",
    "u",
    "ur",
    "us",
    "ve",
    "very",
    "wanna",
    "was",
    "wasn",
    "wasnt",
    "wat",
    "we",
    "were",
    "weren",
    "werent",
    "what",
    "whatd",
    "whatre",
    "whats",
    "when",
    "whens",
    "where",
    "whered",
    "wheres",
    "which",
    "who",
    "whod",
    "whom",
    "whos",
    "whose",
    "why",
    "whys",
    "will",
    "with",
    "wonder",
    "wondering",
    "would",
    "wouldn",
    "wouldnt",
    "wut",
    "ya",
    "yeah",
    "yo",
    "you",
    "your",
    "youre",
];

/// Two words that ask together: the second says what kind of answer is wanted ("what time",
/// "how long"), not what the question is about.
const QUESTION_FRAMES: &[(&str, &str)] = &[
    ("how", "long"),
    ("how", "often"),
    ("what", "date"),
    ("what", "day"),
    ("what", "kind"),
    ("what", "month"),
    ("what", "name"),
    ("whats", "name"),
    ("what", "months"),
    ("what", "sort"),
    ("what", "time"),
    ("what", "type"),
    ("what", "year"),
    ("which", "date"),
    ("which", "day"),
    ("which", "kind"),
    ("which", "month"),
    ("which", "months"),
    ("which", "type"),
    ("which", "year"),
];

/// How many small words may stand between a frame's two words ("what is the name").
const FRAME_GAP: usize = 3;

/// The words a question frame starts with.
const ASKING: &[&str] = &["how", "what", "whats", "which"];

/// The content words of a question, in order, lower-cased, without question and filler words.
pub fn content_words(question: &str) -> Vec<String> {
    content_words_keeping::<&str>(question, &[])
}

/// [`content_words`], keeping each of `phrases` found in the question whole, as one entry,
/// small words and all ("broke the story", "take on").
pub fn content_words_keeping<S: AsRef<str>>(question: &str, phrases: &[S]) -> Vec<String> {
    let known: Vec<KnownPhrase> = phrases
        .iter()
        .map(|p| KnownPhrase::new(p.as_ref()))
        .collect();
    content_words_with(question, &known)
}

/// Words written with a slash between them are words of their own ("Tencent/Baidu/JD",
/// "Brazil/France/NL"); a slash between single letters or figures is part of one word ("y/y",
/// "24/7").
fn split_slashed(word: &str) -> Vec<&str> {
    let parts: Vec<&str> = word.split('/').collect();
    let wordy = |p: &str| p.chars().filter(|c| c.is_alphabetic()).count() >= 2;
    if parts.len() > 1 && parts.iter().all(|p| wordy(p)) {
        parts
    } else {
        vec![word]
    }
}

/// A multi-word phrase a question may hold, with the stem of each of its words, so that it is
/// found in any of its forms ("pulled back" for "pulls back").
#[derive(Debug, Clone)]
pub struct KnownPhrase {
    /// As written in the synonyms ("jury's out"), which is how the question keeps it.
    text: String,
    /// Its words as a question's are split ("jury", "s", "out").
    words: Vec<String>,
    stems: Vec<String>,
}

impl KnownPhrase {
    pub fn new(phrase: &str) -> KnownPhrase {
        let words = question_words(phrase);
        let stems = words.iter().map(|w| word_stem(w)).collect();
        KnownPhrase {
            text: phrase.to_string(),
            words,
            stems,
        }
    }

    /// `phrase` as typed with spaces for its hyphens ("one stop shop" for "one-stop shop"),
    /// kept as written; `None` when it has no hyphen between letters.
    pub fn spaced(phrase: &str) -> Option<KnownPhrase> {
        let chars: Vec<char> = phrase.chars().collect();
        let between_letters = |i: usize| {
            i > 0
                && i + 1 < chars.len()
                && chars[i - 1].is_alphabetic()
                && chars[i + 1].is_alphabetic()
        };
        let spaced: String = chars
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                if c == '-' && between_letters(i) {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        if spaced == phrase {
            return None;
        }
        let known = KnownPhrase::new(&spaced);
        (known.words.len() > 1).then(|| KnownPhrase {
            text: phrase.to_string(),
            ..known
        })
    }

    /// The length of the phrase as written, which orders the phrases longest first.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }
}

/// A question's words: split at spaces, quote marks (an apostrophe too: "what's" is "what"
/// and "s") and punctuation, trimmed and lower-cased.
fn question_words(text: &str) -> Vec<String> {
    let text = FULL_YEAR.replace_all(text, "${1}20${2}");
    text.split_whitespace()
        .flat_map(split_slashed)
        .flat_map(|w| {
            w.split(|c: char| {
                "?!,;:()[]{}".contains(c)
                    || DOUBLE_QUOTES.contains(&c)
                    || SINGLE_QUOTES.contains(&c)
            })
        })
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '$' && c != '%')
                .to_lowercase()
        })
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect()
}

/// Whether the word at `i` asks what something is called rather than says what it is about:
/// "called" or "named" with nothing but small words after it ("what's their chip called?"),
/// "name" opening the question ("name of the new model?"), or "call" after "they" or "you"
/// ("what do they call it").
fn asks_a_name(words: &[String], i: usize) -> bool {
    let small = |w: &String| QUESTION_WORDS.binary_search(&w.as_str()).is_ok();
    match words[i].as_str() {
        // "what's it called?", "what's the model called that they launched?"
        "called" | "named" => {
            words[i + 1..].iter().all(small)
                || words
                    .get(i + 1)
                    .is_some_and(|w| matches!(w.as_str(), "that" | "which"))
        }
        "name" => words[..i].iter().all(small),
        // "what do they call it", "what do u call their chip".
        "call" => {
            i > 0
                && matches!(
                    words[i - 1].as_str(),
                    "they" | "you" | "u" | "we" | "people" | "ppl"
                )
        }
        _ => false,
    }
}

/// Verbs that, after "who", ask who reported a story: "who broke it", "who ran the piece".
pub(crate) const REPORTING: &[&str] = &["broke", "reported", "scooped", "published", "ran"];

/// Whether `words[i]` asks who reported something ("who broke the chip story", "who first
/// reported it"): it says what kind of answer is wanted, not what the story is about.
fn asks_a_source(words: &[String], i: usize) -> bool {
    let asking = |j: usize| REPORTING.contains(&words[j].as_str());
    let after_who = |j: usize| j > 0 && words[j - 1] == "who";
    (asking(i) && (after_who(i) || (i > 1 && words[i - 1] == "first" && after_who(i - 1))))
        || (words[i] == "first" && after_who(i) && i + 1 < words.len() && asking(i + 1))
}

/// A year as chat shortens it, an apostrophe and two digits ("'23", "’24"), to write in full
/// ("2023").
static FULL_YEAR: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(^|\s)['‘’](\d\d)(?-u:\b)").expect("year pattern is valid")
});

/// The stemmed terms of one word, as one string ("u.s." has two).
fn word_stem(word: &str) -> String {
    crate::index::tokenizer::stemmed_tokens(word).join(" ")
}

/// [`content_words_keeping`] with the phrases' stems worked out once. A phrase is found in
/// any of its words' forms, and with one more word inside it ("fresh capex number" holds
/// "fresh number", "before the NY open" holds "before the open"): the phrase is kept whole and
/// the word inside follows it as a word of its own.
pub fn content_words_with(question: &str, phrases: &[KnownPhrase]) -> Vec<String> {
    let words = question_words(question);
    // The asking word may stand a few small words before ("what is the name of").
    let framed = |i: usize| {
        if !QUESTION_FRAMES.iter().any(|(_, b)| words[i] == *b) {
            return false;
        }
        let before = words[i.saturating_sub(FRAME_GAP + 1)..i]
            .iter()
            .rev()
            .find(|w| {
                QUESTION_WORDS.binary_search(&w.as_str()).is_err() || ASKING.contains(&w.as_str())
            });
        before.is_some_and(|a| {
            QUESTION_FRAMES
                .iter()
                .any(|(x, b)| a == x && words[i] == *b)
        })
    };
    let phrases: Vec<&KnownPhrase> = phrases.iter().filter(|p| p.words.len() > 1).collect();
    let stems: Vec<String> = if phrases.is_empty() {
        Vec::new()
    } else {
        words.iter().map(|w| word_stem(w)).collect()
    };
    let same = |i: usize, p: &KnownPhrase, k: usize| {
        words[i] == p.words[k] || (!p.stems[k].is_empty() && stems[i] == p.stems[k])
    };
    // Where a phrase starts at `i`: the positions of its words, in a row or with one other
    // word inside (after its first word at the earliest).
    let in_a_row = |i: usize, used: &[bool]| {
        phrases
            .iter()
            .filter(|p| {
                words.len() - i >= p.words.len()
                    && (0..p.words.len()).all(|k| !used[i + k] && same(i + k, p, k))
            })
            .max_by_key(|p| p.words.len())
    };
    let found_at = |i: usize, used: &[bool]| -> Option<(&KnownPhrase, Vec<usize>)> {
        if let Some(p) = in_a_row(i, used) {
            return Some((p, (i..i + p.words.len()).collect()));
        }
        phrases
            .iter()
            .filter(|p| words.len() - i > p.words.len())
            .find_map(|p| {
                (1..p.words.len()).find_map(|gap| {
                    let at: Vec<usize> = (0..p.words.len())
                        .map(|k| i + k + usize::from(k >= gap))
                        .collect();
                    // Not when the word inside starts a phrase of its own ("gets
                    // plowed into" is "plowed into", not "get into").
                    (at.iter()
                        .enumerate()
                        .all(|(k, &w)| !used[w] && same(w, p, k))
                        && in_a_row(i + gap, used).is_none())
                    .then_some((*p, at))
                })
            })
    };
    let mut used = vec![false; words.len()];
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() && out.len() < MAX_ITEMS {
        if used[i] {
            i += 1;
            continue;
        }
        if let Some((p, at)) = found_at(i, &used) {
            out.push(p.text.clone());
            at.iter().for_each(|&w| used[w] = true);
            i += 1;
            continue;
        }
        if !framed(i)
            && !asks_a_name(&words, i)
            && !asks_a_source(&words, i)
            && QUESTION_WORDS.binary_search(&words[i].as_str()).is_err()
        {
            out.push(words[i].clone());
        }
        i += 1;
    }
    out
}

/// Turns typed items into tantivy queries on the passage fields.
pub struct Builder<'a> {
    pub fields: &'a Fields,
    pub analyzer: TextAnalyzer,
}

impl<'a> Builder<'a> {
    pub fn new(fields: &'a Fields) -> Self {
        Builder {
            fields,
            analyzer: tokenizer::stemmed(),
        }
    }

    /// Stemmed terms of some text.
    pub fn terms(&mut self, text: &str) -> Vec<String> {
        let mut t = tokenizer::tokens(&mut self.analyzer, text);
        t.truncate(MAX_PHRASE_WORDS);
        t
    }

    /// Stemmed terms of a whole text (no phrase cap).
    pub fn terms_unbounded(&mut self, text: &str) -> Vec<String> {
        tokenizer::tokens(&mut self.analyzer, text)
    }

    /// A query matching an item in the passage text (and, weaker, in its section heading).
    pub fn item(&mut self, item: &Item) -> Option<Box<dyn Query>> {
        let parts = self.item_parts(item, None)?;
        Some(Box::new(BooleanQuery::new(
            parts.into_iter().map(|q| (Occur::Should, q)).collect(),
        )))
    }

    /// The clauses of [`Builder::item`]: the item in the text, and boosted less in the section.
    /// With a searcher, the section clause is left out when no section heading has the words
    /// (most passages have none): a lone term clause lets tantivy skip blocks of postings, in
    /// unions and intersections alike.
    pub fn item_parts(
        &mut self,
        item: &Item,
        searcher: Option<&tantivy::Searcher>,
    ) -> Option<Vec<Box<dyn Query>>> {
        let terms = self.terms(item.text());
        let text = self.sequence(self.fields.text, &terms)?;
        let section = self.sequence(self.fields.section, &terms)?;
        let in_sections = searcher.is_none_or(|s| {
            terms.iter().all(|t| {
                s.doc_freq(&Term::from_field_text(self.fields.section, t))
                    .is_ok_and(|n| n > 0)
            })
        });
        if !in_sections {
            return Some(vec![text]);
        }
        Some(vec![text, Box::new(BoostQuery::new(section, 0.3))])
    }

    /// One term, or the terms as a phrase.
    pub fn sequence(
        &self,
        field: tantivy::schema::Field,
        terms: &[String],
    ) -> Option<Box<dyn Query>> {
        match terms {
            [] => None,
            [one] => Some(Box::new(TermQuery::new(
                Term::from_field_text(field, one),
                IndexRecordOption::WithFreqs,
            ))),
            many => Some(Box::new(PrunedPhrase::new(
                many.iter()
                    .map(|t| Term::from_field_text(field, t))
                    .collect(),
            ))),
        }
    }

    /// Two words with up to `slop` other words between them, in either order (two distinct
    /// words: see `rank::question_scoring`).
    pub fn near(&self, first: &str, second: &str, slop: u32) -> Box<dyn Query> {
        let mut phrase = PhraseQuery::new(vec![
            Term::from_field_text(self.fields.text, first),
            Term::from_field_text(self.fields.text, second),
        ]);
        phrase.set_slop(slop);
        Box::new(phrase)
    }

    /// Passages from any of the named sources (publisher, syndicating site or article slug words).
    pub fn sources(&self, names: &[String]) -> Option<Box<dyn Query>> {
        let mut plain = tokenizer::plain();
        let clauses: Vec<(Occur, Box<dyn Query>)> = names
            .iter()
            .filter_map(|name| {
                let terms = tokenizer::tokens(&mut plain, name);
                self.sequence(self.fields.source, &terms)
                    .map(|q| (Occur::Should, q))
            })
            .collect();
        (!clauses.is_empty()).then(|| Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(items: &[Item]) -> Vec<&str> {
        items.iter().map(Item::text).collect()
    }

    #[test]
    fn question_words_are_sorted_for_binary_search() {
        assert!(QUESTION_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    /// A closing curly quote used to drop the rest of the query (a byte offset of 1 after a
    /// 3-byte mark): `“Hong Kong” -Alibaba` lost its exclusion.
    #[test]
    fn every_quote_style_people_type_marks_a_phrase() {
        for (open, close) in [
            ("\"", "\""),
            ("“", "”"),
            ("”", "”"),
            ("„", "“"),
            ("«", "»"),
            ("» ", " «"),
            ("‘", "’"),
            ("'", "'"),
            ("‚", "‘"),
        ] {
            let q = parse_search(&format!("{open}Hong Kong{close} -Alibaba shares"));
            assert_eq!(
                q.groups,
                vec![
                    vec![Item::Phrase("Hong Kong".into())],
                    vec![Item::Word("shares".into())]
                ],
                "{open}…{close}"
            );
            assert_eq!(q.excluded, vec![Item::Word("Alibaba".into())], "{open}");
        }
        let q = parse_search("-“data centers” Brazil");
        assert_eq!(q.excluded, vec![Item::Phrase("data centers".into())]);
        assert_eq!(q.groups, vec![vec![Item::Word("Brazil".into())]]);
    }

    #[test]
    fn an_apostrophe_inside_a_single_quoted_phrase_does_not_end_it() {
        let q = parse_search("‘Alibaba’s cloud’ revenue");
        assert_eq!(
            q.groups,
            vec![
                vec![Item::Phrase("Alibaba’s cloud".into())],
                vec![Item::Word("revenue".into())]
            ]
        );
        // An unclosed quote runs to the end.
        let q = parse_search("„year on year");
        assert_eq!(q.groups, vec![vec![Item::Phrase("year on year".into())]]);
    }

    #[test]
    fn words_phrases_exclusions_or_and_sources_are_read() {
        let q =
            parse_search("alibaba \"data centers\" -nvidia chips OR semiconductors source:invezz");
        assert_eq!(q.groups.len(), 3);
        assert_eq!(q.groups[1], vec![Item::Phrase("data centers".into())]);
        assert_eq!(words(&q.groups[2]), ["chips", "semiconductors"]);
        assert_eq!(q.excluded, vec![Item::Word("nvidia".into())]);
        assert_eq!(q.sources, ["invezz"]);
    }

    #[test]
    fn malformed_syntax_is_read_leniently() {
        assert_eq!(
            parse_search("\"unclosed phrase").groups,
            vec![vec![Item::Phrase("unclosed phrase".into())]]
        );
        assert!(parse_search("text:*").is_empty());
        assert_eq!(parse_search("[a TO z]").groups.len(), 3);
        assert!(parse_search("((((((((").is_empty());
        assert!(parse_search("OR OR -").is_empty());
        assert_eq!(
            words(&parse_search("title:alibaba").groups.concat()),
            ["alibaba"]
        );
    }

    #[test]
    fn long_pastes_are_capped() {
        let paste: String = (0..5000).map(|i| format!("w{i} ")).collect();
        let q = parse_search(&paste);
        assert_eq!(q.groups.len(), MAX_ITEMS);
        assert!(q.capped);
    }

    #[test]
    fn repeated_words_are_searched_once() {
        let q = parse_search(&"Alibaba cloud the alibaba \"data centers\" Cloud ".repeat(700));
        assert_eq!(
            q.groups,
            [
                vec![Item::Word("Alibaba".into())],
                vec![Item::Word("cloud".into())],
                vec![Item::Word("the".into())],
                vec![Item::Phrase("data centers".into())],
            ]
        );
        assert!(!q.capped);
    }

    #[test]
    fn questions_keep_only_content_words() {
        assert_eq!(
            content_words("How much did Alibaba say it will invest in AI?"),
            ["alibaba", "invest", "ai"]
        );
        assert_eq!(content_words("What is Qwen3-Max?"), ["qwen3-max"]);
        assert_eq!(content_words("Who is China Unicom?"), ["china", "unicom"]);
    }

    #[test]
    fn a_hyphenated_phrase_is_found_typed_with_spaces() {
        let written = ["one-stop shop", "in-house"];
        let known: Vec<KnownPhrase> = written
            .iter()
            .map(|p| KnownPhrase::new(p))
            .chain(written.iter().filter_map(|p| KnownPhrase::spaced(p)))
            .collect();
        assert_eq!(
            content_words_with("is it a one stop shop for AI", &known),
            ["one-stop shop", "ai"]
        );
        assert_eq!(
            content_words_with("their in house chips", &known),
            ["in-house", "chips"]
        );
        assert_eq!(
            content_words_with("their in-house chips", &known),
            ["in-house", "chips"]
        );
        // A minus, a range or a word without a hyphen has no spaced form.
        assert!(KnownPhrase::spaced("-5%").is_none());
        assert!(KnownPhrase::spaced("3-5").is_none());
        assert!(KnownPhrase::spaced("capex").is_none());
    }

    #[test]
    fn known_phrases_stay_whole_small_words_and_all() {
        let phrases = ["broke the story", "take on", "hong kong"];
        assert_eq!(
            content_words_keeping("who broke the story on the Hong Kong deal?", &phrases),
            ["broke the story", "hong kong", "deal"]
        );
        assert_eq!(
            content_words_keeping("will it take on rivals", &phrases),
            ["take on", "rivals"]
        );
        // Two words apart, they are words like any other.
        assert_eq!(
            content_words_keeping("take the story on", &phrases),
            ["take", "story"]
        );
        // A phrase with an apostrophe is found as the question's words are split, and kept
        // as written.
        assert_eq!(
            content_words_keeping("What’s the deal with qwen3-next?", &["what's the deal"]),
            ["what's the deal", "qwen3-next"]
        );
        // Words between slashes are words of their own; "y/y" is one.
        assert_eq!(
            content_words("tencent/baidu/jd y/y growth"),
            ["tencent", "baidu", "jd", "y/y", "growth"]
        );
        // In another form, or with one word inside, the phrase is found; the word inside
        // follows it.
        let phrases = ["pulls back", "fresh number", "before the open"];
        assert_eq!(
            content_words_keeping("where's the floor if it pulled back?", &phrases),
            ["floor", "if", "pulls back"]
        );
        assert_eq!(
            content_words_keeping("a fresh capex number before the NY open", &phrases),
            ["fresh number", "capex", "before the open", "ny"]
        );
        // The word inside starting a phrase of its own keeps that phrase.
        let phrases = ["get into", "plowed into"];
        assert_eq!(
            content_words_keeping("what share gets plowed into data centers?", &phrases),
            ["share", "plowed into", "data", "centers"]
        );
        assert_eq!(
            content_words_keeping("how did it get them into trouble?", &phrases),
            ["get into", "trouble"]
        );
    }

    #[test]
    fn words_that_ask_for_a_kind_of_answer_are_not_content_words() {
        assert_eq!(
            content_words("What time was the premarket quote taken?"),
            ["premarket", "quote", "taken"]
        );
        assert_eq!(
            content_words("how long was the fund out of the stock?"),
            ["fund", "stock"]
        );
        // A few small words may stand between: "what's the name of" asks for a name.
        assert_eq!(
            content_words("what's the name of their cloud chip?"),
            ["cloud", "chip"]
        );
        assert_eq!(
            content_words("what is the name of the new model and stuff"),
            ["new", "model"]
        );
        // Not further: a frame's words stand close.
        assert_eq!(content_words("how is it that it was so long"), ["long"]);
        // Elsewhere the same words are content.
        assert_eq!(
            content_words("long-term plans for the first time"),
            ["long-term", "plans", "first", "time"]
        );
    }

    #[test]
    fn contractions_and_chat_fillers_are_not_content_words() {
        // "what's", "guy's", "they'd" leave "s" and "d" behind when split at the apostrophe;
        // neither, nor "like" or "actually", says what the question is about.
        assert_eq!(
            content_words("what's the ubp guy's read on why they'd actually keep spending"),
            ["ubp", "guy", "read", "keep", "spending"]
        );
        assert_eq!(
            content_words("what’s been dragging on stocks since like 2022?"),
            ["dragging", "stocks", "since", "2022"]
        );
        // Typed without the apostrophe, as chat often is: "wheres" would find "where".
        assert_eq!(
            content_words(
                "wheres the floor, hows the chart, whos buying? r they spending, isnt it"
            ),
            ["floor", "chart", "buying", "spending"]
        );
        // Split at the apostrophe, "didn't" leaves "didn" behind; a particle ("get a bump
        // out of it") is not what is asked about either.
        assert_eq!(
            content_words("didn't smic get a bump out of this? wouldn't it, couldn't they"),
            ["smic", "bump"]
        );
        // Nor do words that only stress ("totally" would find "total").
        assert_eq!(
            content_words("so have they totally ditched nvidia, fully or basically?"),
            ["ditched", "nvidia"]
        );
        // Nor do the fillers of a long, polite question.
        assert_eq!(
            content_words(
                "I was wondering, roughly, is anyone able to say what they're supposed to spend? \
                 I think I saw something, maybe"
            ),
            ["spend"]
        );
        // Words that ask for a name are not what the question is about.
        assert_eq!(
            content_words("what's baba's homegrown ai chip called?"),
            ["baba", "homegrown", "ai", "chip"]
        );
        assert_eq!(content_words("name of the new llm?"), ["new", "llm"]);
        assert_eq!(
            content_words("what's the new model called that they launched?"),
            ["new", "model", "launched"]
        );
        assert_eq!(
            content_words("what do they call ali's homebrew ai chip"),
            ["ali", "homebrew", "ai", "chip"]
        );
        assert_eq!(
            content_words("who was called to testify"),
            ["called", "testify"]
        );
        // Words asking who reported a story are not what the story is about.
        assert_eq!(
            content_words("who broke the chip story? who first reported the bond deal"),
            ["chip", "story", "bond", "deal"]
        );
        assert_eq!(content_words("the stock broke out"), ["stock", "broke"]);
        // A year as chat shortens it.
        assert_eq!(
            content_words("and what were they budgeting back in '23?"),
            ["budgeting", "back", "2023"]
        );
        assert_eq!(content_words("cloud up 23%?"), ["cloud", "up", "23%"]);
        // Pronouns and chat openers say nothing of what is asked.
        assert_eq!(
            content_words("ok remind me ppl, did he say his plan or her view? btw hey, tldr"),
            ["plan", "view"]
        );
    }
}
