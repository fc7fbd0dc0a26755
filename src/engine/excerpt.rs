//! The quote of a hit: the sentence or two of its passage that answer, chosen by where the
//! matched words are. The passage stays whole for `!quote` and the JSON `text`.

use std::ops::Range;
use std::sync::Arc;

use tantivy::Searcher;
use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::snippet::SnippetGenerator;
use unicode_segmentation::UnicodeSegmentation;

/// Marks the words of passages that matched a query, with tantivy's snippet generator. It is
/// made once per answer and kept for `!more`, so only the passages shown get marked.
#[derive(Clone)]
pub struct Highlighter(Arc<SnippetGenerator>);

impl std::fmt::Debug for Highlighter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Highlighter")
    }
}

impl Highlighter {
    pub fn new(searcher: &Searcher, query: &dyn Query, field: Field) -> Option<Highlighter> {
        let mut generator = SnippetGenerator::create(searcher, query, field)
            .inspect_err(|e| tracing::warn!(error = %e, "no highlights"))
            .ok()?;
        // The whole passage is the fragment: the quote is chosen afterwards.
        generator.set_max_num_chars(crate::corpus::passages::MAX_PASSAGE_CHARS * 4);
        Some(Highlighter(Arc::new(generator)))
    }

    /// Byte ranges of the matched words in `text`.
    pub fn highlights(&self, text: &str) -> Vec<Range<usize>> {
        let snippet = self.0.snippet(text);
        let start = snippet.fragment_range().start;
        snippet
            .highlighted()
            .iter()
            .map(|r| r.start + start..r.end + start)
            .filter(|r| {
                r.end <= text.len()
                    && text.is_char_boundary(r.start)
                    && text.is_char_boundary(r.end)
            })
            .collect()
    }
}

/// Marks the matched words of each hit about to be shown (unless already marked) and chooses
/// its quote.
pub fn apply(mut hits: Vec<super::Hit>, highlighter: Option<&Highlighter>) -> Vec<super::Hit> {
    for hit in &mut hits {
        if let Some(h) = highlighter
            && hit.highlights.is_empty()
        {
            hit.highlights = h.highlights(&hit.text);
        }
        hit.quote = choose(&hit.text, &hit.highlights);
    }
    hits
}

/// The byte range of `text` to quote: the best sentence with its best neighbour when the
/// passage has more than two sentences, else the whole passage.
pub fn choose(text: &str, highlights: &[Range<usize>]) -> Range<usize> {
    let sentences: Vec<Range<usize>> = text
        .split_sentence_bound_indices()
        .map(|(start, s)| start..start + s.len())
        .collect();
    if sentences.len() <= 2 || highlights.is_empty() {
        return 0..text.len();
    }
    let weight = |r: &Range<usize>| -> usize {
        let words: std::collections::HashSet<String> = highlights
            .iter()
            .filter(|h| h.start >= r.start && h.end <= r.end)
            .map(|h| text[h.clone()].to_lowercase())
            .collect();
        words.len()
    };
    let weights: Vec<usize> = sentences.iter().map(weight).collect();
    let best = (0..sentences.len())
        .max_by_key(|&i| (weights[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    let before = best.checked_sub(1).map_or(0, |i| weights[i]);
    let after = weights.get(best + 1).copied().unwrap_or(0);
    let range = if best + 1 < sentences.len() && after >= before {
        sentences[best].start..sentences[best + 1].end
    } else if best > 0 {
        sentences[best - 1].start..sentences[best].end
    } else {
        sentences[best].clone()
    };
    trim(text, range)
}

fn trim(text: &str, range: Range<usize>) -> Range<usize> {
    let slice = &text[range.clone()];
    let start = range.start + (slice.len() - slice.trim_start().len());
    let end = range.end - (slice.len() - slice.trim_end().len());
    start..end.max(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(text: &str, word: &str) -> Range<usize> {
        let start = text.find(word).unwrap();
        start..start + word.len()
    }

    #[test]
    fn short_passages_are_quoted_whole() {
        let text = "One sentence. Two sentences.";
        assert_eq!(choose(text, &[span(text, "Two")]), 0..text.len());
    }

    #[test]
    fn the_sentence_with_the_matched_words_and_its_neighbour_are_quoted() {
        let text = "Intro here. Alibaba will open data centers in Brazil. Then France follows. Unrelated end.";
        let range = choose(text, &[span(text, "Brazil"), span(text, "France")]);
        assert_eq!(
            &text[range],
            "Alibaba will open data centers in Brazil. Then France follows."
        );
    }

    #[test]
    fn without_highlights_the_passage_is_quoted_whole() {
        let text = "A. B. C.";
        assert_eq!(choose(text, &[]), 0..text.len());
    }
}
