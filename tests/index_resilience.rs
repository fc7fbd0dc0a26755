//! The index survives kills mid-build, corruption and deletion, and follows data/ live.

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use std::sync::Arc;

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

/// Runs `clippings ARGS` on the workspace and kills it (-9) after `delay`.
fn kill_after(ws: &Workspace, args: &[&str], delay: Duration) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clippings"))
        .args(["--quiet", "--data"])
        .arg(ws.data())
        .arg("--index")
        .arg(ws.index())
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    let _ = child.kill();
    let _ = child.wait();
}

#[test]
fn killing_a_rebuild_at_any_moment_leaves_a_working_index() {
    let ws = Workspace::new();
    grow(&ws, 150);
    assert!(ws.run(&["index"], "").status.success());
    let articles = std::fs::read_dir(ws.data().join("articles"))
        .unwrap()
        .count();
    // kill -9 at 20 moments through the rebuild (from at once to after it would have ended).
    for delay_ms in (0..20u64).map(|i| i * 45) {
        kill_after(
            &ws,
            &["index", "--rebuild"],
            Duration::from_millis(delay_ms),
        );
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
        let index = ws.run(&["index"], "");
        assert!(
            stdout(&index).contains(&format!(": {articles} articles,")),
            "no article lost after kill at {delay_ms} ms: {}",
            stdout(&index)
        );
    }
}

#[test]
fn a_half_written_article_is_skipped_with_a_warning_and_picked_up_when_complete() {
    let ws = Workspace::new();
    let path = ws.data().join("articles/late-arrival.md");
    // Half written: the front matter is not even closed yet.
    std::fs::write(
        &path,
        "+++\ntitle = \"Late arrival\"\npublisher = \"Test Wi",
    )
    .unwrap();
    let out = ws.run(&["index"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(": 5 articles,") && text.contains("1 files skipped"),
        "{text}"
    );
    assert!(
        text.contains("late-arrival.md"),
        "the warning names the file: {text}"
    );
    std::fs::write(
        &path,
        "+++\ntitle = \"Late arrival\"\npublisher = \"Test Wire\"\n+++\n\
         Quokkabank said on Tuesday that its cloud revenue grew strongly in the third quarter, \
         helped by demand for AI services from retailers and banks across the region.\n",
    )
    .unwrap();
    let out = ws.run(&["index"], "");
    assert!(stdout(&out).contains(": 6 articles,"), "{}", stdout(&out));
    assert!(stdout(&out).contains("0 files skipped"), "{}", stdout(&out));
}

/// Makes a directory immutable (even for root) while alive.
struct Immutable(std::path::PathBuf);

impl Immutable {
    fn new(dir: &std::path::Path) -> Immutable {
        let status = Command::new("chattr").arg("+i").arg(dir).status().unwrap();
        assert!(status.success(), "chattr +i is needed for this test");
        Immutable(dir.to_path_buf())
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}

#[test]
fn an_unwritable_index_directory_fails_the_rebuild_clearly_and_the_old_index_keeps_serving() {
    let ws = Workspace::new();
    clippings::logging::init(true);
    let metrics = clippings::ops::install_metrics().expect("metrics recorder");
    let engine =
        clippings::lifecycle::engine_for(&ws.data(), &ws.index(), "!", false, false).unwrap();
    let bot = bot(&engine, &ws);
    let guard = Immutable::new(&ws.index());
    std::fs::write(
        ws.data().join("articles/quokkabank-results.md"),
        "+++\ntitle = \"Quokkabank\"\npublisher = \"Test Wire\"\n+++\n\
         Quokkabank said on Tuesday that its cloud revenue grew strongly in the third quarter, \
         helped by demand for AI services from retailers and banks across the region.\n",
    )
    .unwrap();
    match bot.handle("terminal", "!reindex") {
        Some(Answer::Notice(n)) => {
            assert!(n.text.starts_with("The rebuild failed"), "{}", n.text);
            assert!(
                n.text.contains("previous index keeps serving"),
                "{}",
                n.text
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(
        search_finds(&engine, "Zhenwu"),
        "the old index keeps serving"
    );
    let report = clippings::ops::status().report(&engine);
    assert!(
        report
            .last_errors
            .iter()
            .any(|e| e.contains("reindex failed")),
        "the error is logged and kept for !status: {:?}",
        report.last_errors
    );
    assert!(
        metrics
            .render()
            .contains("clippings_rebuilds_total{result=\"failed\"} 1"),
        "{}",
        metrics.render()
    );
    drop(guard);
    match bot.handle("terminal", "!reindex") {
        Some(Answer::Notice(n)) => assert!(n.text.starts_with("Index rebuilt"), "{}", n.text),
        other => panic!("{other:?}"),
    }
    assert!(search_finds(&engine, "Quokkabank"));
}

#[test]
fn a_first_build_killed_midway_is_redone_on_the_next_start() {
    let ws = Workspace::new();
    grow(&ws, 100);
    kill_after(&ws, &["index"], Duration::from_millis(100));
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
    // Broken again: only the latest broken generation stays set aside.
    let current = std::fs::read_to_string(ws.index().join("CURRENT")).unwrap();
    std::fs::write(
        ws.index().join(current.trim()).join("meta.json"),
        "{ not json",
    )
    .unwrap();
    assert!(ws.run(&["search", "--json", "Kunlun"], "").status.success());
    let set_aside = std::fs::read_dir(ws.index())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("bad-"))
        .count();
    assert_eq!(set_aside, 1);
}

#[test]
fn a_generation_of_the_previous_format_is_rebuilt_with_its_spelling_dictionary() {
    let ws = Workspace::new();
    assert!(ws.run(&["index"], "").status.success());
    let current = std::fs::read_to_string(ws.index().join("CURRENT")).unwrap();
    let generation = ws.index().join(current.trim());
    // Format 1 kept the spelling words in a second text field and had no words.fst.
    std::fs::remove_file(generation.join("words.fst")).unwrap();
    let manifest = std::fs::read_to_string(generation.join("manifest.json")).unwrap();
    let mut old: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    assert!(old["format"].as_u64().unwrap() > 1);
    old["format"] = 1.into();
    let old = serde_json::to_string_pretty(&old).unwrap();
    std::fs::write(generation.join("manifest.json"), old).unwrap();
    let out = ws.run(&["search", "semiconducter"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("so I searched for “semiconductor”"),
        "{}",
        stdout(&out)
    );
    // Not corrupt, only old: said so, and the old generation is gone, not kept aside (at
    // archive scale it is as large as the new one).
    assert!(
        stderr(&out).contains("earlier version") && !stderr(&out).contains("corrupt"),
        "{}",
        stderr(&out)
    );
    assert!(!generation.exists());
    let left: Vec<String> = std::fs::read_dir(ws.index())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("gen-") || n.starts_with("bad-"))
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
    let again = ws.run(&["search", "semiconducter"], "");
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

fn search_finds(engine: &Arc<clippings::engine::Engine>, word: &str) -> bool {
    let pipeline = clippings::conversation::Pipeline::new(engine.clone());
    matches!(pipeline.handle("t", &format!("!search {word}")), Some(Answer::Passages(p)) if !p.hits.is_empty())
}

/// The pipeline over a workspace's index, `!status` and `!reindex` going to it.
fn bot(
    engine: &Arc<clippings::engine::Engine>,
    ws: &Workspace,
) -> clippings::conversation::Pipeline {
    clippings::lifecycle::pipeline(engine.clone(), Some(&ws.index()), false)
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
    let engine = clippings::lifecycle::engine(&ws.data(), &ws.index(), "!", false).unwrap();
    let _reloader = clippings::lifecycle::reload_on_change(engine.clone(), &ws.index()).unwrap();
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
    // Applied in place: the generation built at the start is still the one in use.
    assert_eq!(
        clippings::index::store::Store::current_in(&ws.index()),
        Some(engine.live().get().dir.clone())
    );
    let topics = ws.data().join("topics.toml");
    let mut t = std::fs::read_to_string(&topics).unwrap();
    t.push_str("\n[[topic]]\nname = \"kunlun\"\ndescription = \"Baidu's chips\"\nquery = \"Kunlun P800\"\n");
    std::fs::write(&topics, t).unwrap();
    wait_for("the new topic", || {
        let pipeline = clippings::conversation::Pipeline::new(engine.clone());
        matches!(pipeline.handle("t", "!kunlun"), Some(Answer::Passages(_)))
    });
    // Searching never stopped working while all this happened.
    assert!(search_finds(&engine, "Zhenwu"));
}

#[test]
fn when_data_cannot_be_watched_status_warns_and_reindex_still_picks_up_changes() {
    let ws = Workspace::new();
    let engine =
        clippings::lifecycle::serving_engine(&ws.data(), &ws.index(), "!", false, false).unwrap();
    let warned = || {
        clippings::ops::status()
            .report(&engine)
            .warnings
            .iter()
            .any(|w| w.starts_with("data/ is not watched"))
    };
    assert!(!warned());
    // data/ is away when the watch starts, so the watch fails.
    let away = ws.data().with_extension("away");
    std::fs::rename(ws.data(), &away).unwrap();
    let reloader = clippings::lifecycle::reload_on_change(engine.clone(), &ws.index()).unwrap();
    wait_for("the warning", warned);
    std::fs::rename(&away, ws.data()).unwrap();
    // A warning, not a problem: the bot answers as before and /healthz stays 200.
    let report = clippings::ops::status().report(&engine);
    assert!(
        report.problems.iter().all(|p| !p.contains("data/")),
        "{:?}",
        report.problems
    );
    let bot = bot(&engine, &ws);
    let Some(Answer::Notice(status)) = bot.handle("t", "!status") else {
        panic!("!status answers with a notice");
    };
    assert!(
        status.text.contains("Warning: data/ is not watched") && status.text.contains("!reindex"),
        "{}",
        status.text
    );
    assert!(search_finds(&engine, "Zhenwu"));
    // No watch announces a new article; !reindex picks it up.
    let text = "+++\ntitle = \"New\"\npublisher = \"Example\"\n+++\nThe numbat index rose.\n";
    std::fs::write(ws.data().join("articles/unwatched.md"), text).unwrap();
    let Some(Answer::Notice(rebuilt)) = bot.handle("t", "!reindex") else {
        panic!("!reindex answers with a notice");
    };
    assert!(
        rebuilt.text.starts_with("Index rebuilt"),
        "{}",
        rebuilt.text
    );
    assert!(search_finds(&engine, "numbat"));
    // The warning lasts as long as the reindex thread whose watch failed.
    drop(reloader);
    wait_for("the warning to go", || !warned());
}

#[test]
fn a_bot_serves_its_existing_index_at_once_and_then_catches_up_with_data_changed_while_stopped() {
    let ws = Workspace::new();
    assert!(ws.run(&["index"], "").status.success());
    // Added while the bot was not running: no file event will ever announce it.
    let text = "+++\ntitle = \"New\"\npublisher = \"Example\"\n+++\nThe quokka index rose.\n";
    std::fs::write(ws.data().join("articles/while-stopped.md"), text).unwrap();
    let engine =
        clippings::lifecycle::serving_engine(&ws.data(), &ws.index(), "!", false, false).unwrap();
    // Answering from the existing index straight away: data/ was not scanned nor rebuilt first.
    assert!(!search_finds(&engine, "quokka"));
    assert!(search_finds(&engine, "Zhenwu"));
    let _reloader = clippings::lifecycle::keep_current(engine.clone(), &ws.index(), false).unwrap();
    wait_for("the article added while stopped", || {
        search_finds(&engine, "quokka")
    });
    assert!(search_finds(&engine, "Zhenwu"));
}

#[test]
fn a_bot_with_no_usable_index_builds_one_before_answering() {
    let ws = Workspace::new();
    let engine =
        clippings::lifecycle::serving_engine(&ws.data(), &ws.index(), "!", false, false).unwrap();
    assert!(search_finds(&engine, "Zhenwu"));
}

/// A small tmpfs mounted while alive (root only; the CI machine runs the tests as root).
struct SmallDisk(std::path::PathBuf);

impl SmallDisk {
    fn mount(dir: &std::path::Path, size: &str) -> SmallDisk {
        std::fs::create_dir_all(dir).unwrap();
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .status()
            .unwrap();
        assert!(
            status.success(),
            "mounting a tmpfs is needed for this test (run as root)"
        );
        SmallDisk(dir.to_path_buf())
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_fails_the_rebuild_clearly_and_the_old_index_keeps_serving() {
    let ws = Workspace::new();
    let _disk = SmallDisk::mount(&ws.index(), "3m");
    assert!(
        ws.run(&["index"], "").status.success(),
        "the seed index fits"
    );
    grow(&ws, 150);
    let out = ws.run(&["index"], "");
    assert!(!out.status.success(), "the bigger index does not fit");
    assert!(
        stderr(&out).contains("No space left on device"),
        "a clear error: {}",
        stderr(&out)
    );
    // The old generation is still published and answers.
    let dir = clippings::index::store::Store::current_in(&ws.index()).expect("still published");
    let snapshot = clippings::index::Snapshot::open(&dir).expect("the old index opens");
    assert_eq!(snapshot.manifest.articles.len(), 5);
    let engine = Arc::new(clippings::engine::Engine::in_ram_from(snapshot, &ws.data()));
    assert!(search_finds(&engine, "Zhenwu"));
    let leftovers: Vec<_> = std::fs::read_dir(ws.index())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("gen-"))
        .collect();
    assert_eq!(leftovers.len(), 1, "the failed generation is removed");
}

/// The passages of each article the generation's last commit lists: never missing, never
/// twice, whatever moment a writer was killed at.
fn assert_whole(ws: &Workspace, moment: &str) {
    let dir = clippings::index::store::Store::current_in(&ws.index()).expect("a generation");
    let snapshot = clippings::index::Snapshot::open(&dir)
        .unwrap_or_else(|e| panic!("the index opens after a kill at {moment}: {e}"));
    let searcher = snapshot.reader.searcher();
    for article in &snapshot.manifest.articles {
        let term = tantivy::Term::from_field_text(snapshot.fields.article, &article.slug);
        let held = searcher.doc_freq(&term).unwrap();
        let alive = searcher
            .search(
                &tantivy::query::TermQuery::new(term, tantivy::schema::IndexRecordOption::Basic),
                &tantivy::collector::Count,
            )
            .unwrap();
        assert_eq!(
            alive as u64,
            u64::from(article.passages),
            "{} after a kill at {moment}: {held} passages held",
            article.slug
        );
    }
}

#[test]
fn killing_an_incremental_update_at_any_moment_loses_and_doubles_nothing() {
    let ws = Workspace::new();
    grow(&ws, 20);
    assert!(ws.run(&["index"], "").status.success());
    let articles = ws.data().join("articles");
    let seeds: Vec<String> = [
        "abmedia-ai-budget",
        "invezz-shares-surge",
        "unnamed-53-billion-bet",
    ]
    .iter()
    .map(|s| std::fs::read_to_string(articles.join(format!("{s}.md"))).unwrap())
    .collect();
    // kill -9 at 20 moments of an update adding 30 articles, editing 10 and removing 5 (the
    // edits and removals make merges), from at once to after it would have ended.
    for round in 0..20u64 {
        for k in 0..30 {
            let text = seeds[k % seeds.len()].replace("Alibaba", &format!("Wombat{round}x{k}"));
            std::fs::write(articles.join(format!("burst{round}-{k}.md")), text).unwrap();
        }
        for k in 0..10 {
            let name = format!(
                "copy{}-abmedia-ai-budget.md",
                (round as usize * 10 + k) % 20
            );
            let path = articles.join(name);
            if let Ok(text) = std::fs::read_to_string(&path) {
                std::fs::write(&path, format!("{text}\nEdited in round {round}.\n")).unwrap();
            }
        }
        for k in 0..5 {
            let _ =
                std::fs::remove_file(articles.join(format!("burst{}-{k}.md", round.max(1) - 1)));
        }
        let delay = round * 40;
        kill_after(&ws, &["index"], Duration::from_millis(delay));
        assert_whole(&ws, &format!("{delay} ms"));
        let out = ws.run(&["search", "--json", "Zhenwu"], "");
        assert!(
            out.status.success(),
            "after a kill at {delay} ms: {}",
            stderr(&out)
        );
    }
    // What was not committed is picked up by the next update: every file, once.
    let files = std::fs::read_dir(&articles).unwrap().count();
    let out = ws.run(&["index"], "");
    assert!(
        stdout(&out).contains(&format!(": {files} articles,")),
        "{}",
        stdout(&out)
    );
    assert_whole(&ws, "the end");
    let out = ws.run(&["search", "--json", "-n", "30", "Wombat19x29"], "");
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let hits = value["hits"].as_array().unwrap();
    let from: std::collections::BTreeSet<&str> = hits
        .iter()
        .map(|h| h["article"].as_str().unwrap())
        .collect();
    assert_eq!(from.into_iter().collect::<Vec<_>>(), ["burst19-29"]);
}

#[test]
fn an_update_the_index_folder_refuses_fails_clearly_and_the_index_keeps_serving() {
    let ws = Workspace::new();
    clippings::logging::init(true);
    let engine = clippings::lifecycle::engine(&ws.data(), &ws.index(), "!", false).unwrap();
    let generation = clippings::index::store::Store::current_in(&ws.index()).unwrap();
    let mut updater = None;
    let guard = Immutable::new(&generation);
    std::fs::write(
        ws.data().join("articles/quokkabank-results.md"),
        "+++\ntitle = \"Quokkabank\"\npublisher = \"Test Wire\"\n+++\n\
         Quokkabank said on Tuesday that its cloud revenue grew strongly in the third quarter.\n",
    )
    .unwrap();
    clippings::lifecycle::keep_up(&engine, &ws.index(), &mut updater);
    assert!(
        search_finds(&engine, "Zhenwu"),
        "the index in use keeps serving"
    );
    assert!(!search_finds(&engine, "Quokkabank"));
    let report = clippings::ops::status().report(&engine);
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.contains("the index cannot be updated")),
        "!status warns: {:?}",
        report.warnings
    );
    drop(guard);
    clippings::lifecycle::keep_up(&engine, &ws.index(), &mut updater);
    assert!(
        search_finds(&engine, "Quokkabank"),
        "the next update goes through"
    );
    let report = clippings::ops::status().report(&engine);
    assert!(
        !report
            .warnings
            .iter()
            .any(|w| w.contains("the index cannot be updated")),
        "{:?}",
        report.warnings
    );
    // In place: the same generation, no rebuild.
    assert_eq!(
        clippings::index::store::Store::current_in(&ws.index()),
        Some(generation)
    );
}
