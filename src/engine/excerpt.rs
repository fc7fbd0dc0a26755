//! The quote of a hit: the sentence or two of its passage that answer, chosen by where the
//! matched words are. The passage stays whole for `!quote` and the JSON `text`.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use tantivy::Searcher;
use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::snippet::SnippetGenerator;
use unicode_segmentation::UnicodeSegmentation;

/// Marks the words of passages that matched a query, with tantivy's snippet generator. It is
/// made once per answer and kept for `!more`, so only the passages shown get marked. It also
/// knows how rare each of the query's terms is, so a quote goes where the telling words are.
#[derive(Clone)]
pub struct Highlighter(
    Arc<SnippetGenerator>,
    Arc<HashMap<String, f32>>,
    super::rank::Expected,
);

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
        let mut rarity = HashMap::new();
        query.query_terms(&mut |term, _| {
            if let (true, Some(text)) = (term.field() == field, term.value().as_str()) {
                let text = [text.to_string()];
                let idf = super::rank::idf(searcher, field, &text);
                if idf > 0.0 {
                    let [text] = text;
                    rarity.insert(text, idf);
                }
            }
        });
        Some(Highlighter(
            Arc::new(generator),
            Arc::new(rarity),
            super::rank::Expected::Anything,
        ))
    }

    /// The same highlighter for a question wanting `expected`: a sentence stating that kind
    /// of answer (a date for "what day", a figure for "how much") is the one quoted.
    pub fn wanting(self, expected: super::rank::Expected) -> Highlighter {
        Highlighter(self.0, self.1, expected)
    }

    /// Whether a sentence states the kind of answer the question wants.
    fn answers(&self, sentence: &str) -> bool {
        super::rank::states(self.2, sentence)
    }

    /// Whether a sentence stating the kind of answer asked is quoted even when it holds none
    /// of the question's words: a cause for "why", a risk for "what could go wrong" (the
    /// sentence giving it often names the thing only as "the surge" or "this"). Not a source,
    /// a date or a figure: a sentence holding none of the question's words and naming one is
    /// as likely about something else (measured: one question lost with every kind).
    fn reaches(&self) -> bool {
        use super::rank::Expected;
        matches!(self.2, Expected::Reason | Expected::Risk)
    }

    /// How telling a matched word is: the idf of its stem (1 when not known).
    pub fn weight(&self, word: &str) -> f32 {
        let stems = crate::index::tokenizer::stemmed_tokens(word);
        stems
            .iter()
            .filter_map(|s| self.1.get(s))
            .copied()
            .fold(None, |best: Option<f32>, w| {
                Some(best.map_or(w, |b| b.max(w)))
            })
            .unwrap_or(1.0)
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
        hit.quote = match highlighter {
            Some(h) => choose_reaching(
                &hit.text,
                &hit.highlights,
                |w| h.weight(w),
                |s| h.answers(s),
                h.reaches(),
            ),
            None => choose(&hit.text, &hit.highlights),
        };
    }
    hits
}

/// The byte range of `text` to quote: the best sentence with its best neighbour when the
/// passage has more than two sentences, else the whole passage. Each distinct matched word
/// counts the same.
pub fn choose(text: &str, highlights: &[Range<usize>]) -> Range<usize> {
    choose_weighted(text, highlights, |_| 1.0)
}

/// [`choose`], a sentence weighing the sum of `weight` over its distinct matched words.
pub fn choose_weighted(
    text: &str,
    highlights: &[Range<usize>],
    weight: impl Fn(&str) -> f32,
) -> Range<usize> {
    choose_answering(text, highlights, weight, |_| false)
}

/// How much more a sentence with matched words weighs when it states the kind of answer the
/// question wants (a date for "when").
const ANSWERING_WEIGHT: f32 = 2.0;

/// [`choose_weighted`], a sentence for which `answers` holds weighing [`ANSWERING_WEIGHT`]
/// times more.
pub fn choose_answering(
    text: &str,
    highlights: &[Range<usize>],
    weight: impl Fn(&str) -> f32,
    answers: impl Fn(&str) -> bool,
) -> Range<usize> {
    choose_reaching(text, highlights, weight, answers, false)
}

/// [`choose_answering`]; when `reach` holds and no sentence holding the question's words
/// states the kind of answer asked, the nearest sentence stating it is quoted.
pub fn choose_reaching(
    text: &str,
    highlights: &[Range<usize>],
    weight: impl Fn(&str) -> f32,
    answers: impl Fn(&str) -> bool,
    reach: bool,
) -> Range<usize> {
    let sentences: Vec<Range<usize>> = text
        .split_sentence_bound_indices()
        .map(|(start, s)| start..start + s.len())
        .collect();
    if sentences.len() <= 2 || highlights.is_empty() {
        return 0..text.len();
    }
    let sentence_weight = |r: &Range<usize>| -> f32 {
        // In order, so that equal sentences weigh exactly the same (a float sum depends on
        // the order of its terms).
        let words: std::collections::BTreeSet<String> = highlights
            .iter()
            .filter(|h| h.start >= r.start && h.end <= r.end)
            .map(|h| text[h.clone()].to_lowercase())
            .collect();
        let matched: f32 = words.iter().map(|w| weight(w)).sum();
        if matched > 0.0 && answers(&text[r.clone()]) {
            matched * ANSWERING_WEIGHT
        } else {
            matched
        }
    };
    let weights: Vec<f32> = sentences.iter().map(sentence_weight).collect();
    // The heaviest sentence; the first of equals.
    let best = (0..sentences.len())
        .rev()
        .max_by(|&a, &b| weights[a].total_cmp(&weights[b]))
        .unwrap_or(0);
    if let Some(asked) = question_end(&text[sentences[best].clone()]) {
        // A question is not its own answer: the quote goes on into what follows it.
        let answer = sentences[best].start + asked;
        let mut end = best;
        while end + 1 < sentences.len()
            && text[answer..sentences[end].end].trim().chars().count() < ANSWER_CHARS
        {
            end += 1;
        }
        return trim(text, sentences[best].start..sentences[end].end);
    }
    // No sentence holding the question's words states the kind of answer asked, but another
    // does ("why did chip stocks go up": "The surge reflects rising confidence…"): that one
    // is quoted, with its neighbour nearer the best.
    if reach {
        let answering: Vec<bool> = sentences
            .iter()
            .map(|r| answers(&text[r.clone()]))
            .collect();
        if !(0..sentences.len()).any(|i| weights[i] > 0.0 && answering[i])
            && let Some(at) = (0..sentences.len())
                .filter(|&i| answering[i])
                .min_by_key(|&i| (i.abs_diff(best), i < best))
        {
            // More than two sentences: the one before exists when `at` is past the best or
            // last, the one after otherwise.
            let range = if at > best || at + 1 == sentences.len() {
                sentences[at - 1].start..sentences[at].end
            } else {
                sentences[at].start..sentences[at + 1].end
            };
            return trim(text, range);
        }
    }
    let before = best.checked_sub(1).map_or(0.0, |i| weights[i]);
    let after = weights.get(best + 1).copied().unwrap_or(0.0);
    let mut range = if best + 1 < sentences.len() && after >= before {
        sentences[best].start..sentences[best + 1].end
    } else if best > 0 {
        sentences[best - 1].start..sentences[best].end
    } else {
        sentences[best].clone()
    };
    // A passage opening with a short reply ("Yes, partially.") to a question above it is read
    // with the sentence after the reply: the quote keeps the reply.
    if range.start == sentences[1].start && is_reply(&text[sentences[0].clone()]) {
        range.start = 0;
    }
    trim(text, range)
}

/// How long a passage's first sentence may be to be a reply kept with the next ("Yes,
/// partially.", "Not yet.").
const REPLY_CHARS: usize = 20;

/// Whether a sentence is a short reply: a few words opening with yes, no or the like.
fn is_reply(sentence: &str) -> bool {
    let sentence = sentence.trim();
    let first = sentence
        .split(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("")
        .to_lowercase();
    sentence.chars().count() <= REPLY_CHARS
        && matches!(
            first.as_str(),
            "yes"
                | "no"
                | "not"
                | "partially"
                | "partly"
                | "absolutely"
                | "correct"
                | "indeed"
                | "maybe"
                | "perhaps"
                | "probably"
                | "likely"
                | "unlikely"
                | "exactly"
        )
}

/// How much of the answer a quote of a question in the text shows at least (chars).
const ANSWER_CHARS: usize = 100;

/// Where the question a sentence ends with ends (a byte offset): its last question mark,
/// when less than [`ANSWER_CHARS`] follow it ("Is it…? - It is both." is one sentence).
fn question_end(sentence: &str) -> Option<usize> {
    let at = sentence.rfind('?')? + 1;
    (sentence[at..].trim().chars().count() < ANSWER_CHARS).then_some(at)
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
    fn a_question_in_the_text_is_quoted_with_the_answer_after_it() {
        let text = "An earlier remark on the pivot. Is the pivot a growth engine or a response to regulation? \
                    - It is both. It serves as a growth engine driven by market demand and a \
                    pragmatic response to the regulatory environment. Unrelated end here.";
        let second = text.rfind("pivot").unwrap();
        let highlights = [
            span(text, "pivot"),
            second..second + 5,
            span(text, "regulation"),
        ];
        let quote = &text[choose(text, &highlights)];
        assert!(quote.starts_with("Is the pivot"), "{quote}");
        assert!(quote.ends_with("regulatory environment."), "{quote}");

        // A question quoted within a sentence is not one.
        assert_eq!(question_end("Is it over? - Yes."), Some(11));
        assert_eq!(question_end("It is over."), None);
        let long = "He asked “is it over?” and went on to say that the market had already moved a lot \
                    before the company had said anything about its plans.";
        assert_eq!(question_end(long), None);
    }

    #[test]
    fn a_short_reply_opening_the_passage_is_quoted_with_the_sentence_after_it() {
        let text = "Yes, partially. They now train models on their own chips to reduce reliance on Nvidia. The chips are used for cloud tasks. Analysts expect more.";
        let quoted = &text[choose(text, &[span(text, "reliance"), span(text, "Nvidia")])];
        assert!(
            quoted.starts_with("Yes, partially. They now train"),
            "{quoted}"
        );
        // Another short first sentence is a sentence like any other.
        let text = "Intro here. They now train models on their own chips to reduce reliance on Nvidia. The chips are used for cloud tasks. Analysts expect more.";
        let quoted = &text[choose(text, &[span(text, "reliance"), span(text, "Nvidia")])];
        assert!(quoted.starts_with("They now train"), "{quoted}");
    }

    #[test]
    fn without_highlights_the_passage_is_quoted_whole() {
        let text = "A. B. C.";
        assert_eq!(choose(text, &[]), 0..text.len());
    }

    #[test]
    fn rare_matched_words_weigh_more_than_common_ones() {
        let text = "Intro here. Shares of the company rose on AI and cloud hopes. \
                    Filler one. Filler two. Analysts forecast triple-digit growth. End.";
        let highlights = [
            span(text, "AI"),
            span(text, "cloud"),
            span(text, "company"),
            span(text, "forecast"),
        ];
        // Counted alike, the sentence with three matched words wins...
        let alike = &text[choose(text, &highlights)];
        assert!(alike.starts_with("Shares of the company"), "{alike}");
        assert!(!alike.contains("forecast"), "{alike}");
        // ...weighed by rarity, the one with the rare word does.
        let rare = |w: &str| if w == "forecast" { 5.0 } else { 1.0 };
        let weighed = &text[choose_weighted(text, &highlights, rare)];
        assert!(weighed.starts_with("Analysts forecast"), "{weighed}");
        assert!(!weighed.contains("company"), "{weighed}");
    }

    #[test]
    fn equal_sentences_weigh_exactly_the_same_so_the_first_is_quoted() {
        // A float sum depends on the order of its terms (here 2²⁴ + 1 + 1 is 2²⁴ one way and
        // 2²⁴ + 2 the other): summed in whatever order a hash set gave, the second of two
        // equal sentences sometimes won, and an index updated in place quoted other sentences
        // than a fresh build of the same passages.
        let text = "Alpha beta gamma. Filler one. Filler two. Alpha beta gamma. End here.";
        let second = text.rfind("Alpha").unwrap();
        let highlights: Vec<Range<usize>> = [0, second]
            .iter()
            .flat_map(|&at| [(0, 5), (6, 10), (11, 16)].map(|(s, e)| at + s..at + e))
            .collect();
        let weight = |w: &str| if w == "alpha" { 16_777_216.0 } else { 1.0 };
        for _ in 0..200 {
            let quote = &text[choose_weighted(text, &highlights, weight)];
            assert!(
                quote.starts_with("Alpha beta gamma. Filler one."),
                "{quote}"
            );
        }
    }

    #[test]
    fn a_cause_without_the_questions_words_is_quoted_when_no_matched_sentence_gives_one() {
        let text = "The announcement triggered a rally in chip names. \
                    SMIC rose nearly 8%, while Hua Hong climbed 9%. \
                    Naura hit the daily limit. \
                    The surge reflects rising confidence in domestic demand.";
        let highlights = [
            span(text, "chip"),
            span(text, "rose"),
            span(text, "climbed"),
        ];
        let cause = |s: &str| s.contains("reflects");
        let weight = |_: &str| 1.0;
        // Without reaching, the matched sentences are quoted and the cause is not.
        let plain = &text[choose_answering(text, &highlights, weight, cause)];
        assert!(!plain.contains("reflects"), "{plain}");
        // Reaching, the cause is quoted with the sentence before it, nearer the best one.
        let reached = &text[choose_reaching(text, &highlights, weight, cause, true)];
        assert!(reached.starts_with("Naura hit"), "{reached}");
        assert!(reached.ends_with("domestic demand."), "{reached}");
        // A matched sentence giving the cause itself keeps its place.
        let matched = [span(text, "chip"), span(text, "confidence")];
        let own = &text[choose_reaching(text, &matched, weight, cause, true)];
        assert!(own.contains("reflects"), "{own}");
    }

    #[test]
    fn a_sentence_stating_the_kind_of_answer_asked_is_quoted() {
        let text = "Alibaba announced on September 24th that it would spend more. \
                    Wu spoke at the conference. \
                    The big announcement came with a new model.";
        let highlights = [span(text, "announced"), span(text, "announcement")];
        let date = |s: &str| s.contains("September");
        // Alike, the second matched sentence weighs more with "big".
        let weight = |w: &str| if w == "announcement" { 1.2 } else { 1.0 };
        let plain = &text[choose_weighted(text, &highlights, weight)];
        assert!(!plain.contains("September"), "{plain}");
        let answering = &text[choose_answering(text, &highlights, weight, date)];
        assert!(answering.contains("September 24th"), "{answering}");
        // A sentence stating a date without a matched word is not the one quoted.
        let none = [span(text, "announcement")];
        let quoted = &text[choose_answering(text, &none, weight, date)];
        assert!(quoted.contains("big announcement"), "{quoted}");
    }
}
