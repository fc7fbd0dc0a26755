//! Admin commands through the engine: `!reindex` rebuilds from data/ at once, `!status` reports.

mod common;

use clippings::engine::{Answer, NoticeKind};

#[test]
fn reindex_picks_up_a_new_article_at_once_and_status_reports_the_index() {
    let ws = common::Workspace::new();
    let engine = pipeline_for(&ws, false);
    let hits = |engine: &clippings::conversation::Pipeline| match engine
        .handle("terminal", "!search Quokkabank")
    {
        Some(Answer::Passages(p)) => p.hits.len(),
        _ => 0,
    };
    assert_eq!(hits(&engine), 0);
    std::fs::write(
        ws.data().join("articles/quokkabank-results.md"),
        "+++\ntitle = \"Quokkabank reports record cloud revenue\"\npublisher = \"Test Wire\"\n+++\n\
         Quokkabank said on Tuesday that its cloud revenue grew strongly in the third quarter, \
         helped by demand for AI services from retailers and banks across the region.\n",
    )
    .unwrap();
    match engine.handle("terminal", "!reindex") {
        Some(Answer::Notice(n)) => {
            assert_eq!(n.kind, NoticeKind::Info);
            assert!(
                n.text.starts_with("Index rebuilt") && n.text.contains("6 articles"),
                "{}",
                n.text
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(hits(&engine) > 0, "the new article is served at once");
    match engine.handle("terminal", "!status") {
        Some(Answer::Notice(n)) => assert!(n.text.contains("6 articles"), "{}", n.text),
        other => panic!("{other:?}"),
    }

    // A read-only follower does not rebuild: it says where to.
    let follower = pipeline_for(&ws, true);
    match follower.handle("terminal", "!reindex") {
        Some(Answer::Notice(n)) => {
            assert!(n.text.contains("CLIPPINGS_INDEX_READ_ONLY"), "{}", n.text)
        }
        other => panic!("{other:?}"),
    }
}

/// The pipeline over the index of the workspace, `!reindex` going to it.
fn pipeline_for(ws: &common::Workspace, read_only: bool) -> clippings::conversation::Pipeline {
    let engine =
        clippings::lifecycle::engine_for(&ws.data(), &ws.index(), "!", false, read_only).unwrap();
    clippings::lifecycle::pipeline(engine, Some(&ws.index()), read_only)
}
