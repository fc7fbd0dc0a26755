//! Snapshot tests of rendered answers: terminal text and the JSON interface.

mod common;

use std::sync::OnceLock;

use clippings::conversation::Pipeline;
use clippings::engine::Answer;
use clippings::render::{self, text::TextStyle};

fn engine() -> &'static Pipeline {
    static ENGINE: OnceLock<Pipeline> = OnceLock::new();
    ENGINE.get_or_init(|| clippings::lifecycle::pipeline_in_ram(&common::seed_data()).unwrap())
}

fn text(message: &str) -> String {
    let answer = engine().handle("snapshots", message).unwrap();
    render::text::render(&answer, TextStyle::default())
}

#[test]
fn ask_answer_as_text() {
    insta::assert_snapshot!(text("!ask who is China Unicom?"));
}

#[test]
fn topic_answer_as_text() {
    insta::assert_snapshot!(text("!bonds"));
}

#[test]
fn highlights_are_painted_on_a_terminal() {
    let answer = engine().handle("snapshots", "!search Zhenwu").unwrap();
    let painted = render::text::render(&answer, TextStyle { color: true });
    insta::assert_snapshot!(painted.escape_debug().to_string());
}

#[test]
fn quote_as_text() {
    insta::assert_snapshot!(text("!quote investingcube-convertible-bonds:7"));
}

#[test]
fn sources_as_text() {
    insta::assert_snapshot!(text("!sources"));
}

#[test]
fn topics_and_help_as_text() {
    insta::assert_snapshot!(format!(
        "{}\n\n{}\n\n{}",
        text("!topics"),
        text("!help"),
        text("!help quote")
    ));
}

#[test]
fn notices_as_text() {
    insta::assert_snapshot!(format!(
        "{}\n\n{}\n\n{}",
        text("!serch x"),
        text("!search zebra"),
        text("!ask")
    ));
}

#[test]
fn search_answer_as_json() {
    let answer = engine()
        .handle("snapshots", "!search \"Hong Kong\" 7.2%")
        .unwrap();
    assert!(matches!(answer, Answer::Passages(_)));
    let mut value: serde_json::Value =
        serde_json::from_str(&render::json::render("\"Hong Kong\" 7.2%", &answer)).unwrap();
    for hit in value["hits"].as_array_mut().unwrap() {
        assert!(hit["score"].as_f64().unwrap() > 0.0);
        hit["score"] = serde_json::json!("<score>");
    }
    insta::assert_snapshot!(serde_json::to_string_pretty(&value).unwrap());
}
