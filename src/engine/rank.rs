//! Ranking questions: content words become concepts (a word with its synonyms), each scored
//! once (the best of its variants, a synonym never outweighing the word typed), neighbouring
//! words found together count more, and passages with a sentence holding more of the
//! question's rare words rise.

use tantivy::Searcher;
use tantivy::Term;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;

use super::Knowledge;
use super::answer::Hit;
use super::query::{Builder, Item};
use super::scoring::two_pass::{ScoredUnion, Scoring};
use crate::index::Fields;
use crate::index::tokenizer::{for_each_stemmed_token, for_each_stemmed_token_at, stemmed_tokens};

/// Weight of a synonym relative to the word typed.
const SYNONYM_WEIGHT: f32 = 0.7;
/// Weight of what reporters write for a word people ask with (`asked` in synonyms.toml): the
/// word itself, written as reporters write it.
const WRITTEN_WEIGHT: f32 = 1.0;
/// Weight of two neighbouring question words found within two words of each other.
const PROXIMITY_WEIGHT: f32 = 1.0;
/// How many forms of a concept (the word typed, then its synonyms) are tried for proximity
/// with its neighbour's.
const PROXIMATE_VARIANTS: usize = 4;
/// Share of a passage's score that does not depend on one of its sentences holding the
/// question (a small share, so that passages holding nothing keep their order).
const COVERAGE_FLOOR: f32 = 0.05;
/// How steeply a passage falls with the share of the question its best sentence holds: the
/// factor is that share to this power (1: in proportion; measured flat from 0.9 to 1.1 and
/// lower at 0.75 and from 1.25 up).
const COVERAGE_POWER: f32 = 1.0;

/// A question word or phrase, with the stemmed terms of each of its variants.
#[derive(Debug, Clone)]
pub struct Concept {
    pub label: String,
    /// (terms, weight); the first is what was typed.
    pub variants: Vec<(Vec<String>, f32)>,
    /// How rare the concept is (the idf of the word typed, or of its best variant).
    pub idf: f32,
    /// How many of the variants are the word typed and its synonyms (the rest are what
    /// reporters write for it, `asked`).
    pub same: usize,
    /// This concept and the one before it are items of a list in the question ("SMIC and Hua
    /// Hong", "Brazil/France"), not one expression: they are not looked for side by side.
    pub listed: bool,
}

/// The idf of the rarest of the terms; 0 when one of them occurs nowhere (a phrase with such a
/// word cannot be found, however common its other words).
pub(crate) fn idf(searcher: &Searcher, field: tantivy::schema::Field, terms: &[String]) -> f32 {
    idfs(searcher, field, terms).0
}

/// The idf of the rarest of the terms, and the weight a phrase of them scores with: BM25 adds
/// up the idf of every word of a phrase ("chief executive officer" weighs three words). Both
/// 0 when one of the terms occurs nowhere.
fn idfs(searcher: &Searcher, field: tantivy::schema::Field, terms: &[String]) -> (f32, f32) {
    let n = searcher.num_docs() as f32;
    let (mut rarest, mut sum) = (0.0f32, 0.0f32);
    for t in terms {
        let df = searcher
            .doc_freq(&Term::from_field_text(field, t))
            .unwrap_or(0) as f32;
        if df == 0.0 {
            return (0.0, 0.0);
        }
        let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
        rarest = rarest.max(idf);
        sum += idf;
    }
    (rarest, sum)
}

/// Groups the content words of a question into concepts, merging runs that form a synonym
/// phrase ("capital expenditure", "hong kong") and adding the synonyms of each. A question
/// (`asked`) also searches what reporters write for the words people ask with ("pre-open" →
/// "premarket"); a topic or a search, only the synonyms.
pub fn concepts(
    builder: &mut Builder<'_>,
    searcher: &Searcher,
    knowledge: &Knowledge,
    items: &[Item],
    asked: bool,
) -> Vec<Concept> {
    let field = builder.fields.text;
    let (words, typed_phrase) = compounds_in_parts(builder, searcher, knowledge, items, asked);
    let phrases = knowledge.synonyms.phrases(asked);
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let (label, used) = phrases
            .iter()
            .filter_map(|p| {
                let n = p.split(' ').count();
                (i + n <= words.len() && words[i..i + n].join(" ") == *p)
                    .then(|| (p.to_string(), n))
            })
            .next()
            .unwrap_or_else(|| (words[i].clone(), 1));
        let phrase = typed_phrase[i] || used > 1;
        i += used;
        let typed = builder.terms(&label);
        // A word or phrase given twice, or two forms of it ("data centers", "data center"
        // in a topic), is one concept: counted once, and never its own neighbour.
        if typed.is_empty() || out.iter().any(|c: &Concept| c.variants[0].0 == typed) {
            continue;
        }
        let (typed_idf, typed_weight) = idfs(searcher, field, &typed);
        let mut variants = vec![(typed.clone(), if phrase { 1.2 } else { 1.0 })];
        let mut same = 1;
        let mut best_idf = typed_idf;
        let mut synonyms: Vec<String> = knowledge
            .synonyms
            .of(&label)
            .into_iter()
            .map(str::to_string)
            .collect();
        // What reporters write for the word, or for any word of its groups ("abroad" is
        // written as "overseas" is: "international", "foreign").
        let written: Vec<&str> = knowledge
            .synonyms
            .written_for(&label)
            .iter()
            .chain(
                synonyms
                    .iter()
                    .flat_map(|entry| knowledge.synonyms.written_for_group_word(entry)),
            )
            .filter(|_| asked)
            .map(String::as_str)
            .collect();
        if synonyms.is_empty() {
            synonyms = part_synonyms(knowledge, &label);
        }
        // The same product under its numbered names counts as the name typed.
        let numbered = if asked && synonyms.is_empty() {
            numbered_names(searcher, field, &typed)
        } else {
            Vec::new()
        };
        // A whole number asked also finds the figures it rounds ("like 5 billion": "$5.3
        // billion").
        let rounded = if asked {
            rounded_figures(searcher, field, &typed)
        } else {
            Vec::new()
        };
        let label_together = builder.terms(&run_together(&label));
        for (synonym, weight, is_synonym) in synonyms
            .iter()
            .map(|s| (s.as_str(), SYNONYM_WEIGHT, true))
            .chain(numbered.iter().map(|n| (n.as_str(), 1.0, true)))
            .chain(rounded.iter().map(|n| (n.as_str(), ROUNDED_WEIGHT, true)))
            .chain(written.into_iter().map(|w| (w, WRITTEN_WEIGHT, false)))
        {
            let terms = builder.terms(synonym);
            if terms.is_empty() || variants.iter().any(|(t, _)| *t == terms) {
                continue;
            }
            let (syn_idf, syn_weight) = idfs(searcher, field, &terms);
            if syn_idf == 0.0 {
                continue;
            }
            // A rare synonym of a common word must not outweigh the word itself, nor a
            // phrase for a word ("chief executive officer" for "ceo") by its many words.
            let scale = if typed_weight > 0.0 {
                (typed_weight / syn_weight).min(1.0)
            } else {
                1.0
            };
            best_idf = best_idf.max(syn_idf * scale);
            if is_synonym {
                same += 1;
            }
            // A word the coverage never writes ("ytd") is asked only through what stands for
            // it there ("year-to-date"), which then weighs what the word would.
            // The same word spelled apart or together ("chip maker", "chipmaker") is the word.
            let weight =
                if typed_idf == 0.0 || builder.terms(&run_together(synonym)) == label_together {
                    1.0
                } else {
                    weight
                };
            variants.push((terms, weight * scale));
        }
        if asked && is_common_word(&label, &typed) {
            best_idf *= COMMON_SHARE;
        }
        out.push(Concept {
            label,
            variants,
            idf: best_idf,
            same,
            listed: false,
        });
    }
    // A word the question names itself counts for itself, not again for another word it
    // stands for ("what is Baidu training Ernie on": "Ernie" → Baidu would count Baidu twice).
    // Neighbours may say together what one word says ("come next year": "the coming year").
    let typed: Vec<Vec<String>> = out.iter().map(|c| c.variants[0].0.clone()).collect();
    for (n, concept) in out.iter_mut().enumerate() {
        let mut index = 0;
        let mut same = concept.same;
        concept.variants.retain(|(terms, _)| {
            let keep = index == 0
                || !typed
                    .iter()
                    .enumerate()
                    .any(|(m, t)| m.abs_diff(n) > 1 && t == terms);
            if !keep && index < concept.same {
                same -= 1;
            }
            index += 1;
            keep
        });
        concept.same = same;
    }
    out
}

/// A form's words run together ("chip maker" → "chipmaker").
fn run_together(form: &str) -> String {
    form.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// How many numbered names of a product a name typed without its number also finds.
const NUMBERED_NAMES: usize = 3;

/// The numbered names of a product named without its number ("qwen" → "qwen3", "qwen2.5"):
/// terms of the coverage that are the one word typed followed by a version number.
fn numbered_names(
    searcher: &Searcher,
    field: tantivy::schema::Field,
    typed: &[String],
) -> Vec<String> {
    let [word] = typed else {
        return Vec::new();
    };
    if word.chars().count() < 3 || !word.chars().all(|c| c.is_ascii_alphabetic()) {
        return Vec::new();
    }
    // The terms from `word0` up to `word:` are the word followed by a digit.
    terms_in_range(
        searcher,
        field,
        (&format!("{word}0"), &format!("{word}:")),
        NUMBERED_NAMES,
        |term| {
            term[word.len()..]
                .chars()
                .all(|c| c.is_ascii_digit() || c == '.')
        },
    )
}

/// How many figures a whole number asked finds among those it rounds.
const ROUNDED_FIGURES: usize = 10;

/// How much a figure a whole number asked rounds counts against the number itself.
const ROUNDED_WEIGHT: f32 = 0.8;

/// The figures of the coverage that a whole number asked stands for when people round it
/// ("5" → "5.3", "151" → "151.80"): the number, a point, and one or two digits.
fn rounded_figures(
    searcher: &Searcher,
    field: tantivy::schema::Field,
    typed: &[String],
) -> Vec<String> {
    let [number] = typed else {
        return Vec::new();
    };
    if number.is_empty() || number.len() > 4 || !number.chars().all(|c| c.is_ascii_digit()) {
        return Vec::new();
    }
    // The terms from `N.` up to `N/` are the number followed by a point.
    terms_in_range(
        searcher,
        field,
        (&format!("{number}."), &format!("{number}/")),
        ROUNDED_FIGURES,
        |term| {
            let decimals = &term[number.len() + 1..];
            (1..=2).contains(&decimals.len()) && decimals.chars().all(|c| c.is_ascii_digit())
        },
    )
}

/// Up to `limit` distinct terms of the coverage from `range.0` (included) to `range.1`
/// (excluded) that `accept` takes, reading at most 64 terms a segment: a look-up, not a scan.
fn terms_in_range(
    searcher: &Searcher,
    field: tantivy::schema::Field,
    range: (&str, &str),
    limit: usize,
    accept: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for segment in searcher.segment_readers() {
        let Ok(inverted) = segment.inverted_index(field) else {
            continue;
        };
        let Ok(mut terms) = inverted
            .terms()
            .range()
            .ge(range.0)
            .lt(range.1)
            .into_stream()
        else {
            continue;
        };
        let mut read = 0;
        while read < 64 && terms.advance() && out.len() < limit {
            read += 1;
            let Ok(term) = std::str::from_utf8(terms.key()) else {
                continue;
            };
            if accept(term) && !out.iter().any(|t| t == term) {
                out.push(term.to_string());
            }
        }
    }
    out
}

/// The most passages the rarest word of a hyphenated word may be in for the phrase to be looked
/// up: finding that a phrase occurs nowhere reads every passage holding all its words.
const PHRASE_CHECK_DOCS: u64 = 5_000;

/// Whether the terms occur in a row in some passage: the first match of the phrase, not all.
/// Taken as yes, without looking, when every term is in more than [`PHRASE_CHECK_DOCS`]
/// passages.
fn phrase_occurs(searcher: &Searcher, field: tantivy::schema::Field, terms: &[String]) -> bool {
    use tantivy::DocSet;
    let rarest = terms
        .iter()
        .map(|t| {
            searcher
                .doc_freq(&Term::from_field_text(field, t))
                .unwrap_or(0)
        })
        .min()
        .unwrap_or(0);
    if rarest > PHRASE_CHECK_DOCS {
        return true;
    }
    let phrase = tantivy::query::PhraseQuery::new(
        terms
            .iter()
            .map(|t| Term::from_field_text(field, t))
            .collect(),
    );
    let scoring = tantivy::query::EnableScoring::disabled_from_searcher(searcher);
    let Ok(weight) = phrase.weight(scoring) else {
        return true;
    };
    searcher.segment_readers().iter().any(|segment| {
        weight
            .scorer(segment, 1.0)
            .is_ok_and(|scorer| scorer.doc() != tantivy::TERMINATED)
    })
}

/// How many of the most frequent English words count as common ("take", "keep", "way").
const COMMON_WORDS: usize = 300;
/// What a common English word of a question weighs against its rarity in the coverage: in a
/// small or topical coverage a word like "keep" or "look" is rare, yet says little about
/// what is asked.
const COMMON_SHARE: f32 = 0.7;

static COMMON: std::sync::LazyLock<rustc_hash::FxHashSet<&'static str>> =
    std::sync::LazyLock::new(|| {
        top_english_words::get_words_range::<&'static str>(..COMMON_WORDS)
            .unwrap_or_default()
            .into_iter()
            .collect()
    });

/// Whether a one-word concept is among the most frequent English words, as typed or as its
/// stem ("keeps": "keep").
fn is_common_word(label: &str, typed: &[String]) -> bool {
    !label.contains(' ')
        && (COMMON.contains(label) || typed.first().is_some_and(|t| COMMON.contains(t.as_str())))
}

/// The words of a question, each with whether it was typed as a phrase. A word joined by
/// hyphens that the coverage never holds ("cheap-to-train", "efficiency-focused") is read as
/// one word when the coverage or the synonyms know it so ("de-rating": "derating"), else as
/// its words ("cheap", "train"), as if written apart: as one phrase it would find nothing.
/// Its words of one or two letters are particles and are left out ("up" in "write-up"),
/// unless a figure or a word with synonyms ("3-yr").
fn compounds_in_parts(
    builder: &mut Builder<'_>,
    searcher: &Searcher,
    knowledge: &Knowledge,
    items: &[Item],
    asked: bool,
) -> (Vec<String>, Vec<bool>) {
    let field = builder.fields.text;
    let mut words = Vec::with_capacity(items.len());
    let mut phrase = Vec::with_capacity(items.len());
    let in_synonyms = |w: &str| {
        !knowledge.synonyms.of(w).is_empty() || !knowledge.synonyms.written_for(w).is_empty()
    };
    for item in items {
        let word = item.text().to_lowercase();
        let typed_phrase = matches!(item, Item::Phrase(_));
        let absent_compound =
            asked && !typed_phrase && word.contains('-') && !in_synonyms(&word) && {
                let terms = builder.terms(&word);
                terms.len() > 1
                    && (idfs(searcher, field, &terms).0 == 0.0
                        || !phrase_occurs(searcher, field, &terms))
            };
        let joined = word.replace('-', "");
        let known_joined = absent_compound
            && (in_synonyms(&joined) || {
                let terms = builder.terms(&joined);
                !terms.is_empty() && idfs(searcher, field, &terms).0 > 0.0
            });
        if known_joined {
            // Written as one word ("de-rating": "derating").
            words.push(joined);
            phrase.push(false);
        } else if absent_compound {
            // Particles of a compound ("write-up", "no-interest") say nothing alone.
            for part in super::query::content_words(&word.replace('-', " "))
                .into_iter()
                .filter(|p| {
                    p.chars().count() > 2
                        || p.chars().any(|c| c.is_ascii_digit())
                        || !knowledge.synonyms.of(p).is_empty()
                })
            {
                words.push(part);
                phrase.push(false);
            }
        } else {
            words.push(word);
            phrase.push(typed_phrase);
        }
    }
    (words, phrase)
}

/// Marks the concepts that follow the one before them in a list of the question: joined by
/// "and", "or", "vs", "&", "/" or a comma and nothing else ("how did SMIC and Hua Hong
/// trade"; not "other than NL, where are cloud regions").
pub fn mark_lists(concepts: &mut [Concept], question: &str) {
    let lower = question.to_lowercase();
    let mut tokens: Vec<&str> = Vec::new();
    let mut start = None;
    for (i, c) in lower.char_indices() {
        let word = c.is_alphanumeric() || matches!(c, '-' | '\'' | '’' | '$' | '%' | '.');
        if word {
            start.get_or_insert(i);
            continue;
        }
        if let Some(s) = start.take() {
            tokens.push(&lower[s..i]);
        }
        if matches!(c, ',' | '/' | '&' | ';' | '+') {
            tokens.push(",");
        }
    }
    if let Some(s) = start {
        tokens.push(&lower[s..]);
    }
    let joins = |t: &str| {
        matches!(
            t,
            "," | "and" | "or" | "vs" | "vs." | "versus" | "plus" | "nor"
        )
    };
    let position = |word: &str, from: usize| {
        tokens[from.min(tokens.len())..]
            .iter()
            .position(|t| t.trim_end_matches(['.', '\'', '’']) == word)
            .map(|p| p + from)
    };
    let mut after = 0;
    let mut previous_end: Option<usize> = None;
    for concept in concepts.iter_mut() {
        let words: Vec<&str> = concept.label.split(' ').collect();
        let first = words.first().and_then(|w| position(w, after));
        if let (Some(end), Some(first)) = (previous_end, first) {
            let between = &tokens[end + 1..first.max(end + 1)];
            concept.listed = between.iter().any(|t| joins(t))
                && between
                    .iter()
                    .all(|t| joins(t) || matches!(*t, "the" | "a" | "an" | "its" | "their"));
        }
        let last = first.and_then(|f| position(words.last().unwrap_or(&""), f));
        previous_end = last.or(previous_end);
        after = last.map_or(after, |l| l + 1);
    }
}

/// Words that start what a question asks, ending a span of words it sets aside.
const ASKING_WORDS: &[&str] = &["where", "which", "what", "who", "how", "when", "why"];

/// How much a word the question sets aside as known weighs ("besides Brazil, where else").
const KNOWN_WEIGHT: f32 = 0.2;

/// Words the question sets aside as already known ("other than Brazil/France, where else",
/// "besides the capex, what did he say", "the other model, not the Max one") weigh little: the
/// answer is about something else, though it may name them too.
pub fn weigh_known(concepts: &mut [Concept], question: &str) {
    let lower = question.to_lowercase();
    for cue in [
        "other than ",
        "besides ",
        "apart from ",
        "aside from ",
        "except ",
        "not the ",
    ] {
        let Some(at) = lower.find(cue) else {
            continue;
        };
        let rest = &lower[at + cue.len()..];
        let end = rest.find([',', '?', ';']).unwrap_or(rest.len());
        let span: Vec<&str> = rest[..end]
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take_while(|w| !ASKING_WORDS.contains(w))
            .collect();
        for concept in concepts.iter_mut() {
            let mut words = concept
                .label
                .split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .peekable();
            if words.peek().is_some() && words.all(|w| span.contains(&w)) {
                set_aside(concept);
            }
        }
    }
}

/// How much a word weighs that only the sentences before the one asking hold ("I remember
/// when computers filled entire rooms. Which American outfits…").
const PREAMBLE_WEIGHT: f32 = 0.5;

/// How many of the question's concepts the asking sentence must hold by itself for the
/// sentences before it to be an aside: "…machines cleverer than people. What exactly does
/// that mean?" asks about the sentence before.
const ASKING_CONCEPTS: usize = 3;

/// Words of the statements before the sentence that asks, and of nothing after, weigh
/// [`PREAMBLE_WEIGHT`]: in "My grandson uses those chat programs. Which American firms is the
/// new model now said to be going up against?" the grandson is an aside. A sentence ends at
/// ".", "!" or "?" before a space and a capital letter, after a word ("vs. the", "U.S. Which"
/// and "$3.2" don't end one).
pub fn weigh_preamble(concepts: &mut [Concept], question: &str) {
    let chars: Vec<(usize, char)> = question.char_indices().collect();
    let mut starts = vec![0];
    for k in 2..chars.len().saturating_sub(2) {
        let (at, c) = chars[k];
        let ends = matches!(c, '.' | '!' | '?')
            && chars[k + 1].1.is_whitespace()
            && chars[k - 1].1.is_alphanumeric()
            && (c != '.' || chars[k - 2].1.is_alphanumeric());
        if !ends {
            continue;
        }
        let rest = question[at + c.len_utf8()..].trim_start();
        if rest.starts_with(char::is_uppercase) {
            starts.push(question.len() - rest.len());
        }
    }
    if starts.len() < 2 {
        return;
    }
    let sentences: Vec<String> = starts
        .iter()
        .zip(
            starts
                .iter()
                .skip(1)
                .chain(std::iter::once(&question.len())),
        )
        .map(|(&a, &b)| question[a..b].to_lowercase())
        .collect();
    // The sentence that asks: the last one with a question mark, else the last one.
    let asking = sentences
        .iter()
        .rposition(|s| s.contains('?'))
        .unwrap_or(sentences.len() - 1);
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    };
    // Statements before it; an earlier question ("How much? And who said so?") asks too.
    let aside = |k: usize| k < asking && !sentences[k].contains('?');
    let before: Vec<String> = (0..sentences.len())
        .filter(|&k| aside(k))
        .flat_map(|k| words(&sentences[k]))
        .collect();
    let after: Vec<String> = (0..sentences.len())
        .filter(|&k| !aside(k))
        .flat_map(|k| words(&sentences[k]))
        .collect();
    let labels: Vec<Vec<String>> = concepts.iter().map(|c| words(&c.label)).collect();
    let held = |pool: &[String], label: &[String]| {
        !label.is_empty() && label.iter().all(|w| pool.contains(w))
    };
    if labels.iter().filter(|l| held(&after, l)).count() < ASKING_CONCEPTS {
        return;
    }
    for (concept, label) in concepts.iter_mut().zip(&labels) {
        if held(&before, label) && !held(&after, label) {
            concept.idf *= PREAMBLE_WEIGHT;
            concept
                .variants
                .iter_mut()
                .for_each(|v| v.1 *= PREAMBLE_WEIGHT);
        }
    }
}

/// Words that only frame what a question asks weigh as little as words set aside as known:
/// "where did the story come from, some tech outlet?" asks for a source, and neither "come"
/// nor what kind of outlet it was ("tech") is the story's topic; in "what would have to go
/// right for the stock to climb back", neither "go" nor "right" is.
pub fn weigh_frame(concepts: &mut [Concept], expected: Expected, question: &str) {
    let lower = question.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let mut frame: Vec<&str> = match expected {
        Expected::Source => {
            let mut frame = vec!["come", "came", "comes", "coming"];
            frame.extend(words.windows(2).filter_map(|w| {
                matches!(
                    w[1],
                    "outlet"
                        | "outlets"
                        | "site"
                        | "website"
                        | "publication"
                        | "paper"
                        | "newspaper"
                )
                .then_some(w[0])
            }));
            frame
        }
        // "What would have to go right", "what needs to happen", "what would it take".
        Expected::Condition => vec![
            "go",
            "right",
            "happen",
            "true",
            "take",
            "condition",
            "conditions",
        ],
        // "Like the actual date, or at least the weekday": the kind of answer asked, not a word
        // of it ("year-to-date").
        Expected::Date => vec!["date", "dates", "weekday", "day"],
        // "What share of the raise goes to the cloud": a part of it, not the shares.
        Expected::Figure => words
            .windows(3)
            .filter(|w| {
                matches!(w[0], "what" | "whats")
                    && matches!(
                        w[1],
                        "share" | "portion" | "chunk" | "proportion" | "fraction" | "slice"
                    )
                    && w[2] == "of"
            })
            .map(|w| w[1])
            .collect(),
        // "What's the superintelligence thing Wu keeps talking about", "ASI in Wu's speech":
        // the answer defines the term; who used it, and how, is not in it.
        Expected::Definition => {
            let mut frame = SAYING.to_vec();
            frame.extend(words.windows(2).filter_map(|w| {
                (SAYING.contains(&w[1]) && !MEANING.contains(&w[1]) && w[0] != "s").then_some(w[0])
            }));
            frame.extend(
                words
                    .windows(3)
                    .filter_map(|w| (w[1] == "s" && SAYING.contains(&w[2])).then_some(w[0])),
            );
            frame
        }
        _ => Vec::new(),
    };
    // What set a move off, in "how much did it move on the Alibaba news": the passage giving
    // the move may not name the news.
    frame.extend(news_named(&words));
    // Who said it, in a question about what was said ("what did the boss say about…"): the
    // answer often names the speaker only as "he" (measured: weighing 0.5 of its rarity gains
    // less than 0.3 or 0.2, which gain the same).
    if expected != Expected::Person {
        frame.extend(SPEAKERS);
    }
    for concept in concepts.iter_mut() {
        if frame.contains(&concept.label.as_str()) {
            set_aside(concept);
        }
    }
}

/// The words naming news a question says something happened on ("on the Alibaba news",
/// "after the spending announcement"): at most three between "the" and the news.
fn news_named<'a>(words: &[&'a str]) -> Vec<&'a str> {
    let mut named = Vec::new();
    for (at, w) in words.iter().enumerate() {
        if !matches!(*w, "on" | "after" | "off" | "following")
            || !words
                .get(at + 1)
                .is_some_and(|d| matches!(*d, "the" | "that" | "this"))
        {
            continue;
        }
        let rest = &words[(at + 2).min(words.len())..];
        if let Some(end) = rest.iter().take(4).position(|w| {
            matches!(
                *w,
                "news" | "announcement" | "announcements" | "headline" | "headlines"
            )
        }) {
            named.extend_from_slice(&rest[..end]);
        }
    }
    named
}

/// A question's words for using a term, in a question asking what it means.
const SAYING: [&str; 26] = [
    "say",
    "says",
    "said",
    "saying",
    "keep",
    "keeps",
    "kept",
    "talk",
    "talks",
    "talking",
    "talked",
    "mention",
    "mentions",
    "mentioned",
    "mean",
    "means",
    "meant",
    "use",
    "uses",
    "used",
    "using",
    "speech",
    "remarks",
    "quote",
    "keynote",
    "throwing",
];

/// The words asking what a term means, which follow the term itself ("what does ASI mean").
const MEANING: [&str; 3] = ["mean", "means", "meant"];

/// A question's words for whoever speaks for a company.
const SPEAKERS: [&str; 18] = [
    "boss",
    "big boss",
    "ceo",
    "cfo",
    "chief executive",
    "chief executive officer",
    "exec",
    "execs",
    "executive",
    "executives",
    "head honcho",
    "chief",
    "chairman",
    "founder",
    "management",
    "mgmt",
    "leadership",
    "top brass",
];

/// A concept the question sets aside weighs [`KNOWN_WEIGHT`] of what it did.
fn set_aside(concept: &mut Concept) {
    concept.idf *= KNOWN_WEIGHT;
    concept
        .variants
        .iter_mut()
        .for_each(|v| v.1 *= KNOWN_WEIGHT);
}

/// How many other forms of each part of a two-part compound word are tried ("3-yr": "three",
/// "year"; "homegrown-chip": "in-house", "self-designed"); half as many for three parts.
const PART_FORMS: usize = 4;

/// A count and its unit written in shorthand ("3-yr") in the other forms its parts have in the
/// synonyms ("three-year", "3 year", "three yr"), when the compound has no synonyms of its own.
fn part_synonyms(knowledge: &Knowledge, label: &str) -> Vec<String> {
    // One hyphenated word: not a phrase, a figure ("$3.2 billion") or a decimal. A count run
    // together with its unit ("5y", "3yrs") is read as if hyphenated.
    let digits = label.len() - label.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let parts: Vec<&str> = if !label.contains('-')
        && digits > 0
        && digits < label.len()
        && label[digits..].chars().all(|c| c.is_ascii_alphabetic())
    {
        vec![&label[..digits], &label[digits..]]
    } else {
        label.split('-').collect()
    };
    if parts
        .iter()
        .any(|p| p.is_empty() || !p.chars().all(char::is_alphanumeric))
    {
        return Vec::new();
    }
    // A count and its unit ("3-yr", "10-day"), or words ("homegrown-chip": "in-house chip");
    // not a name ("Qwen3-Next").
    let counted = parts.iter().any(|p| p.chars().all(|c| c.is_ascii_digit()));
    let worded = parts.iter().all(|p| p.chars().all(char::is_alphabetic))
        && parts.iter().any(|p| !knowledge.synonyms.of(p).is_empty());
    if !(2..=3).contains(&parts.len()) || !(counted || worded) {
        return Vec::new();
    }
    let forms: Vec<Vec<&str>> = parts
        .iter()
        .map(|p| {
            let mut forms = vec![*p];
            forms.extend(
                knowledge
                    .synonyms
                    .of(p)
                    .into_iter()
                    .filter(|f| !f.contains(' '))
                    .take(PART_FORMS * 2 / parts.len()),
            );
            forms
        })
        .collect();
    let mut out: Vec<String> = vec![String::new()];
    for part in &forms {
        out = out
            .iter()
            .flat_map(|start| {
                part.iter().map(move |f| {
                    if start.is_empty() {
                        f.to_string()
                    } else {
                        format!("{start} {f}")
                    }
                })
            })
            .collect();
    }
    out.retain(|c| c != &parts.join(" "));
    out
}

/// The full relevance score of a question: each concept the best of its variants (in the
/// text, or weaker in the section heading), plus proximity of neighbouring words.
pub fn question_scoring(builder: &Builder<'_>, concepts: &[Concept]) -> Scoring {
    let fields: &Fields = builder.fields;
    let mut clauses: Vec<(f32, Scoring)> = Vec::new();
    for (n, concept) in concepts.iter().enumerate() {
        let variants: Vec<(f32, Scoring)> = concept
            .variants
            .iter()
            .filter_map(|(terms, weight)| {
                let text = builder.sequence(fields.text, terms)?;
                let section = builder.sequence(fields.section, terms)?;
                let mut parts = vec![(1.0, Scoring::Leaf(text)), (0.2, Scoring::Leaf(section))];
                // The words of a phrase apart ("listed in the US" for "US-listed") score
                // nothing but still count as covering the concept.
                if terms.len() > 1 {
                    parts.push((0.0, Scoring::Leaf(all_words(fields.text, terms))));
                }
                Some((*weight, Scoring::Sum(parts)))
            })
            .collect();
        if !variants.is_empty() {
            let best = Scoring::Max(variants, 0.1);
            clauses.push((1.0, Scoring::Tag(n as u32, Box::new(best))));
        }
    }
    // Neighbouring concepts meet where one ends and the next begins: the last word of the
    // first and the first word of the second, two distinct words. tantivy matches a sloppy
    // phrase of more words (or a repeated one) in the order of their posting lists' sizes,
    // which differ between segments, so its matches would depend on how the index is split
    // (tantivy#2580); a two-word one matches either way round.
    // Items of a list in the question ("SMIC and Hua Hong") side by side in a passage make a
    // list there too ("beneficiaries (SMIC, Hua Hong, Naura)"), not an answer: not counted.
    // Either may be written in another of its forms ("Chinese chip maker" for "Chinese
    // chipmakers"): the best pair among the word typed and its first synonyms counts, a
    // synonym's weaker (not what reporters write for it: that is a looser reading).
    for pair in concepts.windows(2) {
        if pair[1].listed {
            continue;
        }
        let mut near: Vec<(f32, Scoring)> = Vec::new();
        for (left, lw) in pair[0]
            .variants
            .iter()
            .take(PROXIMATE_VARIANTS.min(pair[0].same))
        {
            for (right, rw) in pair[1]
                .variants
                .iter()
                .take(PROXIMATE_VARIANTS.min(pair[1].same))
            {
                let (Some(last), Some(first)) = (left.last(), right.first()) else {
                    continue;
                };
                if last != first {
                    near.push((
                        lw.min(*rw).min(1.0),
                        Scoring::Leaf(builder.near(last, first, 2)),
                    ));
                }
            }
        }
        if !near.is_empty() {
            clauses.push((PROXIMITY_WEIGHT, Scoring::Max(near, 0.0)));
        }
    }
    Scoring::Sum(clauses)
}

/// The first pass of a question: a flat union of plain terms, boosted like their variants
/// (a [`ScoredUnion`]). A phrase is represented by its rarest word, which every passage holding
/// the phrase has, so the union still matches every passage [`question_scoring`] scores, and a
/// phrase's common words ("year" in "four-year high") don't make the union slow.
pub fn candidate_query(
    builder: &Builder<'_>,
    searcher: &Searcher,
    concepts: &[Concept],
) -> Box<dyn Query> {
    let fields: &Fields = builder.fields;
    let mut weights: Vec<(Term, f32)> = Vec::new();
    for concept in concepts {
        for (terms, weight) in &concept.variants {
            for (field, w) in [(fields.text, *weight), (fields.section, 0.2 * weight)] {
                let Some(term) = terms
                    .iter()
                    .map(|t| Term::from_field_text(field, t))
                    .min_by_key(|t| searcher.doc_freq(t).unwrap_or(0))
                else {
                    continue;
                };
                match weights.iter_mut().find(|(known, _)| *known == term) {
                    Some(known) => known.1 = known.1.max(w),
                    None => weights.push((term, w)),
                }
            }
        }
    }
    let clauses = weights
        .into_iter()
        .map(|(term, w)| {
            let term = Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs));
            Box::new(BoostQuery::new(term, w)) as Box<dyn Query>
        })
        .collect();
    Box::new(ScoredUnion(clauses))
}

/// Passages holding every one of the terms, anywhere.
fn all_words(field: tantivy::schema::Field, terms: &[String]) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(
        terms
            .iter()
            .map(|t| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(field, t),
                    IndexRecordOption::Basic,
                ));
                (Occur::Must, q)
            })
            .collect(),
    ))
}

/// What kind of answer a question wants, from its first words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// "when", "what date", "on which exact day": a passage stating a date or day.
    Date,
    /// "how much", "how many", "how big", "what percentage": a passage stating a figure.
    Figure,
    /// "what time", "at what time": a passage stating a clock time.
    Time,
    /// "when will", "when do": a passage stating a time to come or what it waits on ("within
    /// the next year", "in the coming quarters", "only … when returns improve"), or a date.
    Future,
    /// "where did he say it", "at what event": a passage naming the event or venue ("at the
    /// Hangzhou Developer Conference", "at Alibaba Cloud's annual technology conference").
    Venue,
    /// "where else is the cloud arm expanding", "where are the new data centers going up": a
    /// passage listing places ("in Brazil, France, and the Netherlands").
    Place,
    /// "how long", "how far back": a passage stating a span or the date it runs from ("three
    /// years", "a four-year hiatus", "since 2021", "as early as 2018").
    Duration,
    /// "why", "how come", "what caused": a passage giving a cause.
    Reason,
    /// "who": a passage naming a person by role ("Chief Executive Eddie Wu", "Vey-Sern Ling,
    /// a senior analyst").
    Person,
    /// "what's X called", "the name of X": a passage naming the thing asked about ("the
    /// Zhenwu processor" for "what's their chip called").
    Name,
    /// "the exact quote", "his words", "verbatim": a passage quoting someone.
    Quote,
    /// "what label", "which expression", "what does he call it", "how does the boss describe
    /// it": a passage putting a term in quote marks ("a “full-stack AI service provider,”").
    Term,
    /// "which outlet", "who broke the story": a passage saying where a report came from ("a
    /// report from The Information", "according to Reuters").
    Source,
    /// "what does X mean", "what is meant by": a passage defining a term ("X refers to…").
    Definition,
    /// "what would have to go right", "under what conditions", "what would it take": a
    /// passage stating a condition ("if demand holds", "as long as", "only … when").
    Condition,
    /// "have they fully ditched X", "stopped … altogether": a passage stating how far it
    /// went ("still rely on", "partially", "for now", "not yet").
    Extent,
    /// "did Wu say what the new number is", "did he give a new total": a passage saying
    /// whether it was disclosed ("Wu did not disclose an updated figure").
    Disclosure,
    /// "who is a customer for the chips", "which partner adopted them": a passage stating
    /// who adopted something ("adopted by China Unicom", "a partnership with Unicom").
    Customer,
    /// "which cloud giants is it up against", "who are its rivals": a passage listing
    /// companies by name ("rivals such as Amazon Web Services (AWS), Microsoft Azure, and
    /// Google Cloud").
    Companies,
    /// "what could go wrong", "what could knock the rally back down", "is it risky": a
    /// passage naming a risk ("poses financial risks", "could cap upside", "could reverse
    /// recent gains").
    Risk,
    Anything,
}

/// Reads the expected answer type off a question; a topic put first ("naura - how much did
/// it move", "Hangzhou announcement: how big was…") does not hide the question after it.
pub fn expected(question: &str) -> Expected {
    let whole = expected_from_start(question);
    if whole != Expected::Anything {
        return whole;
    }
    [" - ", " – ", " — ", ": ", ", "]
        .iter()
        .filter_map(|mark| question.split_once(mark))
        .map(|(_, rest)| expected_from_start(rest))
        .find(|e| *e != Expected::Anything)
        .unwrap_or(Expected::Anything)
}

/// Reads the expected answer type off the first words of a question.
fn expected_from_start(question: &str) -> Expected {
    let q = question.to_lowercase();
    let words: Vec<&str> = q
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| q.trim_start().starts_with(p));
    if starts(&["what time", "at what time", "what hour"]) {
        Expected::Time
    } else if starts(&[
        "why ",
        "how come",
        "what caused",
        "what's behind",
        "whats behind",
        "what is behind",
        "what drove",
        "what's driving",
        "whats driving",
        "what is driving",
    ]) || asks_a_reason(&words)
    {
        Expected::Reason
    } else if asks_a_venue(&words) {
        Expected::Venue
    } else if asks_a_place(&words) {
        Expected::Place
    } else if starts(&["how long", "how far back", "how far ago"]) {
        Expected::Duration
    } else if starts(&[
        "when will ",
        "when would ",
        "when do ",
        "when does ",
        "when could ",
        "when can ",
        "when might ",
        "when should ",
    ]) {
        Expected::Future
    } else if starts(&[
        "when ",
        "what date",
        "what month",
        "which month",
        "what week",
        "which week",
        "what day",
        "which day",
        "what year",
        "since when",
    ]) || asks_a_date(&words)
    {
        Expected::Date
    } else if asks_a_source(&words) {
        Expected::Source
    } else if asks_for_a_customer(&words) && !asks_a_term(&q, &words) {
        Expected::Customer
    } else if starts(&["who ", "who's ", "whos ", "who’s "]) && !asks_for_companies(&words) {
        Expected::Person
    } else if asks_a_disclosure(&words) {
        Expected::Disclosure
    } else if asks_a_condition(&words) {
        Expected::Condition
    } else if asks_a_risk(&words) {
        Expected::Risk
    } else if starts(&[
        "how much",
        "how many",
        "how big",
        "how large",
        "how fast",
        "how high",
        "how far",
        "what percentage",
        "what share",
        "what chunk",
        "what portion",
        "what proportion",
        "what fraction",
        "what slice",
        "what price",
        "by how much",
        "size of",
        "the size of",
        "what size",
        "what's the size",
        "whats the size",
        "what is the size",
    ]) || asks_a_figure(&words)
    {
        Expected::Figure
    } else if asks_an_extent(&words) {
        Expected::Extent
    } else if asks_which_companies(&words) {
        Expected::Companies
    } else if asks_a_name(&words) {
        Expected::Name
    } else if asks_a_quote(&words) {
        Expected::Quote
    } else if asks_a_meaning(&words) {
        Expected::Definition
    } else if asks_a_term(&q, &words) {
        Expected::Term
    } else {
        Expected::Anything
    }
}

/// Whether a question names rivals: "rivals", "competitors", "up against", "fighting".
fn asks_for_rivals(words: &[&str]) -> bool {
    words.iter().any(|w| {
        matches!(
            *w,
            "rival"
                | "rivals"
                | "competitor"
                | "competitors"
                | "competition"
                | "compete"
                | "competing"
                | "against"
                | "fighting"
                | "peers"
        )
    })
}

/// Whether a "who" question asks for companies, not a person: rivals, customers, partners
/// ("who are Alibaba's rivals", "who's qwen up against", "who is buying the chips").
fn asks_for_companies(words: &[&str]) -> bool {
    asks_for_rivals(words)
        || words.iter().any(|w| {
            matches!(
                *w,
                "customer"
                    | "customers"
                    | "client"
                    | "clients"
                    | "partner"
                    | "partners"
                    | "buyer"
                    | "buyers"
                    | "supplier"
                    | "suppliers"
            )
        })
}

/// Whether a question asks who took something up: "who's a customer for the chips", "which
/// partner adopted them", "has any company started using them"; not whose customers a rival
/// wants to win ("steal customers from").
fn asks_for_a_customer(words: &[&str]) -> bool {
    const TAKING_UP: [&str; 10] = [
        "customer",
        "customers",
        "client",
        "clients",
        "partner",
        "partners",
        "adopter",
        "adopted",
        "adopt",
        "signed",
    ];
    const USING: [&str; 6] = ["using", "use", "uses", "running", "deploying", "deploy"];
    // Who can take something up: "has any telco started using them", "is anybody using them".
    const TAKERS: [&str; 11] = [
        "company", "firm", "telecom", "telco", "carrier", "operator", "bank", "anybody", "anyone",
        "somebody", "someone",
    ];
    let taking_up = words.iter().enumerate().any(|(at, w)| {
        TAKING_UP.contains(w)
            && !words
                .get(at + 1)
                .is_some_and(|n| matches!(*n, "from" | "off"))
    });
    let using = words.iter().any(|w| USING.contains(w))
        && words
            .iter()
            .any(|w| TAKERS.contains(w) || matches!(*w, "customer" | "partner"));
    let asks_who = words
        .iter()
        .any(|w| matches!(*w, "who" | "whos" | "which" | "any") || TAKERS.contains(w));
    // A question opening with who using it ("who's actually using the chips", "who else uses
    // them"), not a "who" further on ("the grandson who studies"), nor who runs something.
    let who_uses = matches!(words.first(), Some(&("who" | "whos")))
        && words
            .iter()
            .skip(1)
            .take(4)
            .any(|w| matches!(*w, "using" | "use" | "uses" | "deploying" | "deploys"));
    (((taking_up || using) && asks_who) || who_uses) && !asks_for_rivals(words)
}

/// Whether a question asks which companies: "which"/"who" with companies or rivals ("which
/// American cloud giants is it up against", "who are its rivals"). Not a customer or a
/// partner: one is often named alone.
fn asks_which_companies(words: &[&str]) -> bool {
    words.iter().any(|w| matches!(*w, "which" | "who" | "whos"))
        && (asks_for_rivals(words)
            || words.iter().any(|w| {
                matches!(
                    *w,
                    "companies"
                        | "firms"
                        | "giants"
                        | "players"
                        | "labs"
                        | "providers"
                        | "vendors"
                        | "makers"
                        | "outfits"
                )
            }))
}

/// Whether a question asks what something is called: "called", "named", "the name of", "a
/// name for" or "what do they call"; not a stock ("out of the name").
fn asks_a_name(words: &[&str]) -> bool {
    words.iter().any(|w| matches!(*w, "called" | "named"))
        || words.windows(2).any(|w| {
            matches!(
                w,
                ["name", "of" | "for"]
                    | ["they" | "you" | "u" | "we" | "people" | "ppl", "call"]
                    | [
                        "what" | "which",
                        "silicon"
                            | "hardware"
                            | "processor"
                            | "processors"
                            | "accelerator"
                            | "accelerators"
                            | "gpu"
                            | "gpus"
                            | "model"
                            | "models"
                    ]
            )
        })
}

/// Whether a question asks for a date after other words: "what exact date", "on which day",
/// "the precise day".
fn asks_a_date(words: &[&str]) -> bool {
    const WHEN: [&str; 4] = ["date", "day", "month", "year"];
    const EXACTLY: [&str; 4] = ["exact", "precise", "specific", "particular"];
    words.windows(2).any(|w| {
        (matches!(w[0], "what" | "which") || EXACTLY.contains(&w[0])) && WHEN.contains(&w[1])
    }) || words.windows(3).any(|w| {
        matches!(w[0], "what" | "which") && EXACTLY.contains(&w[1]) && WHEN.contains(&w[2])
    })
}

/// Whether a question asks for the term someone uses: "what label", "which expression",
/// "what does he call it", "how does the boss describe"; not when it puts a term in quote
/// marks itself ("a new buzzword, 'superintelligence'"), nor for the long term.
fn asks_a_term(question: &str, words: &[&str]) -> bool {
    if QUOTED_IN_QUESTION.is_match(question) {
        return false;
    }
    words.iter().enumerate().any(|(at, w)| {
        *w == "term"
            && !(at > 0 && matches!(words[at - 1], "long" | "short" | "near" | "medium" | "mid"))
    }) || words.iter().any(|w| {
        matches!(
            *w,
            "label"
                | "labels"
                | "phrase"
                | "expression"
                | "buzzword"
                | "tagline"
                | "slogan"
                | "catchphrase"
                | "moniker"
                | "nickname"
                | "describe"
                | "describes"
        )
    }) || words.windows(2).any(|w| {
        matches!(
            w,
            [
                "he" | "she" | "it" | "wu" | "ceo" | "boss" | "management",
                "call" | "calls"
            ]
        )
    })
}

/// Whether a question asks for the reasoning behind something anywhere in it: "what's the
/// logic behind", "the rationale for", "the reasoning behind".
fn asks_a_reason(words: &[&str]) -> bool {
    words.windows(2).any(|w| {
        matches!(
            w,
            [
                "logic" | "rationale" | "reasoning" | "thinking",
                "behind" | "for"
            ]
        )
    })
}

/// Whether a question asks where something was said or announced: "at what event", "which
/// conference", "where did Wu make the pitch", "where'd he announce it".
fn asks_a_venue(words: &[&str]) -> bool {
    const VENUES: [&str; 9] = [
        "event",
        "conference",
        "summit",
        "forum",
        "expo",
        "venue",
        "gathering",
        "meeting",
        "keynote",
    ];
    const TELLING: [&str; 24] = [
        "say",
        "said",
        "make",
        "made",
        "announce",
        "announced",
        "speak",
        "spoke",
        "talk",
        "talking",
        "pitch",
        "pitched",
        "unveil",
        "unveiled",
        "present",
        "presented",
        "reveal",
        "revealed",
        "drop",
        "dropped",
        "give",
        "gave",
        "deliver",
        "delivered",
    ];
    words
        .windows(2)
        .any(|w| matches!(w[0], "what" | "which" | "whatever") && VENUES.contains(&w[1]))
        // "what kind of event was it", "at what sort of gathering".
        || words.windows(4).any(|w| {
            matches!(w[0], "what" | "which")
                && matches!(w[1], "kind" | "sort" | "type")
                && w[2] == "of"
                && VENUES.contains(&w[3])
        })
        || (words.first().is_some_and(|w| w.starts_with("where"))
            && words.iter().any(|w| TELLING.contains(w)))
}

/// Whether a question asks where something spreads or is built: "where else is it
/// expanding", "where are the new server farms going up", "where is it planting its flag";
/// not where money goes or where a price floor sits.
fn asks_a_place(words: &[&str]) -> bool {
    const SPREADING: [&str; 24] = [
        "expand",
        "expanding",
        "expansion",
        "spread",
        "spreading",
        "open",
        "opening",
        "launch",
        "launching",
        "enter",
        "entering",
        "heading",
        "build",
        "building",
        "centers",
        "centres",
        "hubs",
        "farms",
        "sites",
        "flag",
        "footprint",
        "markets",
        "countries",
        "touring",
    ];
    words
        .iter()
        .any(|w| matches!(*w, "where" | "wheres" | "whereabouts"))
        && words.iter().any(|w| SPREADING.contains(w))
}

/// Whether a question asks what could go wrong: a word for a risk ("risky", "the
/// downside", "what's the catch", "any worries"), or what could bring something down ("what
/// could knock the stock back down", "what might derail the rally", "make it fall apart").
fn asks_a_risk(words: &[&str]) -> bool {
    const RISK_WORDS: [&str; 19] = [
        "risk",
        "risks",
        "risky",
        "riskier",
        "danger",
        "dangers",
        "dangerous",
        "downside",
        "downsides",
        "worry",
        "worries",
        "worried",
        "worrying",
        "threat",
        "threats",
        "threaten",
        "pitfall",
        "pitfalls",
        "wrong",
    ];
    const BRINGING_DOWN: [&str; 20] = [
        "derail", "spoil", "hurt", "sink", "kill", "reverse", "undo", "wipe", "knock", "crash",
        "tank", "stall", "fizzle", "unravel", "dent", "sour", "cap", "limit", "down", "apart",
    ];
    let might = words
        .iter()
        .any(|w| matches!(*w, "could" | "might" | "would" | "can" | "may"));
    words.iter().any(|w| RISK_WORDS.contains(w))
        // "what's the catch", not "catch the stock if it slides".
        || words
            .windows(2)
            .any(|w| matches!(w, ["the" | "a" | "any" | "whats", "catch"]))
        || (might && words.iter().any(|w| BRINGING_DOWN.contains(w)))
        // "What could put a ceiling on the stock", "what keeps a lid on it": not "what level
        // is the ceiling", a price.
        || words.windows(3).any(|w| {
            matches!(
                w,
                [
                    "put" | "puts" | "putting" | "keep" | "keeps" | "keeping",
                    "a" | "the",
                    "ceiling" | "lid" | "cap"
                ]
            )
        })
}

/// Whether a question asks what must hold for something: "what would have to go right",
/// "what needs to happen", "what has to be true", "under what conditions", "what would it
/// take", "only if what"; not what is going to happen.
fn asks_a_condition(words: &[&str]) -> bool {
    words.windows(3).any(|w| {
        matches!(
            w,
            [
                "has" | "have" | "need" | "needs" | "got",
                "to",
                "happen" | "go" | "be" | "hold" | "change"
            ] | ["only", "if" | "when", "what"]
                | ["would", "it", "take"]
        )
    }) || words.windows(2).any(|w| {
        matches!(
            w,
            ["what" | "which" | "under", "conditions" | "condition"] | ["under", "what"]
        )
    })
}

/// Whether a question asks whether something went all the way: "have they fully ditched
/// Nvidia", "stopped buying altogether", "completely dropped".
fn asks_an_extent(words: &[&str]) -> bool {
    words.iter().any(|w| {
        matches!(
            *w,
            "fully" | "totally" | "completely" | "entirely" | "altogether" | "wholly"
        )
    })
}

/// Whether a yes-or-no question asks if someone gave a figure: "did Wu say what the new
/// number is", "has the company given a total", "did the boss say exactly how much".
fn asks_a_disclosure(words: &[&str]) -> bool {
    const TELLING: [&str; 22] = [
        "say",
        "said",
        "give",
        "gave",
        "given",
        "reveal",
        "revealed",
        "disclose",
        "disclosed",
        "communicate",
        "communicated",
        "announce",
        "announced",
        "share",
        "shared",
        "specify",
        "specified",
        "put",
        "tell",
        "told",
        "confirm",
        "confirmed",
    ];
    const AMOUNT: [&str; 6] = ["number", "figure", "total", "amount", "sum", "much"];
    words
        .first()
        .is_some_and(|w| matches!(*w, "did" | "has" | "have" | "does" | "do" | "was" | "is"))
        && words.iter().any(|w| TELLING.contains(w))
        && words.iter().any(|w| AMOUNT.contains(w))
}

/// Whether a question asks for a figure anywhere in it: "got a number?", "any figures?",
/// "what number"; not whether someone put a number on something, which a sentence saying
/// they did not answers as well.
fn asks_a_figure(words: &[&str]) -> bool {
    words.windows(2).enumerate().any(|(at, w)| {
        matches!(
            w,
            [
                "a" | "any" | "what" | "exact" | "actual" | "hard",
                "number" | "numbers" | "figure" | "figures"
            ]
        ) && !(at > 0 && matches!(words[at - 1], "put" | "puts" | "putting"))
    })
}

/// Whether a question asks what a term means: "what does X mean", "what is meant by", "the
/// meaning of", "define", "explain what X is".
fn asks_a_meaning(words: &[&str]) -> bool {
    words.last().is_some_and(|w| matches!(*w, "mean" | "means"))
        // "Kindly explain what is X", "how would I explain that": not "explain why".
        || words.iter().enumerate().any(|(at, w)| {
            matches!(*w, "explain" | "explained")
                && !words
                    .get(at + 1)
                    .is_some_and(|n| matches!(*n, "why" | "how" | "when" | "where" | "whether"))
        })
        || words
            .iter()
            .any(|w| matches!(*w, "meaning" | "define" | "definition"))
        || words.windows(2).any(|w| matches!(w, ["meant", "by"]))
        || words
            .windows(3)
            .any(|w| matches!(w, ["in", "plain", "terms" | "english" | "words"]))
        // "what's the superintelligence thing Wu keeps talking about", "what even is the X
        // thing": a term someone uses, asked about.
        || (words.first().is_some_and(|w| matches!(*w, "what" | "whats"))
            && words.contains(&"thing")
            && words.iter().any(|w| matches!(*w, "keeps" | "keep" | "even")))
}

/// Whether a question asks for someone's own words: "quote", "verbatim", "exact words", "in
/// his words".
fn asks_a_quote(words: &[&str]) -> bool {
    // "The exact quote", "quote about ASI"; not where a quote only says where to look ("what
    // does X mean in Wu's quote").
    words.contains(&"verbatim")
        || words.windows(2).any(|w| {
            matches!(
                w,
                [
                    "exact" | "the" | "a" | "full" | "actual" | "direct" | "any",
                    "quote" | "quotes"
                ] | ["quote" | "quotes", "abt" | "about" | "on" | "from"]
                    | ["exact" | "own" | "his" | "her" | "their", "words"]
                    | ["word", "for"]
            )
        })
}

/// Whether a question asks where a report came from: "which outlet / publication / paper",
/// "who broke the story / news", "who reported it first", "whose scoop".
fn asks_a_source(words: &[&str]) -> bool {
    words.windows(2).any(|w| {
        matches!(
            w,
            [
                "which" | "what",
                "outlet" | "outlets" | "publication" | "paper" | "newspaper" | "site" | "website"
            ] | ["broke", "the" | "this" | "that"]
                | ["original" | "news", "source"]
                | ["first", "reported"]
                | ["some" | "an" | "the", "outlet" | "publication"]
        ) || (w[0] == "who" && super::query::REPORTING.contains(&w[1]))
    }) || words.iter().enumerate().any(|(at, w)| {
        // A scoop, not what was scooped up.
        matches!(*w, "scoop" | "scoops") && words.get(at + 1) != Some(&"up")
    }) || (words
        .iter()
        .any(|w| matches!(*w, "story" | "report" | "news"))
        && words
            .windows(2)
            .any(|w| matches!(w, ["come" | "came" | "comes", "from"])))
}

/// A passage citing where its news came from: "a report from The Information", "according to
/// Reuters", "Bloomberg reported", "citing people familiar", or where it was first published
/// ("originally published on InvestingCube.com", "first appeared in ABMedia").
static SOURCE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?-u:\b)((?i:an?|the) (?i:report|article|story) (?i:from|by|in) (?:the )?[A-Z]|(?i:according to|reported by|citing|cited by) (?:the )?[A-Z]|[A-Z][\w&]+(?: [A-Z][\w&]+)* (?:reported|first reported|said in a report)|(?i:originally published|first published|first appeared|first ran) (?i:on|in|at|by) (?:the )?[A-Z])",
    )
    .expect("source pattern is valid")
});

/// A list of at least three names after a word of place: "in Brazil, France, and the
/// Netherlands", "to Mexico, Japan, South Korea, Malaysia, and Dubai".
static PLACES: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?-u:\b)(?:in|to|into|across|throughout) (?:the )?[A-Z][\w-]*(?: [A-Z][\w-]*)?(?:(?:, (?:and |or )?| and | or )(?:the )?[A-Z][\w-]*(?: [A-Z][\w-]*)?){2,}",
    )
    .expect("places pattern is valid")
});

/// A quotation of at least four words, in any quote marks.
static QUOTATION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#"["“«„]\s*[^"“”«»„\s]+(\s+[^"“”«»„\s]+){3,}[^"“”«»„]*["”»“]"#)
        .expect("quotation pattern is valid")
});

/// A passage stating who took something up: "adopted by China Unicom", "a partnership with
/// Unicom", "customers include".
static CUSTOMER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)(?-u:\b)(adopted by|partnership with|partnered with|signed (up|on|a deal)|(is|are|as) (a |an )?(customer|client)s?|customers? (include|such as))(?-u:\b)",
    )
    .expect("customer pattern is valid")
});

/// A passage saying something was not disclosed: "did not disclose an updated figure",
/// "declined to comment", "an undisclosed sum".
static DISCLOSURE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)(?-u:\b)((did|does|do|would|will|could|has|have|had)( not|n['’]t) (yet )?(disclose|say|give|specify|reveal|provide|detail|elaborate|comment|quantify|confirm|put)|declined to|refused to|without (disclosing|giving|specifying|revealing|saying)|undisclosed|not (been )?disclosed)(?-u:\b)",
    )
    .expect("disclosure pattern is valid")
});

/// A word or a few in quote marks in a question: "'superintelligence'", "the 'era'".
static QUOTED_IN_QUESTION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#"(^|\s)["“‘'][^"“”‘’']{2,60}["”’']"#)
        .expect("quoted words pattern is valid")
});

/// A term in quote marks, of one to six words: “full-stack AI service provider,”, "T-Head".
static QUOTED_TERM: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r#"["“«„‘]\s*[^"“”«»„‘’\s]+(\s+[^"“”«»„‘’\s]+){0,5}\s*["”»’]"#)
        .expect("quoted term pattern is valid")
});

static DATE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)(?-u:\b)(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|(19|20)\d\d)(?-u:\b)")
        .expect("date pattern is valid")
});
/// A day of a month or a month of a year: "September 24th", "Sept. 24", "24 September",
/// "February 2025".
static FULL_DATE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)(?-u:\b)((january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\.? (\d{1,2}(st|nd|rd|th)?|(19|20)\d\d)|\d{1,2}(st|nd|rd|th)? (january|february|march|april|may|june|july|august|september|october|november|december))(?-u:\b)")
        .expect("full date pattern is valid")
});
static FIGURE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)(\d[\d.,]*\s*(%|percent|per cent|billion|million|trillion|bn|yuan)|[$€£¥]\s*\d)",
    )
    .expect("figure pattern is valid")
});

/// A passage defining a term: "X refers to", "is defined as", "stands for", "a form of".
static DEFINITION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)(?-u:\b)(refers? to|is defined as|defined as|stands for|is short for|is a term for|(a|an) (theoretical |hypothetical )?(form|kind|type) of)(?-u:\b)",
    )
    .expect("definition pattern is valid")
});

/// A passage stating a condition: "if demand holds", "as long as", "provided that", "unless",
/// "only increase … when".
static CONDITION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)(?-u:\b)(if|as long as|so long as|provided|providing|unless|assuming|on condition|only (\w+ ){0,5}(when|if|once|after))(?-u:\b)",
    )
    .expect("condition pattern is valid")
});

/// An event or venue: "at the Hangzhou Developer Conference", "during its annual technology
/// conference", "on the sidelines of the summit".
static VENUE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)(?-u:\b)(at|during|on the sidelines of|speaking at) [\w’' .-]{0,60}?(conference|summit|forum|expo|congress|keynote)(?-u:\b)",
    )
    .expect("venue pattern is valid")
});

/// A time to come, or what it waits on: "within the next year", "in the coming quarters", "by
/// 2030", "later this year", "only increase … when returns improve".
static FUTURE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)(?-u:\b)(within|by (19|20)\d\d|(next|coming) (\w+ )?(years?|quarters?|months?|weeks?)|(later|early|earlier) this (year|quarter|month)|next year|only (\w+ ){0,5}(when|if|once|after))(?-u:\b)",
    )
    .expect("future pattern is valid")
});

/// How far something went: "still rely on", "partially", "for now", "not yet", "continue to".
/// A risk named: "poses financial risks", "could cap upside", "could reverse recent gains",
/// "headwinds", "a bearish case", "sensitive to global capital flows".
static RISK: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)(?-u:\b)(risks?|risky|downside|threats?|headwinds?|bearish|caps? upside|could (cap|reverse|limit|derail|weigh|hurt|undermine|dampen|tilt)|reverse (recent )?gains|sensitive to|volatil\w*|uncertain\w*|tensions?|scrutiny|remains to be seen)(?-u:\b)",
    )
    .expect("risk pattern is valid")
});

/// Companies listed by name: "such as Amazon Web Services (AWS), Microsoft Azure, and Google
/// Cloud", "including Baidu, Tencent and ByteDance".
static COMPANIES: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    let name = r"[A-Z][\w.&'’-]*(?: (?:\([A-Z]+\)|[A-Z][\w.&'’-]*))*";
    regex::Regex::new(&format!(
        r"(?-u:\b)(?:such as|including|like|namely|led by) {name}(?:,? (?:and )?{name})+"
    ))
    .expect("companies pattern is valid")
});

static EXTENT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)(?-u:\b)(still|partially|partly|in part|for now|not yet|so far|continues? to|remains?|not (entirely|fully|completely))(?-u:\b)",
    )
    .expect("extent pattern is valid")
});

/// A span of time: "three years", "a four-year hiatus", "18 months", "decades".
static DURATION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)(?-u:\b)((\d+|one|two|three|four|five|six|seven|eight|nine|ten|several|many|a few|a couple of)[- ](years?|months?|weeks?|days?|decades?|quarters?)|decades|since|as early as)(?-u:\b)",
    )
    .expect("duration pattern is valid")
});

static TIME: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)(?-u:\b)(\d{1,2}:\d\d|\d{1,2}\s*(a\.m\.|p\.m\.|(am|pm)(?-u:\b))|noon|midnight)",
    )
    .expect("time pattern is valid")
});
static REASON: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?i)(?-u:\b)(because|due to|owing to|thanks to|driven by|stemm(ed|ing|s) (largely |mainly |partly )?from|as a result|on the back of|amid|fuell?ed by|spurred by|prompted by|weighed (down )?by|caused by|triggered by|benefit(s|ed|ted|ing|ting)? from|led to|reason|so that|in order to|reflect(s|ed|ing)?|necessitat(e|es|ed|ing)|in anticipation of)(?-u:\b)",
    )
    .expect("reason pattern is valid")
});

static PERSON: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?-u:\b)((?i:ceo|chief executive( officer)?|chairman|chairwoman|founder|president|analyst|strategist|economist|director|minister|spokesperson|spokesman|spokeswoman|head) (of [A-Z][\w&]*( [A-Z][\w&]*)* )?[A-Z][\w-]+ [A-Z][\w-]+|[A-Z][\w-]+ [A-Z][\w-]+, (a|an|the) [\w '’-]{0,40}(?i:analyst|executive|founder|chairman|strategist|economist|director|officer|manager|head)|[A-Z][\w&]*['’]s [A-Z][a-z]+ [A-Z][a-z]+,? (?i:said|says|noted|noting|captured|told|wrote|added|argued|warned|pointed|estimated))",
    )
    .expect("person pattern is valid")
});

/// A label opening a line or a bullet, before a colon: "- Support: Strong support sits…".
static LABEL: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?m)(?:^|[-•*]\s+)([A-Z][^:\n.]{0,40}):\s+\S")
        .expect("label pattern is valid")
});

/// How many words a label has at most.
const LABEL_WORDS: usize = 4;

/// How rare a question's word must be for a label holding it to count.
const LABEL_MIN_IDF: f32 = 1.0;

/// How much a passage stating what the question expects rises.
const EXPECTED_BOOST: f32 = 1.3;

/// How much a passage listing companies by name rises for "which rivals" ("such as Amazon Web
/// Services (AWS), Microsoft Azure, and Google Cloud").
const COMPANIES_BOOST: f32 = 2.0;

/// How much a passage giving a cause ("stemmed largely from", "due to", "necessitating") rises
/// for "why", one naming a person by role ("Morningstar's Phelix Lee captured…") for "who", or
/// one stating who took something up ("adopted by China Unicom") for a customer, places for
/// where something spreads, a risk for what could go wrong (measured for "when will" and "how
/// long" too: no first place gained).
const CAUSE_OR_PERSON_BOOST: f32 = 2.0;

/// How much a passage stating a day of a month or a month of a year ("September 24th",
/// "February 2025") rises for "when": more than one naming only a weekday or a year, which
/// many passages do ("on Wednesday", "its highest since 2021").
const FULL_DATE_BOOST: f32 = 2.0;

/// How much a passage stating an amount in the currency a question names rises ("in HKD":
/// "HK$151.80").
const CURRENCY_BOOST: f32 = 2.0;

/// How much a passage holding the very thing a question asks for rises: a rare name right
/// before the thing asked the name of, someone's words in quote marks, a condition ("if",
/// "as long as") for what would have to happen, a term defined ("refers to") for what it
/// means, or "did not disclose" for whether someone gave a figure, is the answer itself, where a date or a figure may be any date or figure.
const SPECIFIC_BOOST: f32 = 3.0;

/// Where a passage naming the thing asked the name of stands against the best other passage:
/// above it, by more than corroboration later adds to a passage other outlets report too.
const NAMED_FIRST: f32 = 1.1;

/// A currency a question can name, and an amount stated in it.
struct Currency {
    named: regex::Regex,
    amount: regex::Regex,
}

static CURRENCIES: std::sync::LazyLock<[Currency; 3]> = std::sync::LazyLock::new(|| {
    let currency = |named: &str, amount: &str| Currency {
        named: regex::Regex::new(named).expect("currency name pattern is valid"),
        amount: regex::Regex::new(amount).expect("currency amount pattern is valid"),
    };
    [
        currency(
            r"(?i)(?-u:\b)(hkd|hk ?\$|hk[- ]dollars?|hong kong (dollars?|currency|money)|local (dollars?|currency|money))",
            r"HK\$ ?\d",
        ),
        currency(
            r"(?i)(?-u:\b)(yuan|rmb|renminbi|cny|local (currency|money)|chin(a's|ese) (currency|money))(?-u:\b)",
            r"(?i)\d ?((billion|million|trillion|bn|b) ?)?(yuan|rmb)(?-u:\b)|(?-u:\b)(rmb|cny) ?\d|¥ ?\d",
        ),
        currency(
            r"(?i)(?-u:\b)(usd|us ?\$|us dollars?|u\.s\. dollars?|american dollars?|greenbacks?|us money|us currency|american (currency|money)|in dollars)",
            r"US\$ ?\d|(^|[^A-Za-z])\$ ?\d",
        ),
    ]
});

/// The amounts, in the currencies a question names, that a passage answering it would state:
/// "in HKD" wants "HK$151.80", "in yuan" wants "380 billion yuan".
pub fn asked_currencies(question: &str) -> Vec<&'static regex::Regex> {
    CURRENCIES
        .iter()
        .filter(|c| c.named.is_match(question))
        .map(|c| &c.amount)
        .collect()
}

pub fn states(expected: Expected, text: &str) -> bool {
    match expected {
        Expected::Date => DATE.is_match(text),
        Expected::Figure => FIGURE.is_match(text),
        Expected::Time => TIME.is_match(text),
        Expected::Duration => DURATION.is_match(text) || DATE.is_match(text),
        Expected::Future => FUTURE.is_match(text) || DATE.is_match(text),
        Expected::Venue => VENUE.is_match(text),
        Expected::Reason => REASON.is_match(text),
        Expected::Person => PERSON.is_match(text),
        // Which name stands for the thing asked about depends on the question's words: see
        // [`SentenceMatcher::names_a_thing`].
        Expected::Name => false,
        Expected::Quote => QUOTATION.is_match(text),
        Expected::Term => QUOTED_TERM.is_match(text),
        Expected::Source => SOURCE.is_match(text),
        Expected::Definition => DEFINITION.is_match(text),
        Expected::Condition => CONDITION.is_match(text),
        Expected::Extent => EXTENT.is_match(text),
        Expected::Companies => COMPANIES.is_match(text),
        Expected::Customer => CUSTOMER.is_match(text),
        Expected::Place => PLACES.is_match(text),
        Expected::Risk => RISK.is_match(text),
        Expected::Disclosure => DISCLOSURE.is_match(text),
        Expected::Anything => false,
    }
}

/// An article named by a few words of its title: "per the $53B piece", "in the convertible
/// bonds article".
static ARTICLE_NAMED: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(
        r"(?:^|\s)the ([^\s,.?!;:]+(?: [^\s,.?!;:]+){0,3}) (?:piece|article|writeup|write-up|story|post|report)s?(?:\W|$)",
    )
    .expect("article pattern is valid")
});

/// How much a passage from an outlet the question names rises ("what does Invezz say…"): the
/// question asks for that outlet's account, so its passage leads over another outlet's holding
/// more of the question's words.
const OUTLET_BOOST: f32 = 5.0;

/// Reads which outlets a question names: a publisher's words in a row among the question's.
/// A one-word name that is also a word the passages use ("Time", "Fortune") counts only
/// capitalised, as a name is written.
pub struct NamedOutlets<F> {
    /// The question's words, lower-cased.
    lower: Vec<String>,
    /// The stemmed words a question names an article by ("the $53B piece": "53", "billion").
    article: Vec<String>,
    /// The question's words as typed.
    typed: Vec<String>,
    everyday: F,
}

impl<F: FnMut(&str) -> bool> NamedOutlets<F> {
    pub fn new(question: &str, everyday: F) -> Self {
        let typed: Vec<String> = question
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        let article = ARTICLE_NAMED
            .captures(&question.to_lowercase())
            .map(|c| stemmed_tokens(&c[1]))
            .unwrap_or_default();
        NamedOutlets {
            lower: typed.iter().map(|w| w.to_lowercase()).collect(),
            typed,
            everyday,
            article,
        }
    }

    /// Whether the question names this article by words of its title or its reference
    /// ("per the $53B piece" for "Alibaba’s $53 Billion AI Bet…", "the unnamed article" for
    /// `unnamed-53-billion-bet`).
    pub fn names_title(&self, title: &str) -> bool {
        if self.article.is_empty() {
            return false;
        }
        let words = stemmed_tokens(title);
        self.article.iter().all(|t| words.contains(t))
    }

    /// Whether the question names this publisher.
    pub fn names(&mut self, publisher: &str) -> bool {
        let typed: Vec<&str> = publisher
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let lower: Vec<String> = typed.iter().map(|w| w.to_lowercase()).collect();
        match lower.as_slice() {
            [] => false,
            [word] => {
                let name = typed[0];
                self.typed.iter().any(|w| w == name)
                    || (self.lower.contains(word) && !(self.everyday)(word))
            }
            _ => self
                .lower
                .windows(lower.len())
                .any(|w| w == lower.as_slice()),
        }
    }
}

/// What a table's rows count for against the sentences of the text (tables in news recap the
/// text in cells: the sentence saying it reads better as a quote).
const TABLE_SHARE: f32 = 0.5;

/// Whether a passage is a table: rows of cells (see `corpus::table`).
fn is_table(text: &str) -> bool {
    use crate::corpus::table::CELL_SEPARATOR;
    text.lines().filter(|l| l.contains(CELL_SEPARATOR)).count() >= 2
}

/// Re-ranks hits by how much of the question (weighted by rarity) the best sentence of each
/// holds: `tags` has bit `i` set where the passage holds concept `i` anywhere (see
/// [`question_scoring`]). Passages stating what the question expects, labelling a value with
/// one of its words, or from an outlet or article it names, rise; the best passage naming the
/// thing asked the name of comes first.
pub fn rerank<F: FnMut(&str) -> bool>(
    hits: Vec<(Hit, u64)>,
    concepts: &[Concept],
    expected: Expected,
    currencies: &[&regex::Regex],
    named: &mut NamedOutlets<F>,
    mut rare: impl FnMut(&str) -> bool,
) -> Vec<Hit> {
    let total: f32 = concepts.iter().map(|c| c.idf).sum();
    let mut out = Vec::with_capacity(hits.len());
    let mut outlets: std::collections::HashMap<String, bool> = Default::default();
    let mut titles: std::collections::HashMap<String, bool> = Default::default();
    let matcher = SentenceMatcher::new(concepts);
    // "In that key moves table, what's the reason listed for SMIC's pop?"
    let wants_a_table = concepts
        .iter()
        .any(|c| matches!(c.label.as_str(), "table" | "tables"));
    for (mut hit, tags) in hits {
        hit.concepts = tags;
        let stated = match expected {
            Expected::Name => matcher.names_a_thing(&hit.text, &mut rare),
            _ => states(expected, &hit.text),
        };
        if stated {
            hit.score *= if expected == Expected::Companies {
                COMPANIES_BOOST
            } else if matches!(
                expected,
                Expected::Reason
                    | Expected::Person
                    | Expected::Customer
                    | Expected::Place
                    | Expected::Risk
            ) {
                CAUSE_OR_PERSON_BOOST
            } else if matches!(
                expected,
                Expected::Name
                    | Expected::Quote
                    | Expected::Term
                    | Expected::Disclosure
                    | Expected::Source
                    | Expected::Condition
                    | Expected::Venue
                    | Expected::Extent
                    | Expected::Definition
            ) {
                SPECIFIC_BOOST
            } else if expected == Expected::Date && FULL_DATE.is_match(&hit.text) {
                FULL_DATE_BOOST
            } else {
                EXPECTED_BOOST
            };
        }
        // An amount in the currency the question names ("in HKD": "HK$151.80").
        if currencies.iter().any(|c| c.is_match(&hit.text)) {
            hit.score *= CURRENCY_BOOST;
        }
        // A value labelled with what the question asks for is the answer itself.
        if matcher.labels_an_answer(&hit.text) {
            hit.score *= SPECIFIC_BOOST;
        }
        let by_outlet = hit.source.publisher.as_ref().is_some_and(|publisher| {
            *outlets
                .entry(publisher.clone())
                .or_insert_with(|| named.names(publisher))
        });
        let mut by_title = || {
            *titles.entry(hit.source.article.clone()).or_insert_with(|| {
                named.names_title(&format!("{} {}", hit.source.title, hit.source.article))
            })
        };
        if by_outlet || by_title() {
            hit.score *= OUTLET_BOOST;
        }
        if total > 0.0 && concepts.len() >= 2 {
            // Only the concepts the passage holds somewhere can be in one of its sentences.
            let held = matcher.coverage(&hit.text, hit.section.as_deref(), tags);
            let share = (held / total).min(1.0);
            hit.score *= COVERAGE_FLOOR + (1.0 - COVERAGE_FLOOR) * share.powf(COVERAGE_POWER);
        }
        if !wants_a_table && is_table(&hit.text) {
            hit.score *= TABLE_SHARE;
        }
        out.push((hit, stated && expected == Expected::Name));
    }
    // A passage naming the thing asked the name of comes first, whatever else the question's
    // modifiers match elsewhere ("what do they call their homebrew chip": "Zhenwu").
    let best = out.iter().map(|(h, _)| h.score).fold(0.0f32, f32::max);
    let best_naming = out
        .iter()
        .filter(|(_, names)| *names)
        .map(|(h, _)| h.score)
        .fold(0.0f32, f32::max);
    let lift = if best_naming > 0.0 {
        (best * NAMED_FIRST / best_naming).max(1.0)
    } else {
        1.0
    };
    let mut out: Vec<Hit> = out
        .into_iter()
        .map(|(mut hit, names)| {
            if names {
                hit.score *= lift;
            }
            hit
        })
        .collect();
    super::answer::sort_hits(&mut out);
    out
}

/// How much of a concept a sentence holds when only the sentence it points back to has it.
const BEFORE_SHARE: f32 = 0.7;

/// How much a question the text asks counts of what it holds.
const ASKED_SHARE: f32 = 0.75;

/// How much of a concept a passage holds when only its heading has it.
const HEADING_SHARE: f32 = 0.5;

/// Finds which of a question's concepts the sentences of a passage hold: each distinct
/// stemmed term of the concepts' variants gets a number, so a sentence is read once, token by
/// token, without collecting its words.
pub struct SentenceMatcher<'c> {
    terms: rustc_hash::FxHashMap<&'c str, usize>,
    /// Per concept: its rarity and, per variant, the numbers of its terms.
    concepts: Vec<(f32, Vec<Vec<usize>>)>,
}

impl<'c> SentenceMatcher<'c> {
    pub fn new(concepts: &'c [Concept]) -> Self {
        let mut terms = rustc_hash::FxHashMap::default();
        let concepts = concepts
            .iter()
            .map(|c| {
                let variants = c
                    .variants
                    .iter()
                    .filter(|(t, _)| !t.is_empty())
                    .map(|(t, _)| {
                        t.iter()
                            .map(|term| {
                                let next = terms.len();
                                *terms.entry(term.as_str()).or_insert(next)
                            })
                            .collect()
                    })
                    .collect();
                (c.idf, variants)
            })
            .collect();
        SentenceMatcher { terms, concepts }
    }

    /// Whether the text names one of the things the question asks about: a rare capitalised
    /// word, not the question's and not opening a sentence, right before one of the
    /// question's words ("the Zhenwu processor", "its Kunlun P800 chips").
    pub fn names_a_thing(&self, text: &str, rare: &mut impl FnMut(&str) -> bool) -> bool {
        let mut previous: Option<(usize, usize, bool)> = None;
        let mut names: Vec<&str> = Vec::new();
        for_each_stemmed_token_at(text, |from, to, t| {
            let asked = self.terms.contains_key(t);
            // Only a space between the name and the thing: "Zhenwu processor", not
            // "• Bearish Case: Export controls".
            if asked
                && let Some((start, end, false)) = previous
                && text[end..from].chars().all(char::is_whitespace)
            {
                let word = &text[start..end];
                let opens = text[..start]
                    .trim_end()
                    .chars()
                    .last()
                    .is_none_or(|c| matches!(c, '.' | '!' | '?' | ':' | '\n'));
                if word.chars().next().is_some_and(char::is_uppercase) && !opens {
                    names.push(word);
                }
            }
            previous = Some((from, to, asked));
        });
        // Looked up after the text is read: the lookup stems too.
        names.into_iter().any(rare)
    }

    /// Whether the passage labels a value with one of the question's words, the whole label: a
    /// line or bullet opening "Support: …" or "• Bearish Case: …" is what a question on that
    /// thing asks for. Common words (the company every passage names) don't count.
    pub fn labels_an_answer(&self, text: &str) -> bool {
        LABEL.captures_iter(text).any(|c| {
            let mut label: Vec<usize> = Vec::new();
            let mut words = 0;
            for_each_stemmed_token_at(&c[1], |_, _, t| {
                words += 1;
                if let Some(&n) = self.terms.get(t) {
                    label.push(n);
                }
            });
            words <= LABEL_WORDS
                && self.concepts.iter().any(|(idf, variants)| {
                    *idf >= LABEL_MIN_IDF
                        && variants
                            .iter()
                            .any(|v| !v.is_empty() && label.len() == words && *v == label)
                })
        })
    }

    /// The rarity (summed idf) of the question's concepts that the passage's best sentence
    /// holds, counting only the concepts `found` says the passage has (bit `i` for concept
    /// `i`): a reader sees a sentence or two, so a passage answers when one sentence holds
    /// the question, not when its words are scattered over the passage. The heading the
    /// passage sits under ("Alibaba Chart Analysis") speaks for each of its sentences, weaker.
    pub fn coverage(&self, text: &str, section: Option<&str>, found: u64) -> f32 {
        let mut heading = vec![false; self.terms.len()];
        if let Some(section) = section {
            for_each_stemmed_token(section, |t| {
                if let Some(&i) = self.terms.get(t) {
                    heading[i] = true;
                }
            });
        }
        let holds = |seen: &[bool], variants: &[Vec<usize>]| {
            variants.iter().any(|v| v.iter().all(|&i| seen[i]))
        };
        // What a sentence holds (`own`), and what the sentence before it holds when it goes
        // on about the same thing ("This positioned the company…"), weaker (`before`).
        let sentence_held = |own: &[bool], before: &[bool]| -> f32 {
            self.concepts
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < 64 && found & (1 << i) != 0)
                .map(|(_, (idf, variants))| {
                    if holds(own, variants) {
                        *idf
                    } else if holds(before, variants) {
                        BEFORE_SHARE * idf
                    } else if holds(&heading, variants) {
                        HEADING_SHARE * idf
                    } else {
                        0.0
                    }
                })
                .sum()
        };
        let mut own = vec![false; self.terms.len()];
        let mut before = vec![false; self.terms.len()];
        let mut best: f32 = sentence_held(&own, &before);
        let mut any = false;
        let mut last_end = 0;
        // What a sentence counts: less when it is a question the text asks.
        let share = |asks: bool| if asks { ASKED_SHARE } else { 1.0 };
        for_each_stemmed_token_at(text, |from, to, t| {
            let gap = &text[last_end..from.max(last_end)];
            let asks = asks_then_answers(gap);
            if any && (asks || sentence_ends(gap, &text[from..])) {
                best = best.max(share(asks) * sentence_held(&own, &before));
                if asks || refers_back(&text[from..]) {
                    before.copy_from_slice(&own);
                } else {
                    before.fill(false);
                }
                own.fill(false);
                any = false;
            }
            if let Some(&i) = self.terms.get(t) {
                own[i] = true;
                any = true;
            }
            last_end = to;
        });
        best.max(share(asks_then_answers(&text[last_end..])) * sentence_held(&own, &before))
    }
}

/// Whether `gap`, the text between two words, ends a question the text asks: a question mark
/// and a space, a new line, or a dash opening the answer ("…its global ambitions? - Domestic
/// Competitive Edge: …", which sentence rules read as one sentence). The question echoes a
/// reader's words without answering them.
fn asks_then_answers(gap: &str) -> bool {
    let Some(at) = gap.rfind('?') else {
        return false;
    };
    let after = &gap[at + 1..];
    let rest = after.trim_start();
    after.len() > rest.len() && (rest.is_empty() || rest.starts_with(['-', '–', '—']))
}

/// Whether a sentence opens by pointing back at the one before it ("This positioned the
/// company…", "It also drove…"): what it says is about what that one names.
fn refers_back(sentence: &str) -> bool {
    let first = sentence
        .split(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or("");
    matches!(
        first,
        "This" | "These" | "It" | "Its" | "That" | "They" | "Their" | "Such"
    )
}

/// Whether a sentence ends in `gap`, the text between two words, before `next`: at a line
/// break, or after a full stop, question or exclamation mark and a space, unless a comma,
/// colon or dash goes on with it, or, after a full stop, the next word is in lower case
/// ("U.S. export" and "e.g. the" go on). This is the part of Unicode's sentence rules (UAX
/// #29, which the quotes use) that ranking needs, without their per-character table look-ups
/// over every passage ranked; a test checks that the two agree on the seed corpus.
pub(crate) fn sentence_ends(gap: &str, next: &str) -> bool {
    if gap.contains(['\n', '\r', '\u{2029}']) {
        return true;
    }
    let Some(stop) = gap.rfind(['.', '!', '?']) else {
        return false;
    };
    let after = &gap[stop + 1..];
    if !after.contains(char::is_whitespace) {
        return false;
    }
    let mut following = after.chars().chain(next.chars());
    let goes_on = following
        .clone()
        .find(|c| !c.is_whitespace())
        .is_some_and(|c| [',', '-', ':', '–', '—'].contains(&c));
    let lower_after_stop = gap[stop..].starts_with('.')
        && following
            .find(|c| c.is_alphabetic())
            .is_some_and(char::is_lowercase);
    !goes_on && !lower_after_stop
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::engine::query;
    use crate::index::Snapshot;

    #[test]
    fn words_the_question_sets_aside_weigh_little() {
        let weighed = |labels: &[&str], question: &str| {
            let mut concepts: Vec<Concept> = labels.iter().map(|l| concept(l, 1.0)).collect();
            weigh_known(&mut concepts, question);
            concepts
                .iter()
                .map(|c| c.variants[0].1)
                .collect::<Vec<f32>>()
        };
        let k = KNOWN_WEIGHT;
        assert_eq!(
            weighed(
                &["brazil", "france", "nl", "cloud", "regions"],
                "other than brazil/france/NL, where else r they putting cloud regions?"
            ),
            [k, k, k, 1.0, 1.0]
        );
        assert_eq!(
            weighed(
                &["3", "first-timers", "markets", "next year"],
                "apart from the 3 first-timers which other markets are on the list for next year?"
            ),
            [k, k, 1.0, 1.0]
        );
        assert_eq!(
            weighed(&["capex", "wu"], "besides, what did wu say on capex?"),
            [1.0, 1.0]
        );
        assert_eq!(
            weighed(
                &["model", "max", "good"],
                "what's the other new model, not the Max one, supposed to be good at?"
            ),
            [1.0, k, 1.0]
        );
    }

    #[test]
    fn a_value_labelled_with_the_whole_of_a_question_word_answers_it() {
        let concepts = [
            concept("support", 2.0),
            concept("current", 2.0),
            concept("accelerators", 2.0),
            concept("alibaba", 0.4),
        ];
        let matcher = SentenceMatcher::new(&concepts);
        assert!(matcher.labels_an_answer("- Support: Strong support sits near $148."));
        assert!(matcher.labels_an_answer("Prices.\nSupport: $148"));
        // A label holding more than the word, one inside a sentence, a common word: no.
        assert!(!matcher.labels_an_answer("- Current price: $155.44"));
        assert!(!matcher.labels_an_answer("- Accelerated Chinese Tech Localization: This will"));
        assert!(!matcher.labels_an_answer("Analysts see support: at $148."));
        assert!(!matcher.labels_an_answer("- Alibaba: the company said"));
    }

    #[test]
    fn an_article_is_named_by_words_of_its_title_or_reference() {
        let named = |question: &str, title: &str| {
            NamedOutlets::new(question, |_: &str| true).names_title(title)
        };
        let title =
            "Alibaba’s $53 Billion AI Bet Reignites Investor Confidence unnamed-53-billion-bet";
        assert!(named("who's ali up against per the $53B piece", title));
        assert!(named(
            "which stocks does the 53B article say to hold",
            title
        ));
        assert!(named("what's the bear case in the unnamed article?", title));
        assert!(!named("what's the bear case in the invezz article?", title));
        // No article named: no title counts.
        assert!(!named("how big is the $53B plan?", title));
    }

    #[test]
    fn a_question_asking_which_outlet_wants_a_passage_citing_one() {
        for asks in [
            "which outlet broke the story abt ali and baidu",
            "who broke the news that they train on their own chips?",
            "who reported it first",
            "what publication had the scoop",
            "which website put it out first?",
            "who's the original source for the training story?",
            "whose scoop was it?",
        ] {
            assert_eq!(expected(asks), Expected::Source, "{asks}");
        }
        // Scooping up a company is buying it.
        assert_ne!(
            expected("what yr did baba scoop up the chip startup?"),
            Expected::Source
        );
        assert_eq!(expected("who runs the cloud unit?"), Expected::Person);
        for cites in [
            "Furthermore, a report from The Information indicated that",
            "according to Reuters, the plan",
            "Bloomberg News reported on Monday",
            "This article was originally published on InvestingCube.com.",
            "The article Alibaba's AI budget increased first appeared in ABMedia.",
        ] {
            assert!(states(Expected::Source, cites), "{cites}");
        }
        assert!(!states(
            Expected::Source,
            "the company reported a 26% jump in cloud revenue"
        ));
    }

    #[test]
    fn a_question_asking_for_someones_words_wants_a_quotation() {
        for asks in [
            "whats the exact eddie wu quote abt ASI",
            "what did wu say, verbatim?",
            "give me the quote from the ceo",
            "in his own words, what is the plan",
        ] {
            assert_eq!(expected(asks), Expected::Quote, "{asks}");
        }
        // A quote that only says where to look asks what the word means.
        assert_eq!(
            expected("what is 'superintelligence' supposed to mean in eddie wu's quote"),
            Expected::Anything
        );
        assert!(states(
            Expected::Quote,
            "He said “we are vigorously advancing a plan” on Monday."
        ));
        assert!(states(
            Expected::Quote,
            "\"We will keep investing,\" the CEO said."
        ));
        // Two words in quote marks are a name or a phrase, not someone's words.
        assert!(!states(
            Expected::Quote,
            "He said “AI plus cloud” will remain."
        ));
    }

    #[test]
    fn an_aside_before_the_sentence_that_asks_weighs_less() {
        let idfs = |labels: &[&str], question: &str| -> Vec<f32> {
            let mut concepts: Vec<Concept> = labels.iter().map(|l| concept(l, 1.0)).collect();
            weigh_preamble(&mut concepts, question);
            concepts.iter().map(|c| c.idf).collect()
        };
        assert_eq!(
            idfs(
                &["notebook", "prices", "hong kong", "dollars", "shares"],
                "I keep a notebook of share prices. At what figure in Hong Kong dollars did the \
                 shares end?"
            ),
            [PREAMBLE_WEIGHT, PREAMBLE_WEIGHT, 1.0, 1.0, 1.0]
        );
        // A short question about the sentence before it keeps that sentence whole.
        assert_eq!(
            idfs(
                &["machines", "cleverer", "people"],
                "I keep seeing talk of machines cleverer than people. What exactly does that mean?"
            ),
            [1.0; 3]
        );
        // A full stop before a small letter ("vs. the"), after an initial ("U.S. Which") or
        // inside a figure ("$3.2") ends no sentence; a dash is no trouble.
        assert_eq!(
            idfs(
                &["cloud", "grow", "stretch", "dollars"],
                "How much did the cloud grow vs. the same stretch — $3.2 Billion in dollars?"
            ),
            [1.0; 4]
        );
        assert_eq!(
            idfs(
                &["stock", "fell", "rival", "cloud", "chips"],
                "The stock fell in the U.S. Which rival gained on cloud and chips?"
            ),
            [1.0; 5]
        );
        // An earlier question asks too: its words are not an aside.
        assert_eq!(
            idfs(
                &["cloud", "growth", "ceo", "said", "about", "margins"],
                "What was cloud growth? And what did the CEO say about margins?"
            ),
            [1.0; 6]
        );
    }

    #[test]
    fn a_rare_name_before_a_word_of_the_question_names_the_thing_asked_about() {
        assert_eq!(expected("what's their AI chip called?"), Expected::Name);
        assert_eq!(expected("what is the name of the fund?"), Expected::Name);
        assert_eq!(expected("what's it named"), Expected::Name);
        assert_eq!(
            expected("what do they call ali's homebrew ai chip"),
            Expected::Name
        );
        // "What silicon", "which processor": the thing itself, by its name.
        assert_eq!(
            expected("what silicon is baidu training its chatbot on?"),
            Expected::Name
        );
        assert_eq!(expected("what hardware does it run on"), Expected::Name);
        // A chip stock or a chip maker is a company, not a product's name.
        assert_eq!(expected("which chip stocks rallied?"), Expected::Anything);
        // "The name" is also a stock: this asks how long.
        assert_eq!(
            expected("how long was cathie out of the name?"),
            Expected::Duration
        );
        let concepts = [concept("chips", 1.0), concept("processor", 1.0)];
        let matcher = SentenceMatcher::new(&concepts);
        let mut rare = |w: &str| w == "Zhenwu";
        assert!(matcher.names_a_thing("Alibaba's Zhenwu chips are used.", &mut rare));
        assert!(matcher.names_a_thing("It developed the Zhenwu processor.", &mut rare));
        // A common name, one opening the sentence, or a word in lower case is not one.
        assert!(!matcher.names_a_thing("They still rely on Nvidia chips.", &mut rare));
        assert!(!matcher.names_a_thing("It said so. Zhenwu chips are used.", &mut rare));
        assert!(!matcher.names_a_thing("They use zhenwu chips.", &mut rare));
        // A label before a colon is not a name: "• Bearish Case: Export controls…".
        let concepts = [concept("export", 1.0)];
        let matcher = SentenceMatcher::new(&concepts);
        let mut rare = |w: &str| w == "Case";
        assert!(!matcher.names_a_thing("• Bearish Case: Export controls bite.", &mut rare));
        assert!(!matcher.names_a_thing("The Case, export controls.", &mut rare));
        assert!(matcher.names_a_thing("The Case export controls.", &mut rare));
    }

    #[test]
    fn a_count_and_its_unit_in_shorthand_is_searched_in_its_parts_other_forms() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let knowledge = Knowledge::load(&data).unwrap();
        let forms = part_synonyms(&knowledge, "3-yr");
        for form in ["three yr", "3 year", "three year"] {
            assert!(forms.iter().any(|f| f == form), "{forms:?}");
        }
        assert!(!forms.iter().any(|f| f == "3 yr"), "{forms:?}");
        // Run together, as chat writes it: "5y" is five years.
        let forms = part_synonyms(&knowledge, "5y");
        for form in ["five y", "5 year", "five year"] {
            assert!(forms.iter().any(|f| f == form), "{forms:?}");
        }
        assert!(part_synonyms(&knowledge, "9988").is_empty());
        assert!(part_synonyms(&knowledge, "h100").is_empty());
        // A name is not a count, nor a figure or a phrase.
        assert!(part_synonyms(&knowledge, "qwen3-next").is_empty());
        assert!(part_synonyms(&knowledge, "$3.2 billion").is_empty());
        assert!(part_synonyms(&knowledge, "3.2").is_empty());
        assert!(part_synonyms(&knowledge, "3 yr").is_empty());
    }

    #[test]
    fn items_of_a_list_in_the_question_are_marked() {
        let labelled = |labels: &[&str], question: &str| {
            let mut concepts: Vec<Concept> = labels.iter().map(|l| concept(l, 1.0)).collect();
            mark_lists(&mut concepts, question);
            concepts.iter().map(|c| c.listed).collect::<Vec<bool>>()
        };
        assert_eq!(
            labelled(
                &["smic", "hua hong", "trade"],
                "how'd SMIC and Hua Hong trade?"
            ),
            [false, true, false]
        );
        assert_eq!(
            labelled(
                &["brazil", "france", "nl", "cloud", "regions"],
                "other than brazil/france/NL, where else are cloud regions?"
            ),
            [false, true, true, false, false]
        );
        assert_eq!(
            labelled(&["baba", "capex", "2025"], "baba capex 2025 vs. 2024"),
            [false, false, false]
        );
        // A word the question does not hold as typed (a phrase found in another form) is
        // not marked.
        assert_eq!(
            labelled(
                &["pulls back", "floor"],
                "if it pulled back, and the floor?"
            ),
            [false, false]
        );
    }

    /// The seed corpus indexed in memory, with the shipped synonyms and topics.
    fn seed() -> (Snapshot, Knowledge) {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        (
            Snapshot::in_ram(&data).unwrap(),
            Knowledge::load(&data).unwrap(),
        )
    }

    #[test]
    fn a_word_given_twice_or_in_two_forms_is_one_concept() {
        let (snapshot, knowledge) = seed();
        let searcher = snapshot.reader.searcher();
        let mut builder = Builder::new(&snapshot.fields);
        let parsed = query::parse_search("\"data centers\" \"data center\" Brazil chips Brazil");
        let items: Vec<Item> = parsed.items().cloned().collect();
        let concepts = concepts(&mut builder, &searcher, &knowledge, &items, false);
        let labels: Vec<&str> = concepts.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["data centers", "brazil", "chips"]);
    }

    #[test]
    fn a_second_sense_of_a_groups_word_is_not_read_into_the_others() {
        let (snapshot, knowledge) = seed();
        let searcher = snapshot.reader.searcher();
        let mut builder = Builder::new(&snapshot.fields);
        let read = |builder: &mut Builder<'_>, question: &str| -> Vec<Vec<String>> {
            let items: Vec<Item> = query::content_words(question)
                .into_iter()
                .map(Item::Word)
                .collect();
            concepts(builder, &searcher, &knowledge, &items, true)
                .into_iter()
                .flat_map(|c| c.variants.into_iter().map(|(terms, _)| terms))
                .collect()
        };
        let announced = vec!["announc".to_string()];
        // "dropped" a model is released or announced, as typed...
        assert!(read(&mut builder, "which model did they drop?").contains(&announced));
        // ...but "fall", in a group with "dropped", is not.
        let fall = read(&mut builder, "why did the stock fall?");
        assert!(!fall.contains(&announced), "{fall:?}");
        assert!(fall.contains(&vec!["slump".to_string()]));
    }

    #[test]
    fn a_question_asks_for_a_time_a_reason_or_a_person_and_passages_stating_one_are_known() {
        assert_eq!(expected("What time was the quote taken?"), Expected::Time);
        assert_eq!(expected("why did the stock slump?"), Expected::Reason);
        assert_eq!(expected("How come it fell?"), Expected::Reason);
        assert_eq!(expected("which month did the quarter end?"), Expected::Date);
        assert_eq!(expected("who said it?"), Expected::Person);
        assert_eq!(expected("who's the guy running it?"), Expected::Person);
        assert_eq!(expected("whose idea was it?"), Expected::Anything);
        assert_eq!(expected("what is it?"), Expected::Anything);
        assert!(states(
            Expected::Person,
            "Chief Executive Eddie Wu said so."
        ));
        assert!(states(Expected::Person, "said CEO Wu Yongming on Monday"));
        assert!(states(
            Expected::Person,
            "Vey-Sern Ling, a senior analyst at Union Bancaire Privee, said"
        ));
        assert!(states(
            Expected::Person,
            "Jane Doe, the company's chief executive"
        ));
        // A person of a firm saying something: "Morningstar's Phelix Lee noted".
        assert!(states(
            Expected::Person,
            "Morningstar’s Phelix Lee captured the sentiment, noting that"
        ));
        // A name alone, or a role alone, is not a person named by role; nor a firm's thing.
        assert!(!states(
            Expected::Person,
            "Alibaba Cloud and Hong Kong rose."
        ));
        assert!(!states(
            Expected::Person,
            "Alibaba’s Hong Kong shares rose 9%."
        ));
        assert!(!states(Expected::Person, "the chief executive said"));
        assert!(states(Expected::Time, "rose 9.3% as of 4:21 a.m. ET"));
        assert!(states(Expected::Time, "trading resumed at 3 pm"));
        assert!(states(Expected::Time, "halted at 3 p.m. local time"));
        assert!(!states(Expected::Time, "rose 9.3% to $151.80"));
        assert!(states(
            Expected::Reason,
            "the slump stemmed largely from a crackdown"
        ));
        assert!(states(Expected::Reason, "shares fell due to weak demand"));
        assert!(states(
            Expected::Reason,
            "Hua Hong | +9% | Benefiting from foundry tailwinds"
        ));
        assert!(states(Expected::Reason, "a rally triggered by the news"));
        assert!(!states(Expected::Reason, "shares fell 3% on Monday"));
    }

    #[test]
    fn an_outlet_is_named_by_its_words_and_an_everyday_word_only_capitalised() {
        let everyday = |w: &str| ["time", "fortune"].contains(&w);
        let mut named = NamedOutlets::new("what does info finance say about AI?", everyday);
        assert!(named.names("Info Finance"));
        assert!(!named.names("Finance Times"));
        assert!(!named.names("Invezz"));
        let mut named = NamedOutlets::new("what did invezz and Fortune write", everyday);
        assert!(named.names("Invezz"));
        assert!(named.names("Fortune"));
        // "what time" asks for a time; it does not name Time.
        let mut named = NamedOutlets::new("what time did it open?", everyday);
        assert!(!named.names("Time"));
        let mut named = NamedOutlets::new("what did Time say?", everyday);
        assert!(named.names("Time"));
    }

    fn concept(label: &str, idf: f32) -> Concept {
        Concept {
            label: label.into(),
            variants: vec![(crate::index::tokenizer::stemmed_tokens(label), 1.0)],
            idf,
            same: 1,
            listed: false,
        }
    }

    /// The weights of concepts (label, weight) after the question's frame is set aside.
    fn framed(question: &str, labels: &[(&str, f32)]) -> Vec<f32> {
        let mut concepts: Vec<Concept> = labels.iter().map(|(l, idf)| concept(l, *idf)).collect();
        weigh_frame(&mut concepts, expected(question), question);
        concepts.iter().map(|c| c.idf).collect()
    }

    #[test]
    fn words_framing_a_source_question_weigh_little() {
        let question = "where did the chip story come from, some tech outlet?";
        let mut concepts = vec![
            concept("chip", 1.0),
            concept("story", 1.0),
            concept("come", 2.0),
            concept("tech", 1.5),
        ];
        weigh_frame(&mut concepts, expected(question), question);
        let idf: Vec<f32> = concepts.iter().map(|c| c.idf).collect();
        assert_eq!(idf, [1.0, 1.0, 2.0 * KNOWN_WEIGHT, 1.5 * KNOWN_WEIGHT]);
        assert_eq!(concepts[3].variants[0].1, KNOWN_WEIGHT);
        // Only a question asking for a source is framed so.
        assert_eq!(
            framed(
                "what tech is coming next?",
                &[("tech", 1.5), ("coming", 2.0)]
            ),
            [1.5, 2.0]
        );
        // Nor is "go right" what a condition is asked about.
        assert_eq!(
            framed(
                "what would have to go right for the stock to climb back?",
                &[
                    ("go", 2.0),
                    ("right", 1.0),
                    ("stock", 1.0),
                    ("climb back", 3.0)
                ]
            ),
            [2.0 * KNOWN_WEIGHT, KNOWN_WEIGHT, 1.0, 3.0]
        );
        // Who said it, in a question about what was said: the answer may say "he".
        assert_eq!(
            framed(
                "what did the boss say about global AI spending?",
                &[("boss", 2.0), ("global", 1.0)]
            ),
            [2.0 * KNOWN_WEIGHT, 1.0]
        );
        // Not when the question asks who.
        assert_eq!(
            framed(
                "who's the boss of the cloud unit?",
                &[("boss", 2.0), ("cloud", 1.0)]
            ),
            [2.0, 1.0]
        );
        // Who used a term, and how, in a question asking what it means; not the term itself.
        assert_eq!(
            framed(
                "what's the superintelligence thing wu keeps talking about in his speech?",
                &[
                    ("superintelligence", 3.0),
                    ("wu", 2.0),
                    ("keeps", 2.0),
                    ("talking", 1.0),
                    ("speech", 2.0),
                ]
            ),
            [
                3.0,
                2.0 * KNOWN_WEIGHT,
                2.0 * KNOWN_WEIGHT,
                KNOWN_WEIGHT,
                2.0 * KNOWN_WEIGHT
            ]
        );
        assert_eq!(
            framed(
                "ASI in wu's speech: what does it mean?",
                &[("asi", 3.0), ("wu", 2.0)]
            ),
            [3.0, 2.0 * KNOWN_WEIGHT]
        );
        assert_eq!(
            framed(
                "what does superintelligence mean?",
                &[("superintelligence", 3.0)]
            ),
            [3.0]
        );
        // The date asked for is the kind of answer, not a word of it ("Year-to-date").
        assert_eq!(
            framed(
                "What day did they announce it? like the actual date",
                &[("announce", 2.0), ("date", 3.0)]
            ),
            [2.0, 3.0 * KNOWN_WEIGHT]
        );
        // "What share of" asks for a part, not about shares; "a share" is still one.
        assert_eq!(
            framed(
                "what share of that raise goes to the cloud side?",
                &[("share", 2.0), ("raise", 3.0)]
            ),
            [2.0 * KNOWN_WEIGHT, 3.0]
        );
        assert_eq!(
            framed("how much is a share worth now?", &[("share", 2.0)]),
            [2.0]
        );
        // The news something moved on, whatever the question asks.
        assert_eq!(
            framed(
                "naura - how much did it move on the baba news",
                &[("naura", 3.0), ("baba", 3.0)]
            ),
            [3.0, 3.0 * KNOWN_WEIGHT]
        );
        assert_eq!(
            framed(
                "abmedia says baba hk ripped how much after the capex announcement?",
                &[("baba", 3.0), ("capex", 2.0)]
            ),
            [3.0, 2.0 * KNOWN_WEIGHT]
        );
        // Not news the question asks about.
        assert!(news_named(&["what", "news", "did", "the", "stock", "move", "on"]).is_empty());
    }

    #[test]
    fn when_will_asks_for_a_time_to_come_or_what_it_waits_on() {
        assert_eq!(
            expected("when will companies open the wallet?"),
            Expected::Future
        );
        assert_eq!(expected("when do the data centers open?"), Expected::Future);
        assert_eq!(expected("when did they announce it?"), Expected::Date);
        for states_one in [
            "will open its first data centers within the next year",
            "could reclaim the $180–$200 zone in the coming quarters",
            "companies will only increase their investments when return visibility improves",
        ] {
            assert!(states(Expected::Future, states_one), "{states_one}");
        }
        assert!(!states(Expected::Future, "shares rose 9% on the news"));
    }

    #[test]
    fn where_something_was_said_asks_for_the_event() {
        for asks in [
            "where'd Wu make the pitch?",
            "where did he announce the spending?",
            "at what event did they launch it?",
            "which conference was it?",
            "where was the boss when he dropped the news?",
            "At what sort of gathering did the head of the company say it?",
            "like what kind of event was it",
        ] {
            assert_eq!(expected(asks), Expected::Venue, "{asks}");
        }
        assert_ne!(expected("where is the bond money going?"), Expected::Venue);
        assert_ne!(
            expected("what kind of chips did they make?"),
            Expected::Venue
        );
        for states_one in [
            "CEO Wu Yongming stated at the Hangzhou Developer Conference that",
            "At Alibaba Cloud’s annual technology conference, Chief Executive Officer Eddie Wu",
        ] {
            assert!(states(Expected::Venue, states_one), "{states_one}");
        }
        // An event referred back to is not named.
        assert!(!states(
            Expected::Venue,
            "services unveiled at the same event"
        ));
    }

    #[test]
    fn a_day_of_a_month_or_a_month_of_a_year_is_a_full_date() {
        for full in [
            "Alibaba announced on September 24th that",
            "committed over three years since February 2025",
            "on Sept. 24, shares rose",
            "on 24 September the plan",
        ] {
            assert!(FULL_DATE.is_match(full), "{full}");
        }
        for not in [
            "surged 7.2% on Wednesday",
            "its highest level since 2021",
            "may rise 5%",
        ] {
            assert!(!FULL_DATE.is_match(not), "{not}");
        }
    }

    #[test]
    fn how_long_and_how_far_back_ask_for_a_span() {
        for asks in [
            "how long has alibaba had its own chip unit?",
            "How far back does the chip division go?",
            "how long was ARK out of the stock?",
        ] {
            assert_eq!(expected(asks), Expected::Duration, "{asks}");
        }
        // "How far" alone asks how far a price moved.
        assert_eq!(expected("how far did the stock fall?"), Expected::Figure);
        for states_one in [
            "Chinese equities have lagged global peers for much of the past three years",
            "Ark bought Alibaba after a four-year hiatus",
            "Alibaba acquired Hangzhou Zhongtian Microsystems as early as 2018",
            "for the first time since 2021",
        ] {
            assert!(states(Expected::Duration, states_one), "{states_one}");
        }
        assert!(!states(Expected::Duration, "shares rose 9% to a record"));
    }

    #[test]
    fn a_question_asking_what_must_hold_wants_a_condition() {
        for asks in [
            "what would have to go right for the shares to reach $200?",
            "what needs to happen before firms spend more?",
            "what has to be true for the rally to last?",
            "what would it take for the stock to double?",
            "under what conditions would they raise the target?",
            "the analyst says firms spend more only if what happens?",
        ] {
            assert_eq!(expected(asks), Expected::Condition, "{asks}");
        }
        for not in [
            "what is going to happen to nvidia?",
            "what happened to the stock?",
            "what would the new chip take on?",
        ] {
            assert_ne!(expected(not), Expected::Condition, "{not}");
        }
        for states_one in [
            "If AI demand sustains, Alibaba could reclaim the $180–$200 zone",
            "as long as support holds",
            "companies will only increase their investments when return visibility improves",
            "unless export rules ease",
        ] {
            assert!(states(Expected::Condition, states_one), "{states_one}");
        }
        assert!(!states(
            Expected::Condition,
            "Alibaba will reclaim the $180–$200 zone in the coming quarters"
        ));
    }

    #[test]
    fn who_the_rivals_or_customers_are_asks_for_companies_not_a_person() {
        for asks in [
            "who's the new flagship model up against?",
            "Who are Alibaba's rivals now?",
            "who's competing with the cloud arm overseas?",
            "Which American cloud giants is Alibaba trying to beat abroad?",
            "which AI labs does the new model put them up against?",
        ] {
            assert_eq!(expected(asks), Expected::Companies, "{asks}");
        }
        // A customer or a partner is often named alone: a passage saying who took the thing
        // up answers, not a list of companies; chips are not companies.
        assert_eq!(
            expected("who is the first big customer for their chips?"),
            Expected::Customer
        );
        // A telco, a carrier, an operator or a bank running the thing took it up.
        assert_eq!(
            expected("which state telco is running their own-brand AI chips?"),
            Expected::Customer
        );
        assert_eq!(
            expected("has any carrier started using the chips?"),
            Expected::Customer
        );
        // So does anybody using it.
        assert_eq!(
            expected("Is anybody actually using their homemade AI chips yet?"),
            Expected::Customer
        );
        // And a question opening with who using it, not a "who" further on, nor who runs it.
        for asks in [
            "Who's actually using Alibaba's homemade chips?",
            "who else uses their chips?",
            "who is deploying the new accelerators?",
        ] {
            assert_eq!(expected(asks), Expected::Customer, "{asks}");
        }
        assert_eq!(expected("who is running Alibaba?"), Expected::Person);
        assert_ne!(
            expected("my nephew who uses chatbots asks: how big is the bet?"),
            Expected::Customer
        );
        assert_eq!(
            expected("which Nvidia chips are off-limits?"),
            Expected::Anything
        );
        assert_eq!(expected("who is the analyst at UBP?"), Expected::Person);
        for lists in [
            "compete with established rivals such as Amazon Web Services (AWS), Microsoft Azure, \
             and Google Cloud",
            "domestic challengers such as Baidu, Tencent, ByteDance, and startup DeepSeek",
            "peers including Baidu, Tencent and JD.com",
        ] {
            assert!(states(Expected::Companies, lists), "{lists}");
        }
        for lists_none in [
            "such as cloud computing and e-commerce",
            "rivals such as Amazon",
            "companies like these",
        ] {
            assert!(!states(Expected::Companies, lists_none), "{lists_none}");
        }
    }

    #[test]
    fn where_something_spreads_asks_for_a_list_of_places() {
        for asks in [
            "Besides the Europe and Brazil sites, where else is Ali planting its flag?",
            "Where are the first new Alibaba server farms going up abroad?",
            "and the other part? where else they expanding besides those 3",
            "where's the new data center footprint?",
        ] {
            assert_eq!(expected(asks), Expected::Place, "{asks}");
        }
        // Where money goes, where a price floor sits, where a speech was given: not places
        // something spreads to.
        assert_eq!(
            expected("where's the convertible money actually going?"),
            Expected::Anything
        );
        assert_eq!(
            expected("where's the floor if it pulls back?"),
            Expected::Anything
        );
        assert_eq!(
            expected("where did wu announce the new spending?"),
            Expected::Venue
        );
        for lists in [
            "will open its first data centers in Brazil, France, and the Netherlands",
            "while also expanding to Mexico, Japan, South Korea, Malaysia, and Dubai",
            "listed in Hong Kong, Shanghai and Shenzhen",
        ] {
            assert!(states(Expected::Place, lists), "{lists}");
        }
        for lists_none in [
            "rallied in Hong Kong and U.S. premarket trading",
            "outpacing the 2.1% gain in the Hang Seng Tech Index",
            "its footprint from the US to Australia",
            "compete with Amazon Web Services (AWS), Microsoft Azure, and Google Cloud",
        ] {
            assert!(!states(Expected::Place, lists_none), "{lists_none}");
        }
    }

    #[test]
    fn what_could_go_wrong_asks_for_a_risk() {
        for asks in [
            "what could go wrong and wipe out the rally in chinese tech?",
            "Is all this spending risky for Alibaba money-wise?",
            "Alright, what's the catch?",
            "What could knock Chinese tech stocks back down?",
            "What could make this whole Chinese tech rally fall apart?",
            "any worries about them spending this much?",
            "what stuff could put a ceiling on how high the stock goes from here?",
            "what keeps a lid on the shares?",
        ] {
            assert_eq!(expected(asks), Expected::Risk, "{asks}");
        }
        // A ceiling on the chart is a price.
        assert_ne!(
            expected("what level is the ceiling on the chart?"),
            Expected::Risk
        );
        // Catching a falling stock is a price floor; a world ending up split is not a risk
        // asked; why it fell is a reason.
        for asks in [
            "what levels are supposed to catch the stock if it slides?",
            "could the world end up with two separate tech systems?",
            "why did the stock go down before?",
        ] {
            assert_ne!(expected(asks), Expected::Risk, "{asks}");
        }
        for names in [
            "poses financial risks in the short term",
            "the possibility of renewed regulatory interventions could cap upside",
            "any shift in U.S.-China relations could reverse recent gains",
            "Bearish Case: Export controls, policy reversals",
            "may face increased scrutiny and potential restrictions",
        ] {
            assert!(states(Expected::Risk, names), "{names}");
        }
        for names_none in [
            "Alibaba shares rallied strongly in both Hong Kong and U.S. premarket trading",
            "two ARK funds purchased $16.3 million worth of the company's ADRs",
        ] {
            assert!(!states(Expected::Risk, names_none), "{names_none}");
        }
    }

    #[test]
    fn whether_it_went_all_the_way_asks_how_far() {
        for asks in [
            "so have they fully dropped Nvidia or not yet?",
            "did they stop buying from the US chip maker altogether?",
            "has alibaba completely ditched nvda?",
        ] {
            assert_eq!(expected(asks), Expected::Extent, "{asks}");
        }
        assert_eq!(expected("how much did they fully pay?"), Expected::Figure);
        for states_one in [
            "For now, Alibaba and Baidu still rely on Nvidia chips",
            "Yes, partially.",
            "the company continues to buy foreign GPUs",
            "it has not yet replaced them",
        ] {
            assert!(states(Expected::Extent, states_one), "{states_one}");
        }
        assert!(!states(
            Expected::Extent,
            "Alibaba has begun using self-designed chips to train AI models"
        ));
    }

    #[test]
    fn a_sentence_holds_the_concepts_whose_words_it_has_weighted_by_rarity() {
        let (rely, largest, training) = (
            concept("rely", 2.0),
            concept("largest", 1.0),
            concept("training tasks", 3.0),
        );
        let all = [rely, largest, training];
        let matcher = SentenceMatcher::new(&all);
        let one = "Shares rose. They still rely on Nvidia for their largest training tasks.";
        assert_eq!(matcher.coverage(one, None, 0b111), 6.0);
        let scattered = "Firms rely on others. Baidu is the largest. Training tasks grow.";
        assert_eq!(matcher.coverage(scattered, None, 0b111), 3.0);
        // A phrase's words must all be in the sentence.
        assert_eq!(matcher.coverage("Training grew.", None, 0b111), 0.0);
        // The heading above the passage speaks for each of its sentences, weaker.
        let heading = Some("Training tasks");
        assert_eq!(matcher.coverage(scattered, heading, 0b111), 2.0 + 1.5);
        // A concept the passage was not found to hold is not counted.
        assert_eq!(matcher.coverage(one, None, 0b011), 3.0);
    }

    #[test]
    fn a_passage_with_one_sentence_holding_the_question_outranks_one_scattering_it() {
        let concepts = [
            concept("rely", 2.0),
            concept("largest", 1.0),
            concept("training tasks", 3.0),
        ];
        let scattered = Hit::of_article(
            "scattered",
            3.0,
            "Chinese firms rely on imports. Baidu is the largest. Training tasks grow.",
        );
        let together = Hit::of_article(
            "together",
            2.0,
            "Shares rose on Monday. They still rely on Nvidia for their largest training tasks.",
        );
        let hits = vec![(scattered, 0b111), (together, 0b111)];
        assert_eq!(order_of(hits, &concepts), ["together", "scattered"]);
    }

    /// The articles of `hits` in the order [`rerank`] gives them (no outlet named, any kind
    /// of answer).
    fn order_of(hits: Vec<(Hit, u64)>, concepts: &[Concept]) -> Vec<String> {
        let mut named = NamedOutlets::new("a question", |_| false);
        let ranked = rerank(hits, concepts, Expected::Anything, &[], &mut named, |_| {
            false
        });
        ranked.into_iter().map(|h| h.source.article).collect()
    }

    #[test]
    fn a_passage_falls_in_proportion_with_the_share_of_the_question_its_sentence_holds() {
        let concepts = [concept("rely", 1.0), concept("nvidia", 1.0)];
        // Half the question in its best sentence: the score counts 0.05 + 0.95 × 0.5 = 0.525.
        let order = |score: f32| {
            let half = Hit::of_article(
                "half",
                score,
                "Chinese firms rely on imports of many kinds.",
            );
            let whole = Hit::of_article("whole", 1.0, "They still rely on Nvidia.");
            order_of(vec![(half, 0b01), (whole, 0b11)], &concepts)
        };
        assert_eq!(order(1.8), ["whole", "half"]);
        assert_eq!(order(2.0), ["half", "whole"]);
    }

    /// The sentence each word of `text` is in (by its byte offset), by [`sentence_ends`] and
    /// by Unicode's rules.
    fn sentence_of_each_word(text: &str) -> (Vec<usize>, Vec<usize>) {
        use unicode_segmentation::UnicodeSegmentation;
        let starts: Vec<usize> = text
            .split_sentence_bound_indices()
            .map(|(i, _)| i)
            .collect();
        let (mut ours, mut unicode) = (Vec::new(), Vec::new());
        let (mut sentence, mut last_end) = (0, 0);
        for_each_stemmed_token_at(text, |from, to, _| {
            if last_end > 0 && sentence_ends(&text[last_end..from], &text[from..]) {
                sentence += 1;
            }
            ours.push(sentence);
            unicode.push(starts.iter().filter(|&&s| s <= from).count());
            last_end = to;
        });
        (ours, unicode)
    }

    /// Which words start a sentence (Unicode's count may start at 1).
    fn starts(sentences: &[usize]) -> Vec<bool> {
        let s = sentences;
        s.iter()
            .enumerate()
            .map(|(i, n)| i == 0 || s[i - 1] != *n)
            .collect()
    }

    #[test]
    fn sentences_are_split_as_unicode_splits_them_on_the_seed_corpus() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let (articles, _) = crate::corpus::load(&data).unwrap();
        let mut words = 0;
        for passage in articles.iter().flat_map(|a| a.passages()) {
            let (ours, unicode) = sentence_of_each_word(&passage.text);
            // The same words start a sentence (Unicode's count may start at 1).
            let starts = |s: &[usize]| -> Vec<bool> {
                s.iter()
                    .enumerate()
                    .map(|(i, n)| i == 0 || s[i - 1] != *n)
                    .collect()
            };
            assert_eq!(starts(&ours), starts(&unicode), "{}", passage.text);
            words += ours.len();
        }
        assert!(words > 3000, "{words}");
        let text = "U.S. export curbs rose. Shares fell! Why? e.g. no. “Quoted.” Next - on";
        let (ours, unicode) = sentence_of_each_word(text);
        assert_eq!(ours, [0, 0, 0, 0, 0, 1, 1, 2, 3, 3, 3, 4, 5, 5]);
        assert_eq!(starts(&ours), starts(&unicode));
    }

    #[test]
    fn a_phrase_with_a_word_no_passage_has_is_as_rare_as_unknown() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let snapshot = Snapshot::in_ram(&data).unwrap();
        let searcher = snapshot.reader.searcher();
        let field = snapshot.fields.text;
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // "open" is common; "pre open" cannot be found, so it does not make what reporters
        // write for it ("premarket") count as rarer than the question's word.
        assert!(idf(&searcher, field, &words(&["open"])) > 0.0);
        assert_eq!(idf(&searcher, field, &words(&["pre", "open"])), 0.0);
    }

    #[test]
    fn a_sentence_pointing_back_holds_what_the_one_before_names() {
        let all = [concept("qwen3", 2.0), concept("competition", 3.0)];
        let matcher = SentenceMatcher::new(&all);
        // What the sentence before holds counts, weaker.
        let pointing = "Alibaba unveiled Qwen3. This put it in competition with OpenAI.";
        assert_eq!(
            matcher.coverage(pointing, None, 0b11),
            3.0 + BEFORE_SHARE * 2.0
        );
        // Only the sentence right before it, not one further back.
        let further = "Alibaba unveiled Qwen3. Shares rose. This put it in competition.";
        assert_eq!(matcher.coverage(further, None, 0b11), 3.0);
        let apart = "Alibaba unveiled Qwen3. Rivals face more competition.";
        assert_eq!(matcher.coverage(apart, None, 0b11), 3.0);
        // "Its" and "Their" point back too.
        let its = "Alibaba unveiled Qwen3. Its competition is OpenAI.";
        assert_eq!(matcher.coverage(its, None, 0b11), 3.0 + BEFORE_SHARE * 2.0);
    }

    #[test]
    fn a_question_the_text_asks_counts_less_and_its_answer_holds_what_it_asks() {
        let all = [concept("rivals", 2.0), concept("global", 3.0)];
        let matcher = SentenceMatcher::new(&all);
        // The question and the answer a dash opens are read apart: the question counts less,
        // the answer holds what the question asks, weaker.
        let faq =
            "How does it stand against rivals abroad? - Domestic edge: it gains ground at home.";
        assert_eq!(
            matcher.coverage(faq, None, 0b11),
            ASKED_SHARE.max(BEFORE_SHARE) * 2.0
        );
        assert!(matcher.coverage(faq, None, 0b11) < 2.0);
        let answered = "Who are its rivals? - Global cloud vendors.";
        assert_eq!(
            matcher.coverage(answered, None, 0b11),
            3.0 + BEFORE_SHARE * 2.0
        );
        // A question ends at a space, a new line or a dash opening the answer; a question
        // mark run into the next word does not end one.
        assert!(asks_then_answers("? "));
        assert!(asks_then_answers("? - "));
        assert!(asks_then_answers("?\n"));
        assert!(!asks_then_answers("?-"));
        assert!(!asks_then_answers(". - "));
    }

    #[test]
    fn a_size_a_topic_put_first_and_a_meaning_asked_are_read() {
        assert_eq!(expected("size of the convert deal?"), Expected::Figure);
        // A chunk, a portion or a slice of something is a share of it.
        for asks in [
            "of that fresh money, what chunk goes to the cloud?",
            "What portion of the money from the bonds is going to cloud?",
            "what slice of the bond money is going into data centers?",
        ] {
            assert_eq!(expected(asks), Expected::Figure, "{asks}");
        }
        assert_eq!(expected("what's the size of the pledge?"), Expected::Figure);
        // A topic put first does not hide the question after it.
        assert_eq!(
            expected("naura - how much did it move on the news"),
            Expected::Figure
        );
        assert_eq!(
            expected("Hangzhou announcement: how big was the top-up?"),
            Expected::Figure
        );
        assert_eq!(expected("the pledge, when was it made?"), Expected::Date);
        assert_eq!(expected("naura - limit up?"), Expected::Anything);
        // A number asked for anywhere is a figure.
        assert_eq!(
            expected("how are the AI products selling, got a number?"),
            Expected::Figure
        );
        // Whether someone put a number on it is answered by a passage saying they did not.
        assert_eq!(
            expected("did he put a number on it or nah"),
            Expected::Disclosure
        );
        assert!(states(
            Expected::Reason,
            "AI spend will reach $4 trillion, necessitating continued investment."
        ));
        // The reasoning behind something is asked anywhere in the question.
        assert_eq!(
            expected("what's the logic behind the foundries rallying?"),
            Expected::Reason
        );
        assert!(states(
            Expected::Reason,
            "The surge reflects rising confidence that AI will last."
        ));
        // Where a story came from asks for its source.
        assert_eq!(
            expected("where did the story about their chips come from, some tech outlet?"),
            Expected::Source
        );
        assert_eq!(expected("where did they come from?"), Expected::Anything);
        // A meaning asked wants a passage defining the term.
        for asks in [
            "the boss talked about some super AI era - what does that even mean?",
            "what is meant by full-stack?",
            "meaning of ASI?",
            "define superintelligence",
            "what's that superintelligence thing Wu keeps going on about?",
            "what even is the smarter-than-people AI thing?",
            "ASI, in plain terms?",
        ] {
            assert_eq!(expected(asks), Expected::Definition, "{asks}");
        }
        assert_ne!(
            expected("what's the next thing they'll launch?"),
            Expected::Definition
        );
        // Explaining a term is defining it; explaining why is giving a cause.
        for asks in [
            "Kindly explain what is this artificial superintelligence that Wu is talking about?",
            "Wu keeps saying 'superintelligence' - how would I explain that to listeners?",
        ] {
            assert_eq!(expected(asks), Expected::Definition, "{asks}");
        }
        assert_ne!(
            expected("can you explain why the stock fell?"),
            Expected::Definition
        );
        // What something means for someone is not a definition.
        assert_eq!(
            expected("what does it mean for nvidia?"),
            Expected::Anything
        );
        assert!(states(
            Expected::Definition,
            "Artificial superintelligence refers to a theoretical form of AI"
        ));
        assert!(!states(
            Expected::Definition,
            "Alibaba will spend more on AI in the superintelligence era."
        ));
    }

    #[test]
    fn an_exact_date_and_the_term_someone_uses_are_read_as_asked() {
        // A date asked after other words is still a date.
        for asks in [
            "What exact date did Alibaba drop the news?",
            "on which day did alibaba say it would spend more?",
            "peak since which month exactly?",
            "and the precise day of the announcement?",
        ] {
            assert_eq!(expected(asks), Expected::Date, "{asks}");
        }
        assert_eq!(
            expected("did the stock rise the same day?"),
            Expected::Anything
        );
        // A label, a phrase, what he calls it, how he describes it: a term in quote marks.
        for asks in [
            "What label is Wu slapping on Alibaba Cloud?",
            "With which expression does Eddie Wu describe the positioning of Alibaba Cloud?",
            "How is Wu selling the cloud arm - what does he call it?",
            "how does the boss describe what the cloud arm hopes to become?",
            "what's the catchphrase the CEO uses for the cloud side?",
            "what's the term for their chip unit?",
        ] {
            assert_eq!(expected(asks), Expected::Term, "{asks}");
        }
        // Not when the question quotes the term itself, nor for the long term; a meaning
        // asked is a definition.
        assert_ne!(
            expected("my grandson used a buzzword, 'superintelligence'. How is it explained?"),
            Expected::Term
        );
        assert_ne!(
            expected("Long term, what does China building its own chips do to Nvidia?"),
            Expected::Term
        );
        assert_eq!(
            expected("Wu mentioned some 'era' - what does that term even mean?"),
            Expected::Definition
        );
        for named in [
            "positioning itself as a “full-stack AI service provider,” capable of",
            "established the semiconductor division \"T-Head\". Its latest chip",
            "Eddie Wu said “AI plus cloud” will remain one of its two engines",
        ] {
            assert!(states(Expected::Term, named), "{named}");
        }
        assert!(!states(
            Expected::Term,
            "Alibaba’s cloud arm wants to be a full-stack provider, Wu’s team said."
        ));
    }

    #[test]
    fn whether_someone_gave_a_figure_asks_whether_it_was_disclosed() {
        for asks in [
            "Did Eddie Wu actually say what the new, bigger spending number is?",
            "Did Eddie Wu communicate the new amount of the augmented investment?",
            "did Wu actually give a new total?",
            "has the company given a figure for it?",
            "Did Alibaba's boss say exactly how much the new total will be?",
        ] {
            assert_eq!(expected(asks), Expected::Disclosure, "{asks}");
        }
        // Not a question on something else, nor one asking the figure itself.
        assert_ne!(expected("did the stock rise?"), Expected::Disclosure);
        assert_ne!(expected("what total did Wu give?"), Expected::Disclosure);
        for said in [
            "While Wu did not disclose an updated figure, the investment will",
            "The company declined to comment on the plan.",
            "an undisclosed sum",
            "Wu didn’t say how much more it would spend.",
        ] {
            assert!(states(Expected::Disclosure, said), "{said}");
        }
        assert!(!states(
            Expected::Disclosure,
            "Wu disclosed a figure of $53 billion."
        ));
    }

    #[test]
    fn a_currency_named_asks_for_an_amount_in_it() {
        let states_in = |question: &str, text: &str| {
            asked_currencies(question).iter().any(|c| c.is_match(text))
        };
        for asks in [
            "HK share price in HKD?",
            "what did the Hong Kong line hit in local dollars?",
            "What price in Hong Kong dollars did the shares get to?",
            "hk price in hk$?",
            "What was one share worth in Hong Kong money at the high?",
        ] {
            assert!(
                states_in(asks, "rose 5.9% to HK$151.80 (about US$19.49)"),
                "{asks}"
            );
            assert!(!states_in(asks, "rose 5.9% to a four-year high"), "{asks}");
            assert!(!states_in(asks, "climbed past $155 on the chart"), "{asks}");
        }
        for asks in [
            "the pledge in rmb?",
            "how many yuan was the pot?",
            "how much is the plan in Chinese money?",
        ] {
            assert!(states_in(
                asks,
                "the 380 billion yuan ($53 billion) already committed"
            ));
            assert!(states_in(asks, "a 380bn yuan plan"));
            assert!(!states_in(asks, "rose 5.9% to HK$151.80"), "{asks}");
        }
        for asks in [
            "what's that in USD?",
            "and in greenbacks?",
            "in US dollars?",
            "what's that in American money?",
        ] {
            assert!(states_in(asks, "HK$151.80 (about US$19.49)"), "{asks}");
            assert!(states_in(asks, "climbed past $155 on the chart"), "{asks}");
            assert!(!states_in(asks, "rose 5.9% to HK$151.80"), "{asks}");
        }
        // A question naming no currency asks for none.
        assert!(asked_currencies("what price did the shares close at?").is_empty());
        assert!(asked_currencies("how much did the hk line rise?").is_empty());
    }

    #[test]
    fn who_took_something_up_asks_for_a_customer() {
        for asks in [
            "who's actually a customer for Alibaba's homegrown AI chips?",
            "Which Chinese partner has adopted Alibaba's in-house AI accelerators?",
            "Which Chinese company has started using the AI chips Alibaba makes itself?",
            "Who's the big telecom punter already signed up to run Ali's homemade chips?",
        ] {
            assert_eq!(expected(asks), Expected::Customer, "{asks}");
        }
        // Not whose customers a rival wants, nor the words used for customers.
        assert_ne!(
            expected("which big cloud providers are they trying to steal customers from?"),
            Expected::Customer
        );
        assert_eq!(
            expected("How did the boss describe the supplier it wants to be for its customers?"),
            Expected::Term
        );
        for adopted in [
            "Its latest chip has been adopted by China Unicom, indicating",
            "Alibaba secured a partnership with Unicom, a major Chinese group",
            "Its customers include two state carriers.",
        ] {
            assert!(states(Expected::Customer, adopted), "{adopted}");
        }
        assert!(!states(
            Expected::Customer,
            "Alibaba is developing its own AI accelerators."
        ));
    }

    #[test]
    fn the_most_frequent_english_words_are_common() {
        let typed = |t: &str| vec![t.to_string()];
        assert!(is_common_word("keeps", &typed("keep")));
        assert!(is_common_word("way", &typed("way")));
        assert!(!is_common_word("nvidia", &typed("nvidia")));
        assert!(!is_common_word("capex", &typed("capex")));
        assert!(!is_common_word("take on", &typed("take")));
    }

    #[test]
    fn tables_are_told_from_text() {
        assert!(is_table("Asset | Move\nSMIC | +7.8%\nHua Hong | +9.0%"));
        assert!(!is_table("Support | resistance: one line with a bar."));
        assert!(!is_table("SMIC rose nearly 8%, while Hua Hong climbed 9%."));
    }
}
