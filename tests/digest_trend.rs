//! `!digest` and `!trend` on corpora written for the tests (dates relative to a fixed day),
//! and the percolator of alerts against the index: a watch matches a new passage exactly when
//! the same stored query finds that passage in the index.

mod common;

use std::path::Path;
use std::sync::Arc;

use clippings::engine::percolate::{PassageTerms, Percolator, StoredQuery};
use clippings::engine::{Answer, Engine, EngineConfig, Knowledge, NoticeKind, TrendUnit};
use clippings::index::{Live, Snapshot};
use clippings::render::chart;

fn day(s: &str) -> chrono::NaiveDate {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn write(data: &Path, slug: &str, meta: &str, body: &str) {
    std::fs::create_dir_all(data.join("articles")).unwrap();
    std::fs::write(
        data.join("articles").join(format!("{slug}.md")),
        format!("+++\n{meta}\n+++\n\n{body}\n"),
    )
    .unwrap();
}

const WIRE: &str = "Alibaba will raise capital expenditure on AI infrastructure, adding to its spending plan, the company said on Tuesday in Hangzhou.\n\n\
The budget for new data centres abroad will double next year, its chief executive told analysts on a call.";

/// A corpus of the seed topics with articles arriving around 2026-12-04.
fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    std::fs::copy(
        common::seed_data().join("topics.toml"),
        data.join("topics.toml"),
    )
    .unwrap();
    std::fs::copy(
        common::seed_data().join("synonyms.toml"),
        data.join("synonyms.toml"),
    )
    .unwrap();
    write(
        data,
        "wire-original",
        "title = \"Alibaba lifts AI spending\"\npublisher = \"Wire One\"\ndate = 2026-12-03",
        WIRE,
    );
    write(
        data,
        "wire-copy",
        "title = \"Alibaba to lift its AI spending\"\npublisher = \"Daily Copy\"\ndate = 2026-12-04",
        WIRE,
    );
    write(
        data,
        "chips-story",
        "title = \"New chips\"\npublisher = \"Chip Times\"\ndate = 2026-12-04",
        "Baidu showed its Kunlun chips, a self-designed processor, to reduce reliance on Nvidia semiconductor imports.",
    );
    write(
        data,
        "weather",
        "title = \"Rain in Hangzhou\"\ndate = 2026-12-04",
        "Heavy rain fell on the city for the third day, and the river rose above its banks near the old bridge.",
    );
    write(
        data,
        "old-capex",
        "title = \"Old budget news\"\npublisher = \"Wire One\"\ndate = 2026-10-01",
        "Capital expenditure and the investment budget were set for the year, the board said.",
    );
    write(
        data,
        "undated-capex",
        "title = \"Undated spending piece\"\npublisher = \"Wire One\"",
        "Spending on infrastructure and the investment budget grew, a report said.",
    );
    dir
}

fn engine(data: &Path) -> Engine {
    let snapshot = Snapshot::in_ram(data).unwrap();
    let config = EngineConfig {
        today: Some(day("2026-12-04")),
        ..EngineConfig::default()
    };
    Engine::new(
        Live::new(snapshot),
        Knowledge::load(data).unwrap(),
        data,
        config,
    )
}

fn ask(engine: &Engine, text: &str) -> Answer {
    let knowledge = engine.knowledge();
    let command = clippings::command::parse(text, &engine.grammar(&knowledge))
        .unwrap()
        .command;
    engine.answer(&knowledge, command, 3).unwrap().answer()
}

#[test]
fn a_digest_groups_by_topic_and_tells_a_syndicated_story_once() {
    let dir = corpus();
    let engine = engine(dir.path());
    let Answer::Digest(d) = ask(&engine, "!digest 48h") else {
        panic!("not a digest");
    };
    let capex = d.groups.iter().find(|g| g.topic == "capex").unwrap();
    assert_eq!(capex.stories.len(), 1, "{capex:#?}");
    let story = &capex.stories[0];
    assert_eq!(
        story.source.article, "wire-original",
        "the first published leads"
    );
    let also: Vec<&str> = story
        .also_reported_by
        .iter()
        .map(|a| a.article.as_str())
        .collect();
    assert_eq!(also, ["wire-copy"]);
    let chips = d.groups.iter().find(|g| g.topic == "chips").unwrap();
    assert_eq!(chips.stories[0].source.article, "chips-story");
    // What matches no topic is listed once, under "other"; what is older is not listed.
    let other = d.groups.iter().find(|g| g.topic == "other").unwrap();
    assert_eq!(other.stories[0].source.article, "weather");
    assert_eq!(other.stories[0].source.publisher, None);
    let all = serde_json::to_string(&d).unwrap();
    assert!(
        !all.contains("old-capex") && !all.contains("undated-capex"),
        "{all}"
    );
    assert_eq!(d.articles, 4);

    // One topic; a window that ends before the news; an unreadable window.
    let Answer::Digest(only) = ask(&engine, "!digest capex since 2026-12-01") else {
        panic!("not a digest");
    };
    assert_eq!(only.groups.len(), 1);
    assert_eq!(only.articles, 2);
    assert!(
        matches!(ask(&engine, "!digest 1h chips"), Answer::Digest(_)),
        "the day counts"
    );
    let Answer::Notice(n) = ask(&engine, "!digest since tomorrow") else {
        panic!("not a notice");
    };
    assert_eq!(n.kind, NoticeKind::BadInput);
}

#[test]
fn a_digest_with_nothing_new_says_so() {
    let dir = corpus();
    let snapshot = Snapshot::in_ram(dir.path()).unwrap();
    let config = EngineConfig {
        today: Some(day("2027-06-01")),
        ..EngineConfig::default()
    };
    let engine = Engine::new(
        Live::new(snapshot),
        Knowledge::load(dir.path()).unwrap(),
        dir.path(),
        config,
    );
    let Answer::Notice(n) = ask(&engine, "!digest 24h") else {
        panic!("not a notice");
    };
    assert_eq!(n.kind, NoticeKind::NoHits);
    assert!(n.text.starts_with("Nothing new"), "{}", n.text);
}

#[test]
fn a_trend_counts_matching_articles_per_day_by_outlet_and_its_chart_draws_that() {
    let dir = corpus();
    let engine = engine(dir.path());
    let Answer::Trend(t) = ask(&engine, "!trend capex 7d") else {
        panic!("not a trend");
    };
    assert_eq!(t.unit, TrendUnit::Day);
    assert_eq!(t.buckets.len(), 7);
    assert_eq!(t.buckets.last().unwrap().start, "2026-12-04");
    assert_eq!(t.outlets, ["Daily Copy", "Wire One"]);
    let per_day: Vec<usize> = t.buckets.iter().map(|b| b.counts.iter().sum()).collect();
    assert_eq!(
        per_day,
        [0, 0, 0, 0, 0, 1, 1],
        "old-capex is before the span"
    );
    assert_eq!(t.undated, 1);
    // The chart draws one bar segment per outlet and day with articles, and decodes.
    let bars = chart::bars(&t);
    assert_eq!(bars.len(), 2);
    let png = chart::png(&t).unwrap();
    let reader = png::Decoder::new(std::io::Cursor::new(png))
        .read_info()
        .unwrap();
    assert_eq!(reader.info().width, chart::WIDTH);

    let Answer::Trend(weeks) = ask(&engine, "!trend capex 12w") else {
        panic!("not a trend");
    };
    assert_eq!(weeks.unit, TrendUnit::Week);
    assert_eq!(weeks.buckets.len(), 12);
    assert_eq!(weeks.total(), 3, "old-capex is within 12 weeks");
    let Answer::Trend(search) = ask(&engine, "!trend \"chief executive\"") else {
        panic!("not a trend");
    };
    assert_eq!(search.total(), 2);
    let Answer::Notice(n) = ask(&engine, "!trend") else {
        panic!("not a notice");
    };
    assert_eq!(n.kind, NoticeKind::BadInput);
    // The text table and the JSON carry the same data.
    let table = clippings::render::text::render(&Answer::Trend(t.clone()), Default::default());
    assert!(
        table.contains("2026-12-04") && table.contains("Wire One 1"),
        "{table}"
    );
    let json = serde_json::to_value(Answer::Trend(t)).unwrap();
    assert_eq!(json["type"], "trend");
    assert_eq!(json["buckets"].as_array().unwrap().len(), 7);
}

#[test]
fn the_percolator_matches_a_passage_exactly_when_the_index_finds_it() {
    let data = common::seed_data();
    let snapshot = Snapshot::in_ram(&data).unwrap();
    let knowledge = Arc::new(Knowledge::load(&data).unwrap());
    let searcher = snapshot.reader.searcher();
    let mut passages = Vec::new();
    for a in &snapshot.manifest.articles {
        passages.extend(clippings::engine::passages_of(&snapshot, &searcher, &a.slug).unwrap());
    }
    let watches = [
        "capex",
        "chips",
        "cloud",
        "qwen",
        "stock",
        "datacenters",
        "\"Hang Seng\" -Tencent",
        "Nvidia",
        "Zhenwu OR Kunlun",
        "\"data centres\" Brazil",
        "budget -yuan",
        "shares source:invezz",
        "investment \"three-year\"",
        "Alibaba",
    ];
    let queries: Vec<StoredQuery> = watches
        .iter()
        .map(|w| StoredQuery::compile(w, &knowledge).unwrap())
        .collect();
    let percolator = Percolator::new(queries.clone());
    for (q, query) in queries.iter().enumerate() {
        let in_index: std::collections::BTreeSet<String> = searcher
            .search(
                &*query.to_query(&snapshot.fields),
                &tantivy::collector::DocSetCollector,
            )
            .unwrap()
            .into_iter()
            .map(|d| {
                let p = snapshot
                    .fields
                    .load(&searcher, d, &snapshot.manifest)
                    .unwrap();
                format!("{}:{}", p.reference(), p.part)
            })
            .collect();
        let percolated: std::collections::BTreeSet<String> = passages
            .iter()
            .filter(|p| {
                let terms = PassageTerms::of_stored(p, &snapshot.manifest);
                !percolator
                    .best_matches(std::slice::from_ref(&terms))
                    .iter()
                    .all(|(matched, _, _)| *matched != q)
            })
            .map(|p| format!("{}:{}", p.reference(), p.part))
            .collect();
        assert_eq!(percolated, in_index, "{}", watches[q]);
        assert!(
            !in_index.is_empty() || watches[q] == "\"data centres\" Brazil",
            "{} finds something",
            watches[q]
        );
    }
}
