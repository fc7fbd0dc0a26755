//! The engine end to end on the seed corpus (in RAM): every command, paging, quotes, and
//! bad input of every kind answered briefly and safely.

mod common;

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use clippings::conversation::Pipeline;
use clippings::engine::{Answer, NoticeKind};

fn engine() -> &'static Pipeline {
    static ENGINE: OnceLock<Pipeline> = OnceLock::new();
    ENGINE.get_or_init(|| in_ram(&common::seed_data()))
}

fn in_ram(data: &std::path::Path) -> Pipeline {
    clippings::lifecycle::pipeline_in_ram(data).unwrap()
}

fn answer(conversation: &str, message: &str) -> Answer {
    engine()
        .handle(conversation, message)
        .expect("addressed to the bot")
}

fn passages(message: &str) -> clippings::engine::Passages {
    match answer("t", message) {
        Answer::Passages(p) => p,
        other => panic!("{message}: expected passages, got {other:?}"),
    }
}

#[test]
fn every_topic_answers_with_three_attributed_passages() {
    for topic in [
        "capex",
        "chips",
        "cloud",
        "qwen",
        "stock",
        "datacenters",
        "bonds",
        "nvidia",
        "analysts",
        "competitors",
    ] {
        let p = passages(&format!("!{topic}"));
        assert_eq!(p.hits.len(), 3, "{topic}");
        for hit in &p.hits {
            // An outlet is named only when the article names one; unknown stays unknown.
            assert!(hit.source.publisher.as_ref().is_none_or(|p| !p.is_empty()));
            assert!(!hit.source.title.is_empty());
            assert!(hit.reference.starts_with(&hit.source.article));
        }
    }
}

#[test]
fn ask_quotes_verbatim_with_highlights_on_matched_words() {
    let p = passages("!ask how much will Alibaba spend on AI infrastructure?");
    let hit = &p.hits[0];
    assert!(!hit.highlights.is_empty());
    for r in &hit.highlights {
        let word = hit.text[r.clone()].to_lowercase();
        assert!(
            ["alibaba", "ai", "infrastructure", "spend", "spending"]
                .iter()
                .any(|w| word.starts_with(w)),
            "{word}"
        );
    }
}

#[test]
fn search_supports_phrases_exclusion_or_and_source_filters() {
    let p = passages("!search \"data centers\" -Brazil");
    for h in &p.hits {
        let context = format!("{} {}", h.section.as_deref().unwrap_or(""), h.text).to_lowercase();
        assert!(
            context.contains("data center") && !h.text.contains("Brazil"),
            "{context}"
        );
    }
    let p = passages("!search Zhenwu OR Kunlun");
    assert!(
        p.hits
            .iter()
            .all(|h| h.text.contains("Zhenwu") || h.text.contains("Kunlun"))
    );
    let p = passages("!search chips source:investingcube");
    assert!(
        p.hits
            .iter()
            .all(|h| h.source.publisher.as_deref() == Some("InvestingCube"))
    );
}

#[test]
fn search_without_any_passage_having_all_words_falls_back_to_some() {
    let p = passages("!search Zhenwu Morningstar");
    assert!(p.notices.iter().any(|n| n.contains("some of them")));
}

#[test]
fn numbers_money_and_tickers_match_as_typed() {
    for (query, expected) in [
        ("HK$151.80", "HK$151.80"),
        ("7.2%", "7.2%"),
        ("Qwen3-Max", "Qwen3-Max"),
        ("P800", "P800"),
        ("$16.3M", "$16.3 million"),
    ] {
        let p = passages(&format!("!search {query}"));
        assert!(
            p.hits[0].text.contains(expected),
            "{query}: {}",
            p.hits[0].text
        );
    }
}

#[test]
fn misspelled_words_fall_back_to_the_closest_indexed_word_and_say_so() {
    let p = passages("!search semiconducter");
    assert!(
        p.notices
            .iter()
            .any(|n| n.contains("semiconducter") && n.contains("semiconductor")),
        "{:?}",
        p.notices
    );
    let p = passages("!ask what did nvida do?");
    assert!(
        p.notices.iter().any(|n| n.contains("nvidia")),
        "{:?}",
        p.notices
    );
}

#[test]
fn a_fallback_finds_passages_by_the_rarer_words_not_by_the_and_of() {
    // "the" is in most passages: matching any word goes by the rarer ones, which say more.
    let p = passages("!search the of Zhenwu Morningstar");
    assert!(p.notices.iter().any(|n| n.contains("some of them")));
    for hit in &p.hits {
        let text = hit.text.to_lowercase();
        assert!(
            text.contains("zhenwu") || text.contains("morningstar"),
            "{}",
            hit.text
        );
    }
    // Only common words: the rarest of them still finds passages.
    let p = passages("!search the of and zzqqxx");
    assert!(!p.hits.is_empty());
}

#[test]
fn pasted_text_repeating_words_is_searched_once_per_word() {
    let once = passages("!search Alibaba cloud");
    let pasted = passages(&format!("!search {}", "Alibaba cloud ".repeat(400)));
    assert_eq!(once.hits, pasted.hits);
    assert!(
        pasted
            .notices
            .iter()
            .all(|n| !n.contains("searched the first"))
    );
}

#[test]
fn later_pages_are_highlighted_when_shown() {
    let _ = answer("room-h", "!ask how much will Alibaba invest in AI?");
    let second = match answer("room-h", "!more") {
        Answer::Passages(p) => p,
        other => panic!("{other:?}"),
    };
    assert!(second.hits.iter().all(|h| !h.highlights.is_empty()));
}

#[test]
fn more_pages_through_the_last_answer_of_that_conversation_only() {
    let first = match answer("room-a", "!chips") {
        Answer::Passages(p) => p,
        other => panic!("{other:?}"),
    };
    let second = match answer("room-a", "!more") {
        Answer::Passages(p) => p,
        other => panic!("{other:?}"),
    };
    assert_eq!(second.offset, 3);
    assert_eq!(second.hits[0].rank, 4);
    assert!(second.hits.iter().all(|h| !first.hits.contains(h)));
    match answer("room-b", "!more") {
        Answer::Notice(n) => assert_eq!(n.kind, NoticeKind::NotFound),
        other => panic!("{other:?}"),
    }
}

#[test]
fn quote_shows_the_paragraph_with_its_neighbours() {
    let p = passages("!search Zhenwu processor");
    let reference = p.hits[0].reference.clone();
    match answer("t", &format!("!quote {reference}")) {
        Answer::Quote(q) => {
            assert_eq!(q.reference, reference);
            assert!(
                q.paragraphs
                    .iter()
                    .any(|p| p.target && p.text.contains("Zhenwu"))
            );
            assert!(q.paragraphs.len() >= 2);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn bad_refs_get_a_short_reply_with_a_suggestion() {
    for bad in [
        "!quote",
        "!quote nonsense",
        "!quote invezz-shares-surg:1",
        "!quote invezz-shares-surge:999",
        "!quote invezz-shares-surge:0",
    ] {
        match answer("t", bad) {
            Answer::Notice(n) => assert!(n.text.len() < 200, "{bad}: {}", n.text),
            other => panic!("{bad}: {other:?}"),
        }
    }
    match answer("t", "!quote invezz-shares-surg:1") {
        Answer::Notice(n) => assert!(
            n.suggestions
                .iter()
                .any(|s| s.contains("invezz-shares-surge:1"))
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn sources_topics_help_and_about_answer() {
    match answer("t", "!sources") {
        Answer::Sources { sources } => {
            assert_eq!(sources.len(), 5);
            let invezz = sources
                .iter()
                .find(|s| s.source.publisher.as_deref() == Some("Invezz"))
                .unwrap();
            assert_eq!(invezz.source.date.as_deref(), Some("2025-09-12"));
            assert!(
                sources.iter().all(|s| s.source.url.is_none()),
                "no seed gives a link"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(answer("t", "!topics"), Answer::Topics { .. }));
    assert!(matches!(answer("t", "!help"), Answer::Help(_)));
    match answer("t", "!help search") {
        Answer::Help(h) => assert!(h.details.unwrap().contains("search")),
        other => panic!("{other:?}"),
    }
    match answer("t", "!about") {
        Answer::About(a) => assert_eq!(a.articles, 5),
        other => panic!("{other:?}"),
    }
}

#[test]
fn unknown_commands_suggest_the_closest() {
    match answer("t", "!serch chips") {
        Answer::Notice(n) => {
            assert_eq!(n.kind, NoticeKind::UnknownCommand);
            assert!(
                n.suggestions.contains(&"!search".to_string()),
                "{:?}",
                n.suggestions
            );
        }
        other => panic!("{other:?}"),
    }
    match answer("t", "!capx") {
        Answer::Notice(n) => assert!(
            n.suggestions.contains(&"!capex".to_string()),
            "{:?}",
            n.suggestions
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn no_hit_says_so_and_suggests_topics() {
    match answer("t", "!search zebra giraffe") {
        Answer::Notice(n) => {
            assert_eq!(n.kind, NoticeKind::NoHits);
            assert!(n.text.starts_with("No passage matches"));
            assert!(n.suggestions.iter().any(|s| s == "!topics"));
        }
        other => panic!("{other:?}"),
    }
}

/// Every class of hostile input: a short reply, quickly, never a panic or internal error text.
#[test]
fn hostile_input_gets_a_short_clear_reply_in_bounded_time() {
    let big = "a".repeat(100_000);
    let paste = "Alibaba cloud chips investment ".repeat(1250);
    let nested = format!("{}chips{}", "(".repeat(500), ")".repeat(500));
    let inputs = [
        "!ask".to_string(),
        "!search".to_string(),
        "!search    ".to_string(),
        format!("!ask {big}"),
        format!("!search {big}"),
        format!("!ask {paste}"),
        "!search \u{0}\u{1}\u{7f}\u{1b}[31m".to_string(),
        "!ask 🚀🚀🚀 📈".to_string(),
        "!ask ما هي استثمارات علي بابا".to_string(),
        "!ask \u{200b}\u{200b}\u{202e}\u{2066}".to_string(),
        "!search \"unclosed".to_string(),
        "!search text:*".to_string(),
        "!search [a TO z]".to_string(),
        "!search title:alibaba^100 ~2 *".to_string(),
        format!("!search {nested}"),
        "!search -".to_string(),
        "!search OR OR OR".to_string(),
        "!quote ../../etc/passwd:1".to_string(),
        format!("!{big}"),
        "!\u{0}".to_string(),
    ];
    for input in &inputs {
        let started = Instant::now();
        let answer = engine().handle("hostile", input);
        let elapsed = started.elapsed();
        assert!(
            elapsed < Duration::from_secs(5),
            "{:.40}: took {elapsed:?}",
            input
        );
        let Some(answer) = answer else { continue };
        let text = clippings::render::text::render(&answer, Default::default());
        let shown: String = input.chars().take(40).collect();
        assert!(!text.to_lowercase().contains("error"), "{shown}: {text}");
        assert!(
            !text.contains("Tantivy") && !text.contains("panicked"),
            "{shown}: {text}"
        );
        if let Answer::Notice(n) = &answer {
            assert!(n.text.chars().count() <= 300, "{shown}: {}", n.text);
        }
    }
}

#[test]
fn synonyms_from_data_match_other_words_for_the_same_thing() {
    // "capex" is in no passage; "capital expenditure" is (a budget or an investment is not
    // capex in general, so those words are no longer tied to it).
    let p = passages("!ask capex plans");
    assert!(
        p.hits
            .iter()
            .any(|h| h.text.contains("capital expenditure")),
        "{:?}",
        p.hits
    );
    let p = passages("!ask data centres");
    assert!(
        p.hits[0].text.contains("data centers"),
        "{}",
        p.hits[0].text
    );
    let p = passages("!ask BABA rivals");
    assert!(
        p.hits
            .iter()
            .any(|h| h.text.contains("rivals") || h.text.contains("compete"))
    );
}

#[test]
fn chat_shorthand_finds_the_words_reporters_write() {
    // People type "pt", "qtrs", "3-yr"; articles say "target price", "quarters", "three years".
    first_holds("!ask who raised their pt", "target price");
    among_first(
        3,
        "!ask where could it trade in the coming qtrs",
        "quarters",
    );
    among_first(3, "!ask when did the 3 yr plan start", "three years");
}

/// One of the first `n` passages answering `message` holds `fragment`.
fn among_first(n: usize, message: &str, fragment: &str) {
    let p = passages(message);
    assert!(
        p.hits.iter().take(n).any(|h| h.text.contains(fragment)),
        "{message}: {:?}",
        p.hits
    );
}

/// The first passage answering `message` holds `fragment`.
fn first_holds(message: &str, fragment: &str) {
    let p = passages(message);
    assert!(
        p.hits[0].text.contains(fragment),
        "{message}: {}",
        p.hits[0].text
    );
}

/// The first passage answering `message` holds one of `fragments` (outlets that tell the same
/// fact in other words).
fn first_holds_one_of(message: &str, fragments: &[&str]) {
    let p = passages(message);
    assert!(
        fragments.iter().any(|f| p.hits[0].quote_text().contains(f)),
        "{message}: {}",
        p.hits[0].quote_text()
    );
}

/// The quote shown from the first passage answering `message` holds `fragment`.
fn first_shows(message: &str, fragment: &str) {
    let p = passages(message);
    assert!(
        p.hits[0].quote_text().contains(fragment),
        "{message}: {}",
        p.hits[0].quote_text()
    );
}

#[test]
fn degrees_of_an_adjective_chat_shorthand_and_desk_phrases_are_read() {
    // The stemmer keeps "faster" apart from "fast"; the synonyms join an adjective's degrees.
    first_holds("!ask how fast is AI developing?", "much faster pace");
    // "biz" is business, "y/y" year-on-year.
    first_holds(
        "!ask how much did the cloud biz grow y/y?",
        "cloud business revenue increased by 26% year-on-year",
    );
    // A bond deal is an offering of bonds, not a partnership.
    first_holds("!ask how big is the bond deal?", "$3.2 billion through");
    // "dec" is December.
    first_holds("!ask what happened in dec 2021?", "since December 2021");
    // "grow" is answered by "grew" (among the three shown: "Alibaba's two core growth
    // engines" and "Alibaba's share price reflects growing" hold the question too).
    among_first(
        3,
        "!ask how did alibaba grow?",
        "grew by more than triple digits",
    );
    // What is next is what is coming; the other part is the rest.
    first_holds("!ask which markets come next year?", "in the coming year");
    first_holds(
        "!ask where does the other 20% go?",
        "the rest will support its international e-commerce business",
    );
    // What a company needs it relies on; overseas growth is its global expansion, and a
    // risk to it is the one named for it.
    // ("The United States … a GPU" holds as much of the question, two of its words.)
    among_first(
        2,
        "!ask do they still need american gpus?",
        "still rely on Nvidia",
    );
    first_holds(
        "!ask is there a risk to their overseas growth?",
        "global expansion may face increased scrutiny",
    );
    // A noun finds its verb's other noun or adjective: "regulation" finds "regulatory".
    let p = passages("!ask what does regulation mean for alibaba?");
    assert!(
        p.hits.iter().take(3).all(|h| h.text.contains("regulat")),
        "{:?}",
        p.hits
    );
}

#[test]
fn a_phrase_standing_for_a_word_weighs_what_the_word_does_and_counts_near_its_neighbour() {
    // "Chief Executive Officer" stands for "ceo" with the weight of "ceo", not of three
    // words: what the question is about comes first.
    first_holds(
        "!ask what did the ceo say about superintelligence?",
        "superintelligence",
    );
    // "Chinese chip maker" is "Chinese chipmakers" written in other words, next to each other.
    first_holds(
        "!ask how did chinese chipmakers react?",
        "Chinese chip maker ACM",
    );
}

#[test]
fn business_idioms_find_what_reporters_write() {
    // Local players fighting for share are domestic rivals competing for the market.
    first_holds(
        "!ask which local cloud players is baba fighting for share?",
        "domestic rivals like Huawei Cloud and Tencent Cloud",
    );
    // The West pushing back is scrutiny and restrictions from Western countries.
    first_holds(
        "!ask any chance the west pushes back on baba's overseas expansion?",
        "potential restrictions from Western countries",
    );
}

#[test]
fn when_something_started_is_answered_by_since_when() {
    // A plan that kicked off in February "runs since February".
    first_holds(
        "!ask when did the 380bn rmb 3yr plan actually kick off?",
        "since February 2025",
    );
}

#[test]
fn a_word_the_question_names_counts_once() {
    // "Ernie" stands for Baidu, but the question names Baidu itself: the passage on Ernie
    // comes first, not those naming Baidu twice over.
    first_holds(
        "!ask what silicon is baidu training ernie on?",
        "Kunlun P800",
    );
}

#[test]
fn market_slang_for_moves_and_sectors_is_read() {
    // How much a stock is "up" is its gain, not money it raised.
    first_holds("!ask how much is baba up YTD lol", "Year-to-date gains");
    // Chip stocks are the chipmakers' shares.
    first_holds("!ask which chip stocks rallied?", "semiconductor names");
}

#[test]
fn desk_shorthand_for_the_premarket_is_read() {
    // "pre-mkt" is the premarket, where U.S.-listed shares (the ADRs) trade before the open.
    first_holds(
        "!ask how were the US adrs doing pre-mkt?",
        "U.S.-listed shares rose 9.3% in premarket trade",
    );
}

#[test]
fn questions_also_search_what_reporters_write_for_chat_words() {
    // No passage says "floor"; a trader means the support level by it.
    let p = passages("!ask where is the floor on the chart");
    assert!(p.hits[0].text.contains("support"), "{}", p.hits[0].text);
    // One way and for questions only: a search for the word is a search for the word.
    match answer("t", "!search floor") {
        Answer::Notice(n) => assert_eq!(n.kind, NoticeKind::NoHits, "{}", n.text),
        other => panic!("{other:?}"),
    }
    // A phrase of small words stays whole: to take on a rival is to compete with it.
    let p = passages("!ask is the new model going to take on openai");
    assert!(p.hits[0].text.contains("compet"), "{}", p.hits[0].text);
    // "pre-open" finds "premarket" though "open" is common, and "what time" asks for a time
    // rather than for passages saying "time".
    let p = passages("!ask what time was the pre-open quote");
    assert!(p.hits[0].text.contains("4:21 a.m."), "{}", p.hits[0].text);
}

#[test]
fn chat_spellings_of_english_words_are_read_as_those_words() {
    // A dropped "g" or two swapped letters make an English word, which is searched, not the
    // closest word the passages have ("talkin" was "taking", "peices" was "prices").
    for (message, read) in [
        (
            "!ask what was wu talkin about at the conference",
            "“talking”",
        ),
        ("!ask which peices mention naura", "“pieces”"),
    ] {
        let notices = match answer("t", message) {
            Answer::Passages(p) => p.notices,
            Answer::Notice(n) => vec![n.text],
            other => panic!("{message}: {other:?}"),
        };
        assert!(
            notices
                .iter()
                .any(|n| n.contains(&format!("so I searched for {read}"))),
            "{message}: {notices:?}"
        );
    }
    // "sposed" is chat for "supposed", a word of the question, not "poses".
    first_shows(
        "!ask whats qwen3-next sposed to be good at",
        "long-text understanding",
    );
}

#[test]
fn english_words_and_outlet_names_the_passages_lack_are_not_typos() {
    // "treating" is not "creating", "white" not "while", "remake" not "remain" (the synonyms
    // know it), the outlet Invezz not "invest".
    for message in [
        "!search treating",
        "!search white",
        "!ask which verticals will ai remake",
        "!ask what does invezz say about the rally",
    ] {
        let notices = match answer("t", message) {
            Answer::Passages(p) => p.notices,
            Answer::Notice(n) => vec![n.text],
            other => panic!("{message}: {other:?}"),
        };
        assert!(
            notices.iter().all(|n| !n.contains("so I searched for")),
            "{message}: {notices:?}"
        );
    }
    // A typo is still read as the word it misses: see
    // misspelled_words_fall_back_to_the_closest_indexed_word_and_say_so.
}

#[test]
fn a_question_naming_an_outlet_prefers_its_passages() {
    let p = passages("!ask what does invezz say about the rally");
    assert_eq!(p.hits[0].source.publisher.as_deref(), Some("Invezz"));
    let p = passages("!ask what does InvestingCube say about the rally");
    assert_eq!(p.hits[0].source.publisher.as_deref(), Some("InvestingCube"));
}

#[test]
fn amounts_match_however_they_are_typed() {
    for typed in ["$53 billion", "53bn", "380 billion yuan", "$5.3 billion"] {
        let p = passages(&format!("!search {typed}"));
        let digits: String = typed
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        assert!(
            p.hits[0].text.contains(&digits),
            "{typed}: {}",
            p.hits[0].text
        );
    }
}

#[test]
fn the_same_fact_from_several_outlets_is_one_line_with_also_reported_by() {
    let p = passages("!ask where will Alibaba open data centers in Brazil and France?");
    let top = &p.hits[0];
    assert!(top.text.contains("Brazil"));
    assert!(!top.also_reported_by.is_empty(), "{top:?}");
    let others: Vec<&str> = top
        .also_reported_by
        .iter()
        .map(|a| a.article.as_str())
        .collect();
    assert!(!others.contains(&top.source.article.as_str()));
    assert!(p.hits.iter().skip(1).all(
        |h| !others.contains(&h.source.article.as_str()) || !h.text.contains("Brazil, France")
    ));
}

#[test]
fn compare_shows_each_outlet_once_side_by_side_with_the_differing_figures() {
    let p = passages("!compare stock");
    let mut outlets: Vec<&str> = p.hits.iter().map(|h| h.source.article.as_str()).collect();
    let count = outlets.len();
    outlets.dedup();
    assert_eq!(outlets.len(), count, "one passage per outlet");
    assert!(count >= 4, "{count}");
    assert!(p.hits.iter().all(|h| h.also_reported_by.is_empty()));
    assert!(
        p.notices
            .iter()
            .any(|n| n.starts_with("The share move differs") && n.contains("7.2%")),
        "{:?}",
        p.notices
    );
    let moves = p.comparison.as_ref().expect("the figures compared");
    assert!(
        moves
            .groups
            .iter()
            .any(|g| g.quantity == "share move" && !g.agree)
    );
    let unicom = passages("!compare China Unicom");
    assert!(
        unicom.hits.iter().all(|h| h.text.contains("Unicom")),
        "{:?}",
        unicom.hits
    );
    assert!(matches!(answer("t", "!compare"), Answer::Notice(_)));
}

#[test]
fn figures_list_values_with_their_sentence_and_sources() {
    let Answer::Figures { topic, figures } = answer("t", "!figures capex") else {
        panic!("expected figures")
    };
    assert_eq!(topic, "capex");
    let budget = figures
        .iter()
        .find(|f| f.value == "$53 billion")
        .expect("the $53 billion figure");
    assert!(budget.quote.contains("$53 billion"));
    assert!(budget.also_reported_by.len() >= 2, "{budget:?}");
    for f in &figures {
        assert!(f.quote.contains(&f.value), "{f:?}");
    }
    let Answer::Figures { figures, .. } = answer("t", "!figures") else {
        panic!("expected figures")
    };
    assert!(figures.iter().any(|f| f.value.ends_with('%')));
    assert!(matches!(answer("t", "!figures zebra"), Answer::Notice(_)));
}

/// Ties used to fall back on the order of documents in the index, which multi-threaded
/// indexing varies from build to build.
#[test]
fn rankings_do_not_depend_on_how_the_index_was_built() {
    let refs = |engine: &Pipeline, command: &str| -> Vec<String> {
        match engine.handle("t", command) {
            Some(Answer::Passages(p)) => p.hits.iter().map(|h| h.reference.clone()).collect(),
            other => vec![format!("{other:?}")],
        }
    };
    let commands = [
        "!bonds",
        "!capex",
        "!chips",
        "!stock",
        "!ask what are the risks?",
        "!search Alibaba",
    ];
    let first: Vec<Vec<String>> = commands.iter().map(|c| refs(engine(), c)).collect();
    for _ in 0..3 {
        let other = in_ram(&common::seed_data());
        let again: Vec<Vec<String>> = commands.iter().map(|c| refs(&other, c)).collect();
        assert_eq!(first, again);
    }
}

/// Found by tests/fuzz.rs: an excluded phrase (`-HK$151.80` is one, tokenized in pieces) made
/// tantivy's exclusion seek a phrase scorer backwards (a panic in debug builds).
#[test]
fn excluding_a_phrase_works_and_does_not_panic() {
    let engine = in_ram(&common::seed_data());
    let all = |query: &str| match engine.handle_with_limit("t", query, 20) {
        Some(Answer::Passages(p)) if !p.hits.is_empty() => p.hits,
        other => panic!("{query}: expected passages, got {other:?}"),
    };
    for (query, excluded, without) in [
        ("!search a -HK$151.80🚀!", "HK$151.80", None),
        (
            "!search shares -HK$151.80",
            "HK$151.80",
            Some("!search shares"),
        ),
        (
            "!search Alibaba -\"data centers\"",
            "data centers",
            Some("!search Alibaba"),
        ),
    ] {
        for hit in all(query) {
            assert!(!hit.text.contains(excluded), "{query}: {}", hit.text);
        }
        // The exclusion removed something: without it, a passage has the excluded words.
        if let Some(without) = without {
            assert!(
                all(without).iter().any(|h| h.text.contains(excluded)),
                "{without}"
            );
        }
    }
}

#[test]
fn a_long_search_does_not_require_words_most_passages_have() {
    let p = passages("!search the of and Qwen3-Max model");
    let notice = p
        .notices
        .iter()
        .find(|n| n.contains("Most passages have"))
        .expect("a notice naming the words left out");
    assert!(
        notice.contains("“the”") && notice.contains("“and”"),
        "{notice}"
    );
    assert!(!notice.contains("model"), "{notice}");
    assert!(!p.hits.is_empty());
    assert!(p.hits.iter().all(|h| h.text.contains("Qwen3-Max")));
    // Short searches keep every word required, and quoted phrases are never left out.
    let short = passages("!search the Qwen3-Max model");
    assert!(short.notices.iter().all(|n| !n.contains("Most passages")));
    let quoted = passages("!search \"the\" of and Qwen3-Max model");
    let notice = quoted
        .notices
        .iter()
        .find(|n| n.contains("Most passages have"))
        .expect("notice");
    assert!(!notice.contains("“the”"), "{notice}");
}

/// A bare topic command is ranked once per index and topics, then answered from that
/// ranking: the answer and its later pages are those of a fresh search, in every
/// conversation and under every alias, and a new index or new topics are ranked again.
#[test]
fn topic_answers_are_reused_only_while_the_index_and_topics_stay_the_same() {
    use clippings::engine::Knowledge;
    use clippings::index::Snapshot;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    common::copy_dir(&common::seed_data(), &data);
    let reusing = in_ram(&data);
    let fresh = in_ram(&data);
    fresh.engine().reuse_topic_answers(false);
    let topics = reusing.engine().knowledge().topics.list.clone();
    assert!(topics.len() >= 5);
    for topic in &topics {
        let command = format!("!{}", topic.name);
        let expected = fresh.handle("f", &command).unwrap();
        assert!(matches!(expected, Answer::Passages(_)), "{command}");
        let next_page = fresh.handle("f", "!more").unwrap();
        for conversation in ["a", "b", "a"] {
            assert_eq!(reusing.handle(conversation, &command).unwrap(), expected);
            assert_eq!(reusing.handle(conversation, "!more").unwrap(), next_page);
        }
        for alias in &topic.aliases {
            let command = format!("!{alias}");
            assert_eq!(reusing.handle("c", &command), fresh.handle("f", &command));
        }
        // A narrowed topic command is searched as asked.
        let narrowed = format!("!{} Brazil", topic.name);
        assert_eq!(reusing.handle("d", &narrowed), fresh.handle("f", &narrowed));
    }

    // The index changes: an article the answer quoted is gone.
    let cited = |answer: &Answer| -> Vec<String> {
        match answer {
            Answer::Passages(p) => p.hits.iter().map(|h| h.source.article.clone()).collect(),
            other => panic!("expected passages, got {other:?}"),
        }
    };
    let before = reusing.handle("a", "!capex").unwrap();
    let gone = cited(&before)[0].clone();
    std::fs::remove_file(data.join("articles").join(format!("{gone}.md"))).unwrap();
    reusing
        .engine()
        .live()
        .swap(Snapshot::in_ram(&data).unwrap());
    fresh.engine().live().swap(Snapshot::in_ram(&data).unwrap());
    let after = reusing.handle("a", "!capex").unwrap();
    assert!(!cited(&after).contains(&gone), "{after:?}");
    assert_eq!(after, fresh.handle("f", "!capex").unwrap());

    // The topics change: the same name now asks for something else.
    let mut knowledge: Knowledge = (*reusing.engine().knowledge()).clone();
    let capex = knowledge.topics.list.iter_mut().find(|t| t.name == "capex");
    capex.unwrap().query = "Qwen3-Max".to_string();
    reusing.engine().set_knowledge(knowledge.clone());
    fresh.engine().set_knowledge(knowledge);
    let changed = reusing.handle("a", "!capex").unwrap();
    assert_ne!(changed, after);
    assert_eq!(changed, fresh.handle("f", "!capex").unwrap());
    assert!(format!("{changed:?}").contains("Qwen3-Max"));
}

/// A closing curly quote used to drop the rest of the query: the exclusion was ignored.
#[test]
fn a_curly_quoted_phrase_keeps_the_rest_of_the_search() {
    for query in [
        "!search “Hong Kong” -Alibaba",
        "!search «Hong Kong» -Alibaba",
    ] {
        let p = passages(query);
        assert!(!p.hits.is_empty(), "{query}");
        for hit in &p.hits {
            assert!(hit.text.contains("Hong Kong"), "{query}: {}", hit.text);
            assert!(!hit.text.contains("Alibaba"), "{query}: {}", hit.text);
        }
    }
}

#[test]
fn a_passage_cut_off_mid_sentence_does_not_hide_another_outlets_answer() {
    // An Invezz passage ends "International Market Expansion: Although the primary funds are
    // for cloud infrastructure," (the sentence goes on in the next passage). Its few words
    // paired it with Info Finance's sentence on the rivals abroad, which was then folded away
    // as the same fact.
    among_first(
        3,
        "!ask who's the competition for their overseas cloud biz",
        "established rivals such as Amazon Web Services",
    );
}

#[test]
fn a_chat_phrase_is_read_with_a_word_inside_it() {
    // "fresh number" with "capex" inside: the updated figure Wu did not give.
    first_holds(
        "!ask did eddie give a fresh capex number or no",
        "did not disclose an updated figure",
    );
    // "before the open" with "NY" inside: the premarket.
    first_holds(
        "!ask what were the ADRs doing before the NY open",
        "rose 9.3% in premarket trade",
    );
}

#[test]
fn names_listed_in_the_question_are_not_looked_for_side_by_side() {
    // "SMIC and Hua Hong" side by side is a list in a passage too ("beneficiaries (SMIC,
    // Hua Hong, Naura)"); the move of each is told apart.
    first_holds(
        "!ask how'd smic and hua hong trade on the news",
        "Hua Hong climbed 9%",
    );
}

#[test]
fn what_a_company_budgets_or_rolls_out_is_read_as_reporters_write_it() {
    // An AI budget is what the company will spend or invest on AI.
    among_first(
        3,
        "!ask What is Alibaba's AI budget?",
        "raise its AI and cloud infrastructure spending above the 380 billion yuan",
    );
    // Rolling out accelerators is deploying them.
    first_holds(
        "!ask which telco is rolling out baba's homegrown AI accelerators?",
        "to deploy Alibaba’s AI accelerators",
    );
}

#[test]
fn names_written_with_slashes_are_words_of_their_own() {
    // "tencent/baidu/jd" was one word, a phrase no passage holds.
    first_holds(
        "!ask tencent/baidu/jd etc all together, how much r they dropping on ai infra this yr vs 2 yrs ago?",
        "combined capital expenditure on AI infrastructure",
    );
}

#[test]
fn what_the_question_sets_aside_weighs_little() {
    // The three first-time markets are known; the answer is where else the cloud goes.
    first_holds(
        "!ask apart from the 3 first-timers, which other markets are on the rollout list for next year?",
        "expanding to Mexico, Japan, South Korea, Malaysia, and Dubai",
    );
}

#[test]
fn chat_names_and_desk_words_for_cases_and_risks_are_read() {
    // "according to" says whose word it is: it is not a word to find ("According to
    // Alibaba's latest financial report" answered first).
    first_holds(
        "!ask how fast is ai moving according to wu?",
        "much faster pace than expected",
    );
    // "ali" is Alibaba; rivals "at home" are domestic ones.
    first_holds(
        "!ask which rivals does ali face at home?",
        "domestic rivals like Huawei Cloud and Tencent Cloud",
    );
    // A downside is a risk; the worst case is the bearish one.
    first_holds(
        "!ask is there any downside to spending this much $$?",
        "poses financial risks in the short term",
    );
    first_holds(
        "!ask what's the worst case for baba / china tech in the bear scenario?",
        "Bearish Case: Export controls",
    );
    // What a word means is what it refers to.
    first_holds(
        "!ask wait what does 'superintelligence' even mean in eddie's quote",
        "refers to a theoretical form of AI",
    );
}

#[test]
fn a_question_asking_what_a_thing_is_called_prefers_a_passage_naming_it() {
    // "Alibaba's Zhenwu chips": a rare name right before a word of the question.
    first_holds("!ask what's baba's own ai silicon called?", "Zhenwu");
}

#[test]
fn stealing_share_is_competing_with_rivals() {
    among_first(
        2,
        "!ask who is alicloud tryna steal share from internationally?",
        "established rivals such as Amazon Web Services",
    );
}

#[test]
fn a_count_and_its_unit_in_shorthand_finds_it_written_out() {
    // "3-yr" is the "three-year" plan, and the passage saying when it started comes first.
    first_holds(
        "!ask when did the og 3-yr plan start?",
        "over three years since February 2025",
    );
}

#[test]
fn taking_on_a_rival_and_foundries_are_read_as_reporters_write_them() {
    // Taking on a rival is challenging it.
    first_holds(
        "!ask any word on what huawei is doing to take on nvda?",
        "launched a three-year plan to challenge Nvidia",
    );
    // A foundry is a contract chipmaker.
    first_holds(
        "!ask how'd the foundries trade that day, smic etc",
        "the country’s largest contract chipmaker, rose nearly 8%",
    );
    // "against" asks who the rival is; it is not a word to find ("competitive landscape
    // against domestic rivals" answered first).
    first_holds(
        "!ask who's qwen3-max supposed to be competing against",
        "in direct competition with OpenAI",
    );
}

#[test]
fn back_in_the_day_is_what_came_prior() {
    first_holds(
        "!ask remind me why baba tanked back in the day?",
        "prior slump stemmed largely from Beijing",
    );
}

#[test]
fn desk_slang_for_buying_signing_and_now_is_read() {
    // Names that "caught a bid" rallied.
    // Either outlet's account of the chip rally answers it.
    first_holds_one_of(
        "!ask which chinese chip names caught a bid off the baba news and by how much?",
        &[
            "broad rally in Chinese semiconductor names",
            "ACM Research up 15%",
        ],
    );
    first_holds_one_of(
        "!ask which chipmakers caught a bid?",
        &["rose nearly 8%", "ACM Research up 15%"],
    );
    // Whoever "signed up" entered a partnership.
    first_holds(
        "!ask who signed up to deploy ali's homemade accelerators?",
        "secured a partnership with Unicom",
    );
    // "rn" is right now: the current price and its support.
    first_holds(
        "!ask what are the floors on the baba chart rn",
        "Current price: $155.44",
    );
    // The "HK listing" is the Hong Kong-listed shares.
    first_holds(
        "!ask what did the HK listing close at in local currency",
        "rose 5.9% to HK$151.80",
    );
}

#[test]
fn an_idiom_that_asks_searches_nothing() {
    // "What's the deal with" is not about a deal (the Unicom partnership came first).
    first_holds(
        "!ask whats the deal w/ qwen3-next, what's it supposed to be good at",
        "built for deeper long-text understanding",
    );
    first_holds(
        "!ask what’s the deal w/ qwen3-next, what's it supposed to be good at",
        "built for deeper long-text understanding",
    );
}

#[test]
fn what_lies_ahead_and_where_a_business_is_heading_are_read() {
    // "Going forward" is what is expected.
    first_holds(
        "!ask what's the cloud's place in the group going forward?",
        "expected to become the fastest-growing business unit in the group",
    );
    // Where a business is heading is where it expands.
    among_first(
        2,
        "!ask besides the 3 brand new countries, where else is the cloud arm heading next yr?",
        "expanding to Mexico, Japan, South Korea, Malaysia, and Dubai",
    );
}

#[test]
fn their_own_chips_are_the_chips_they_design() {
    // "Their own silicon" is what reporters call self-designed chips: the passage saying who
    // reported it is the one that holds both the report and the chips.
    first_holds(
        "!ask who broke the story that ali & baidu train on their own silicon?",
        "a report from The Information",
    );
}

#[test]
fn a_word_is_read_as_reporters_write_the_words_of_its_group() {
    // "abroad" is "overseas" (a group), which reporters write "international".
    among_first(
        2,
        "!ask which big western hyperscalers is ali trying to take on abroad",
        "established rivals such as Amazon Web Services",
    );
}

#[test]
fn a_passage_naming_what_the_question_asks_the_name_of_comes_first() {
    first_holds(
        "!ask whats ali's homegrown AI processor called?",
        "the Zhenwu processor",
    );
    first_holds(
        "!ask what's baba's own ai silicon called?",
        "Alibaba’s Zhenwu chips",
    );
    first_holds(
        "!ask what's the name of ali's homemade AI processor?",
        "the Zhenwu processor",
    );
}

#[test]
fn a_customer_is_who_adopts_or_deploys_a_product() {
    first_holds(
        "!ask any big customer actually using their homemade accelerators yet?",
        "Unicom",
    );
}

#[test]
fn a_question_asking_for_the_exact_words_prefers_a_quotation() {
    first_holds(
        "!ask whats the exact eddie wu quote abt ASI",
        "“We are vigorously advancing",
    );
}

#[test]
fn chat_words_for_rivals_years_and_reclaimed_levels_are_read() {
    // The hyperscalers are the big cloud providers, by name.
    first_holds(
        "!ask who's aliyun gunning for overseas, the usual hyperscalers?",
        "Amazon Web Services (AWS), Microsoft Azure, and Google Cloud",
    );
    // "next yr" is the coming year.
    first_holds(
        "!ask any other spots on the cloud map for next yr besides those three?",
        "Mexico, Japan, South Korea, Malaysia, and Dubai in the coming year",
    );
    // Getting back to a level is reclaiming it.
    first_holds(
        "!ask best case over the next few quarters, where could it get back to?",
        "reclaim the $180–$200 zone",
    );
}

#[test]
fn chat_words_for_figures_models_slumps_and_views_are_read() {
    // Putting a number on it is giving a figure.
    first_holds(
        "!ask so how much more on top of the 53b? did he put a number on it or nah",
        "did not disclose an updated figure",
    );
    // A chatbot is a language model.
    among_first(
        2,
        "!ask and what silicon is baidu training its chatbot on?",
        "Kunlun P800 chips to train new versions of its Ernie large language model",
    );
    // Getting wrecked is a slump.
    first_holds(
        "!ask remind me why ali got wrecked back in the day",
        "prior slump stemmed largely from Beijing’s sweeping crackdown",
    );
    // Someone's take on a thing is their view, not taking it on.
    first_holds(
        "!ask what's the morningstar guy's take on china's chip ecosystem",
        "self-contained virtuous cycle",
    );
}

#[test]
fn the_words_asking_for_a_name_are_not_searched() {
    // "called" only asks; "Zhenwu" names the chip.
    first_holds(
        "!ask what's baba's homegrown ai chip called",
        "Alibaba’s Zhenwu chips",
    );
    // A model "dropped" is one launched, not a falling price.
    first_holds(
        "!ask name of the new flagship llm they dropped?",
        "Qwen3-Max",
    );
}

#[test]
fn a_question_asking_which_outlet_prefers_a_passage_citing_one() {
    first_holds(
        "!ask which outlet broke the story abt ali and baidu training on their own silicon",
        "a report from The Information",
    );
}

#[test]
fn desk_words_for_forecasts_cards_customers_and_slumps_are_read() {
    // Calling for a figure is forecasting it.
    first_holds(
        "!ask and what are they calling for on ai cloud rev next q?",
        "forecasting triple-digit growth for its AI-related cloud revenue",
    );
    // A card is a GPU; steering clear of it is not using it.
    first_holds(
        "!ask which nvidia card did beijing tell companies to steer clear of",
        "RTX Pro 6000D",
    );
    // Telcos by name.
    first_holds(
        "!ask who's a customer for ali's in-house chips, a telco?",
        "Unicom",
    );
    // Getting crushed in the first place is the prior slump, and regulators crack down.
    first_shows(
        "!ask why'd baba get crushed in the first place, regulators?",
        "prior slump stemmed largely from Beijing’s sweeping crackdown",
    );
}

#[test]
fn a_value_labelled_with_what_the_question_asks_for_comes_first() {
    // "- Support: Strong support sits near $148", not the lead saying "BABA … on the chart".
    first_shows(
        "!ask where's support on the baba chart",
        "Strong support sits near $148",
    );
}

#[test]
fn chat_words_for_bans_views_highs_and_banks_are_read() {
    // Off limits is banned or restricted.
    first_shows(
        "!ask which nvidia parts are off limits for china per these pieces",
        "RTX Pro 6000D",
    );
    // The Swiss bank by its name, and its analyst's take is the view he gave.
    first_shows(
        "!ask the swiss bank analyst, who is it and what was the take",
        "Vey-Sern Ling, a senior analyst at Union Bancaire Privee",
    );
    // Last this high is the highest since ("… level since 2021", "… high since December
    // 2021"), not "last month".
    first_shows(
        "!ask when was hk last this high? articles seem to disagree on the month",
        "since",
    );
    // Gunning for a rival is competing with it.
    among_first(
        2,
        "!ask who's ali cloud gunning for overseas",
        "established rivals such as Amazon Web Services",
    );
}

#[test]
fn an_article_named_by_words_of_its_title_is_preferred() {
    // "The $53B piece" is "Alibaba’s $53 Billion AI Bet…", which has no outlet to name.
    among_first(
        2,
        "!ask who's ali up against in the model wars per the $53B piece",
        "in direct competition with OpenAI, Anthropic",
    );
}

#[test]
fn desk_shorthand_for_the_open_the_hong_kong_line_and_a_minimum_is_read() {
    // Pre-bell is premarket.
    first_shows(
        "!ask how'd the ADRs do pre-bell wed",
        "rose 9.3% in premarket trade",
    );
    // 9988 is the Hong Kong line.
    first_shows("!ask when was the last time 9988 traded up here?", "since");
    // A floor on a commitment is its minimum: "at least".
    first_shows(
        "!ask floor on what ali's committing to ai + cloud thru the next 3y, in usd?",
        "at least $53 billion",
    );
}

#[test]
fn the_outlet_a_question_names_weighs_more_than_a_shared_word() {
    // Asked "in the abmedia writeup", ABMedia's passage on the chip names comes before
    // another outlet's passage sharing more of the question's words.
    among_first(
        2,
        "!ask which china semi names caught a sympathy bid in the abmedia writeup",
        "ACM Research up 15%",
    );
}

#[test]
fn chart_and_period_shorthand_is_read() {
    // "supp / res" and "key levels" are support and resistance.
    first_shows(
        "!ask key levels on baba? supp / res",
        "Strong support sits near $148",
    );
    // Bull and bear are the bullish and bearish cases.
    first_shows("!ask bull vs bear tldr from the $53B article?", "Case:");
    // "5y" is five years, "q" a quarter.
    among_first(
        2,
        "!ask eddie wu global ai capex forecast 5y?",
        "$4 trillion",
    );
    first_shows("!ask cloud seg yoy last q?", "26%");
}

#[test]
fn brand_new_sites_are_the_first_ones() {
    first_shows(
        "!ask where are the brand new ali cloud DCs going up?",
        "first data centers in Brazil, France, and the Netherlands",
    );
}

#[test]
fn a_passage_naming_the_thing_comes_first_whatever_its_modifiers_match_elsewhere() {
    // "Homebrew" matches "homegrown" and "in-house" in passages that name no chip; the one
    // naming it ("Alibaba’s Zhenwu chips") answers.
    first_shows("!ask what do they call ali's homebrew ai chip", "Zhenwu");
    first_shows("!ask name of ali's homemade AI chip?", "Zhenwu");
}

#[test]
fn chat_idioms_for_the_boss_the_catch_the_pot_and_the_way_up_are_read() {
    first_shows("!ask who's calling the shots at ali rn", "Chief Executive");
    first_shows("!ask what's the catch with spending this much", "risk");
    first_shows(
        "!ask how much extra is baba adding to the ai pot per the abmedia writeup?",
        "$5.3 billion",
    );
    first_shows(
        "!ask what levels cap it on the way up",
        "resistance zone is at $165",
    );
}

#[test]
fn a_year_shortened_and_a_bag_picked_up_are_read() {
    // "'23" is 2023.
    first_shows(
        "!ask and what were they budgeting back in '23",
        "less than US$13 billion in 2023",
    );
    // A bag picked up is a position bought.
    first_shows(
        "!ask how big a bag did cathie pick up",
        "purchased $16.3 million",
    );
}

#[test]
fn chat_words_for_server_farms_bumps_the_whole_world_and_january_are_read() {
    // A server farm is a data center.
    first_shows(
        "!ask which countries are getting alibaba server farms?",
        "first data centers in Brazil",
    );
    // A stock getting a bump rose.
    first_shows("!ask did smic get a bump?", "rose nearly 8%");
    // The whole world is global.
    first_shows(
        "!ask how much will the whole world pour into ai?",
        "$4 trillion",
    );
    // Since January is year to date.
    first_shows(
        "!ask how far is the stock up since january?",
        "Year-to-date gains",
    );
}

#[test]
fn chat_words_for_bankers_users_fights_and_what_could_go_wrong_are_read() {
    // A banker is an analyst at a bank.
    first_shows(
        "!ask what did the banker say about when companies spend more?",
        "return visibility improves",
    );
    // Who is using a product is who adopted or deploys it.
    first_shows(
        "!ask who is using their accelerators?",
        "partnership with Unicom",
    );
    // Fighting someone is competing with them.
    first_shows("!ask who is qwen3-max fighting?", "competition with OpenAI");
    // What could go wrong are the risks.
    first_shows(
        "!ask what could go wrong for alibaba investors?",
        "opportunities and risks",
    );
}

#[test]
fn desk_shorthand_for_indexes_ranges_performance_and_slumps_is_read() {
    // "hs tech" is the Hang Seng Tech Index.
    first_shows("!ask how did hs tech do?", "2.1%");
    // A price range is a zone on the chart.
    first_shows(
        "!ask what range do the charts see it reclaiming?",
        "$180–$200 zone",
    );
    // "perf" is performance: gains.
    first_shows("!ask hk shares ytd perf?", "Year-to-date gains");
    // What knocked a stock down is its slump; before this is prior.
    first_shows(
        "!ask what knocked alibaba down before the rally?",
        "prior slump",
    );
    first_shows(
        "!ask when did ark hold alibaba before this?",
        "first time since 2021",
    );
    // The big runs are the largest training tasks.
    first_shows(
        "!ask are they off nvidia for the big runs?",
        "largest training tasks",
    );
}

#[test]
fn chat_words_for_launches_firsts_costs_and_bots_are_read() {
    // Showing off a model is unveiling or launching it.
    first_shows("!ask which model did they show off?", "Qwen3-Max");
    // "For the first time" is written "first".
    first_shows(
        "!ask countries getting dcs for the first time?",
        "first data centers in Brazil",
    );
    // Cheaper to train is a cut in training costs; "didn't" asks.
    first_shows("!ask which model is cheaper to train?", "Qwen3-Next");
    first_shows(
        "!ask didn't they launch a model that is cheaper to train?",
        "Qwen3-Next",
    );
    // A bot is a chatbot: a language model.
    among_first(
        3,
        "!ask what hardware does baidu train its bot on?",
        "Kunlun P800",
    );
}

#[test]
fn a_quote_shows_the_sentence_stating_the_kind_of_answer_asked() {
    // The passage says "announced" twice; the date is in one of the two sentences.
    first_shows(
        "!ask what day did they make the big ai announcement?",
        "September 24th",
    );
}

#[test]
fn chat_words_for_conferences_debt_top_ups_totals_and_slumps_are_read() {
    // "dev conf" is a developer conference.
    first_shows(
        "!ask what did wu say at the dev conf?",
        "Hangzhou Developer",
    );
    first_shows("!ask where was the dev conf?", "Hangzhou Developer");
    // Debt sold is bonds; paying for a push is funding it.
    first_shows(
        "!ask how big is the debt alibaba is selling?",
        "$3.2 billion",
    );
    first_shows(
        "!ask how are they paying for the ai push?",
        "convertible bonds",
    );
    // A top-up is an additional amount; a total is what is combined.
    first_shows("!ask what was the top-up to the ai budget?", "$5.3 billion");
    first_shows(
        "!ask total ai capex of the big chinese platforms?",
        "US$32 billion",
    );
    // Rekt is wrecked: a slump.
    first_shows("!ask why did alibaba get rekt before?", "slump");
}

#[test]
fn chat_words_for_laggards_harm_rallies_and_upside_are_read() {
    // A dog, or a laggard, lagged its peers; the rest of the world is global.
    first_shows(
        "!ask why have chinese stocks been a dog?",
        "lagged global peers",
    );
    first_shows(
        "!ask chinese equities vs the rest of the world?",
        "lagged global peers",
    );
    first_shows(
        "!ask why are chinese stocks laggards?",
        "lagged global peers",
    );
    // What could hurt them are the risks.
    first_shows(
        "!ask could the spending hurt them short term?",
        "financial risks in the short term",
    );
    // Dragged higher is driven up.
    first_holds_one_of(
        "!ask which chip names got dragged higher?",
        &["rose nearly 8%", "ACM Research up 15%"],
    );
    first_holds_one_of(
        "!ask what got dragged higher with alibaba?",
        &["rose nearly 8%", "ACM Research up 15%"],
    );
    // The upside is the target the chart sees.
    among_first(
        2,
        "!ask realistic upside over the next few qtrs?",
        "$180–$200 zone",
    );
}

#[test]
fn a_sentence_pointing_back_is_read_with_the_one_before() {
    // "This positioned the company in direct competition…" is about "its most advanced
    // large language model", named in the sentence before.
    among_first(
        2,
        "!ask which labs is the new model fighting?",
        "competition with OpenAI",
    );
}

#[test]
fn plain_words_for_enemies_falls_comebacks_dangers_and_totals_are_read() {
    // An enemy is a rival.
    first_shows(
        "!ask which american firms are the cloud enemy?",
        "Amazon Web Services",
    );
    // Where a fall stops is support; floor levels are support levels.
    first_shows(
        "!ask where could the stock stop falling?",
        "Strong support sits near $148",
    );
    first_shows(
        "!ask baba floor levels on the chart?",
        "Strong support sits near $148",
    );
    // Coming back to a level is reclaiming it.
    first_shows(
        "!ask how high can the stock come back in the coming months?",
        "$180–$200 zone",
    );
    // Dangers are risks; going down is a slump.
    first_shows("!ask what dangers for investors?", "risk");
    first_shows("!ask why was the stock going down so much before?", "slump");
    // In one day is daily; together is combined.
    among_first(
        2,
        "!ask which chip tool company reached the max rise allowed in one day?",
        "daily 10% limit",
    );
    first_shows(
        "!ask the big 4 together spend how much on ai?",
        "US$32 billion",
    );
}

#[test]
fn plain_words_for_growing_into_markets_and_passing_a_level_are_read() {
    // Growing into a place is expanding there.
    first_shows(
        "!ask where will the cloud grow into next year?",
        "Mexico, Japan",
    );
    // The level hard to pass over is resistance.
    first_shows(
        "!ask what price is hard to pass over?",
        "resistance zone is at $165",
    );
}

#[test]
fn shorthand_for_sites_stances_numbers_and_money_is_read() {
    // A dc is a data center; first-ever is first; server facilities are data centers.
    first_shows(
        "!ask which countries get their first dc?",
        "first data centers in Brazil",
    );
    first_shows(
        "!ask which countries get alibaba's first-ever cloud sites?",
        "first data centers in Brazil",
    );
    first_shows(
        "!ask where are the first server facilities going?",
        "Brazil, France",
    );
    // An analyst's stance is the rating.
    first_shows("!ask what's the jefferies stance?", "'buy' rating");
    // A number written out is the figure.
    first_shows(
        "!ask which chip stock rose fifteen percent?",
        "ACM Research up 15%",
    );
    // Greenbacks are US dollars.
    first_shows("!ask hk close in greenbacks?", "US$19.49");
    // A split of the cash is its allocation.
    first_shows("!ask how's the offering cash split?", "80%");
}

#[test]
fn idioms_for_slumps_blame_and_rivalry_are_read() {
    // The doldrums are a slump; what is blamed is what it stemmed from, or what the downturn
    // was due to (another outlet telling the same cause).
    first_shows("!ask why was alibaba in the doldrums?", "slump");
    first_holds_one_of(
        "!ask what was blamed for the stock's fall?",
        &["slump stemmed", "downturn due to"],
    );
    // Going head to head is competing.
    first_shows(
        "!ask who is qwen3-max going head to head with?",
        "competition with OpenAI",
    );
}

#[test]
fn desk_words_for_funds_targets_weeks_borrowing_and_peaks_are_read() {
    // A fund coming back into a stock reopened positions.
    first_shows(
        "!ask did any fund come back into the stock?",
        "reopened positions",
    );
    // The bull story is the bullish case.
    first_shows("!ask what's the bull story?", "Bullish Case");
    // A target nudged up was raised; a price goal is a price target; a broker is an analyst.
    first_shows(
        "!ask who nudged up their target?",
        "raised their target price",
    );
    first_shows("!ask what's the new price goal?", "target price");
    first_shows(
        "!ask which broker is bullish, and what's the new target?",
        "Jefferies",
    );
    // Five trading days are a week; the next twelve months are the coming year.
    first_shows("!ask gain over the last five trading days?", "this week");
    first_shows(
        "!ask which markets come in the next twelve months?",
        "Mexico, Japan",
    );
    // Borrowing is the bonds sold; a peak is a high.
    first_shows("!ask how much are they borrowing?", "$3.2 billion");
    first_shows(
        "!ask peak since which month exactly? outlets differ",
        "2021",
    );
}

/// One of the first `n` answers to `message` shows `fragment` in its quote.
fn among_first_shown(n: usize, message: &str, fragment: &str) {
    let p = passages(message);
    assert!(
        p.hits
            .iter()
            .take(n)
            .any(|h| h.quote_text().contains(fragment)),
        "{message}: {:?}",
        p.hits.iter().map(|h| h.quote_text()).collect::<Vec<_>>()
    );
}

#[test]
fn idioms_for_stages_wires_pace_and_the_upside_case_are_read() {
    // On stage is at a conference; hitting the wires is being announced.
    among_first_shown(2, "!ask where did wu get up on stage?", "conference");
    among_first_shown(
        2,
        "!ask when did the budget news hit the wires?",
        "September 24th",
    );
    // Keeping pace is outpacing or not; the upside case is the bullish one.
    first_shows("!ask did hk tech keep pace with them?", "2.1%");
    first_shows(
        "!ask what's the upside case over the next few quarters?",
        "$180–$200 zone",
    );
    // An add-on is an additional amount; spreading is expanding.
    among_first_shown(
        2,
        "!ask how much extra cash is the add-on amount?",
        "5.3 billion",
    );
    first_shows("!ask where is the cloud spreading next?", "Mexico, Japan");
    // Telling people to get in is a buy rating; where a price could stall is resistance.
    first_shows(
        "!ask are analysts telling people to get in?",
        "'buy' rating",
    );
    first_shows(
        "!ask where could the price stall?",
        "resistance zone is at $165",
    );
    // The downside scenarios are the bearish case.
    first_shows("!ask what are the downside scenarios?", "Bearish Case");
}

#[test]
fn policy_words_for_aggregates_deratings_and_national_champions_are_read() {
    // An aggregate is a combined figure.
    first_shows(
        "!ask aggregate ai capex of the big chinese platforms?",
        "US$32 billion",
    );
    // A derating is a slump.
    first_shows("!ask why the derating before the rally?", "slump");
    // National champions are a country's domestic companies.
    first_shows(
        "!ask did beijing tell national champions to avoid nvidia parts?",
        "not to use these chips",
    );
}

#[test]
fn a_table_recapping_the_text_yields_to_the_sentence_saying_it() {
    // The article's table row ("Naura Technology (Shanghai) | +10% daily limit") says in
    // cells what its sentence says: the sentence is quoted first.
    first_shows(
        "!ask how did naura trade, limit up?",
        "hit the daily 10% limit in Shanghai",
    );
    // A question about the table itself gets the table.
    first_shows(
        "!ask in the moves table, what drove hua hong?",
        "Benefiting from foundry tailwinds",
    );
}

#[test]
fn words_joined_by_hyphens_that_the_coverage_lacks_are_read_apart() {
    // "cheap" occurs nowhere; "train" does, in other forms.
    first_shows(
        "!ask which model is the cheap-to-train one?",
        "designed to cut training costs dramatically",
    );
    // "efficiency" and "focused" occur, never in a row.
    first_shows(
        "!ask which model is the efficiency-focused one?",
        "Qwen3-Next",
    );
}

#[test]
fn a_product_named_without_its_version_finds_its_numbered_names() {
    // "qwen max" is written "Qwen3-Max".
    first_shows(
        "!ask who is qwen max going up against?",
        "direct competition with OpenAI",
    );
}

#[test]
fn a_question_naming_an_outlet_gets_that_outlets_passage() {
    // Another outlet's passage holds more of the words; the question names ABMedia.
    first_shows(
        "!ask per abmedia, which semi names caught a bid?",
        "ACM Research up 15%",
    );
    // Chip names are chip makers too.
    first_shows(
        "!ask in the abmedia writeup, which chip names rallied along?",
        "ACM Research up 15%",
    );
}

#[test]
fn an_upside_target_is_also_a_level_to_reclaim() {
    // Like "upside" alone, an upside target is written as a level the stock could reclaim.
    among_first_shown(2, "!ask multi-quarter upside target?", "$180–$200 zone");
}

#[test]
fn regions_stand_for_their_countries_and_policy_words_are_read() {
    // Asia and Latin America are written as the countries in them.
    first_shows("!ask any asia sites on the cloud list?", "Malaysia");
    first_shows("!ask latam cloud sites?", "Brazil");
    first_shows(
        "!ask latin america expansion plans for the cloud?",
        "Brazil",
    );
    // Decoupling is cutting reliance; natsec is national-security scrutiny; a
    // rectification campaign is a crackdown.
    first_shows("!ask decoupling progress?", "reliance");
    first_shows(
        "!ask any natsec pushback risk for the overseas expansion?",
        "scrutiny",
    );
    first_shows("!ask what rectification caused the slump?", "crackdown");
}

#[test]
fn chat_words_for_vagueness_the_planet_limits_doom_and_splits_are_read() {
    // Cagey is not disclosing; the whole planet is global; maxing out is hitting the limit.
    first_shows("!ask new top-up: a number, or cagey?", "did not disclose");
    among_first_shown(
        3,
        "!ask how much will the whole planet spend on ai?",
        "$4 trillion",
    );
    first_shows("!ask who maxed out in shanghai?", "daily 10% limit");
    // Squaring off is competing; the doom scenario is the bearish case; going sideways
    // is a risk; carving up is allocating.
    first_shows(
        "!ask who does the new llm square off against?",
        "direct competition",
    );
    among_first_shown(2, "!ask what's the doom scenario?", "Bearish Case");
    first_shows(
        "!ask what could go sideways with all the spending?",
        "poses financial risks",
    );
    first_shows("!ask how is the raise carved up?", "80%");
}

#[test]
fn common_english_words_weigh_less_than_their_rarity_in_the_coverage() {
    // "tell", "own" and "about" are rare in the coverage but common in English: the
    // passage on what Beijing urged comes before one that merely holds them.
    first_shows(
        "!ask what did beijing tell its own businesses about the american ai chips?",
        "not to use these chips",
    );
}

#[test]
fn plain_words_for_experts_early_days_new_markets_and_worth_are_read() {
    // Experts are analysts; "at first" is the short term; moving into is expanding.
    among_first_shown(
        2,
        "!ask what do the experts say about the stock?",
        "analysts",
    );
    among_first_shown(2, "!ask is the spending risky at first?", "short term");
    first_shows("!ask which countries will the cloud move into?", "Mexico");
    // Against a year earlier is year on year; a stock worth more has a higher target price.
    first_shows("!ask cloud growth versus a year earlier?", "26%");
    first_shows(
        "!ask which bank thinks the stock is worth more?",
        "Jefferies",
    );
}

#[test]
fn a_hyphenated_word_known_written_as_one_is_read_as_one() {
    // "de-rating" occurs nowhere; "derating" is a word the synonyms know (a slump).
    first_shows("!ask what caused the de-rating of the stock?", "slump");
}

#[test]
fn corporate_finance_and_plain_words_for_the_rest_growth_valuation_and_scrutiny_are_read() {
    // The balance is the rest; upsizing is increasing; industry-wide is global.
    first_shows("!ask and the balance of the raise?", "e-commerce");
    first_shows(
        "!ask are they going to upsize the ai budget further?",
        "further",
    );
    among_first_shown(
        2,
        "!ask what's the industry-wide ai spend forecast?",
        "$4 trillion",
    );
    // A debut is a first; the multiple is the valuation (a re-rating changes it).
    first_shows("!ask which countries get debut cloud sites?", "Brazil");
    first_shows("!ask multiple expansion for the stock?", "re-rate");
    // Machinery is equipment; since New Year is year to date; laying out is spending;
    // suspicious governments scrutinise.
    first_shows("!ask which chip machinery maker rallied?", "Naura");
    first_shows("!ask how far is the stock up since new year?", "107%");
    among_first_shown(
        2,
        "!ask how much will chinese tech lay out on ai in 2025?",
        "US$32 billion",
    );
    first_shows("!ask will regulators abroad be suspicious?", "scrutiny");
}

#[test]
fn the_gpu_leader_and_its_other_names_are_read_as_nvidia() {
    // People name Nvidia by what it makes: the GPU maker, vendor, leader, giant, champ,
    // incumbent, the graphics chip maker.
    for message in [
        "!ask huawei vs the gpu maker?",
        "!ask huawei vs the gpu vendor?",
        "!ask huawei vs the gpu leader?",
        "!ask how is huawei taking on the gpu giant?",
        "!ask huawei vs the gpu champ?",
        "!ask huawei's roadmap against the gpu incumbent?",
        "!ask is huawei taking on the graphics chip maker?",
        "!ask huawei vs the graphics card maker?",
    ] {
        first_shows(message, "challenge Nvidia");
    }
}

#[test]
fn new_york_shares_are_the_wall_street_listing() {
    first_shows(
        "!ask how did the new york shares trade before the open?",
        "9.3%",
    );
}

#[test]
fn a_question_asking_which_countries_finds_countries_named() {
    // "countries" is written as the countries' names.
    first_shows("!ask which countries get new cloud sites?", "Brazil");
    first_shows("!ask which country gets a new data center?", "Brazil");
}

#[test]
fn idioms_for_spending_alignment_limits_and_lagging_are_read() {
    // Opening the wallet is investing; lining up with is aligning; hobbling is limiting;
    // falling behind is lagging.
    among_first_shown(
        2,
        "!ask when will companies open the wallet?",
        "increase their investments",
    );
    first_shows("!ask how does the chip push line up with beijing?", "align");
    first_shows("!ask could the curbs hobble china?", "limit");
    first_shows("!ask why did chinese stocks fall behind?", "lagged");
}

#[test]
fn a_risk_officers_and_plain_words_for_declines_figures_bans_and_chart_ceilings_are_read() {
    // A drawdown is a slump; quantifying is giving a figure; scrutinising is watching
    // closely; what is forbidden is banned or under export controls; the last print is the
    // latest results; a gamble is a risk; where a stock stops going up is resistance.
    first_holds_one_of(
        "!ask what caused alibaba's drawdown?",
        &["slump", "downturn"],
    );
    first_shows("!ask did wu quantify the new spending?", "figure");
    first_shows(
        "!ask what will investors scrutinize about the spend?",
        "watching closely",
    );
    first_shows("!ask what will investors scrutinise?", "watching closely");
    among_first_shown(2, "!ask which chips are forbidden?", "RTX Pro 6000D");
    first_shows("!ask cloud unit's last print?", "26%");
    first_shows("!ask is the ai spend a gamble?", "risk");
    first_shows("!ask where might the stock stop going up?", "resistance");
}

#[test]
fn chips_made_for_others_and_in_large_numbers_are_foundry_work_and_mass_production() {
    // A maker of chips for others is a contract chipmaker (a foundry); making things in large
    // numbers is mass production.
    first_shows(
        "!ask how did the biggest maker of chips for others trade?",
        "SMIC",
    );
    first_shows(
        "!ask can huawei build advanced chips in large numbers?",
        "mass-produce",
    );
    first_shows("!ask can huawei make chips in big numbers?", "mass-produce");
}

#[test]
fn a_whole_number_asked_finds_the_figures_it_rounds() {
    // People remember "5 billion" for "$5.3 billion".
    first_shows(
        "!ask did they add something like 5 billion for ai?",
        "5.3 billion",
    );
}

#[test]
fn smarter_than_people_carriers_and_chat_words_for_slumps_splits_and_expansion_are_read() {
    // AI smarter than people is superintelligence; a telecom carrier or operator is a
    // telecom company by name; "smoked" is a slump; money divided is allocated; branching
    // out is expanding; "not yet" is answered by what is still so.
    first_shows(
        "!ask what does ai smarter than people mean?",
        "superintelligence",
    );
    first_shows(
        "!ask who says ai will outthink people?",
        "superintelligence",
    );
    first_shows(
        "!ask some telecom carrier uses their chip, which one?",
        "Unicom",
    );
    first_shows("!ask is a state carrier using their silicon?", "Unicom");
    first_shows("!ask which telecom operator runs their chips?", "Unicom");
    first_holds_one_of("!ask why did alibaba get smoked?", &["slump", "downturn"]);
    first_shows("!ask how is that money being divided?", "80%");
    first_shows("!ask where is alibaba cloud branching out?", "expanding");
    first_shows("!ask are they done with nvidia yet?", "still rely");
}

#[test]
fn a_word_the_coverage_never_writes_weighs_fully_through_what_stands_for_it() {
    // "ytd" is written "year-to-date" and "pre-open" "premarket": the question's other words
    // ("performance", "move") must not outweigh them.
    first_shows("!ask how's the performance ytd?", "Year-to-date");
    first_shows("!ask adr move pre-open?", "premarket");
}

#[test]
fn a_bank_or_a_famous_investor_asked_for_finds_them_by_name() {
    // Coverage names the bank ("Jefferies analysts") and the investor ("Cathie Wood's ARK
    // Invest"), not what they are.
    first_shows("!ask did an investment bank raise its target?", "Jefferies");
    first_shows("!ask which bank still says buy?", "Jefferies");
    first_shows("!ask is a famous investor buying again?", "Cathie Wood");
}

#[test]
fn a_conference_a_lift_and_h_shares_are_read_as_reporters_write_them() {
    // What was shown "at the conference" is written "at the event"; names that "got a lift"
    // rallied; H-shares are the Hong Kong-listed ones.
    first_shows("!ask what launched at the conference?", "At the event");
    first_shows("!ask which chip names got a lift?", "rally");
    first_shows("!ask what did the h-shares close at?", "Hong Kong-listed");
}

#[test]
fn a_compound_of_words_is_also_read_in_its_parts_other_forms() {
    // "homegrown-chip" also finds "self-designed chips", here in the passage citing its source.
    first_shows(
        "!ask who first reported the homegrown-chip training?",
        "The Information",
    );
    first_shows(
        "!ask which outlet broke the homegrown-chip news?",
        "The Information",
    );
}

#[test]
fn other_or_new_markets_are_countries_by_name() {
    first_shows(
        "!ask which new markets is alibaba cloud entering?",
        "Brazil",
    );
    among_first_shown(
        2,
        "!ask what other markets is the cloud arm adding?",
        "Brazil",
    );
}

#[test]
fn bad_years_and_rivals_here_and_abroad_are_read() {
    // A coverage that never says "bad" writes it weak or lagging; "here and abroad" is
    // domestic and overseas.
    first_shows("!ask what made chinese stocks so bad?", "weak");
    among_first_shown(
        2,
        "!ask who does qwen compete with here and abroad?",
        "domestic challengers",
    );
}

#[test]
fn export_restrictions_are_written_export_controls() {
    first_shows(
        "!ask which gpus fall under the export restrictions?",
        "RTX Pro 6000D",
    );
}

#[test]
fn so_much_money_is_the_sheer_scale_of_the_spend() {
    // "so / that / this much money" is what reporters call the sheer scale of an investment.
    first_shows("!ask is it risky to spend so much money?", "sheer scale");
    first_shows(
        "!ask what's wrong with spending that much money?",
        "sheer scale",
    );
    first_shows("!ask can they afford this much money?", "sheer scale");
    first_shows("!ask why worry about that much cash?", "sheer scale");
}

#[test]
fn a_search_engine_company_a_talking_program_and_twelve_months_earlier_are_read() {
    // The search engine company is Baidu (or Google), a talking program a language model,
    // twelve months earlier year-on-year.
    first_shows(
        "!ask what chips does the search engine company use?",
        "Baidu",
    );
    first_shows("!ask what is baidu's talking program called?", "Ernie");
    first_shows(
        "!ask how much did cloud revenue grow from twelve months earlier?",
        "year-on-year",
    );
}

#[test]
fn what_reporters_write_for_a_word_weighs_as_the_word_itself() {
    // "event" is written "conference", "places" countries' names, "up against" competition:
    // the question's other words must not outweigh them.
    first_shows("!ask what event was it announced at?", "conference");
    first_shows("!ask which other places do they go next year?", "Brazil");
    first_shows(
        "!ask who is qwen max going up against?",
        "direct competition",
    );
}

#[test]
fn a_word_spelled_apart_or_together_is_the_same_word() {
    // "chip maker" is written "chipmaker": the same word, not a synonym weighing less.
    first_shows(
        "!ask how much did China's biggest chip maker's stock go up?",
        "SMIC",
    );
}

#[test]
fn plain_words_for_a_ceiling_a_days_limit_outperforming_money_put_in_and_heat_are_read() {
    // A price the stock has trouble getting above is resistance; the most a stock is allowed
    // to move in a day is its daily limit; doing better than is outpacing; money put in is
    // invested; heat is scrutiny; super AI is superintelligence.
    first_shows(
        "!ask what price could the stock have trouble getting above?",
        "resistance",
    );
    among_first_shown(
        2,
        "!ask which stock moved the most it's allowed to move in a day?",
        "Naura",
    );
    first_shows(
        "!ask did alibaba do better than the overall market that day?",
        "outpacing",
    );
    first_shows("!ask how much money did they put in?", "$16.3 million");
    first_shows(
        "!ask will the chip push draw more heat from the west?",
        "scrutiny",
    );
    first_shows("!ask what does super ai mean?", "refers to");
}

#[test]
fn an_upside_target_is_where_the_stock_could_climb_not_its_ceiling() {
    // Upside is where a stock could go ("reclaim the $180–$200 zone"); the levels on the way
    // up are resistance.
    first_shows(
        "!ask what's the upside target over the next few quarters?",
        "reclaim",
    );
    first_shows("!ask any upside target for the stock?", "reclaim");
    first_shows("!ask what are the upside levels?", "resistance");
}

#[test]
fn geos_and_locations_are_countries_by_name() {
    first_shows("!ask new data center geos?", "Brazil");
    first_shows("!ask which locations get new data centers?", "Brazil");
}

#[test]
fn the_long_term_what_affects_it_and_a_world_split_in_two_are_read() {
    // "long term" is one phrase, written "in the long run"; what affects something is its
    // impact; a world split into two camps is two parallel systems.
    among_first_shown(
        2,
        "!ask does nvidia lose out long term in china?",
        "In the long run",
    );
    first_shows(
        "!ask how will this affect american chipmakers?",
        "implications",
    );
    first_shows(
        "!ask could the tech world end up split into two camps?",
        "two parallel systems",
    );
    first_shows(
        "!ask will the chip world be split in two?",
        "two parallel systems",
    );
}

#[test]
fn the_logic_or_rationale_behind_something_asks_for_a_reason() {
    // "What's the logic / rationale behind" asks why, anywhere in the question; "the surge
    // reflects rising confidence" gives the reason.
    first_shows(
        "!ask what's the rationale for chip equipment names rallying?",
        "reflects rising confidence",
    );
}

#[test]
fn back_home_and_inside_china_are_the_domestic_market() {
    first_shows(
        "!ask which rivals back home will they be fighting harder?",
        "Huawei Cloud",
    );
    first_shows(
        "!ask who are they up against for cloud customers inside china?",
        "Huawei Cloud",
    );
}

#[test]
fn what_kind_of_outlet_a_source_question_names_is_not_the_storys_topic() {
    // "some tech outlet" frames the question; "tech" must not pull passages about tech
    // leaders above the one citing where the story came from.
    first_shows(
        "!ask where did the story about alibaba and baidu training on their own chips come from, some tech outlet?",
        "The Information",
    );
}

#[test]
fn rivals_to_beat_sellers_on_the_chart_a_chip_unit_hk_tech_and_a_bullish_broker_are_read() {
    // Who a model has to beat is its competition; where a stock runs into sellers is
    // resistance; a company's chip unit is its semiconductor division; HK tech is the Hang
    // Seng Tech Index; a broker getting more bullish raised its target.
    first_shows(
        "!ask who does qwen3 max have to beat?",
        "direct competition",
    );
    first_shows(
        "!ask where does the stock run into sellers next?",
        "resistance",
    );
    among_first_shown(
        2,
        "!ask where did alibaba's chip design unit come from?",
        "as early as 2018",
    );
    first_shows("!ask how did hk tech do that day?", "Tech Index");
    first_shows("!ask did any broker get more bullish?", "Jefferies");
}

#[test]
fn a_number_asked_for_anywhere_wants_a_figure() {
    // "got a number?" at the end asks for a figure: the passage stating one comes first.
    first_shows(
        "!ask how are the ai products selling, got a number?",
        "triple digits",
    );
}

#[test]
fn home_turf_is_the_domestic_market() {
    first_shows(
        "!ask who are the home-turf cloud competitors?",
        "Huawei Cloud",
    );
}

#[test]
fn the_last_quarter_is_the_latest_earnings() {
    first_shows("!ask cloud sales growth last qtr?", "26%");
    first_shows(
        "!ask was cloud growth last quarter above twenty percent?",
        "26%",
    );
}

#[test]
fn buying_back_in_and_the_doghouse_are_read() {
    first_shows(
        "!ask did any big US fund buy back in?",
        "reopened positions",
    );
    first_shows("!ask why was alibaba in the doghouse?", "prior slump");
}

#[test]
fn taking_business_from_someone_is_competing_with_rivals() {
    first_shows(
        "!ask which cloud providers is Alibaba trying to take business from abroad?",
        "Amazon Web Services",
    );
}

#[test]
fn a_self_reinforcing_cycle_and_smarter_than_people_are_read() {
    first_shows(
        "!ask is China's AI push becoming self-reinforcing?",
        "self-sustaining ecosystem",
    );
    first_shows(
        "!ask what do they call AI that is smarter than any person?",
        "superintelligence refers to",
    );
}

#[test]
fn a_world_split_into_separate_camps_and_down_the_road_are_read() {
    first_shows(
        "!ask is the chip race splitting the world?",
        "fragmentation",
    );
    first_shows("!ask will tech end up in separate camps?", "fragmentation");
    first_shows(
        "!ask what happens to US chipmakers down the road?",
        "In the long run",
    );
}

#[test]
fn what_has_to_go_right_asks_for_a_condition() {
    // A sentence stating a condition answers; not one that only shares the question's verb
    // ("hitting a nearly four-year high", "will increase spending").
    first_shows(
        "!ask what would it take for the stock to hit $200?",
        "If AI demand sustains",
    );
    first_shows(
        "!ask what has to be true before companies spend more?",
        "only increase their investments when",
    );
    first_shows("!ask can the stock climb back to $200?", "$180–$200 zone");
}

#[test]
fn whether_they_fully_dropped_something_finds_what_they_still_do() {
    // Without the reading, a passage sharing "three-year" ("deployed over three years")
    // came first.
    first_shows(
        "!ask so have they fully dropped Nvidia or not yet?",
        "still rely on Nvidia chips",
    );
}

#[test]
fn what_the_world_will_sink_into_ai_and_a_forecast_are_read() {
    // Money sunk into something is invested, not a falling price; a forecast, a prediction or
    // a guess is what is expected.
    first_shows(
        "!ask how much will the whole world sink into ai?",
        "$4 trillion",
    );
    first_shows("!ask eddie wu global ai capex forecast 5y?", "$4 trillion");
    first_shows(
        "!ask What did the chief executive predict the whole world would be spending on AI over roughly the coming half-decade?",
        "$4 trillion",
    );
    first_shows(
        "!ask Did the boss say AI is taking off quicker than anyone guessed?",
        "faster pace than expected",
    );
}

#[test]
fn a_catalyst_a_catch_and_a_stock_that_cratered_are_read() {
    first_shows(
        "!ask could the chip curbs be a catalyst?",
        "catalyze accelerated self-sufficiency",
    );
    first_shows(
        "!ask is there a catch w splurging this much near term",
        "poses financial risks",
    );
    first_shows(
        "!ask why did baba stock crater a few yrs back",
        "downturn due to",
    );
}

#[test]
fn the_person_of_a_firm_saying_something_answers_who() {
    // Without "Morningstar's Phelix Lee noted" read as a person, the chief executive's words
    // came first.
    first_shows(
        "!ask whos the morningstar guy n wut was his take",
        "Phelix Lee",
    );
}

#[test]
fn intern_slang_for_premarket_watching_a_slump_and_the_flagship_model_is_read() {
    first_shows(
        "!ask how much did it pump in the US before the market even opened lol",
        "premarket",
    );
    first_shows(
        "!ask what are the big money people gonna be keeping an eye on from here on out?",
        "watching closely",
    );
    first_shows(
        "!ask why was alibaba's stock so cooked?",
        "prior slump stemmed",
    );
    // The fanciest model is the most advanced; an AI brain is a model.
    first_shows(
        "!ask what's their fanciest model called?",
        "most advanced large language model",
    );
    first_shows(
        "!ask who is the new AI brain going up against?",
        "direct competition",
    );
}

#[test]
fn investor_relations_words_are_read() {
    // Equity-linked financing is a convertible; a retailer is e-commerce; mid-teens is 15%.
    first_shows(
        "!ask What's the size of the equity-linked financing we put out?",
        "$3.2 billion",
    );
    first_shows(
        "!ask Is the street still valuing us as a retailer, or is the narrative shifting?",
        "rather than just an e-commerce giant",
    );
    first_shows(
        "!ask which chip stock posted a mid-teens gain?",
        "ACM Research up 15%",
    );
}

#[test]
fn colloquial_slumps_rivals_watching_and_the_same_time_last_year_are_read() {
    first_shows(
        "!ask Why did Alibaba's shares go to the dogs a few years back?",
        "prior slump stemmed",
    );
    // Pinching customers off rivals is competing with them: the passage naming the
    // American cloud rivals is among the three shown.
    among_first(
        3,
        "!ask Which big American cloud players is Alibaba trying to pinch customers off?",
        "Amazon Web Services",
    );
    first_shows(
        "!ask what will investors be keeping tabs on?",
        "watching closely",
    );
    // Not "At the same time, Alibaba introduced…".
    first_shows(
        "!ask how much did the cloud side's money grow vs the same time last year?",
        "26% year-on-year",
    );
}

#[test]
fn chinese_money_and_local_money_are_the_currency() {
    first_shows(
        "!ask How much was Alibaba's original three-year AI pledge in Chinese money?",
        "380 billion yuan",
    );
    first_shows(
        "!ask What did the HK shares get to in local money?",
        "HK$151.80",
    );
    first_shows(
        "!ask What price did the Hong Kong shares get to in local dollars?",
        "HK$151.80",
    );
    // "In US money" asks for the dollar conversion; a "US money manager" is not one.
    first_shows(
        "!ask What Hong Kong dollar price did the shares reach in the bond-sale coverage, and roughly what is that in US money?",
        "US$19.49",
    );
}

#[test]
fn the_other_team_doubts_and_quick_turn_buyers_are_read() {
    // The other team is the rivals, not "the rest".
    first_shows(
        "!ask Who's on the other team for their flagship chatbot model?",
        "direct competition with OpenAI",
    );
    first_shows(
        "!ask Does the translated piece voice any doubt about Huawei's manufacturing capabilities?",
        "remains to be seen",
    );
    first_shows(
        "!ask Where does the technical section suggest quick-turn buyers might step in, and what level would spoil that?",
        "Short-term traders",
    );
}

#[test]
fn the_speaker_named_in_a_question_about_what_was_said_weighs_little() {
    // The answer says "he added"; a passage naming "Chief Executive Officer Eddie Wu" and his
    // company's spending came first.
    first_shows(
        "!ask the boss threw out some huge number for what everybody worldwide will pour into AI over the next few years - what was it?",
        "$4 trillion",
    );
    first_shows(
        "!ask Did the chief executive say exactly how much more they mean to spend?",
        "did not disclose an updated figure",
    );
}

#[test]
fn suppliers_are_the_supply_chain_and_the_makers() {
    first_shows(
        "!ask in ABMedia's version, which chip supplier rallied hardest in sympathy?",
        "ACM Research up 15%",
    );
    among_first(
        3,
        "!ask Which supplier names does the $53B piece say to ride along with Alibaba?",
        "supply-chain beneficiaries",
    );
    among_first(
        3,
        "!ask What long-run effect on American chip suppliers does the commentary predict, and how firmly?",
        "reliance on US chip manufacturers",
    );
}

#[test]
fn money_managers_server_hubs_and_a_rally_knocked_off_course_are_read() {
    first_shows(
        "!ask Is US institutional money coming back into the name — did any asset manager rebuild a stake?",
        "ARK Invest reopened positions",
    );
    // Money managers tracking an open question are investors watching closely.
    first_shows(
        "!ask What's the big open question money managers will be tracking from here?",
        "Investors will be watching closely",
    );
    first_shows(
        "!ask Huawei's handset processor won people over, but what's the catch?",
        "remains to be seen",
    );
    // Server hubs popping up abroad are data centers opening.
    among_first(
        3,
        "!ask Where are the new overseas server hubs going to pop up?",
        "Brazil, France, and the Netherlands",
    );
    first_shows(
        "!ask The newer, leaner model, what is it supposed to save them?",
        "reducing training costs",
    );
    first_shows(
        "!ask So what could knock the rally off course?",
        "could cap upside",
    );
}

#[test]
fn those_something_goes_up_against_are_its_challengers() {
    // "Domestic challengers such as Baidu, Tencent…" answer who the model is up against;
    // Huawei's plan "to challenge Nvidia" is what it does to go up against Nvidia.
    first_shows(
        "!ask and who is that model supposed to be going up against?",
        "direct competition with OpenAI",
    );
    first_shows(
        "!ask What is Huawei doing to go up against the American graphics card maker?",
        "three-year plan to challenge Nvidia",
    );
}

#[test]
fn a_hyphenated_phrase_typed_with_spaces_is_read_as_the_phrase() {
    // "one stop shop" is the synonyms' "one-stop shop": a full-stack provider, not "one".
    first_shows(
        "!ask is alibaba cloud pitching itself as a one stop shop?",
        "full-stack AI service provider",
    );
}

#[test]
fn a_banks_recommendation_speed_and_running_ahead_of_expectations_are_read() {
    // A bank's recommendation is its rating; its valuation goal or target is a price target.
    for question in [
        "!ask what's the analysts' recommendation?",
        "!ask which investment bank lifted its goal for the stock?",
        "!ask who lifted their valuation goal?",
        "!ask did anyone raise a valuation target?",
    ] {
        first_shows(question, "Jefferies analysts raised their target price");
    }
    // Speed is pace; running ahead of what they thought or modeled is faster than expected.
    for question in [
        "!ask what did management say about the speed of the sector?",
        "!ask is demand for AI running ahead?",
        "!ask how quick is the whole scene moving compared to what they thought?",
        "!ask how fast is AI developing relative to what they'd modeled?",
    ] {
        first_shows(question, "much faster pace than expected");
    }
    // Speeding something up is accelerating it, not the speed of a chip.
    first_shows(
        "!ask does this speed up bifurcation into two tech stacks?",
        "further accelerate China's localization",
    );
    // Lining up to do something is planning it.
    first_shows(
        "!ask Is Huawei lining up a real alternative to Nvidia?",
        "three-year plan to challenge Nvidia",
    );
}

#[test]
fn a_label_before_a_colon_does_not_name_the_thing_asked_about() {
    // "• Bearish Case: Export controls…" names no Nvidia part; "NVIDIA's RTX Pro 6000D" does.
    first_shows(
        "!ask which Nvidia SKUs get named as off-limits?",
        "RTX Pro 6000D",
    );
}

#[test]
fn an_aside_before_the_question_weighs_less_than_the_question() {
    // The notebook of share prices is an aside; the climb in Hong Kong dollars is asked.
    first_shows(
        "!ask I keep a little notebook of share prices for my own amusement. At what figure in \
         Hong Kong dollars did the shares end up after their climb?",
        "HK$151.80",
    );
}

#[test]
fn getting_into_a_business_years_back_how_high_and_outside_companies_are_read() {
    // Getting into a business is entering it: by an acquisition, a division established.
    first_shows(
        "!ask when did they get into chip design?",
        "acquired Hangzhou Zhongtian Microsystems",
    );
    // Getting back into a stock is buying it again, not getting into a business.
    first_shows(
        "!ask did cathie get back into the stock?",
        "reopened positions in Alibaba",
    );
    // Years back is before: the prior slump.
    first_shows(
        "!ask why did alibaba go stale a few years back?",
        "prior slump stemmed largely from",
    );
    // How high it could go is a target, a zone it could reclaim, a resistance.
    first_shows("!ask how high could it climb next?", "resistance zone");
    // Later on is in the long run.
    first_shows(
        "!ask what happens to nvidia later on?",
        "In the long run, this will reduce",
    );
    // A company outside the one written about is a partner or customer.
    first_shows(
        "!ask is an outside company using the homemade chips?",
        "adopted by China Unicom",
    );
    first_shows(
        "!ask is anyone outside alibaba using their chips?",
        "secured a partnership with Unicom",
    );
}

#[test]
fn which_rivals_asks_for_companies_listed_by_name() {
    // A passage listing rivals by name answers "which cloud giants"; one on expanding
    // abroad, which shares the question's words, does not.
    first_shows(
        "!ask Which American cloud giants is Alibaba trying to beat by expanding abroad?",
        "Amazon Web Services (AWS), Microsoft Azure",
    );
    first_shows(
        "!ask Which AI labs does the new flagship model put Alibaba up against?",
        "OpenAI, Anthropic",
    );
}

#[test]
fn what_silicon_or_hardware_asks_for_the_thing_by_name() {
    // "Its Kunlun P800 chips" names the hardware; "their own homegrown chips" does not.
    first_shows(
        "!ask what hardware is baidu training its bot on?",
        "Kunlun P800",
    );
}

#[test]
fn a_passage_defining_the_term_asked_about_comes_before_one_using_it() {
    // "Artificial superintelligence refers to…" answers what it means; Wu's quote naming "the
    // ASI era" only uses the term.
    first_shows(
        "!ask The CEO talked about an era of superintelligence — what is that supposed to mean?",
        "refers to a theoretical form of AI",
    );
}

#[test]
fn why_puts_a_passage_giving_a_cause_first() {
    // "Weighed down by weak consumer demand…" gives the cause; a passage on the ecosystem
    // restoring growth in Chinese equities shares the words but gives none.
    first_shows(
        "!ask why China equities underperformed?",
        "weighed down by weak consumer demand",
    );
    first_shows(
        "!ask Why did the share price fall so much a few years ago?",
        "downturn due to the Chinese government's antitrust investigations",
    );
}

#[test]
fn who_puts_a_passage_naming_a_person_first() {
    // "Morningstar's Phelix Lee captured the sentiment" names who summed it up; a passage on
    // the push for chip self-sufficiency shares the words but names no one.
    first_shows(
        "!ask Who from a research shop summed up the mood on China's chip supply chain?",
        "Phelix Lee",
    );
}

#[test]
fn how_long_asks_for_a_span_or_when_it_began() {
    first_shows(
        "!ask how long has alibaba had a chip unit?",
        "as early as 2018",
    );
}

#[test]
fn squaring_up_scrapping_with_and_winning_customers_from_are_competing() {
    first_shows(
        "!ask who is Qwen3-Max squaring up to?",
        "direct competition",
    );
    first_shows(
        "!ask which cloud firms is alibaba scrapping with?",
        "compete more aggressively",
    );
    first_shows(
        "!ask which western cloud giants is alibaba trying to win customers from?",
        "rivals",
    );
}

#[test]
fn clamping_down_piling_back_in_a_punt_and_quicker_than_are_read() {
    first_shows("!ask could governments clamp down on them?", "scrutiny");
    first_shows("!ask did any fund pile back in?", "reopened positions");
    first_shows("!ask has a US fund taken a punt?", "reopened positions");
    first_shows(
        "!ask did wu say things are quicker than planned?",
        "much faster pace than expected",
    );
}

#[test]
fn whose_scoop_asks_for_a_source() {
    first_shows(
        "!ask whose scoop was the homegrown chip training story?",
        "a report from The Information",
    );
}

#[test]
fn trouble_with_governments_is_scrutiny() {
    first_shows(
        "!ask could they hit trouble with regulators abroad?",
        "scrutiny",
    );
    first_shows("!ask could going global land them in trouble?", "scrutiny");
}

#[test]
fn the_shipping_business_factories_and_tool_makers_are_read() {
    first_shows("!ask how does AI help the shipping business?", "logistics");
    first_shows("!ask are the factories benefiting?", "foundries");
    first_shows("!ask why would tool makers gain?", "equipment suppliers");
}

#[test]
fn a_price_to_bump_its_head_on_a_brokerage_and_a_bonds_interest_are_read() {
    first_shows(
        "!ask where might the stock bump its head?",
        "resistance zone",
    );
    first_shows(
        "!ask what's the brokerage view on the stock?",
        "Analysts view",
    );
    first_shows("!ask is there interest on the convertible?", "zero-coupon");
}

#[test]
fn a_day_of_a_month_answers_when_before_a_weekday_or_a_year() {
    // "Its highest level since 2021" names a year; "since November 2021" the month asked.
    first_shows(
        "!ask which month did the shares last trade this high?",
        "since November 2021",
    );
}

#[test]
fn where_something_was_announced_names_the_event() {
    first_shows(
        "!ask where did wu make his pitch?",
        "annual technology conference",
    );
    first_shows(
        "!ask where was the Qwen3-Max model unveiled?",
        "Hangzhou Developer Conference",
    );
}

#[test]
fn an_end_state_and_what_a_company_builds_toward_are_read() {
    first_shows(
        "!ask what end state is wu spending for?",
        "superintelligence era",
    );
    first_shows(
        "!ask what is alibaba building toward?",
        "superintelligence era",
    );
    first_shows(
        "!ask what is the spending preparing for?",
        "superintelligence era",
    );
}

#[test]
fn saying_exactly_or_telling_people_is_disclosing() {
    first_shows(
        "!ask did wu say exactly how much more?",
        "did not disclose an updated figure",
    );
    first_shows(
        "!ask did wu tell people the new amount?",
        "did not disclose an updated figure",
    );
}

#[test]
fn taking_a_run_at_a_rival_and_still_leaning_on_something_are_read() {
    first_shows("!ask who is taking a run at nvidia?", "challenge Nvidia");
    first_shows(
        "!ask are the chinese firms still leaning on US chips?",
        "still rely on Nvidia",
    );
}

#[test]
fn the_term_someone_uses_and_a_date_asked_exactly_are_found() {
    // A nickname, a description, is a term in quote marks: "T-Head", “full-stack AI service
    // provider”.
    first_shows("!ask what is the chip unit's nickname?", "T-Head");
    among_first(
        3,
        "!ask how does wu describe the cloud business?",
        "full-stack AI service provider",
    );
    // The day asked after other words is a date: September 24th, not a Wednesday.
    first_shows(
        "!ask on which day did alibaba say it would spend more on AI?",
        "September 24th",
    );
    among_first(
        3,
        "!ask what exact day did they announce it?",
        "September 24th",
    );
}

#[test]
fn falling_out_jumping_in_and_occidental_governments_are_read() {
    // A falling out is a shift in relations; jumping in is an entry; occidental is Western.
    first_shows(
        "!ask what could hurt my position if america and china fall out?",
        "U.S.-China relations could reverse",
    );
    first_shows(
        "!ask what level should traders wait for to jump in?",
        "$148–$150",
    );
    first_shows(
        "!ask could occidental governments put limits on alibaba?",
        "Western countries",
    );
}

#[test]
fn whether_someone_gave_a_figure_is_answered_by_what_was_not_disclosed() {
    // "Did he say the new number" is answered by "Wu did not disclose an updated figure".
    first_shows(
        "!ask did wu communicate the new amount of the augmented investment?",
        "did not disclose an updated figure",
    );
    among_first(
        3,
        "!ask did eddie wu say what the new, larger spending number is?",
        "did not disclose an updated figure",
    );
}

#[test]
fn renting_computing_power_how_high_gloomy_the_world_and_history_are_read() {
    // Renting out computing power is cloud: the cloud rivals, not computing power itself.
    among_first(
        3,
        "!ask Which big American companies that rent out computing power is Alibaba up against?",
        "Amazon Web Services",
    );
    among_first(
        3,
        "!ask which firms that rent computing power does alibaba cloud want to beat abroad?",
        "Amazon Web Services",
    );
    // What limits how high stocks go caps their upside; a gloomy scenario is the bearish case.
    among_first(
        3,
        "!ask what might limit how high the chinese chip stocks can go?",
        "could cap upside",
    );
    among_first(
        3,
        "!ask what's the gloomy scenario for chinese tech?",
        "Bearish Case",
    );
    // The world's industry is the global one.
    among_first(
        3,
        "!ask what happens to the world's chip industry if china goes its own way?",
        "two parallel systems",
    );
    // How the market sees a company, or starts to, not just as one thing: a re-rating.
    first_shows(
        "!ask how does the market see alibaba now, not just as a retailer?",
        "re-rate Alibaba",
    );
    first_shows(
        "!ask how are people starting to see alibaba?",
        "re-rate Alibaba",
    );
    among_first(
        3,
        "!ask how the market sees alibaba these days?",
        "re-rate Alibaba",
    );
    // Historical terms, the biggest ever seen: the largest in history.
    first_shows(
        "!ask how did wu put the global AI spend in historical terms?",
        "largest commitment in history",
    );
    first_shows(
        "!ask did wu say it's the biggest spend anyone has ever seen?",
        "largest commitment in history",
    );
}

#[test]
fn gear_and_other_hardware_are_equipment() {
    among_first(
        3,
        "!ask apart from AI accelerators, what other hardware is alibaba making itself?",
        "networking equipment",
    );
    first_shows(
        "!ask besides chips, what other hardware is alibaba developing in house?",
        "networking equipment",
    );
    first_shows(
        "!ask is alibaba building any of its own gear?",
        "networking equipment",
    );
    first_shows("!ask did the chip gear makers rally?", "equipment");
}

#[test]
fn explaining_a_term_defines_it_and_a_slump_is_a_downturn() {
    // "Explain X" asks what X means: the passage defining it, not Wu's quote using it.
    first_shows(
        "!ask explain the artificial superintelligence wu is talking about",
        "refers to a theoretical form",
    );
    first_shows(
        "!ask Wu keeps mentioning artificial superintelligence, how would I explain that?",
        "refers to a theoretical form",
    );
    // A share price down, a slump, a fall: the downturn.
    first_shows(
        "!ask why was alibaba's share price down in earlier years?",
        "downturn due to",
    );
    first_shows(
        "!ask why did the stock slump a few years ago?",
        "downturn due to",
    );
}

#[test]
fn what_something_means_for_someone_is_its_impact_on_them() {
    first_shows(
        "!ask long term, what does china's chip push mean for nvidia?",
        "Impact on Global Chip Giants",
    );
    first_shows(
        "!ask what consequence will it have for nvidia?",
        "Impact on Global Chip Giants",
    );
}

#[test]
fn real_growth_or_a_reaction_is_a_genuine_engine_or_a_response() {
    first_shows(
        "!ask is the AI push real growth or just a reaction to US limits?",
        "genuine growth engine",
    );
}

#[test]
fn a_currency_named_brings_the_amount_in_it_first() {
    // "In local dollars", "in HKD", "HK-dollar": the passage stating HK$151.80.
    for question in [
        "!ask what did the hong kong line reach in local dollars?",
        "!ask the hong kong stock went up to what price in hkd?",
        "!ask what HK-dollar price did the shares hit?",
    ] {
        first_shows(question, "HK$151.80");
    }
}

#[test]
fn snapping_up_stacking_up_a_line_on_something_and_bravery_are_read() {
    first_shows(
        "!ask which broker says snap it up?",
        "maintaining a 'buy' rating",
    );
    first_shows(
        "!ask how did alibaba's rise stack up against the overall market?",
        "outpacing the 2.1% gain",
    );
    first_shows(
        "!ask what's the government's line on buying nvidia?",
        "urged domestic companies not to use",
    );
    among_first(
        3,
        "!ask what's beijing's line on nvidia chips?",
        "urged domestic companies not to use",
    );
    first_shows(
        "!ask what makes companies brave enough to invest so much?",
        "courage to invest",
    );
}

#[test]
fn who_took_something_up_is_answered_by_who_adopted_it() {
    for question in [
        "!ask which chinese company has started using alibaba's own AI chips?",
        "!ask who is the first customer for alibaba's homegrown chips?",
        "!ask has any partner adopted the in-house accelerators?",
    ] {
        first_holds_one_of(
            question,
            &["adopted by China Unicom", "partnership with Unicom"],
        );
    }
}

#[test]
fn a_currency_named_in_plain_words_is_read() {
    // "Hong Kong money" is the Hong Kong dollar: the passage stating HK$151.80.
    first_shows(
        "!ask What was one share worth in Hong Kong money at its peak?",
        "HK$151.80",
    );
}

#[test]
fn a_beating_a_lid_a_reappraisal_and_giving_up_are_read() {
    among_first(
        2,
        "!ask why did the stock take such a beating a few years back?",
        "downturn due to the Chinese government's antitrust investigations",
    );
    first_shows(
        "!ask why did baba get nerfed for years?",
        "downturn due to the Chinese government's antitrust investigations",
    );
    first_shows(
        "!ask what could put a lid on the rally?",
        "The lack of access to advanced chips",
    );
    among_first(
        2,
        "!ask are investors starting to reappraise alibaba?",
        "re-rate Alibaba as a critical AI infrastructure player",
    );
    among_first(
        2,
        "!ask is the market treating it as more than an online mall now?",
        "rather than just an e-commerce giant",
    );
    first_shows(
        "!ask is alibaba giving up on overseas shopping?",
        "Alibaba is not abandoning global markets",
    );
    first_shows(
        "!ask how much is the stock up since the start of this year?",
        "Year-to-date gains have now surpassed 107%",
    );
}

#[test]
fn what_a_company_wants_to_be_a_cold_snap_grey_skies_and_ious_are_read() {
    // What a company wants to be is how it is positioning itself; a cold snap in a price,
    // grey skies over shares are a slump, a weight; an IOU is a bond.
    first_shows(
        "!ask what does alibaba's cloud arm want to be?",
        "positioning itself as a “full-stack AI service provider,”",
    );
    first_shows(
        "!ask what caused the cold snap in alibaba's shares years ago?",
        "downturn due to the Chinese government's antitrust investigations",
    );
    first_shows(
        "!ask why have chinese stocks been under grey skies?",
        "weighed down by weak consumer demand",
    );
    first_shows(
        "!ask what kind of IOUs is alibaba selling?",
        "zero-coupon convertible bonds",
    );
}

#[test]
fn a_sticky_wicket_and_kit_are_read() {
    first_shows(
        "!ask why was alibaba on a sticky wicket for years?",
        "downturn due to the Chinese government's antitrust investigations",
    );
    among_first(
        3,
        "!ask what other kit besides chips is alibaba building?",
        "high-speed computing and networking equipment",
    );
}

#[test]
fn a_telco_running_the_thing_hot_water_the_short_run_and_soup_to_nuts_are_read() {
    // A telco or a carrier using the chips took them up: the passage saying who adopted them.
    among_first(
        2,
        "!ask is any telco using the homegrown chips yet?",
        "adopted by China Unicom",
    );
    among_first(
        3,
        "!ask which carrier is using their chips?",
        "adopted by China Unicom",
    );
    // Hot water is scrutiny; the short run is the short term; soup to nuts is full-stack.
    first_shows(
        "!ask could alibaba end up in hot water as it grows overseas?",
        "increased scrutiny and potential restrictions from Western countries",
    );
    among_first(
        2,
        "!ask are analysts worried that spending this much is risky in the short run?",
        "poses financial risks in the short term",
    );
    first_shows(
        "!ask is the cloud unit pitched as a soup-to-nuts vendor?",
        "full-stack AI service provider",
    );
}

#[test]
fn where_else_it_expands_brings_the_list_of_places_first() {
    // "Where else is it expanding" asks for places: the passage listing them, not the ones
    // on the company's growth engines.
    first_shows(
        "!ask Besides the Europe and Brazil sites, where else is Ali planting its flag over the \
         next twelve months?",
        "Mexico, Japan, South Korea, Malaysia, and Dubai",
    );
    among_first(
        2,
        "!ask where are the new overseas server hubs going up?",
        "Brazil, France, and the Netherlands",
    );
}

#[test]
fn super_smart_ai_and_a_stock_heating_up_are_read() {
    among_first(
        2,
        "!ask what is this super-smart AI era wu talks about?",
        "Artificial superintelligence refers to a theoretical form of AI",
    );
    first_shows(
        "!ask how much has the stock heated up overall since the calendar flipped?",
        "Year-to-date gains have now surpassed 107%",
    );
}

#[test]
fn under_one_roof_all_in_one_fencing_out_and_the_same_period_last_year_are_read() {
    // Everything under one roof, or all-in-one, is full-stack.
    first_shows(
        "!ask does wu want alibaba cloud to offer everything under one roof?",
        "full-stack AI service provider",
    );
    first_shows(
        "!ask is alibaba cloud an all-in-one AI shop?",
        "full-stack AI service provider",
    );
    // Fencing someone out, even with their name inside, is restricting them.
    first_shows(
        "!ask could western governments start fencing alibaba out?",
        "increased scrutiny and potential restrictions from Western countries",
    );
    // The same period last year is year-on-year.
    among_first(
        2,
        "!ask what did the cloud arm earn versus the same period last year?",
        "cloud business revenue increased by 26% year-on-year",
    );
}

#[test]
fn money_plowed_into_something_is_not_read_as_getting_into_it() {
    // "gets plowed into" is "plowed into" (invested), not "get into" (entering a market,
    // which found the passage on the first data centers abroad).
    first_shows(
        "!ask how much of the bond money gets plowed into data centers?",
        "80% of the funds",
    );
}

#[test]
fn what_could_go_wrong_brings_a_passage_naming_the_risk() {
    // A worry, something going wrong or spoiling things asks for a risk: the passage naming
    // one rises over passages sharing more of the question's words.
    first_shows(
        "!ask is there a worry the west will push back on them as their AI gets stronger?",
        "increased scrutiny and potential restrictions from Western countries",
    );
    among_first(
        2,
        "!ask what could go wrong for people buying the stock?",
        "could cap upside",
    );
    among_first(
        3,
        "!ask what could spoil things for people betting on alibaba going up?",
        "could cap upside",
    );
}

#[test]
fn back_down_falling_apart_risky_and_the_us_and_europe_are_read() {
    // Something knocking stocks back down or making a rally fall apart reverses the gains.
    first_shows(
        "!ask what could make this whole chinese tech rally fall apart?",
        "could reverse recent gains",
    );
    // Where a stock stops dropping is its support.
    first_shows(
        "!ask on the chart, at what prices is the stock expected to stop dropping?",
        "Strong support sits near $148",
    );
    // Risky is a risk, money-wise is financial; the US and Europe are Western countries.
    first_shows(
        "!ask is all this spending risky for alibaba money-wise?",
        "poses financial risks in the short term",
    );
    first_shows(
        "!ask could the us or europe make things harder for alibaba as it grows?",
        "increased scrutiny and potential restrictions from Western countries",
    );
}

#[test]
fn why_quotes_the_sentence_giving_the_cause_even_without_the_questions_words() {
    // The passage on the chip rally gives its cause last ("The surge reflects rising
    // confidence…"), in words the question does not use: that sentence is quoted.
    first_shows(
        "!ask why did chip stocks go up on alibaba's news?",
        "The surge reflects rising confidence",
    );
}

#[test]
fn a_safety_net_the_next_few_months_money_makers_and_toe_to_toe_are_read() {
    // A safety net under a stock is its support; the next few months are the coming quarters.
    first_shows(
        "!ask what price is the safety net for the shares on the chart?",
        "Strong support sits near $148",
    );
    first_shows(
        "!ask how high could the shares climb in the next few months?",
        "$180",
    );
    // A company's money-makers are its growth engines; going toe to toe is competing.
    first_shows(
        "!ask what are the company's two main money-makers?",
        "two core growth engines",
    );
    among_first(
        3,
        "!ask who is qwen max going toe to toe with?",
        "direct competition with OpenAI",
    );
}

#[test]
fn what_someone_came_up_with_riding_the_wave_and_reacting_to_are_read() {
    // What a company came up with it developed ("came up" is not a rise).
    first_shows(
        "!ask what's the name of the AI chip alibaba came up with?",
        "Zhenwu",
    );
    // Stocks that rode the wave rallied; reacting to something is a response to it.
    first_shows("!ask which chip stocks rode the wave?", "SMIC");
    among_first(
        2,
        "!ask is the ai push a real plan or just them reacting to washington?",
        "pragmatic response",
    );
}

#[test]
fn anybody_using_the_chips_asks_who_took_them_up() {
    first_shows(
        "!ask is anybody actually using their homemade AI chips yet?",
        "Unicom",
    );
}

/// Everyday words for a surprise, a price ceiling, chips made to order, getting ready for
/// something, an analyst's price guess and the start of the year.
#[test]
fn off_guard_a_wall_chips_to_order_getting_ready_and_a_price_guess_are_read() {
    first_shows(
        "!ask What did the boss say caught him off guard about AI?",
        "faster pace than expected",
    );
    first_shows(
        "!ask How did China's biggest firm that makes chips to order do after the news?",
        "largest contract chipmaker",
    );
    first_shows(
        "!ask What is the company gearing up for with the spending plan?",
        "in anticipation of",
    );
    first_shows(
        "!ask where is the price likely to hit a wall going up?",
        "key resistance zone",
    );
    first_shows(
        "!ask who raised their price guess for the stock?",
        "raised their target price",
    );
    first_shows(
        "!ask By how much has the stock climbed since the first of January?",
        "Year-to-date gains",
    );
}

/// A question opening with who is using something asks who took it up.
#[test]
fn who_is_using_the_chips_asks_who_took_them_up() {
    first_shows(
        "!ask who's actually using alibaba's homemade ai chips?",
        "Unicom",
    );
}

/// Asking how something got started is answered by when it began ("as early as 2018").
#[test]
fn how_something_got_started_is_answered_by_when_it_began() {
    first_shows(
        "!ask How far back does Alibaba's own chip unit go, and how did it get started?",
        "as early as 2018",
    );
}

/// A Wall Street firm is an analyst's house, not the words "Wall Street"; the rest of the
/// market is its index; the money coming in is revenue.
#[test]
fn a_wall_street_firm_the_rest_of_the_market_and_money_coming_in_are_read() {
    first_shows(
        "!ask which wall street firm raised its price goal?",
        "Jefferies analysts raised",
    );
    first_shows(
        "!ask did the stock do better or worse than the rest of the market that day?",
        "outpacing the 2.1% gain",
    );
    first_shows(
        "!ask how did alibaba do against the rest of the tech stocks?",
        "outpacing the 2.1% gain",
    );
    first_shows(
        "!ask is the money coming in from their AI stuff really doubling or more?",
        "triple digits",
    );
}

/// What a term means is defined by a passage that never names who used it: in "what's the
/// superintelligence thing Wu keeps talking about", Wu and the talking weigh little.
#[test]
fn who_used_a_term_weighs_little_when_asking_what_it_means() {
    for asks in [
        "!ask what's the superintelligence thing wu keeps talking about?",
        "!ask wu keeps saying superintelligence - wtf does that mean",
        "!ask what does superintelligence mean?",
    ] {
        first_shows(asks, "refers to");
    }
}

/// Number crunchers are analysts, computer centres data centers, "no actual number" a figure
/// not disclosed, and what surprised someone what went beyond what was expected.
#[test]
fn number_crunchers_computer_centres_no_number_and_a_surprise_are_read() {
    first_shows(
        "!ask Which bank's number crunchers bumped up what they think the stock is worth?",
        "Jefferies analysts raised",
    );
    first_shows(
        "!ask what other places are they spreading their computer centres to?",
        "Mexico, Japan",
    );
    first_shows(
        "!ask what's the bigger total the boss announced? or was there no actual number?",
        "did not disclose",
    );
    first_shows("!ask what surprised the boss about AI?", "than expected");
}

/// The news a move happened on is not what the answer names: "how much did it move on the
/// baba news" is answered by the passage on the move.
#[test]
fn the_news_a_move_happened_on_weighs_little() {
    among_first(
        2,
        "!ask naura - how much did it move on the baba news",
        "Naura Technology",
    );
}

/// What could put a ceiling on a stock asks for a risk, not for a resistance level.
#[test]
fn what_could_put_a_ceiling_on_the_stock_asks_for_a_risk() {
    first_shows(
        "!ask what could put a ceiling on how high the stock goes?",
        "cap upside",
    );
}

/// Buying something up is buying it: the "up" is not a rise.
#[test]
fn buying_something_up_is_not_a_rise() {
    among_first(
        2,
        "!ask when did they first buy up a chip design company?",
        "as early as 2018",
    );
}

/// Ramping something up is increasing it, not a rise of "up" in a price.
#[test]
fn ramping_up_spending_is_increasing_it() {
    first_shows(
        "!ask Which analyst said companies only ramp up spending once they can see the payoff?",
        "Vey-Sern Ling",
    );
}

/// What something is meant to do is what it was designed for, not a meaning ("meaning any
/// shift in relations").
#[test]
fn what_something_is_meant_to_do_is_what_it_was_designed_for() {
    first_shows(
        "!ask what is the cheaper new model meant to be good at?",
        "Qwen3-Next",
    );
}

/// "Where was he when he dropped the news, what kind of event" asks for the event.
#[test]
fn what_kind_of_event_asks_for_the_venue() {
    first_shows(
        "!ask where was the Alibaba boss when he dropped the big AI money news? like what kind of event was it",
        "Hangzhou Developer Conference",
    );
}

/// "Or date" in a question asking when is the kind of answer asked, not a word of it: not
/// "Year-to-date gains".
#[test]
fn the_date_asked_for_is_not_a_word_of_the_answer() {
    first_shows(
        "!ask What day of the week or date did they come out with the news about spending even more?",
        "September 24th",
    );
}

/// "What share of" asks for a part of something, not about shares.
#[test]
fn what_share_of_something_asks_for_a_part_not_the_shares() {
    first_shows(
        "!ask what share of that raise goes to the cloud side?",
        "80%",
    );
}
