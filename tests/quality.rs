//! Answer quality, scored as ../shared/eval/README.md says (hit@1, hit@3, MRR over the top 5),
//! through exactly the retrieval `!ask` uses.

mod common;

use std::path::{Path, PathBuf};

use clippings::engine::Engine;
use clippings::eval;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// The shared dev set when this checkout sits beside ../shared, else its copy in fixtures.
fn dev_questions() -> PathBuf {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/dev_questions.json");
    if shared.exists() {
        shared
    } else {
        fixture("dev_questions.json")
    }
}

#[test]
fn dev_questions_reach_the_targets() {
    let engine = Engine::in_ram(&common::seed_data()).unwrap();
    let report = eval::run_file(&engine, &dev_questions()).unwrap();
    let table = report.table();
    assert!(report.questions >= 15);
    assert!(
        report.hit_at_1 >= 0.9,
        "hit@1 {:.3}\n{table}",
        report.hit_at_1
    );
    assert!(
        report.hit_at_3 >= 1.0,
        "hit@3 {:.3}\n{table}",
        report.hit_at_3
    );
    assert!(report.mrr >= 0.93, "MRR {:.3}\n{table}", report.mrr);
}

/// Questions written apart from the dev set, of the same kind, so that a change that helps
/// the dev set by hurting other questions shows up.
#[test]
fn other_questions_stay_above_their_floor() {
    let engine = Engine::in_ram(&common::seed_data()).unwrap();
    let report = eval::run_file(&engine, &fixture("extra_questions.json")).unwrap();
    let table = report.table();
    assert!(
        report.hit_at_3 >= 0.85,
        "hit@3 {:.3}\n{table}",
        report.hit_at_3
    );
    assert!(report.mrr >= 0.8, "MRR {:.3}\n{table}", report.mrr);
}

#[test]
fn eval_lists_each_question_with_its_rank() {
    let engine = Engine::in_ram(&common::seed_data()).unwrap();
    let report = eval::run_file(&engine, &dev_questions()).unwrap();
    let table = report.table();
    for detail in &report.details {
        let rank = detail.rank.map_or("-".to_string(), |r| r.to_string());
        assert!(
            table.contains(&format!("{rank:>4}  {}", detail.q)),
            "{table}"
        );
    }
    assert!(table.contains("hit@1") && table.contains("MRR"));
}
