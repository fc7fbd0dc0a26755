//! Discord rendering: snapshots of real answers, and every Discord limit held for long and
//! hostile passages and queries (property tests).
#![cfg(feature = "discord")]

mod common;

use std::sync::OnceLock;

use clippings::conversation::Pipeline;
use clippings::discord::render::{self, Controls, Message};
use clippings::engine::{Answer, Attribution, Hit, Passages};
use proptest::prelude::*;

fn engine() -> &'static Pipeline {
    static ENGINE: OnceLock<Pipeline> = OnceLock::new();
    ENGINE.get_or_init(|| clippings::lifecycle::pipeline_in_ram(&common::seed_data()).unwrap())
}

fn payload(command: &str) -> String {
    let answer = engine().handle("discord-snapshots", command).unwrap();
    let controls = Controls {
        more: Some("clip:more:1".into()),
        paragraph: Some("clip:para:1".into()),
    };
    serde_json::to_string_pretty(&render::message(&answer, &controls)).unwrap()
}

#[test]
fn topic_answer_payload() {
    insta::assert_snapshot!(payload("!bonds"));
}

#[test]
fn quote_sources_and_notice_payloads() {
    insta::assert_snapshot!(format!(
        "{}\n{}\n{}",
        payload("!quote investingcube-convertible-bonds:7"),
        payload("!sources"),
        payload("!serch x")
    ));
}

fn count(s: &Option<String>) -> usize {
    s.as_ref().map_or(0, |s| s.chars().count())
}

fn assert_within_limits(m: &Message) {
    assert!(
        m.content.chars().count() <= render::CONTENT_MAX,
        "content {}",
        m.content.chars().count()
    );
    assert!(m.embeds.len() <= render::EMBEDS_MAX);
    for e in &m.embeds {
        assert!(count(&e.title) <= render::TITLE_MAX);
        assert!(count(&e.description) <= render::DESCRIPTION_MAX);
        assert!(e.fields.len() <= render::FIELDS_MAX);
        for f in &e.fields {
            assert!(
                f.name.chars().count() <= render::FIELD_NAME_MAX
                    && f.value.chars().count() <= render::FIELD_VALUE_MAX
            );
        }
        assert!(
            e.footer
                .as_ref()
                .is_none_or(|f| f.text.chars().count() <= render::FOOTER_MAX)
        );
    }
    assert!(
        render::embeds_total(&m.embeds) <= render::EMBEDS_TOTAL_MAX,
        "total {}",
        render::embeds_total(&m.embeds)
    );
    assert!(m.allowed_mentions.parse.is_empty() && !m.allowed_mentions.replied_user);
}

/// No mention or link syntax survives unescaped in what the bot writes.
fn assert_inert(m: &Message) {
    let mut texts = vec![m.content.clone()];
    for e in &m.embeds {
        texts.extend(e.title.clone());
        texts.extend(e.description.clone());
        texts.extend(
            e.fields
                .iter()
                .flat_map(|f| [f.name.clone(), f.value.clone()]),
        );
    }
    for t in texts {
        let unescaped = t
            .replace("\\\\", "")
            .replace("\\@", "")
            .replace("\\<", "")
            .replace("\\[", "")
            .replace("\\]", "")
            .replace("\\(", "");
        assert!(
            !unescaped.contains('@') && !unescaped.contains("<") && !unescaped.contains("]("),
            "{t}"
        );
    }
}

fn hit(rank: usize, text: String, publisher: String, title: String) -> Hit {
    let end = text.len();
    let highlights = text.char_indices().step_by(7).filter_map(|(i, _)| {
        let j = text[i..].char_indices().nth(3).map(|(k, _)| i + k)?;
        Some(i..j)
    });
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    for r in highlights {
        if ranges.last().is_none_or(|l| l.end <= r.start) {
            ranges.push(r);
        }
    }
    Hit {
        rank,
        score: 1.0,
        text,
        highlights: ranges,
        quote: 0..end,
        source: Attribution {
            article: "a".into(),
            publisher: Some(publisher.clone()),
            title,
            date: Some("2025-09-12".into()),
            url: None,
        },
        section: None,
        paragraph: 1,
        part: 1,
        reference: "a:1".into(),
        also_reported_by: vec![
            Attribution {
                article: "b".into(),
                publisher: Some(publisher),
                title: "t".into(),
                date: None,
                url: None
            };
            30
        ],
        concepts: 0,
    }
}

fn passages(texts: Vec<String>, heading: String) -> Answer {
    let hits: Vec<Hit> = texts
        .into_iter()
        .enumerate()
        .map(|(i, t)| hit(i + 1, t.clone(), t.clone(), t))
        .collect();
    Answer::Passages(Passages {
        query: heading.clone(),
        heading,
        total: hits.len() + 5,
        hits,
        offset: 0,
        notices: vec!["@here look".into(); 40],
        comparison: None,
    })
}

#[test]
fn ten_kilobyte_words_and_hostile_markup_stay_within_every_limit() {
    let word = "x".repeat(10_000);
    let hostile = "@everyone <@123> <@&456> <#789> **bold** __u__ ~~s~~ `code` ||spoiler|| [link](http://evil.example) > quote # head\n- item ".repeat(60);
    let answer = passages(
        vec![
            word.clone(),
            hostile.clone(),
            word.clone(),
            hostile.clone(),
            word,
            hostile,
        ],
        "q".repeat(5000),
    );
    let m = render::message(
        &answer,
        &Controls {
            more: Some("clip:more:1".into()),
            paragraph: None,
        },
    );
    assert_within_limits(&m);
    assert_inert(&m);
}

proptest! {
    #![proptest_config(ProptestConfig {
        // The committed regressions are replayed before new cases.
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::Direct(
            concat!(env!("CARGO_MANIFEST_DIR"), "/tests/discord_render.proptest-regressions"),
        ))),
        ..ProptestConfig::with_cases(64)
    })]

    #[test]
    fn any_passages_render_within_discord_limits(
        texts in proptest::collection::vec(".{0,3000}", 1..12),
        heading in ".{0,3000}",
    ) {
        let m = render::message(&passages(texts, heading), &Controls::default());
        assert_within_limits(&m);
        assert_inert(&m);
    }

    #[test]
    fn any_text_escapes_to_something_inert(text in "[@<>\\[\\]()*_~`|#:a-z ]{0,200}") {
        let escaped = render::escape(&text);
        let unescaped = escaped.replace("\\\\", "").replace("\\@", "").replace("\\<", "").replace("\\[", "").replace("\\]", "").replace("\\(", "");
        prop_assert!(!unescaped.contains('@') && !unescaped.contains('<') && !unescaped.contains("]("));
    }
}
