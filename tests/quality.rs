//! Answer quality on the dev questions (../shared/eval), scored as ../shared/eval/README.md
//! says, through exactly the retrieval `!ask` uses.

mod common;

use std::path::Path;

use clippings::engine::Engine;
use clippings::eval;

#[test]
fn dev_questions_reach_the_quality_floor() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/dev_questions.json");
    let file = if file.exists() {
        file
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dev_questions.json")
    };
    let engine = Engine::in_ram(&common::seed_data()).unwrap();
    let report = eval::run_file(&engine, &file).unwrap();
    print!("{}", report.table());
    assert!(report.questions >= 15);
    assert!(
        report.hit_at_3 >= 0.9,
        "hit@3 {:.3}\n{}",
        report.hit_at_3,
        report.table()
    );
}
