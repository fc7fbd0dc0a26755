//! Corroboration: the same fact carried by several outlets (near-duplicate sentences in
//! passages of different articles) collapses into one answer line, "also reported by ...",
//! ranked up by how many outlets carry it.

use super::answer::Hit;
use crate::index::tokenizer;

/// Share of the shorter sentence's words that must recur in the other sentence.
const SAME_FACT_OVERLAP: f32 = 0.5;
/// At least this many shared words, so short sentences don't pair by chance.
const MIN_SHARED: usize = 5;
/// How many of the best hits are compared with each other.
const GROUP_WINDOW: usize = 12;
/// Score bonus per extra outlet carrying the fact.
const PER_OUTLET_BONUS: f32 = 0.1;

/// A sentence's content words (stemmed, so "raising" meets "raise") and figures, as hashes
/// of their stems: sorted, without repeats, a figure marked by the lowest bit. Comparing
/// sorted numbers instead of sets of strings makes grouping cheap enough to run on every
/// answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence(Vec<u64>);

impl Sentence {
    fn has_figure(&self) -> bool {
        self.0.iter().any(|t| t & 1 == 1)
    }
}

/// The content words and figures of each sentence of a passage.
pub fn signature(text: &str) -> Vec<Sentence> {
    sentences(text)
        .filter_map(|s| {
            let mut terms = Vec::new();
            tokenizer::for_each_stemmed_token(s, |t| {
                let digits = t.bytes().any(|b| b.is_ascii_digit());
                if digits || t.chars().count() > 3 {
                    terms.push(term_hash(t, digits && is_figure(t)));
                }
            });
            terms.sort_unstable();
            terms.dedup();
            (terms.len() >= MIN_SHARED).then_some(Sentence(terms))
        })
        .collect()
}

fn term_hash(term: &str, figure: bool) -> u64 {
    use std::hash::BuildHasher;
    (rustc_hash::FxBuildHasher.hash_one(term) << 1) | u64::from(figure)
}

/// A term stating an amount (years don't: two outlets both saying "since 2021" may still
/// report different moves).
fn is_figure(term: &str) -> bool {
    let is_year = term.len() == 4 && term.parse::<u32>().is_ok_and(|y| (1900..2100).contains(&y));
    term.chars().any(|c| c.is_ascii_digit()) && !is_year
}

/// The complete sentences of a passage, split where the ranking splits them (at a line end,
/// or a full stop, question or exclamation mark before a new sentence: "U.S. premarket" goes
/// on). A passage cut off mid-sentence ("... Although the primary funds are for cloud
/// infrastructure,") ends in a fragment that states no whole fact, and is left out: its few
/// words would pair it with any sentence on the topic.
fn sentences(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut cuts = Vec::new();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        if !matches!(b, b'.' | b'!' | b'?' | b'\n') {
            continue;
        }
        let next_word = text[i + 1..]
            .find(|c: char| !c.is_whitespace())
            .map_or(text.len(), |n| i + 1 + n);
        if next_word == i + 1 && next_word < text.len() {
            continue;
        }
        if next_word == text.len()
            || super::rank::sentence_ends(&text[i..next_word], &text[next_word..])
        {
            cuts.push(start..i + 1);
            start = i + 1;
        }
    }
    let tail = text[start..].trim_end();
    if tail.ends_with(['.', '!', '?', '"', '\u{201d}', '\u{2019}', ')']) {
        cuts.push(start..text.len());
    }
    cuts.into_iter()
        .filter_map(move |r| text.get(r))
        .filter(|s| !s.trim().is_empty())
}

/// Two sentences state the same fact: most words of the shorter recur in the other and,
/// when both state figures, they share one (different figures are a discrepancy, not a
/// corroboration).
fn same_fact(a: &Sentence, b: &Sentence) -> bool {
    overlaps(a, b, SAME_FACT_OVERLAP)
}

/// Whether at least `share` of the shorter sentence's words recur in the other (and at
/// least [`MIN_SHARED`]), and, when both state figures, they share one.
fn overlaps(a: &Sentence, b: &Sentence, share: f32) -> bool {
    let (mut shared, mut shared_figure) = (0usize, false);
    let (mut x, mut y) = (a.0.iter().peekable(), b.0.iter().peekable());
    while let (Some(&&p), Some(&&q)) = (x.peek(), y.peek()) {
        match p.cmp(&q) {
            std::cmp::Ordering::Less => {
                x.next();
            }
            std::cmp::Ordering::Greater => {
                y.next();
            }
            std::cmp::Ordering::Equal => {
                shared += 1;
                shared_figure |= p & 1 == 1;
                x.next();
                y.next();
            }
        }
    }
    let smaller = a.0.len().min(b.0.len()).max(1);
    let figures_agree = !(a.has_figure() && b.has_figure()) || shared_figure;
    shared >= MIN_SHARED && shared as f32 / smaller as f32 >= share && figures_agree
}

/// Whether two passages carry a common fact.
pub fn corroborates(a: &[Sentence], b: &[Sentence]) -> bool {
    a.iter().any(|x| b.iter().any(|y| same_fact(x, y)))
}

/// Share of an article's passages that must carry a sentence of the other article for the two
/// to be one story (a syndicated or lightly edited piece), counted on the shorter of the two.
const SAME_STORY_SHARE: f32 = 0.5;
/// Share of a sentence's words that must recur in a sentence of the other article: a copy, not
/// a report of the same fact in other words (which two different stories may share).
const SAME_STORY_OVERLAP: f32 = 0.8;

/// An article as a story: its title and the facts of each of its passages.
#[derive(Debug, Clone)]
pub struct StoryText {
    title: String,
    passages: Vec<Vec<Sentence>>,
    /// Every word of the article (sorted hashes): two articles sharing few words are told
    /// apart without comparing their sentences.
    words: Vec<u64>,
}

impl StoryText {
    pub fn new<'a>(title: &str, passages: impl IntoIterator<Item = &'a str>) -> StoryText {
        let passages: Vec<Vec<Sentence>> = passages
            .into_iter()
            .map(signature)
            .filter(|s| !s.is_empty())
            .collect();
        let mut words: Vec<u64> = passages
            .iter()
            .flatten()
            .flat_map(|s| s.0.clone())
            .collect();
        words.sort_unstable();
        words.dedup();
        StoryText {
            title: title
                .chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect(),
            passages,
            words,
        }
    }
}

/// Share of the shorter article's words the other must have for the two to be compared.
const SAME_STORY_WORDS: f32 = 0.6;

/// How many values two sorted lists share.
fn shared_count(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Whether two articles tell one story: the same title, or most passages of the shorter carry
/// a sentence of the other nearly word for word (syndication, wire copy lightly edited).
/// Stating the same fact in other words is not enough: two stories may report it.
pub fn same_story(a: &StoryText, b: &StoryText) -> bool {
    if !a.title.is_empty() && a.title == b.title {
        return true;
    }
    let (short, long) = if a.passages.len() <= b.passages.len() {
        (a, b)
    } else {
        (b, a)
    };
    if short.passages.is_empty() {
        return false;
    }
    // Copies share most of their words; articles that don't are not compared sentence by
    // sentence.
    let fewest = short.words.len().min(long.words.len()) as f32;
    if (shared_count(&short.words, &long.words) as f32) < SAME_STORY_WORDS * fewest {
        return false;
    }
    let carried = short
        .passages
        .iter()
        .filter(|p| {
            long.passages.iter().any(|q| {
                p.iter()
                    .any(|x| q.iter().any(|y| overlaps(x, y, SAME_STORY_OVERLAP)))
            })
        })
        .count();
    carried as f32 / short.passages.len() as f32 >= SAME_STORY_SHARE
}

/// Collapses hits from different articles that carry the same fact into the best-ranked one,
/// recording the others in `also_reported_by`; then ranks lines carried by more outlets up.
pub fn group(mut hits: Vec<Hit>) -> Vec<Hit> {
    // Only the best candidates are compared: they make the first pages, and comparing is the
    // costly part of answering.
    let rest = hits.split_off(hits.len().min(GROUP_WINDOW));
    let signatures: Vec<Vec<Sentence>> = hits.iter().map(|h| signature(&h.text)).collect();
    let mut lines: Vec<(Hit, Vec<usize>)> = Vec::new();
    for (i, hit) in hits.into_iter().enumerate() {
        let home = lines.iter_mut().find(|(line, members)| {
            line.source.article != hit.source.article
                // A passage holding a word of the question its line lacks may answer what the
                // line does not ("who broke the story": the one naming the outlet that did).
                && hit.concepts & !line.concepts == 0
                && !line
                    .also_reported_by
                    .iter()
                    .any(|a| a.article == hit.source.article)
                && members
                    .iter()
                    .any(|&m| corroborates(&signatures[m], &signatures[i]))
        });
        match home {
            Some((line, members)) => {
                line.also_reported_by.push(hit.source.clone());
                members.push(i);
            }
            None => lines.push((hit, vec![i])),
        }
    }
    let mut out: Vec<Hit> = lines
        .into_iter()
        .map(|(mut line, _)| {
            line.score *= 1.0 + PER_OUTLET_BONUS * line.also_reported_by.len() as f32;
            line
        })
        .collect();
    super::answer::sort_hits(&mut out);
    out.extend(rest);
    let len = out.len();
    out[..len]
        .iter_mut()
        .enumerate()
        .for_each(|(i, h)| h.rank = i + 1);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(article: &str, score: f32, text: &str) -> Hit {
        Hit::of_article(article, score, text)
    }

    #[test]
    fn a_syndicated_copy_is_the_same_story_and_a_shared_figure_is_not() {
        let wire = [
            "Alibaba shares rose 8% in Hong Kong on Wednesday after the company raised its spending plan.",
            "The company will spend more than 380 billion yuan on artificial intelligence infrastructure.",
            "Analysts said the plan signals confidence in cloud demand across the region.",
        ];
        let copy = StoryText::new("Alibaba jumps on AI plan (syndicated)", wire);
        let original = StoryText::new("Alibaba jumps on AI plan", wire);
        assert!(same_story(&original, &copy));
        let retitled = StoryText::new("Shares up", wire.iter().copied().take(2));
        assert!(same_story(&original, &retitled));
        let other = StoryText::new(
            "Tencent results",
            [
                "Tencent reported quarterly revenue growth driven by games and advertising sales.",
                "The company will spend more than 380 billion yuan on artificial intelligence infrastructure.",
                "Its shares fell in Hong Kong trading after the results were published on Thursday.",
                "Executives said cloud margins improved as the company cut costs in several units.",
            ],
        );
        assert!(!same_story(&original, &other));
        // The same fact in other words, in another story.
        let rewritten = StoryText::new(
            "Rival raises spending",
            [
                "Tencent's rival said its capital expenditure on data centres in Europe will rise, and its budget for servers grows by a third, according to a statement issued in Shenzhen.",
            ],
        );
        let wire = StoryText::new(
            "Plan",
            [
                "The company's budget for data centres will grow again next year, its chief executive said.",
            ],
        );
        assert!(!same_story(&wire, &rewritten));
        assert!(same_story(
            &StoryText::new("Same Title!", ["a"]),
            &StoryText::new("same title", ["b"])
        ));
    }

    /// The comparison as it was before signatures were hashes: sets of stemmed strings.
    mod strings {
        use std::collections::HashSet;

        pub fn signature(text: &str) -> Vec<HashSet<String>> {
            super::sentences(text)
                .map(|s| {
                    crate::index::tokenizer::stemmed_tokens(s)
                        .into_iter()
                        .filter(|t| t.chars().count() > 3 || t.chars().any(|c| c.is_ascii_digit()))
                        .collect::<HashSet<String>>()
                })
                .filter(|s| s.len() >= super::MIN_SHARED)
                .collect()
        }

        fn same_fact(a: &HashSet<String>, b: &HashSet<String>) -> bool {
            let shared: Vec<&String> = a.intersection(b).collect();
            let smaller = a.len().min(b.len()).max(1);
            let figures_agree = {
                let fa = a.iter().any(|t| super::is_figure(t));
                let fb = b.iter().any(|t| super::is_figure(t));
                !(fa && fb) || shared.iter().any(|t| super::is_figure(t))
            };
            shared.len() >= super::MIN_SHARED
                && shared.len() as f32 / smaller as f32 >= super::SAME_FACT_OVERLAP
                && figures_agree
        }

        pub fn corroborates(a: &[HashSet<String>], b: &[HashSet<String>]) -> bool {
            a.iter().any(|x| b.iter().any(|y| same_fact(x, y)))
        }
    }

    const WORDS: &[&str] = &[
        "Alibaba",
        "cloud",
        "raised",
        "raising",
        "billion",
        "$3.2",
        "3.2",
        "2021",
        "9%",
        "6%",
        "shares",
        "share",
        "rose",
        "Hong",
        "Kong",
        "data",
        "centers",
        "Brazil",
        "the",
        "of",
        "and",
        "in",
        "AI",
        "Qwen3-Max",
        "chips",
        "Nvidia",
        "export",
        "controls",
        "4,000",
        "53bn",
        "since",
        "December",
        "investment",
        "invest",
        "new",
        "its",
        "first",
    ];

    proptest::proptest! {
        #[test]
        fn hashed_signatures_decide_like_sets_of_words(
            a in proptest::collection::vec((0..WORDS.len(), 0u8..10), 1..40),
            edits in proptest::collection::vec((0usize..40, 0..WORDS.len(), 0u8..3), 0..12),
        ) {
            // A passage, and a second one made from it by replacing, dropping and adding
            // words, so that both agreeing and disagreeing pairs come up.
            let word = |&(w, p): &(usize, u8)| match p {
                0 => format!("{}.", WORDS[w]),
                1 => format!("{},", WORDS[w]),
                _ => WORDS[w].to_string(),
            };
            let first: Vec<String> = a.iter().map(word).collect();
            let mut second = first.clone();
            for &(at, w, kind) in &edits {
                let at = at % (second.len() + 1);
                match kind {
                    0 if at < second.len() => second[at] = WORDS[w].to_string(),
                    1 if at < second.len() => {
                        second.remove(at);
                    }
                    _ => second.insert(at, WORDS[w].to_string()),
                }
            }
            let (x, y) = (first.join(" "), second.join(" "));
            proptest::prop_assert_eq!(
                corroborates(&signature(&x), &signature(&y)),
                strings::corroborates(&strings::signature(&x), &strings::signature(&y)),
                "{} / {}", x, y
            );
            proptest::prop_assert_eq!(signature(&x).len(), strings::signature(&x).len());
        }
    }

    #[test]
    fn the_same_fact_from_two_outlets_collapses_into_one_line() {
        let hits = vec![
            hit(
                "a",
                3.0,
                "Alibaba Cloud will also establish its first data centers in Brazil, France, and the Netherlands within the next year.",
            ),
            hit("b", 2.0, "Shares rose."),
            hit(
                "c",
                1.0,
                "To support its AI ambitions, Alibaba Cloud announced it will open its first data centers in Brazil, France, and the Netherlands, while also expanding to Mexico.",
            ),
        ];
        let lines = group(hits);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].source.article, "a");
        assert_eq!(lines[0].also_reported_by.len(), 1);
        assert_eq!(lines[0].also_reported_by[0].article, "c");
        assert_eq!(lines[1].rank, 2);
    }

    #[test]
    fn a_passage_holding_a_word_of_the_question_its_line_lacks_stays_a_line_of_its_own() {
        let fact = "Alibaba and Baidu have begun training AI models on their own homegrown chips.";
        let told = "A report from The Information indicated that Alibaba and Baidu have begun training AI models on their own homegrown chips.";
        // The question's words: 0 "story" (reported), 1 "alibaba", 2 "baidu", 3 "chips".
        let (line, teller) = (0b1110, 0b1111);
        let mut first = hit("a", 2.0, fact);
        first.concepts = line;
        let mut second = hit("b", 1.0, told);
        second.concepts = teller;
        let lines = group(vec![first.clone(), second.clone()]);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].source.article, "b");
        // Holding no more of the question, it is the same fact from another outlet.
        second.concepts = line;
        let lines = group(vec![first, second]);
        assert_eq!(lines.len(), 1);
        assert_eq!(lines[0].also_reported_by[0].article, "b");
    }

    #[test]
    fn a_sentence_cut_off_or_sharing_only_the_topic_is_not_the_same_fact() {
        // A passage cut off mid-sentence: its last words are not a fact of their own (the
        // sentence may go on "..., analysts doubt it").
        let cut = "How might this shift impact Alibaba's competitive landscape? Although Alibaba will strengthen its presence in international cloud markets,";
        let rivals = "This global expansion aims to strengthen the company's presence in international cloud markets, positioning it to compete more aggressively with established rivals such as Amazon Web Services (AWS), Microsoft Azure, and Google Cloud.";
        assert_eq!(
            group(vec![hit("a", 2.0, cut), hit("b", 1.0, rivals)]).len(),
            2
        );
        // Whole, the same sentence does state the fact.
        let whole = "Although Alibaba will strengthen its presence in international cloud markets, rivals lead.";
        assert_eq!(
            group(vec![hit("a", 2.0, whole), hit("b", 1.0, rivals)]).len(),
            1
        );
        // "U.S." before a word in lower case does not end the sentence, and four words of the
        // topic (Alibaba, announce, rally, Chinese) are not one fact.
        let shares = "Alibaba shares rallied strongly in both Hong Kong and U.S. premarket trading on Wednesday after the Chinese tech giant announced new plans to boost AI investment.";
        assert_eq!(signature(shares).len(), 1);
        let sector =
            "Alibaba's announcement triggered a broad rally in Chinese semiconductor names.";
        assert_eq!(
            group(vec![hit("a", 2.0, shares), hit("b", 1.0, sector)]).len(),
            2
        );
    }

    #[test]
    fn different_figures_are_not_the_same_fact() {
        let hits = vec![
            hit(
                "a",
                2.0,
                "Alibaba's Hong Kong share price rose by more than 9% in a single day, hitting a high.",
            ),
            hit(
                "b",
                1.0,
                "In Hong Kong, Alibaba's share price jumped more than 6% in a single day, hitting a high.",
            ),
        ];
        assert_eq!(group(hits).len(), 2);
    }

    #[test]
    fn a_shared_year_does_not_make_different_moves_the_same_fact() {
        let hits = vec![
            hit(
                "a",
                2.0,
                "Alibaba's Hong Kong share price rose by more than 9% in a single day, hitting a nearly four-year high since December 2021.",
            ),
            hit(
                "b",
                1.0,
                "In Hong Kong, Alibaba's stock jumped more than 6%, reaching its highest level since 2021.",
            ),
        ];
        assert_eq!(group(hits).len(), 2);
    }

    #[test]
    fn passages_of_the_same_article_never_corroborate_each_other() {
        let text = "Alibaba Group is raising $3.2 billion through zero-coupon convertible bonds to strengthen its AI push.";
        let lines = group(vec![hit("a", 2.0, text), hit("a", 1.0, text)]);
        assert_eq!(lines.len(), 2);
    }

    #[test]
    fn more_outlets_rank_a_line_up() {
        let fact = "The company will raise $3.2 billion through convertible bonds for its cloud infrastructure.";
        let hits = vec![
            hit(
                "solo",
                1.1,
                "Something else entirely about quarterly earnings and margins today.",
            ),
            hit("a", 1.0, fact),
            hit("b", 0.9, fact),
            hit("c", 0.8, fact),
        ];
        let lines = group(hits);
        assert_eq!(lines[0].source.article, "a");
        assert_eq!(lines[0].also_reported_by.len(), 2);
    }
}
