//! The `clippings` binary: ask/search in text and JSON, index, topics, add, the piped chat,
//! and clear errors for a missing corpus and malformed files.

mod common;

use common::{Workspace, stderr, stdout};

#[test]
fn ask_json_is_one_object_with_the_stable_fields() {
    let ws = Workspace::new();
    let out = ws.run(
        &[
            "ask", "--json", "--limit", "2", "who", "is", "China", "Unicom?",
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(value["query"], "who is China Unicom?");
    let hits = value["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 2);
    for key in [
        "rank",
        "score",
        "text",
        "article",
        "publisher",
        "title",
        "date",
        "url",
        "paragraph",
        "ref",
        "also_reported_by",
    ] {
        assert!(hits[0].get(key).is_some(), "missing {key}");
    }
    assert_eq!(hits[0]["rank"], 1);
    assert!(hits[0]["url"].is_null());
    assert!(hits[0]["ref"].as_str().unwrap().contains(':'));
}

#[test]
fn search_text_output_quotes_attribution_and_ref() {
    let ws = Workspace::new();
    let out = ws.run(&["search", "--format", "text", "Kunlun"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("“") && text.contains("Kunlun P800"), "{text}");
    assert!(text.contains("— InvestingCube · "), "{text}");
    assert!(
        text.contains("ref investingcube-convertible-bonds:"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "no colour when piped");
}

#[test]
fn no_match_exits_with_status_one_and_a_plain_message() {
    let ws = Workspace::new();
    let out = ws.run(&["search", "zebra", "giraffe"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("No passage matches"));
    let json = ws.run(&["search", "--json", "zebra"], "");
    let value: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(value["hits"].as_array().unwrap().len(), 0);
    assert_eq!(value["notice"]["kind"], "no_hits");
}

#[test]
fn piped_chat_answers_one_command_per_line() {
    let ws = Workspace::new();
    let out = ws.run(
        &["chat"],
        "!topics\nwhat is Qwen3-Max?\n!more\n!nosuchcommand\n\n!about\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("!capex — "), "{text}");
    assert!(text.contains("Qwen3-Max"), "{text}");
    assert!(text.contains("4. “"), "!more continues at rank 4: {text}");
    assert!(text.contains("I don't know !nosuchcommand"), "{text}");
    assert!(text.contains("5 articles"), "{text}");
}

#[test]
fn chat_json_format_prints_json_answers() {
    let ws = Workspace::new();
    let out = ws.run(&["chat", "--format", "json"], "!search Zhenwu\n");
    let text = stdout(&out);
    let value: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
    assert!(
        value["hits"][0]["text"]
            .as_str()
            .unwrap()
            .contains("Zhenwu")
    );
}

#[test]
fn index_builds_once_then_reports_up_to_date_and_rebuild_forces() {
    let ws = Workspace::new();
    let first = ws.run(&["index"], "");
    assert!(
        stdout(&first).contains("index built: 5 articles"),
        "{}{}",
        stdout(&first),
        stderr(&first)
    );
    let second = ws.run(&["index"], "");
    assert!(
        stdout(&second).contains("index up to date"),
        "{}",
        stdout(&second)
    );
    let forced = ws.run(&["index", "--rebuild"], "");
    assert!(
        stdout(&forced).contains("index built"),
        "{}",
        stdout(&forced)
    );
}

#[test]
fn topics_lists_every_topic() {
    let ws = Workspace::new();
    let text = stdout(&ws.run(&["topics"], ""));
    for t in [
        "!capex",
        "!chips",
        "!cloud",
        "!qwen",
        "!stock",
        "!datacenters",
        "!bonds",
        "!nvidia",
        "!analysts",
        "!competitors",
    ] {
        assert!(text.contains(t), "{t}: {text}");
    }
}

#[test]
fn add_writes_a_data_file_that_the_next_run_indexes() {
    let ws = Workspace::new();
    let raw = ws.dir.path().join("raw.txt");
    std::fs::write(
        &raw,
        "Share\n\nPinduoduo said its quokka logistics unit grew fast.\n",
    )
    .unwrap();
    let out = ws.run(
        &[
            "add",
            raw.to_str().unwrap(),
            "--title",
            "PDD logistics",
            "--publisher",
            "Example News",
            "--date",
            "2025-10-01",
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let file = ws.data().join("articles/example-news-pdd-logistics.md");
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(
        written.starts_with("+++\ntitle = \"PDD logistics\""),
        "{written}"
    );
    let found = ws.run(&["search", "--json", "quokka"], "");
    let value: serde_json::Value = serde_json::from_str(&stdout(&found)).unwrap();
    assert_eq!(value["hits"][0]["publisher"], "Example News");
    assert_eq!(value["hits"][0]["date"], "2025-10-01");
    let dup = ws.run(
        &[
            "add",
            raw.to_str().unwrap(),
            "--title",
            "PDD logistics",
            "--publisher",
            "Example News",
        ],
        "",
    );
    assert!(!dup.status.success() && stderr(&dup).contains("already exists"));
    let bad_date = ws.run(
        &[
            "add",
            raw.to_str().unwrap(),
            "--title",
            "T",
            "--publisher",
            "P",
            "--date",
            "2025-02-30",
        ],
        "",
    );
    assert!(!bad_date.status.success() && stderr(&bad_date).contains("invalid date"));
}

#[test]
fn malformed_files_are_named_in_warnings_and_the_rest_is_indexed() {
    let ws = Workspace::new();
    let articles = ws.data().join("articles");
    std::fs::write(
        articles.join("broken.md"),
        "+++\npublisher = \"no title\"\n+++\ntext\n",
    )
    .unwrap();
    std::fs::write(
        articles.join("latin1.md"),
        [0x2b, 0x2b, 0x2b, 0x0a, 0xe9, 0xe8],
    )
    .unwrap();
    let out = ws.run(&["index"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let all = format!("{}{}", stdout(&out), stderr(&out));
    assert!(all.contains("5 articles"), "{all}");
    assert!(
        all.contains("broken.md") && all.contains("missing title"),
        "{all}"
    );
    assert!(
        all.contains("latin1.md") && all.contains("not UTF-8"),
        "{all}"
    );
}

#[test]
fn a_missing_or_empty_data_folder_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = common::run_binary(
        &dir.path().join("nope"),
        &dir.path().join("index"),
        &["ask", "chips"],
        "",
    );
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("data folder") && err.contains("not found"),
        "{err}"
    );
    std::fs::create_dir_all(dir.path().join("empty/articles")).unwrap();
    let out = common::run_binary(
        &dir.path().join("empty"),
        &dir.path().join("index"),
        &["ask", "chips"],
        "",
    );
    assert!(stderr(&out).contains("no articles"), "{}", stderr(&out));
}

#[test]
fn no_arguments_runs_the_terminal_chat_when_nothing_is_configured() {
    let ws = Workspace::new();
    let out = ws.run(&[], "!search Kunlun\n");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Kunlun P800"), "{}", stdout(&out));
}

#[test]
fn quiet_silences_progress_and_info_logs() {
    let ws = Workspace::new();
    let out = ws.run(&["--quiet", "index"], "");
    assert!(out.status.success());
    assert_eq!(stderr(&out), "");
    let loud = ws.run(&["index", "--rebuild"], "");
    assert!(stderr(&loud).contains("index built"), "{}", stderr(&loud));
}

#[test]
fn eval_prints_scores_and_json() {
    let ws = Workspace::new();
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/dev_questions.json"
    );
    let out = ws.run(&["eval", file], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("hit@1"), "{}", stdout(&out));
    let json = ws.run(&["eval", "--json", file], "");
    let value: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(value["questions"], 15);
    assert!(value["mrr"].as_f64().unwrap() > 0.0);
    assert!(value["details"][0]["rank"].is_number());
}

#[test]
fn ask_json_carries_also_reported_by() {
    let ws = Workspace::new();
    let out = ws.run(
        &[
            "ask",
            "--json",
            "data centers in Brazil, France and the Netherlands",
        ],
        "",
    );
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let also = value["hits"][0]["also_reported_by"].as_array().unwrap();
    assert!(!also.is_empty());
    assert!(also[0]["publisher"].is_string() && also[0]["article"].is_string());
}

#[test]
#[cfg(feature = "discord")]
fn discord_format_prints_the_exact_message_payload() {
    let ws = Workspace::new();
    let out = ws.run(
        &[
            "ask", "--format", "discord", "who", "is", "China", "Unicom?",
        ],
        "",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(value["allowed_mentions"]["parse"], serde_json::json!([]));
    assert!(
        value["embeds"][0]["description"]
            .as_str()
            .unwrap()
            .starts_with("> ")
    );
    let chat = ws.run(&["chat", "--format", "discord"], "!sources\n");
    let value: serde_json::Value = serde_json::from_str(stdout(&chat).trim()).unwrap();
    assert_eq!(value["embeds"][0]["title"], "5 articles");
}

#[test]
#[cfg(feature = "matrix")]
fn matrix_format_prints_the_exact_event_content() {
    let ws = Workspace::new();
    let out = ws.run(&["ask", "--format", "matrix", "Qwen3-Max"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(value["msgtype"], "m.notice");
    assert_eq!(value["format"], "org.matrix.custom.html");
    assert_eq!(value["m.mentions"], serde_json::json!({}));
    assert!(
        value["formatted_body"]
            .as_str()
            .unwrap()
            .contains("<blockquote>")
    );
    let chat = ws.run(&["chat", "--format", "matrix"], "!sources\n");
    let value: serde_json::Value = serde_json::from_str(stdout(&chat).trim()).unwrap();
    assert!(value["body"].as_str().unwrap().starts_with("5 articles"));
}

/// `clippings debug-panic` is how an operator checks that backtraces give file and line
/// numbers on their machine (docs/OPERATIONS.md); in this build they must.
#[test]
fn a_panic_backtrace_names_files_and_lines() {
    let ws = Workspace::new();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_clippings"))
        .arg("--data")
        .arg(ws.data())
        .arg("--index")
        .arg(ws.index())
        .arg("debug-panic")
        .env("RUST_BACKTRACE", "1")
        .env_remove("DISCORD_TOKEN")
        .env_remove("MATRIX_HOMESERVER")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(101));
    let err = stderr(&out);
    assert!(err.contains("a deliberate panic"), "{err}");
    let frame = err
        .lines()
        .skip_while(|l| !l.contains("panic_here"))
        .nth(1)
        .unwrap_or_default();
    assert!(
        frame.trim_start().starts_with("at ") && frame.contains("cli.rs:"),
        "the frame of panic_here has no file and line:\n{err}"
    );
}
