//! Tokenizing passages so that numbers, money and tickers match as people type them:
//! `151.80`, `4,000`, `53bn` (→ `53 billion`), `Qwen3-Max` (→ `qwen3 max`), `P800`.
//!
//! One streaming tokenizer does the splitting, drops overlong tokens, lowercases and (for the
//! stemmed analyzer) stems, reusing one token buffer: the index build spends most of its time
//! here. Building analyzers also cache stems and count the unstemmed words they see, which
//! gives the spelling dictionary without indexing the text a second time.

use std::borrow::Cow;
use std::sync::{Arc, Mutex, PoisonError, Weak};

use compact_str::CompactString;
use frostem::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

/// Stemmed English analyzer for passage text.
pub const STEMMED: &str = "clip_en";
/// Unstemmed analyzer: spelling suggestions and source filters.
pub const PLAIN: &str = "clip_plain";

/// Tokens of this many bytes or more are dropped (like tantivy's `RemoveLongFilter`); they
/// still take a position.
const MAX_TOKEN_BYTES: usize = 40;
/// How many words a query-side cached analyzer keeps stems for.
const QUERY_CACHE_WORDS: usize = 20_000;

/// The stemmed analyzer, without a cache (what the index registers for queries and snippets).
pub fn stemmed() -> TextAnalyzer {
    TextAnalyzer::from(ClipTokenizer::new(true, None))
}

/// The unstemmed analyzer.
pub fn plain() -> TextAnalyzer {
    TextAnalyzer::from(ClipTokenizer::new(false, None))
}

fn cached_stemmed() -> TextAnalyzer {
    TextAnalyzer::from(ClipTokenizer::new(true, Some(StemCache::new(None))))
}

thread_local! {
    static STEMMED_ANALYZER: std::cell::RefCell<TextAnalyzer> = std::cell::RefCell::new(cached_stemmed());
    static PLAIN_ANALYZER: std::cell::RefCell<TextAnalyzer> = std::cell::RefCell::new(plain());
}

/// The unstemmed tokens of `text`, with this thread's analyzer.
pub fn plain_tokens(text: &str) -> Vec<String> {
    PLAIN_ANALYZER.with(|a| tokens(&mut a.borrow_mut(), text))
}

/// The stemmed tokens of `text`, with this thread's analyzer and its stem cache.
pub fn stemmed_tokens(text: &str) -> Vec<String> {
    STEMMED_ANALYZER.with(|a| tokens(&mut a.borrow_mut(), text))
}

/// Calls `f` with each stemmed token of `text`, in order, without collecting them.
pub fn for_each_stemmed_token(text: &str, mut f: impl FnMut(&str)) {
    for_each_stemmed_token_at(text, |_, _, t| f(t));
}

/// Calls `f` with the byte offsets and the stem of each stemmed token of `text`, in order.
pub fn for_each_stemmed_token_at(text: &str, mut f: impl FnMut(usize, usize, &str)) {
    STEMMED_ANALYZER.with(|a| {
        a.borrow_mut()
            .token_stream(text)
            .process(&mut |t| f(t.offset_from, t.offset_to, &t.text))
    });
}

/// The tokens of `text` under `analyzer`, in order.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    analyzer
        .token_stream(text)
        .process(&mut |t| out.push(t.text.clone()));
    out
}

type Counts = Mutex<FxHashMap<String, u64>>;

/// Counts the unstemmed words the stemmed analyzers of an index build see: every clone of
/// [`WordCounter::analyzer`] adds its counts when tantivy drops it.
#[derive(Default)]
pub struct WordCounter(Arc<Counts>);

impl WordCounter {
    /// A stemmed analyzer that caches stems and counts words into this counter.
    pub fn analyzer(&self) -> TextAnalyzer {
        let cache = StemCache::new(Some(Arc::downgrade(&self.0)));
        TextAnalyzer::from(ClipTokenizer::new(true, Some(cache)))
    }

    /// The counts so far: complete once every analyzer of the build is dropped (the index
    /// writer is finished). Analyzers dropped later count nowhere.
    pub fn into_counts(self) -> FxHashMap<String, u64> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// Stems of the words seen so far, with how often each was seen. Words and stems are
/// mostly short enough to live inline in a `CompactString` (no allocation, no pointer to
/// follow on a look-up), and a word that is its own stem keeps no second copy.
struct StemCache {
    stems: FxHashMap<CompactString, (Option<CompactString>, u64)>,
    /// Where the counts go when the cache is dropped; `None` on the query side, which keeps
    /// at most [`QUERY_CACHE_WORDS`] words.
    counter: Option<Weak<Counts>>,
}

impl StemCache {
    fn new(counter: Option<Weak<Counts>>) -> StemCache {
        StemCache {
            stems: FxHashMap::default(),
            counter,
        }
    }

    fn stem(&mut self, stemmer: Stemmer, text: &mut String) {
        if let Some((stem, count)) = self.stems.get_mut(text.as_str()) {
            *count += 1;
            if let Some(stem) = stem {
                text.clear();
                text.push_str(stem);
            }
            return;
        }
        let stem = match stemmer.stem(text) {
            stem if *stem == **text => None,
            stem => Some(CompactString::from(&*stem)),
        };
        let keep = self.counter.is_some() || self.stems.len() < QUERY_CACHE_WORDS;
        let word = keep.then(|| CompactString::from(text.as_str()));
        if let Some(stem) = &stem {
            text.clear();
            text.push_str(stem);
        }
        if let Some(word) = word {
            self.stems.insert(word, (stem, 1));
        }
    }
}

impl Drop for StemCache {
    fn drop(&mut self) {
        let Some(counter) = self.counter.as_ref().and_then(Weak::upgrade) else {
            return;
        };
        let mut counts = counter.lock().unwrap_or_else(PoisonError::into_inner);
        for (word, (_, n)) in self.stems.drain() {
            match counts.get_mut(word.as_str()) {
                Some(count) => *count += n,
                None => {
                    counts.insert(word.into_string(), n);
                }
            }
        }
    }
}

fn stem_word(stemmer: Stemmer, word: &str) -> String {
    match stemmer.stem(word) {
        Cow::Owned(stem) => stem,
        Cow::Borrowed(stem) => stem.to_string(),
    }
}

/// Word and number tokenizer; see the module docs.
pub struct ClipTokenizer {
    stemmer: Option<Stemmer>,
    cache: Option<StemCache>,
}

impl ClipTokenizer {
    fn new(stem: bool, cache: Option<StemCache>) -> ClipTokenizer {
        ClipTokenizer {
            stemmer: stem.then(|| Stemmer::new(Algorithm::English)),
            cache,
        }
    }
}

impl Clone for ClipTokenizer {
    /// A clone starts with an empty cache (tantivy clones an analyzer per segment writer and
    /// per snippet generator) that counts into the same counter.
    fn clone(&self) -> ClipTokenizer {
        ClipTokenizer {
            stemmer: self.stemmer,
            cache: self
                .cache
                .as_ref()
                .map(|c| StemCache::new(c.counter.clone())),
        }
    }
}

impl Tokenizer for ClipTokenizer {
    type TokenStream<'a> = ClipTokenStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> ClipTokenStream<'a> {
        ClipTokenStream {
            text,
            at: 0,
            position: 0,
            unit: None,
            token: Token::default(),
            stemmer: self.stemmer,
            cache: self.cache.as_mut(),
        }
    }
}

pub struct ClipTokenStream<'a> {
    text: &'a str,
    /// Where scanning for the next word resumes (bytes).
    at: usize,
    /// The position of the next token.
    position: usize,
    /// The unit word still to emit after a number (`53bn` → `53`, then `billion`).
    unit: Option<(&'static str, usize, usize)>,
    token: Token,
    stemmer: Option<Stemmer>,
    cache: Option<&'a mut StemCache>,
}

impl TokenStream for ClipTokenStream<'_> {
    fn advance(&mut self) -> bool {
        loop {
            let (from, to, is_number) = if let Some((unit, from, to)) = self.unit.take() {
                self.token.text.clear();
                self.token.text.push_str(unit);
                (from, to, false)
            } else {
                let Some((from, to)) = self.next_word() else {
                    return false;
                };
                self.word(from, to)
            };
            let position = self.position;
            self.position += 1;
            if self.token.text.len() >= MAX_TOKEN_BYTES {
                continue;
            }
            // A number (digits and a `.`) is its own lowercase form and its own stem: it skips
            // the stem cache, which holds words only (they are what spelling counts).
            if !is_number {
                lowercase(&mut self.token.text);
                if let Some(stemmer) = self.stemmer {
                    match self.cache.as_deref_mut() {
                        Some(cache) => cache.stem(stemmer, &mut self.token.text),
                        None => self.token.text = stem_word(stemmer, &self.token.text),
                    }
                }
            }
            self.token.offset_from = from;
            self.token.offset_to = to;
            self.token.position = position;
            self.token.position_length = 1;
            return true;
        }
    }
    fn token(&self) -> &Token {
        &self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

impl ClipTokenStream<'_> {
    /// The byte range of the next word: alphanumerics, and a `.` or `,` between two digits.
    /// A possessive `s` (`Alibaba’s`) is skipped.
    fn next_word(&mut self) -> Option<(usize, usize)> {
        let text = self.text;
        let bytes = text.as_bytes();
        loop {
            let Some(skip) = text[self.at..].find(char::is_alphanumeric) else {
                self.at = text.len();
                return None;
            };
            let start = self.at + skip;
            let mut end = start;
            for (offset, c) in text[start..].char_indices() {
                let i = start + offset;
                let digit_at = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_digit);
                let continues = c.is_alphanumeric()
                    || ((c == '.' || c == ',') && digit_at(i - 1) && digit_at(i + 1));
                if !continues {
                    break;
                }
                end = i + c.len_utf8();
            }
            self.at = end;
            let word = &text[start..end];
            if (word == "s" || word == "S") && text[..start].ends_with(['\'', '’']) {
                continue;
            }
            return Some((start, end));
        }
    }

    /// Puts the word at `from..to` into the token (a number normalized, its unit word kept
    /// for the next token) and returns the token's span and whether it is a number.
    fn word(&mut self, from: usize, to: usize) -> (usize, usize, bool) {
        let word = &self.text[from..to];
        let text = &mut self.token.text;
        text.clear();
        if let Some((number, unit)) = number_and_unit(word) {
            normalize_number(number, text);
            let end = from + number.len();
            if let Some(unit) = unit {
                self.unit = Some((unit, end, to));
            }
            (from, end, true)
        } else {
            text.push_str(word);
            (from, to, false)
        }
    }
}

/// A number with no suffix or a unit suffix (`53bn`): the number and the unit's word.
fn number_and_unit(word: &str) -> Option<(&str, Option<&'static str>)> {
    let digits_end = word
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
        .unwrap_or(word.len());
    let (number, suffix) = word.split_at(digits_end);
    let unit = UNITS
        .iter()
        .find(|(short, _)| suffix.eq_ignore_ascii_case(short))
        .map(|(_, long)| *long);
    let is_number = number.starts_with(|c: char| c.is_ascii_digit());
    (is_number && (suffix.is_empty() || unit.is_some())).then_some((number, unit))
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

/// `4,000` → `4000`, `151.80` → `151.8`, `9.0` → `9`.
fn normalize_number(number: &str, out: &mut String) {
    out.extend(number.chars().filter(|c| *c != ','));
    if out.contains('.') {
        while out.ends_with('0') {
            out.pop();
        }
        if out.ends_with('.') {
            out.pop();
        }
    }
}

/// Lowercases in place (like tantivy's `LowerCaser`: per character, for non-ASCII text).
fn lowercase(text: &mut String) {
    if text.is_ascii() {
        text.make_ascii_lowercase();
    } else {
        *text = text.chars().flat_map(char::to_lowercase).collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain_tokens(text: &str) -> Vec<String> {
        tokens(&mut plain(), text)
    }

    /// The tokenizer before it streamed (a vector of tokens, tantivy's filters after it):
    /// the oracle for the streaming one.
    mod reference {
        use tantivy::tokenizer::{
            Language, LowerCaser, RemoveLongFilter, Stemmer, TextAnalyzer, Token, TokenStream,
            Tokenizer,
        };

        pub fn analyzer(stem: bool) -> TextAnalyzer {
            let base = TextAnalyzer::builder(OldTokenizer)
                .filter(RemoveLongFilter::limit(40))
                .filter(LowerCaser);
            if stem {
                base.filter(Stemmer::new(Language::English)).build()
            } else {
                base.build()
            }
        }

        #[derive(Clone)]
        struct OldTokenizer;

        struct OldTokenStream {
            tokens: Vec<Token>,
            next: usize,
        }

        impl Tokenizer for OldTokenizer {
            type TokenStream<'a> = OldTokenStream;
            fn token_stream<'a>(&'a mut self, text: &'a str) -> OldTokenStream {
                OldTokenStream {
                    tokens: tokenize(text),
                    next: 0,
                }
            }
        }

        impl TokenStream for OldTokenStream {
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

        fn push_word(tokens: &mut Vec<Token>, word: &str, from: usize) {
            if let Some((number, unit)) = super::super::number_and_unit(word) {
                push(
                    tokens,
                    old_normalize_number(number),
                    from,
                    from + number.len(),
                );
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
        fn old_normalize_number(number: &str) -> String {
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
    }

    fn all(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut out = Vec::new();
        analyzer
            .token_stream(text)
            .process(&mut |t| out.push((t.text.clone(), t.offset_from, t.offset_to, t.position)));
        out
    }

    proptest::proptest! {
        #[test]
        fn streaming_tokens_equal_the_reference_tokenizer(
            text in "([a-zA-Z0-9.,'’$%()\\- ]|[ÉéÀßİΣσ中文]|\\PC){0,60}",
            long in proptest::bool::ANY,
        ) {
            let text = if long { format!("{text} {} 53bn", "x".repeat(41)) } else { text };
            for stem in [false, true] {
                let expected = all(&mut reference::analyzer(stem), &text);
                let fresh = if stem { stemmed() } else { plain() };
                proptest::prop_assert_eq!(all(&mut fresh.clone(), &text), expected.clone());
                // A cached analyzer gives the same tokens the first time and the next.
                let mut cached = if stem { cached_stemmed() } else { plain() };
                proptest::prop_assert_eq!(all(&mut cached, &text), expected.clone());
                proptest::prop_assert_eq!(all(&mut cached, &text), expected);
            }
        }
    }

    #[test]
    fn build_analyzers_count_unstemmed_words_and_clones_count_too() {
        let counter = WordCounter::default();
        let mut first = counter.analyzer();
        let mut second = first.clone();
        assert_eq!(
            tokens(&mut first, "Chips and more chips"),
            ["chip", "and", "more", "chip"]
        );
        assert_eq!(tokens(&mut second, "chipping"), ["chip"]);
        drop((first, second));
        let counts = counter.into_counts();
        assert_eq!(counts.get("chips"), Some(&2));
        assert_eq!(counts.get("chipping"), Some(&1));
        assert_eq!(counts.get("chip"), None);
    }

    proptest::proptest! {
        #[test]
        fn numbers_are_their_own_stem(number in "[0-9]{1,6}(\\.[0-9]{1,3})?") {
            let mut expected = String::new();
            normalize_number(&number, &mut expected);
            let stem = Stemmer::new(Algorithm::English);
            proptest::prop_assert_eq!(stem_word(stem, &expected), expected.clone());
            proptest::prop_assert_eq!(tokens(&mut cached_stemmed(), &number), [expected]);
        }
    }

    #[test]
    fn build_analyzers_count_words_but_not_numbers() {
        let counter = WordCounter::default();
        let mut analyzer = counter.analyzer();
        assert_eq!(
            tokens(&mut analyzer, "Capex of 53bn and 4,000 chips in 2025"),
            [
                "capex", "of", "53", "billion", "and", "4000", "chip", "in", "2025"
            ]
        );
        drop(analyzer);
        let counts = counter.into_counts();
        assert_eq!(counts.get("billion"), Some(&1));
        assert_eq!(counts.get("chips"), Some(&1));
        for number in ["53", "4000", "2025"] {
            assert_eq!(counts.get(number), None, "{number}");
        }
    }

    #[test]
    fn a_cached_word_that_is_its_own_stem_comes_back_whole() {
        let mut analyzer = cached_stemmed();
        // "cloud" is its own stem (kept once in the cache), "chips" is not; both seen twice.
        for _ in 0..2 {
            assert_eq!(
                tokens(&mut analyzer, "cloud chips Cloud"),
                ["cloud", "chip", "cloud"]
            );
        }
    }

    #[test]
    fn analyzers_outliving_their_build_count_nowhere() {
        let counter = WordCounter::default();
        let mut late = counter.analyzer();
        let counts = counter.into_counts();
        assert!(counts.is_empty());
        assert_eq!(tokens(&mut late, "investments"), ["invest"]);
        drop(late);
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
