//! Tokenizing passages so that numbers, money and tickers match as people type them:
//! `151.80`, `4,000`, `53bn` (→ `53 billion`), `Qwen3-Max` (→ `qwen3 max`), `P800`.

use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, Stemmer, TextAnalyzer, Token, TokenStream, Tokenizer,
};

/// Stemmed English analyzer for passage text.
pub const STEMMED: &str = "clip_en";
/// Unstemmed analyzer: spelling suggestions and source filters.
pub const PLAIN: &str = "clip_plain";

pub fn stemmed() -> TextAnalyzer {
    TextAnalyzer::builder(ClipTokenizer)
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(Stemmer::new(Language::English))
        .build()
}

pub fn plain() -> TextAnalyzer {
    TextAnalyzer::builder(ClipTokenizer)
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .build()
}

thread_local! {
    static STEMMED_ANALYZER: std::cell::RefCell<TextAnalyzer> = std::cell::RefCell::new(stemmed());
    static PLAIN_ANALYZER: std::cell::RefCell<TextAnalyzer> = std::cell::RefCell::new(plain());
}

/// The unstemmed tokens of `text`, with this thread's cached analyzer.
pub fn plain_tokens(text: &str) -> Vec<String> {
    PLAIN_ANALYZER.with(|a| tokens(&mut a.borrow_mut(), text))
}

/// The stemmed tokens of `text`, with this thread's cached analyzer (building a stemmer per
/// call costs more than the tokenizing).
pub fn stemmed_tokens(text: &str) -> Vec<String> {
    STEMMED_ANALYZER.with(|a| tokens(&mut a.borrow_mut(), text))
}

/// The tokens of `text` under `analyzer`, in order.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    analyzer
        .token_stream(text)
        .process(&mut |t| out.push(t.text.clone()));
    out
}

/// Word and number tokenizer; see the module docs.
#[derive(Clone, Default)]
pub struct ClipTokenizer;

pub struct ClipTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for ClipTokenizer {
    type TokenStream<'a> = ClipTokenStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> ClipTokenStream {
        ClipTokenStream {
            tokens: tokenize(text),
            next: 0,
        }
    }
}

impl TokenStream for ClipTokenStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].1.is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && continues_token(&chars, i) {
            i += 1;
        }
        let from = chars[start].0;
        let to = chars.get(i).map_or(text.len(), |c| c.0);
        let word = &text[from..to];
        if is_possessive_s(word, &chars, start) {
            continue;
        }
        push_word(&mut tokens, word, from);
    }
    tokens
}

/// Alphanumerics continue a token, and so does a `.` or `,` between two digits.
fn continues_token(chars: &[(usize, char)], i: usize) -> bool {
    let c = chars[i].1;
    if c.is_alphanumeric() {
        return true;
    }
    let digit_at = |j: usize| chars.get(j).is_some_and(|c| c.1.is_ascii_digit());
    (c == '.' || c == ',') && i > 0 && digit_at(i - 1) && digit_at(i + 1)
}

fn is_possessive_s(word: &str, chars: &[(usize, char)], start: usize) -> bool {
    (word == "s" || word == "S") && start > 0 && matches!(chars[start - 1].1, '\'' | '’')
}

const UNITS: &[(&str, &str)] = &[
    ("bn", "billion"),
    ("b", "billion"),
    ("mn", "million"),
    ("m", "million"),
    ("k", "thousand"),
    ("tn", "trillion"),
    ("t", "trillion"),
];

fn push_word(tokens: &mut Vec<Token>, word: &str, from: usize) {
    let digits_end = word
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(word.len());
    let (number, suffix) = word.split_at(digits_end);
    let is_number = number.starts_with(|c: char| c.is_ascii_digit());
    let unit = UNITS
        .iter()
        .find(|(short, _)| suffix.eq_ignore_ascii_case(short))
        .map(|(_, long)| *long);
    if is_number && (suffix.is_empty() || unit.is_some()) {
        push(tokens, normalize_number(number), from, from + number.len());
        if let Some(unit) = unit {
            push(
                tokens,
                unit.to_string(),
                from + number.len(),
                from + word.len(),
            );
        }
    } else {
        push(tokens, word.to_string(), from, from + word.len());
    }
}

/// `4,000` → `4000`, `151.80` → `151.8`, `9.0` → `9`.
fn normalize_number(number: &str) -> String {
    let mut n: String = number.chars().filter(|c| *c != ',').collect();
    if n.contains('.') {
        while n.ends_with('0') {
            n.pop();
        }
        if n.ends_with('.') {
            n.pop();
        }
    }
    n
}

fn push(tokens: &mut Vec<Token>, text: String, from: usize, to: usize) {
    tokens.push(Token {
        offset_from: from,
        offset_to: to,
        position: tokens.len(),
        text,
        position_length: 1,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain_tokens(text: &str) -> Vec<String> {
        tokens(&mut plain(), text)
    }

    #[test]
    fn money_and_percentages_keep_their_decimals() {
        assert_eq!(
            plain_tokens("HK$151.80 (about US$19.49)"),
            ["hk", "151.8", "about", "us", "19.49"]
        );
        assert_eq!(plain_tokens("rose 7.2%, +9.0%"), ["rose", "7.2", "9"]);
        assert_eq!(plain_tokens("$4,000 trillion"), ["4000", "trillion"]);
    }

    #[test]
    fn unit_suffixes_expand_to_words() {
        assert_eq!(plain_tokens("53bn"), ["53", "billion"]);
        assert_eq!(
            plain_tokens("$16.3M invested"),
            ["16.3", "million", "invested"]
        );
        assert_eq!(plain_tokens("P800 7nm"), ["p800", "7nm"]);
    }

    #[test]
    fn tickers_and_model_names_split_like_typed_queries() {
        assert_eq!(plain_tokens("Qwen3-Max"), ["qwen3", "max"]);
        assert_eq!(plain_tokens("Alibaba’s stock"), ["alibaba", "stock"]);
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "Up 53bn, HK$151.80";
        let mut analyzer = plain();
        let mut spans = Vec::new();
        analyzer.token_stream(text).process(&mut |t| {
            spans.push(&text[t.offset_from..t.offset_to] == "53" || t.offset_to <= text.len())
        });
        assert!(spans.iter().all(|ok| *ok));
    }

    #[test]
    fn stemming_matches_inflections() {
        assert_eq!(
            tokens(&mut stemmed(), "chips investments"),
            ["chip", "invest"]
        );
    }
}
