//! `!compare`: the same quantity side by side, differences flagged, on the seed corpus and on
//! articles written for the tests (the flag must not depend on the seed's names or numbers).

mod common;

use std::path::Path;

use clippings::engine::{Answer, Comparison, Engine};

fn compare(engine: &Engine, text: &str) -> (Option<Comparison>, Vec<String>) {
    let knowledge = engine.knowledge();
    let command =
        clippings::command::parse(&format!("!compare {text}"), &engine.grammar(&knowledge))
            .unwrap()
            .command;
    match engine.answer(&knowledge, command, 3).unwrap().answer() {
        Answer::Passages(p) => (p.comparison, p.notices),
        other => panic!("not passages: {other:?}"),
    }
}

fn write(data: &Path, slug: &str, publisher: Option<&str>, body: &str) {
    std::fs::create_dir_all(data.join("articles")).unwrap();
    let publisher = publisher
        .map(|p| format!("publisher = {p:?}\n"))
        .unwrap_or_default();
    std::fs::write(
        data.join("articles").join(format!("{slug}.md")),
        format!("+++\ntitle = \"{slug}\"\n{publisher}date = 2026-11-20\n+++\n\n{body}\n"),
    )
    .unwrap();
}

#[test]
fn the_seed_spending_amounts_are_lined_up_and_abmedia_is_flagged_ten_times_apart() {
    let engine = Engine::in_ram(&common::seed_data()).unwrap();
    let (comparison, notices) = compare(&engine, "capex");
    let c = comparison.expect("a comparison");
    let spending = c.groups.iter().find(|g| g.quantity == "spending").unwrap();
    assert!(!spending.agree);
    assert!(spending.lines.len() >= 3, "{spending:#?}");
    let abmedia = spending
        .lines
        .iter()
        .find(|l| l.source.publisher.as_deref() == Some("ABMedia"))
        .unwrap();
    assert!((abmedia.value - 5.3e9).abs() < 1.0, "{abmedia:?}");
    assert_eq!(abmedia.unit, "USD");
    let flagged = spending.differences.join(" ");
    assert!(
        flagged.contains("ABMedia") && flagged.contains("10× apart"),
        "{flagged}"
    );
    assert!(flagged.contains("$53 billion"), "{flagged}");
    assert!(
        notices.iter().any(|n| n.contains("10× apart")),
        "{notices:?}"
    );
    // The share moves the spending lifted are compared too: ABMedia's passage stating one
    // ranks just below the best 20 on words alone, and rises for the figure it states.
    let moves = c.groups.iter().find(|g| g.quantity == "share move");
    let moves = moves.expect("the share moves compared under capex");
    assert!(
        moves
            .lines
            .iter()
            .any(|l| l.source.publisher.as_deref() == Some("ABMedia")),
        "{moves:#?}"
    );
    // Share moves are a group of their own, each line with the day it gives (or none).
    let (c, _) = compare(&engine, "stock");
    let moves = c
        .unwrap()
        .groups
        .into_iter()
        .find(|g| g.quantity == "share move")
        .unwrap();
    assert!(moves.lines.iter().all(|l| l.unit == "%"));
    assert!(
        moves.lines.iter().any(|l| l.day.is_none()),
        "no day invented"
    );
    // The JSON carries the groups.
    let json = serde_json::to_value(spending).unwrap();
    assert!(json["lines"][0]["unit"].as_str().is_some());
    assert!(
        json["differences"]
            .as_array()
            .is_some_and(|d| !d.is_empty())
    );
}

#[test]
fn outlets_that_agree_are_said_to_agree_and_one_ten_times_off_is_flagged_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    write(
        data,
        "north",
        Some("North Post"),
        "Zephyrco will invest $12 billion in new factories over five years, its chief executive said.",
    );
    write(
        data,
        "south",
        Some("South Ledger"),
        "Zephyrco plans to spend about $12 billion on factories, according to a filing.",
    );
    write(
        data,
        "east",
        None,
        "The investment by Zephyrco, more than $11.5 billion, will go to factories.",
    );
    let engine = Engine::in_ram(data).unwrap();
    let (c, notices) = compare(&engine, "Zephyrco investment factories");
    let c = c.expect("a comparison");
    assert_eq!(c.groups.len(), 1, "{c:#?}");
    assert!(c.groups[0].agree, "{c:#?}");
    assert_eq!(c.groups[0].lines.len(), 3);
    assert!(notices[0].contains("agree"), "{notices:?}");

    write(
        data,
        "west",
        Some("West Wire"),
        "Zephyrco will invest $1.2 billion in factories, the company said on Monday.",
    );
    let engine = Engine::in_ram(data).unwrap();
    let (c, _) = compare(&engine, "Zephyrco investment factories");
    let g = &c.unwrap().groups[0];
    assert!(!g.agree);
    let flagged = g.differences.join(" ");
    assert!(flagged.starts_with("West Wire: $1.2 billion"), "{flagged}");
    assert!(
        flagged.contains("3 others") && flagged.contains("10× apart"),
        "{flagged}"
    );
}

#[test]
fn a_conversion_the_text_gives_is_compared_and_no_rate_is_invented() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    write(
        data,
        "a",
        Some("Yuan Daily"),
        "Quillon will invest 70 billion yuan ($10 billion) in chips, it said.",
    );
    write(
        data,
        "b",
        Some("Dollar Post"),
        "Quillon will invest $10 billion in chips over three years.",
    );
    write(
        data,
        "c",
        Some("Euro Times"),
        "Quillon will invest €9 billion in chips, a person familiar said.",
    );
    let engine = Engine::in_ram(data).unwrap();
    let (c, _) = compare(&engine, "Quillon invest chips");
    let g = &c.unwrap().groups[0];
    assert!(
        g.agree,
        "yuan with its own dollar figure agrees, euros are not converted: {g:#?}"
    );
}

#[test]
fn a_corpus_without_comparable_figures_says_so_plainly() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    write(
        data,
        "one",
        Some("First"),
        "Xantor opened a research lab in Lisbon to study batteries.",
    );
    write(
        data,
        "two",
        Some("Second"),
        "Xantor's new lab in Lisbon studies batteries and solar cells.",
    );
    let engine = Engine::in_ram(data).unwrap();
    let (c, notices) = compare(&engine, "Xantor lab");
    assert!(c.is_none());
    assert!(
        notices[0].starts_with("No figure here is reported by two outlets"),
        "{notices:?}"
    );
}

#[test]
#[cfg(all(feature = "discord", feature = "matrix"))]
fn discord_and_matrix_show_the_groups_within_their_limits() {
    use clippings::discord::render::{self, Controls, EMBEDS_TOTAL_MAX};
    let engine = Engine::in_ram(&common::seed_data()).unwrap();
    let knowledge = engine.knowledge();
    let command = clippings::command::parse("!compare capex", &engine.grammar(&knowledge))
        .unwrap()
        .command;
    let answer = engine.answer(&knowledge, command, 3).unwrap().answer();
    let message = render::message(&answer, &Controls::default());
    let first = &message.embeds[0];
    assert_eq!(first.title.as_deref(), Some("Figures side by side"));
    let spending = first
        .fields
        .iter()
        .find(|f| f.name.starts_with("spending"))
        .unwrap();
    assert!(spending.value.contains("⚠ ABMedia"), "{}", spending.value);
    assert!(render::embeds_total(&message.embeds) <= EMBEDS_TOTAL_MAX);
    let content = clippings::matrix::render::content(&answer);
    let html = content.msgtype.body().to_string();
    assert!(html.contains("spending (differ)"), "{html}");
}

#[test]
fn the_cli_gives_the_groups_as_json() {
    let ws = common::Workspace::new();
    let out = ws.run(&["compare", "capex", "--json"], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let text = json.to_string();
    assert!(
        text.contains("\"comparison\"") && text.contains("\"quantity\":\"spending\""),
        "{text}"
    );
}
