//! The index survives kills mid-build, corruption and deletion, and follows data/ live.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use clippings::engine::Answer;
use common::{Workspace, stderr, stdout};

/// Makes the corpus big enough that a build takes a while (copies of the seeds).
fn grow(ws: &Workspace, copies: usize) {
    let articles = ws.data().join("articles");
    let seeds: Vec<_> = std::fs::read_dir(&articles)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    for i in 0..copies {
        for seed in &seeds {
            let name = format!("copy{i}-{}", seed.file_name().unwrap().to_str().unwrap());
            std::fs::copy(seed, articles.join(name)).unwrap();
        }
    }
}

#[test]
fn killing_a_rebuild_at_any_moment_leaves_a_working_index() {
    let ws = Workspace::new();
    grow(&ws, 150);
    assert!(ws.run(&["index"], "").status.success());
    for delay_ms in [0u64, 30, 80, 150, 300, 600] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_clippings"))
            .args(["--quiet", "--data"])
            .arg(ws.data())
            .arg("--index")
            .arg(ws.index())
            .args(["index", "--rebuild"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let out = ws.run(&["search", "--json", "Zhenwu"], "");
        assert!(
            out.status.success(),
            "after kill at {delay_ms} ms: {}",
            stderr(&out)
        );
        assert!(
            !stderr(&out).contains("corrupt"),
            "after kill at {delay_ms} ms: {}",
            stderr(&out)
        );
        let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        assert!(!value["hits"].as_array().unwrap().is_empty());
    }
}

#[test]
fn a_first_build_killed_midway_is_redone_on_the_next_start() {
    let ws = Workspace::new();
    grow(&ws, 100);
    let mut child = Command::new(env!("CARGO_BIN_EXE_clippings"))
        .args(["--quiet", "--data"])
        .arg(ws.data())
        .arg("--index")
        .arg(ws.index())
        .arg("index")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    let _ = child.kill();
    let _ = child.wait();
    let out = ws.run(&["search", "--json", "Kunlun"], "");
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_corrupt_index_is_rebuilt_from_data_with_a_warning() {
    let ws = Workspace::new();
    assert!(ws.run(&["index"], "").status.success());
    let current = std::fs::read_to_string(ws.index().join("CURRENT")).unwrap();
    let generation = ws.index().join(current.trim());
    std::fs::write(generation.join("meta.json"), "{ not json").unwrap();
    let out = ws.run(&["search", "--json", "Kunlun"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("corrupt"), "{}", stderr(&out));
    let again = ws.run(&["search", "--json", "Kunlun"], "");
    assert!(
        !stderr(&again).contains("corrupt"),
        "rebuilt once: {}",
        stderr(&again)
    );
}

#[test]
fn a_deleted_index_is_rebuilt() {
    let ws = Workspace::new();
    assert!(ws.run(&["index"], "").status.success());
    std::fs::remove_dir_all(ws.index()).unwrap();
    let out = ws.run(&["search", "Kunlun"], "");
    assert!(out.status.success(), "{}", stderr(&out));
}

fn search_finds(engine: &clippings::engine::Engine, word: &str) -> bool {
    matches!(engine.handle("t", &format!("!search {word}")), Some(Answer::Passages(p)) if !p.hits.is_empty())
}

fn wait_for(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn changes_in_data_are_picked_up_while_running() {
    let ws = Workspace::new();
    let engine = clippings::app::engine(&ws.data(), &ws.index(), "!", false).unwrap();
    let _reloader = clippings::app::reload_on_change(engine.clone(), &ws.index()).unwrap();
    let file = ws.data().join("articles/new-article.md");
    let text =
        "+++\ntitle = \"New\"\npublisher = \"Example\"\n+++\nThe wombat index rose sharply.\n";
    std::fs::write(&file, text).unwrap();
    wait_for("the added article", || search_finds(&engine, "wombat"));
    std::fs::write(&file, text.replace("wombat", "platypus")).unwrap();
    wait_for("the edited article", || {
        search_finds(&engine, "platypus") && !search_finds(&engine, "wombat")
    });
    std::fs::remove_file(&file).unwrap();
    wait_for("the removed article", || !search_finds(&engine, "platypus"));
    let topics = ws.data().join("topics.toml");
    let mut t = std::fs::read_to_string(&topics).unwrap();
    t.push_str("\n[[topic]]\nname = \"kunlun\"\ndescription = \"Baidu's chips\"\nquery = \"Kunlun P800\"\n");
    std::fs::write(&topics, t).unwrap();
    wait_for("the new topic", || {
        matches!(engine.handle("t", "!kunlun"), Some(Answer::Passages(_)))
    });
    // Searching never stopped working while all this happened.
    assert!(search_finds(&engine, "Zhenwu"));
}
