//! Spelling fallback: a word the index doesn't know is replaced by its closest indexed word.

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder};
use std::sync::LazyLock;
use tantivy_fst::Automaton;

use crate::index::words::Words;

static ONE: LazyLock<LevenshteinAutomatonBuilder> =
    LazyLock::new(|| LevenshteinAutomatonBuilder::new(1, true));
static TWO: LazyLock<LevenshteinAutomatonBuilder> =
    LazyLock::new(|| LevenshteinAutomatonBuilder::new(2, true));

struct Dfa<'a>(&'a DFA);

impl Automaton for Dfa<'_> {
    type State = u32;
    fn start(&self) -> u32 {
        self.0.initial_state()
    }
    fn is_match(&self, state: &u32) -> bool {
        matches!(self.0.distance(*state), Distance::Exact(_))
    }
    fn can_match(&self, state: &u32) -> bool {
        *state != levenshtein_automata::SINK_STATE
    }
    fn accept(&self, state: &u32, byte: u8) -> u32 {
        self.0.transition(*state, byte)
    }
}

/// The indexed word closest to `word` (edit distance 1, or 2 for words of 6+ letters), the
/// most frequent on ties. `None` for short words and words without a near neighbour.
pub fn closest(words: &Words, word: &str) -> Option<String> {
    let len = word.chars().count();
    if !(4..=30).contains(&len) || word.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let builder = if len >= 6 { &*TWO } else { &*ONE };
    let dfa = builder.build_dfa(word);
    words
        .matching(Dfa(&dfa))
        .into_iter()
        .filter(|(candidate, _)| candidate != word)
        .filter_map(|(candidate, count)| match dfa.eval(&candidate) {
            Distance::Exact(d) => Some((d, std::cmp::Reverse(count), candidate)),
            Distance::AtLeast(_) => None,
        })
        .min()
        .map(|(_, _, w)| w)
}

/// The English word a chat spelling stands for, when it is not English itself: a dropped
/// final "g" ("talkin", "pitchin") or two neighbouring letters swapped ("peices", "teh").
pub fn english_spelling(word: &str) -> Option<String> {
    // Shorter words are more often shorthand ("ali", "asi") than a slip.
    if word.chars().count() < 5
        || !word.chars().all(|c| c.is_ascii_alphabetic())
        || wordnik_list::word_exists(word)
    {
        return None;
    }
    if word.ends_with("in") {
        let with_g = format!("{word}g");
        if wordnik_list::word_exists(&with_g) {
            return Some(with_g);
        }
    }
    let letters: Vec<char> = word.chars().collect();
    (0..letters.len() - 1)
        .filter(|&i| letters[i] != letters[i + 1])
        .map(|i| {
            let mut swapped = letters.clone();
            swapped.swap(i, i + 1);
            swapped.into_iter().collect::<String>()
        })
        .find(|candidate| wordnik_list::word_exists(candidate))
}

#[cfg(test)]
mod tests {
    use super::english_spelling;

    #[test]
    fn chat_spellings_of_english_words_are_read_as_the_words() {
        assert_eq!(english_spelling("talkin").as_deref(), Some("talking"));
        assert_eq!(english_spelling("pitchin").as_deref(), Some("pitching"));
        assert_eq!(english_spelling("peices").as_deref(), Some("pieces"));
        // English words, names and shorthand are left to the other readings.
        assert_eq!(english_spelling("within"), None);
        assert_eq!(english_spelling("qwen"), None);
        assert_eq!(english_spelling("nvda"), None);
        assert_eq!(english_spelling("asi"), None);
    }
}
