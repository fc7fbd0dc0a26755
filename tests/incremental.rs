//! Incremental index updates against the oracle: after any sequence of articles added, edited
//! (text or attribution), removed or broken in data/, applied to the index in place, every
//! answer to a fixed set of commands (pages included) is the answer of a fresh build of the
//! same data/.

#[allow(
    dead_code,
    reason = "the benchmarks use more of the generator than these tests do"
)]
#[path = "../examples/support/synth.rs"]
mod synth;

use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

use clippings::engine::{Engine, EngineConfig, Knowledge, Outcome};
use clippings::index::store::Store;
use clippings::index::{self, BuildOptions, Freshness, Live, Snapshot};
use serde_json::Value;

/// Article texts to draw from: the seeds and generated coverage.
static POOL: LazyLock<Vec<String>> = LazyLock::new(|| {
    let mut pool: Vec<String> = Vec::new();
    let seeds = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/articles");
    let generated = tempfile::tempdir().unwrap();
    synth::generate(generated.path(), 240, 8, 11).unwrap();
    for dir in [seeds, generated.path().join("articles")] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            pool.push(std::fs::read_to_string(file).unwrap());
        }
    }
    pool
});

const OUTLETS: &[&str] = &["Reuters", "Bloomberg", "Caixin", "Nikkei Asia"];

/// A data folder with the seeds, topics and synonyms, and an index folder built from it.
struct Desk {
    _tmp: tempfile::TempDir,
    data: PathBuf,
    index: PathBuf,
}

impl Desk {
    fn new() -> Desk {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        std::fs::create_dir_all(data.join("articles")).unwrap();
        for name in ["topics.toml", "synonyms.toml"] {
            std::fs::copy(shipped.join(name), data.join(name)).unwrap();
        }
        for entry in std::fs::read_dir(shipped.join("articles")).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, data.join("articles").join(path.file_name().unwrap())).unwrap();
        }
        let desk = Desk {
            index: tmp.path().join("index"),
            data,
            _tmp: tmp,
        };
        assert_eq!(desk.update(), Freshness::Rebuilt);
        desk
    }

    fn articles(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.data.join("articles"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md"))
            .collect();
        names.sort();
        names
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.data.join("articles").join(name), text).unwrap();
    }

    /// What a change of data/ does to the index, as the bot and `clippings index` do it.
    fn update(&self) -> Freshness {
        let store = Store::open(&self.index).unwrap();
        let (_, freshness) =
            index::ensure_current(&store, &self.data, false, BuildOptions::default()).unwrap();
        freshness
    }

    fn incremental_engine(&self) -> Engine {
        let dir = Store::open(&self.index).unwrap().current().unwrap();
        engine(Snapshot::open(&dir).unwrap(), &self.data)
    }

    fn fresh_engine(&self) -> Engine {
        engine(Snapshot::in_ram(&self.data).unwrap(), &self.data)
    }
}

fn engine(snapshot: Snapshot, data: &Path) -> Engine {
    Engine::new(
        Live::new(snapshot),
        Knowledge::load(data).unwrap(),
        data,
        EngineConfig::default(),
    )
}

/// One change to data/.
#[derive(Debug, Clone)]
enum Op {
    /// A new file with pool text `n`.
    Add(usize),
    /// The `i`-th file (modulo their number) gets pool text `n`.
    Replace(usize, usize),
    /// The `i`-th file's publisher becomes outlet `n` (or goes, for `n` past the outlets).
    Attribute(usize, usize),
    Remove(usize),
    /// The `i`-th file becomes unreadable (not UTF-8): skipped with a warning.
    Break(usize),
}

impl Op {
    fn apply(&self, desk: &Desk, counter: &mut usize) {
        let names = desk.articles();
        let pick = |i: usize| names.get(i % names.len().max(1)).cloned();
        match *self {
            Op::Add(n) => {
                *counter += 1;
                desk.write(&format!("added-{counter}.md"), &POOL[n % POOL.len()]);
            }
            Op::Replace(i, n) => {
                if let Some(name) = pick(i) {
                    desk.write(&name, &POOL[n % POOL.len()]);
                }
            }
            Op::Attribute(i, n) => {
                let Some(name) = pick(i) else { return };
                let path = desk.data.join("articles").join(&name);
                let Ok(text) = std::fs::read_to_string(&path) else {
                    return;
                };
                let lines: Vec<String> = text
                    .lines()
                    .filter(|l| !l.starts_with("publisher ="))
                    .map(str::to_string)
                    .collect();
                let mut out = Vec::new();
                for (k, line) in lines.iter().enumerate() {
                    out.push(line.clone());
                    if k == 0
                        && line == "+++"
                        && let Some(outlet) = OUTLETS.get(n % (OUTLETS.len() + 1))
                    {
                        out.push(format!("publisher = {outlet:?}"));
                    }
                }
                std::fs::write(path, out.join("\n") + "\n").unwrap();
            }
            Op::Remove(i) => {
                // The last readable article stays: an empty archive is refused, not indexed.
                if names.len() > 1
                    && let Some(name) = pick(i)
                {
                    std::fs::remove_file(desk.data.join("articles").join(name)).unwrap();
                }
            }
            Op::Break(i) => {
                if names.len() > 2
                    && let Some(name) = pick(i)
                {
                    desk.write(&name, "");
                    std::fs::write(desk.data.join("articles").join(name), [0xff, 0xfe, 0x00])
                        .unwrap();
                }
            }
        }
    }
}

/// The commands whose answers must not depend on how the index got its passages.
fn commands(desk: &Desk) -> Vec<String> {
    let mut commands: Vec<String> = [
        "!capex",
        "!chips",
        "!cloud",
        "!stock",
        "!competitors",
        "!ask how much will Alibaba invest in AI?",
        "!ask why did the shares rise",
        "!ask who are the rivals in chips",
        "!search Nvidia",
        "!search \"data centers\" -Brazil",
        "!search chips OR semiconductors",
        "!search alibabba cloud",
        "!search source:reuters shares",
        "!figures",
        "!figures capex",
        "!compare capex",
        "!sources",
        "!topics",
        "!about",
    ]
    .iter()
    .map(|c| c.to_string())
    .collect();
    // Words of articles that come and go, misspelt: the spelling dictionary must follow.
    for text in POOL.iter().step_by(3) {
        let body = text.rsplit("+++").next().unwrap_or_default();
        if let Some(word) = body
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| w.len() >= 8)
            .max_by_key(|w| (w.len(), w.to_string()))
        {
            let mut letters: Vec<char> = word.to_lowercase().chars().collect();
            letters.swap(3, 4);
            commands.push(format!(
                "!search {}",
                letters.into_iter().collect::<String>()
            ));
        }
    }
    for name in desk.articles().iter().take(4) {
        let slug = name.trim_end_matches(".md");
        commands.push(format!("!quote {slug}:1"));
        commands.push(format!("!quote {slug}:2"));
    }
    commands
}

/// The answer to a command and its next two pages, as JSON with the scores set apart.
fn pages(engine: &Engine, command: &str) -> (Vec<Value>, Vec<f64>) {
    let knowledge = engine.knowledge();
    let grammar = engine.grammar(&knowledge);
    let Some(invocation) = clippings::command::parse(command, &grammar) else {
        return (vec![Value::Null], Vec::new());
    };
    let mut shown = Vec::new();
    match engine.answer(&Arc::clone(&knowledge), invocation.command, 3) {
        Ok(Outcome::Ranked(mut ranking)) => {
            shown.push(serde_json::to_value(ranking.page()).unwrap());
            for _ in 0..2 {
                if let Some(page) = ranking.next_page(3) {
                    shown.push(serde_json::to_value(page).unwrap());
                }
            }
        }
        Ok(Outcome::Done(answer)) => shown.push(serde_json::to_value(answer).unwrap()),
        Err(e) => shown.push(Value::String(e.to_string())),
    }
    let mut scores = Vec::new();
    for value in &mut shown {
        take_scores(value, &mut scores);
    }
    (shown, scores)
}

fn take_scores(value: &mut Value, scores: &mut Vec<f64>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map.iter_mut() {
                if key == "score" {
                    scores.push(v.as_f64().unwrap_or(f64::NAN));
                    *v = Value::Null;
                } else if key == "built_at" {
                    // When the index was last written: not a fact about the coverage.
                    *v = Value::Null;
                } else {
                    take_scores(v, scores);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| take_scores(v, scores)),
        _ => {}
    }
}

/// Every command answered alike by the updated index and by a fresh build; the commands
/// that differ otherwise.
fn differences(desk: &Desk) -> Vec<String> {
    let updated = desk.incremental_engine();
    let fresh = desk.fresh_engine();
    let mut differ = Vec::new();
    for command in commands(desk) {
        let (a, a_scores) = pages(&updated, &command);
        let (b, b_scores) = pages(&fresh, &command);
        // Sums over a segment's terms may round differently in the last bit.
        let close = a_scores.len() == b_scores.len()
            && a_scores
                .iter()
                .zip(&b_scores)
                .all(|(x, y)| (x - y).abs() <= 1e-5 * x.abs().max(1.0));
        if a != b || !close {
            let (a, b) = (
                serde_json::to_string(&a).unwrap(),
                serde_json::to_string(&b).unwrap(),
            );
            let at = a
                .bytes()
                .zip(b.bytes())
                .position(|(x, y)| x != y)
                .unwrap_or(a.len().min(b.len()));
            let around = |s: &str| {
                let start = s.floor_char_boundary(at.saturating_sub(150));
                let end = s.ceil_char_boundary((at + 150).min(s.len()));
                s[start..end].to_string()
            };
            differ.push(format!(
                "{command}\n  updated: …{}…\n  fresh:   …{}…\n  scores {a_scores:?}\n     vs {b_scores:?}",
                around(&a),
                around(&b)
            ));
        }
    }
    differ
}

fn run(desk: &Desk, batches: &[Vec<Op>]) {
    let mut counter = 0;
    for (step, batch) in batches.iter().enumerate() {
        for op in batch {
            op.apply(desk, &mut counter);
        }
        let freshness = desk.update();
        assert!(
            !matches!(freshness, Freshness::Rebuilt),
            "step {step} rebuilt the index instead of updating it"
        );
        let differ = differences(desk);
        assert!(
            differ.is_empty(),
            "after step {step} ({batch:?}) answers differ from a fresh build:\n{}",
            differ.join("\n")
        );
    }
}

fn op() -> impl proptest::strategy::Strategy<Value = Op> {
    use proptest::prelude::*;
    prop_oneof![
        3 => (0..1000usize).prop_map(Op::Add),
        2 => (0..50usize, 0..1000usize).prop_map(|(i, n)| Op::Replace(i, n)),
        1 => (0..50usize, 0..10usize).prop_map(|(i, n)| Op::Attribute(i, n)),
        2 => (0..50usize).prop_map(Op::Remove),
        1 => (0..50usize).prop_map(Op::Break),
    ]
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 12,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]

    #[test]
    fn random_sequences_of_changes_answer_like_a_fresh_build(
        batches in proptest::collection::vec(proptest::collection::vec(op(), 1..4), 1..6)
    ) {
        let desk = Desk::new();
        run(&desk, &batches);
    }
}

/// Found by the test above: equal sentences weighed by a float sum in hash order, so a quote
/// could start at another sentence than the fresh build's.
#[test]
fn quotes_of_equal_sentences_are_chosen_alike_after_changes() {
    let desk = Desk::new();
    run(
        &desk,
        &[
            vec![Op::Replace(29, 460), Op::Remove(7)],
            vec![Op::Break(4), Op::Replace(42, 160)],
            vec![Op::Remove(24), Op::Replace(25, 681), Op::Break(38)],
        ],
    );
}

#[test]
fn a_long_fixed_sequence_of_changes_answers_like_a_fresh_build() {
    let desk = Desk::new();
    let mut rng = synth::Rng::new(2026);
    let mut batches = Vec::new();
    for _ in 0..30 {
        let size = 1 + rng.below(3);
        let batch = (0..size)
            .map(|_| match rng.below(9) {
                0..=2 => Op::Add(rng.below(1000)),
                3 | 4 => Op::Replace(rng.below(50), rng.below(1000)),
                5 => Op::Attribute(rng.below(50), rng.below(10)),
                6 | 7 => Op::Remove(rng.below(50)),
                _ => Op::Break(rng.below(50)),
            })
            .collect();
        batches.push(batch);
    }
    run(&desk, &batches);
}

#[test]
fn an_added_article_is_found_without_a_rebuild_and_a_removed_one_is_gone() {
    let desk = Desk::new();
    let generation = Store::open(&desk.index).unwrap().current().unwrap();
    desk.write(
        "fresh-news.md",
        "+++\ntitle = \"Quokka Robotics unveils warehouse robot\"\npublisher = \"Reuters\"\ndate = \"2026-12-01\"\n+++\nQuokka Robotics unveiled a warehouse robot on Monday, its chief executive said.\n",
    );
    let Freshness::Updated(changes) = desk.update() else {
        panic!("not updated in place");
    };
    assert_eq!((changes.added, changes.updated, changes.removed), (1, 0, 0));
    // The same generation, updated in place: no second copy of the archive.
    assert_eq!(
        Store::open(&desk.index).unwrap().current(),
        Some(generation.clone())
    );
    let engine = desk.incremental_engine();
    let (found, _) = pages(&engine, "!search quokka");
    let text = serde_json::to_string(&found).unwrap();
    assert!(text.contains("Quokka Robotics unveiled"), "{text}");
    assert!(text.contains("\"publisher\":\"Reuters\""), "{text}");
    std::fs::remove_file(desk.data.join("articles/fresh-news.md")).unwrap();
    let Freshness::Updated(changes) = desk.update() else {
        panic!("not updated in place");
    };
    assert_eq!(changes.removed, 1);
    let engine = desk.incremental_engine();
    let (found, _) = pages(&engine, "!search quokka");
    assert!(
        !serde_json::to_string(&found)
            .unwrap()
            .contains("Quokka Robotics unveiled"),
        "{found:?}"
    );
    // Unchanged data: nothing to do.
    assert_eq!(desk.update(), Freshness::UpToDate);
}

#[test]
fn a_rebuild_is_made_only_when_asked_or_when_the_index_is_unusable() {
    let desk = Desk::new();
    let store = Store::open(&desk.index).unwrap();
    let first = store.current().unwrap();
    let (_, freshness) =
        index::ensure_current(&store, &desk.data, true, BuildOptions::default()).unwrap();
    assert_eq!(freshness, Freshness::Rebuilt);
    let second = store.current().unwrap();
    assert_ne!(first, second);
    // A damaged manifest: the generation is set aside and built again from data/.
    let metas: Value =
        serde_json::from_str(&std::fs::read_to_string(second.join("meta.json")).unwrap()).unwrap();
    let manifest = match metas["payload"].as_str() {
        Some(p) => serde_json::from_str::<Value>(p).unwrap()["manifest"]
            .as_str()
            .unwrap()
            .to_string(),
        None => "manifest.json".to_string(),
    };
    std::fs::write(second.join(manifest), "{").unwrap();
    desk.write("one-more.md", &POOL[0]);
    assert_eq!(desk.update(), Freshness::Rebuilt);
    assert_ne!(store.current().unwrap(), second);
    assert!(differences(&desk).is_empty());
}

/// A reader opening the index while a writer keeps committing gets one commit whole: the
/// passages and the manifest that goes with them, never a mix.
#[test]
fn readers_opening_during_commits_never_see_a_half_applied_commit() {
    let desk = Desk::new();
    let dir = Store::open(&desk.index).unwrap().current().unwrap();
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let dir = dir.clone();
        let done = done.clone();
        std::thread::spawn(move || {
            let mut opened = 0;
            let mut versions = std::collections::BTreeSet::new();
            while !done.load(std::sync::atomic::Ordering::Acquire) || opened < 20 {
                let snapshot = Snapshot::open(&dir).expect("opens whole");
                let searcher = snapshot.reader.searcher();
                for article in &snapshot.manifest.articles {
                    let term =
                        tantivy::Term::from_field_text(snapshot.fields.article, &article.slug);
                    let alive = searcher
                        .search(
                            &tantivy::query::TermQuery::new(
                                term,
                                tantivy::schema::IndexRecordOption::Basic,
                            ),
                            &tantivy::collector::Count,
                        )
                        .unwrap();
                    assert_eq!(
                        alive as u64,
                        u64::from(article.passages),
                        "{}",
                        article.slug
                    );
                }
                versions.insert(snapshot.version.clone());
                opened += 1;
            }
            versions.len()
        })
    };
    let mut updater = index::incremental::Updater::open(&dir).unwrap();
    for round in 0..40 {
        desk.write(&format!("round-{round}.md"), &POOL[round * 7 % POOL.len()]);
        if round >= 3 {
            let _ =
                std::fs::remove_file(desk.data.join(format!("articles/round-{}.md", round - 3)));
        }
        updater.apply(&desk.data).unwrap().expect("a change");
    }
    done.store(true, std::sync::atomic::Ordering::Release);
    let versions = reader.join().unwrap();
    assert!(
        versions > 1,
        "the reader saw the commits land ({versions} versions)"
    );
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok()?.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len())
        .sum()
}

/// Merges keep an index updated in place compact: after 2,000 adds, edits and removes it is
/// within 1.3× of a fresh rebuild of the same data (the benchmark runs 10,000 at scale).
#[test]
fn after_thousands_of_updates_the_index_stays_compact() {
    let desk = Desk::new();
    let dir = Store::open(&desk.index).unwrap().current().unwrap();
    let mut updater = index::incremental::Updater::open(&dir).unwrap();
    let mut rng = synth::Rng::new(99);
    let mut added: Vec<String> = Vec::new();
    for update in 0..2_000 {
        match rng.below(3) {
            0 => {
                let name = format!("u{update}.md");
                desk.write(&name, &POOL[rng.below(POOL.len())]);
                added.push(name);
            }
            1 if !added.is_empty() => {
                let name = &added[rng.below(added.len())];
                desk.write(name, &POOL[rng.below(POOL.len())]);
            }
            _ if !added.is_empty() => {
                let name = added.swap_remove(rng.below(added.len()));
                std::fs::remove_file(desk.data.join("articles").join(name)).unwrap();
            }
            _ => {}
        }
        if update % 10 == 9 {
            updater.apply(&desk.data).unwrap();
        }
    }
    updater.settle(std::time::Duration::from_secs(120)).unwrap();
    updater.finish().unwrap();
    let updated = dir_bytes(&dir);
    let rebuilt_root = tempfile::tempdir().unwrap();
    let store = Store::open(rebuilt_root.path()).unwrap();
    let rebuilt_dir = index::rebuild(&store, &desk.data, BuildOptions::default()).unwrap();
    let rebuilt = dir_bytes(&rebuilt_dir);
    let ratio = updated as f64 / rebuilt as f64;
    assert!(
        ratio <= 1.3,
        "{updated} bytes updated, {rebuilt} rebuilt: {ratio:.2}×"
    );
    // Every segment costs each search a look-up, and a search spreads its segments over the
    // cores: the segments updates add are folded into as many large ones as a build makes
    // rather than piling up beside them.
    let segments = |dir: &Path| -> Vec<u32> {
        let snapshot = Snapshot::open(dir).unwrap();
        let mut docs: Vec<u32> = snapshot
            .index
            .searchable_segment_metas()
            .unwrap()
            .iter()
            .map(|m| m.num_docs())
            .collect();
        docs.sort_unstable();
        docs
    };
    let (after, fresh) = (segments(&dir), segments(&rebuilt_dir));
    let total: u32 = after.iter().sum();
    let large = after.iter().filter(|&&n| n >= total / 8).count();
    assert!(
        large <= fresh.len() && after.len() <= fresh.len() + 1,
        "segments after the updates {after:?}, of a rebuild {fresh:?}"
    );
    assert!(differences(&desk).is_empty());
}

/// tantivy removes a merge's inputs after it, but not while a reader holds its meta lock; the
/// writer's last act removes what such a skipped collection left.
#[test]
fn closing_the_writer_removes_files_no_commit_uses() {
    use std::io::Write;
    use tantivy::directory::{Directory, TerminatingWrite};
    let desk = Desk::new();
    let dir = Store::open(&desk.index).unwrap().current().unwrap();
    // A file tantivy manages that no commit names: the inputs of a merge whose collection was
    // skipped look like this.
    let snapshot = Snapshot::open(&dir).unwrap();
    let leftover = std::path::Path::new("00000000000000000000000000000001.store");
    let mut file = snapshot.index.directory().open_write(leftover).unwrap();
    file.write_all(&[0u8; 4096]).unwrap();
    file.terminate().unwrap();
    drop(snapshot);
    let updater = index::incremental::Updater::open(&dir).unwrap();
    assert!(dir.join(leftover).exists());
    updater.finish().unwrap();
    assert!(!dir.join(leftover).exists(), "{leftover:?} left behind");
    assert!(differences(&desk).is_empty());
}

/// A merge that failed is not asked for again until the next commit or merge: settling asks
/// for the merges that drop deletions itself rather than wait for ever (a random sequence of
/// changes once waited two minutes per update for a segment no merge took).
#[test]
fn settling_merges_away_deletions_no_merge_took() {
    let desk = Desk::new();
    let dir = Store::open(&desk.index).unwrap().current().unwrap();
    let mut updater = index::incremental::Updater::open(&dir).unwrap();
    updater.without_merge_policy();
    std::fs::remove_file(desk.data.join("articles").join("abmedia-ai-budget.md")).unwrap();
    let (changes, _) = updater.apply(&desk.data).unwrap().unwrap();
    assert!(changes.deleted_passages);
    let settled = updater
        .settle(std::time::Duration::from_secs(20))
        .unwrap()
        .expect("the deletions were merged away");
    assert!(
        settled
            .reader
            .searcher()
            .segment_readers()
            .iter()
            .all(|s| s.num_deleted_docs() == 0)
    );
    updater.finish().unwrap();
    assert!(differences(&desk).is_empty());
}

/// Merges that drop deleted passages may end before the writer looks: it still hands over
/// the merged index (whose statistics are a fresh build's), not the one of its commit.
#[test]
fn merges_ended_before_settling_still_hand_over_the_merged_index() {
    let desk = Desk::new();
    let dir = Store::open(&desk.index).unwrap().current().unwrap();
    let mut updater = index::incremental::Updater::open(&dir).unwrap();
    std::fs::remove_file(desk.data.join("articles").join("abmedia-ai-budget.md")).unwrap();
    let (changes, committed) = updater.apply(&desk.data).unwrap().unwrap();
    assert!(changes.deleted_passages);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let metas = Snapshot::open(&dir)
            .unwrap()
            .index
            .searchable_segment_metas()
            .unwrap();
        if !metas.iter().any(|m| m.has_deletes()) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "merges never ended");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    // (Merges quick enough to end before the commit's snapshot opened leave nothing to do.)
    let stale = committed
        .reader
        .searcher()
        .segment_readers()
        .iter()
        .any(|s| s.num_deleted_docs() > 0);
    let settled = updater.settle(std::time::Duration::from_secs(60)).unwrap();
    let Some(settled) = settled else {
        assert!(
            !stale,
            "the commit's snapshot, with deleted passages, stays in use"
        );
        return;
    };
    assert_ne!(settled.version, committed.version);
    let searcher = settled.reader.searcher();
    assert!(
        searcher
            .segment_readers()
            .iter()
            .all(|s| s.num_deleted_docs() == 0)
    );
    // Nothing changed since: nothing to hand over.
    assert!(
        updater
            .settle(std::time::Duration::from_secs(60))
            .unwrap()
            .is_none()
    );
}
