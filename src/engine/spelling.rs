//! Spelling fallback: a word the index doesn't know is replaced by its closest indexed word.

use levenshtein_automata::{DFA, Distance, LevenshteinAutomatonBuilder};
use std::sync::LazyLock;
use tantivy::Searcher;
use tantivy::schema::Field;
use tantivy_fst::Automaton;

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

/// How many passages contain `word` in the unstemmed field.
pub fn doc_freq(searcher: &Searcher, field: Field, word: &str) -> u64 {
    let term = tantivy::Term::from_field_text(field, word);
    searcher.doc_freq(&term).unwrap_or(0)
}

/// The indexed word closest to `word` (edit distance 1, or 2 for words of 6+ letters), the
/// most frequent on ties. `None` for short words and words without a near neighbour.
pub fn closest(searcher: &Searcher, field: Field, word: &str) -> Option<String> {
    let len = word.chars().count();
    if !(4..=30).contains(&len) || word.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let builder = if len >= 6 { &*TWO } else { &*ONE };
    let mut best: Option<(u8, u64, String)> = None;
    let dfa = builder.build_dfa(word);
    let scorer = &dfa;
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let Ok(mut stream) = inverted.terms().search(Dfa(&dfa)).into_stream() else {
            continue;
        };
        while stream.advance() {
            let Ok(candidate) = std::str::from_utf8(stream.key()) else {
                continue;
            };
            let distance = match scorer.eval(candidate) {
                Distance::Exact(d) => d,
                Distance::AtLeast(_) => continue,
            };
            let freq = u64::from(stream.value().doc_freq);
            let better = best.as_ref().is_none_or(|(d, f, _)| {
                (distance, std::cmp::Reverse(freq)) < (*d, std::cmp::Reverse(*f))
            });
            if better && candidate != word {
                best = Some((distance, freq, candidate.to_string()));
            }
        }
    }
    best.map(|(_, _, w)| w)
}
