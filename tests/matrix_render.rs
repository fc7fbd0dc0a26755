//! The Matrix renderer: notices with HTML and a plain fallback, everything escaped, no
//! mentions, and always well under the 64 KiB event limit.
#![cfg(feature = "matrix")]

use std::path::Path;

use clippings::conversation::Pipeline;
use clippings::engine::{Answer, Attribution, Hit, Passages};
use clippings::matrix::render::{CONTENT_MAX_BYTES, content, preview};
use proptest::prelude::*;
use serde_json::Value;

fn engine() -> Pipeline {
    clippings::lifecycle::pipeline_in_ram(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data"))
        .unwrap()
}

fn json(answer: &Answer) -> Value {
    serde_json::to_value(content(answer)).unwrap()
}

fn hit(rank: usize, text: &str, url: Option<&str>) -> Hit {
    Hit {
        rank,
        score: 1.0,
        text: text.to_string(),
        highlights: Vec::new(),
        quote: 0..text.len(),
        source: Attribution {
            article: "a".into(),
            publisher: Some(text.chars().take(300).collect()),
            title: "<b>Title</b> & co".into(),
            date: Some("2025-09-12".into()),
            url: url.map(str::to_string),
        },
        section: None,
        paragraph: 1,
        part: 1,
        reference: "a:1".into(),
        also_reported_by: Vec::new(),
        concepts: 0,
    }
}

fn passages(texts: &[&str], heading: &str, url: Option<&str>) -> Answer {
    Answer::Passages(Passages {
        query: heading.to_string(),
        heading: heading.to_string(),
        hits: texts
            .iter()
            .enumerate()
            .map(|(i, t)| hit(i + 1, t, url))
            .collect(),
        offset: 0,
        total: texts.len() + 4,
        notices: vec![heading.to_string(); 30],
        comparison: None,
    })
}

/// The HTML with the renderer's own tags taken out: what is left must hold no markup.
fn foreign_markup(html: &str) -> bool {
    let mut rest = html.to_string();
    for tag in [
        "<p>",
        "</p>",
        "<strong>",
        "</strong>",
        "<em>",
        "</em>",
        "<blockquote>",
        "</blockquote>",
        "<br>",
        "<code>",
        "</code>",
        "<ul>",
        "</ul>",
        "<li>",
        "</li>",
        "</a>",
    ] {
        rest = rest.replace(tag, "");
    }
    while let Some(start) = rest.find("<a href=\"") {
        let Some(end) = rest[start..].find("\">") else {
            return true;
        };
        rest.replace_range(start..start + end + 2, "");
    }
    rest.contains('<') || rest.contains('>')
}

#[test]
fn a_topic_answer_is_a_notice_with_quotes_attribution_and_links() {
    let engine = engine();
    let answer = engine.handle("matrix:test", "!capex").unwrap();
    let v = json(&answer);
    assert_eq!(v["msgtype"], "m.notice");
    assert_eq!(v["format"], "org.matrix.custom.html");
    assert_eq!(
        v["m.mentions"],
        serde_json::json!({}),
        "mentions present and empty"
    );
    let html = v["formatted_body"].as_str().unwrap();
    let body = v["body"].as_str().unwrap();
    assert!(
        html.contains("<blockquote>") && html.contains("<strong>"),
        "{html}"
    );
    assert!(body.contains("ref ") && !body.contains('<'), "{body}");
    assert!(!foreign_markup(html), "{html}");
    assert!(preview(&answer).contains("\"m.notice\""));
}

#[test]
fn the_attribution_links_to_the_article_only_when_it_gives_a_web_address() {
    let linked = json(&passages(
        &["Alibaba will invest more."],
        "q",
        Some("https://example.org/a?b=1&c=2"),
    ));
    let html = linked["formatted_body"].as_str().unwrap();
    assert!(
        html.contains("<a href=\"https://example.org/a?b=1&amp;c=2\">"),
        "{html}"
    );
    let unlinked = json(&passages(&["Alibaba will invest more."], "q", None));
    assert!(!unlinked["formatted_body"].as_str().unwrap().contains("<a "));
}

#[test]
fn every_kind_of_answer_renders_safely() {
    let engine = engine();
    for command in [
        "!help",
        "!help search",
        "!topics",
        "!sources",
        "!figures",
        "!about",
        "!quote invezz-shares-surge:2",
        "!compare stock",
        "!nonsense",
        "!ask <script>alert(1)</script> @room",
    ] {
        let answer = engine.handle("matrix:test", command).unwrap();
        let v = json(&answer);
        let html = v["formatted_body"].as_str().unwrap();
        assert!(
            !html.is_empty() && !v["body"].as_str().unwrap().is_empty(),
            "{command}"
        );
        assert!(!foreign_markup(html), "{command}: {html}");
        assert!(!html.contains("<script"), "{command}");
    }
}

#[test]
fn hostile_and_huge_passages_are_escaped_and_kept_under_the_event_limit() {
    let word = "x".repeat(100_000);
    let hostile = "<script>alert(1)</script> @room <a href=\"https://matrix.to/#/@alice:localhost\">Alice</a> &amp; \"quotes\" ".repeat(500);
    let answer = passages(
        &[&word, &hostile, &word],
        &"<i>q</i>".repeat(3000),
        Some("javascript:alert(1)"),
    );
    let bytes = serde_json::to_vec(&content(&answer)).unwrap().len();
    assert!(bytes <= CONTENT_MAX_BYTES, "{bytes} bytes");
    let v = json(&answer);
    let html = v["formatted_body"].as_str().unwrap();
    assert!(!foreign_markup(html), "hostile markup escaped");
    assert!(html.contains("&lt;script&gt;"));
    assert!(!html.contains("javascript:"), "only web links are linked");
    assert!(html.contains('…'), "long quotes are cut with an ellipsis");
    assert_eq!(v["m.mentions"], serde_json::json!({}));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn any_text_stays_escaped_and_small(
        texts in proptest::collection::vec(".{0,3000}", 1..4),
        heading in ".{0,500}",
    ) {
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let answer = passages(&refs, &heading, Some("https://example.org/a?b=\"c\"&d=<e>"));
        let content = content(&answer);
        let bytes = serde_json::to_vec(&content).unwrap().len();
        prop_assert!(bytes <= CONTENT_MAX_BYTES);
        let v = serde_json::to_value(&content).unwrap();
        prop_assert!(!foreign_markup(v["formatted_body"].as_str().unwrap()));
    }
}
