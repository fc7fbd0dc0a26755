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
