//! The pipeline on its own: failures, knowledge snapshots, typed conversations, follow-ups,
//! the operator's exemptions and deadlines.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::*;
use crate::engine::{EngineConfig, Passages};
use crate::index::{Live, Snapshot};

fn data() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data")
}

/// `!status` and `!reindex` as the lifecycle answers them (it sits above this layer).
struct Operator;

impl Operations for Operator {
    fn status(&self) -> String {
        "Status: ok".to_string()
    }

    fn reindex(&self) -> Answer {
        Answer::notice(NoticeKind::Info, "Index rebuilt.", Vec::new())
    }
}

fn pipeline() -> Pipeline {
    let engine = Engine::in_ram(&data()).unwrap();
    Pipeline::new(Arc::new(engine)).with_operations(Arc::new(Operator))
}

fn discord(place: &str, user: &str) -> Origin {
    Origin::new(Platform::Discord, place, user)
}

fn passages(reply: Option<Reply>) -> Passages {
    match reply {
        Some(Reply::Answer {
            answer: Answer::Passages(p),
            ..
        }) => p,
        other => panic!("expected passages, got {other:?}"),
    }
}

fn notice_kind(reply: Option<Reply>) -> NoticeKind {
    match reply.map(Reply::into_answer) {
        Some(Answer::Notice(n)) => n.kind,
        other => panic!("expected a notice, got {other:?}"),
    }
}

/// Search errors used to be logged and shown as "No passage matches" (and counted as zero
/// hits); now they are failures, counted apart.
#[test]
fn a_search_that_fails_is_a_failure_not_no_hits() {
    let mut snapshot = Snapshot::in_ram(&data()).unwrap();
    // Every passage now points at an article the manifest lacks: loading one fails.
    snapshot.manifest.articles.clear();
    let knowledge = Knowledge::load(&data()).unwrap();
    let engine = Engine::new(
        Live::new(snapshot),
        knowledge,
        &data(),
        EngineConfig::default(),
    );
    let pipeline = Pipeline::new(Arc::new(engine));
    let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
    let handle = recorder.handle();
    let reply = metrics::with_local_recorder(&recorder, || {
        pipeline.reply(&discord("1", "2"), "!search Alibaba")
    });
    assert_eq!(reply, Some(Reply::Refused(Refusal::Failed)));
    let page = handle.render();
    assert!(
        page.contains("clippings_command_failures_total{platform=\"discord\"} 1"),
        "{page}"
    );
    assert!(!page.contains("clippings_zero_hit_total"), "{page}");
    assert_eq!(
        pipeline.handle("t", "!ask how much will Alibaba invest?"),
        Some(Refusal::Failed.to_answer())
    );
    // A search that simply finds nothing is still "no hits".
    assert_eq!(
        notice_kind(pipeline.reply(&discord("1", "3"), "!search qwzxqwzx")),
        NoticeKind::NoHits
    );
}

/// Matrix parsed with one knowledge snapshot and answered with another: a reload in between
/// could leave a topic that cannot be answered.
#[test]
fn a_command_is_answered_with_the_topics_it_was_parsed_with() {
    let pipeline = pipeline();
    let parsed = pipeline.parse("!capex").expect("a topic command");
    let mut fewer = (*pipeline.engine().knowledge()).clone();
    fewer.topics.list.retain(|t| t.name != "capex");
    pipeline.engine().set_knowledge(fewer);
    let reply = pipeline.run_parsed(&discord("1", "2"), parsed, None);
    assert!(passages(Some(reply)).hits.len() == 3);
    // Parsed afresh, it is no topic any more.
    assert_eq!(
        notice_kind(pipeline.reply(&discord("1", "2"), "!capex")),
        NoticeKind::UnknownCommand
    );
}

#[test]
fn paging_follows_the_platform_place_thread_and_user() {
    let pipeline = pipeline();
    let alice = discord("10", "alice");
    let first = passages(pipeline.reply(&alice, "!capex"));
    assert_eq!(first.offset, 0);
    let elsewhere = [
        Origin::new(Platform::Matrix, "10", "alice"),
        discord("11", "alice"),
        discord("10", "bob"),
        discord("10", "alice").in_thread(Some("t".into())),
    ];
    for origin in &elsewhere {
        assert_eq!(
            notice_kind(pipeline.reply(origin, "!more")),
            NoticeKind::NotFound,
            "{origin:?}"
        );
    }
    let next = passages(pipeline.reply(&alice, "!more"));
    assert_eq!(next.offset, 3);
    assert_eq!(next.query, first.query);
}

#[test]
fn follow_ups_page_and_quote_for_their_asker_only() {
    let pipeline = pipeline();
    let alice = discord("10", "alice").with_follow_ups();
    let Some(Reply::Answer {
        answer: Answer::Passages(first),
        follow_up: Some(follow_up),
    }) = pipeline.reply(&alice, "!capex")
    else {
        panic!("a ranked answer offers follow-ups");
    };
    assert!(follow_up.more && follow_up.paragraph);
    let bob = discord("10", "bob").with_follow_ups();
    assert_eq!(
        pipeline.follow_up(&bob, follow_up.id, FollowUpAction::More),
        Reply::Refused(Refusal::NotYourFollowUp)
    );
    assert_eq!(
        pipeline.follow_up(&alice, follow_up.id + 1_000, FollowUpAction::More),
        Reply::Refused(Refusal::FollowUpExpired)
    );
    let Reply::Answer {
        answer: Answer::Passages(next),
        follow_up: Some(_),
    } = pipeline.follow_up(&alice, follow_up.id, FollowUpAction::More)
    else {
        panic!("the next page, with follow-ups of its own");
    };
    assert_eq!(next.offset, 3);
    let Reply::Answer {
        answer: Answer::Quote(quote),
        follow_up: None,
    } = pipeline.follow_up(&alice, follow_up.id, FollowUpAction::Paragraph)
    else {
        panic!("the first passage's paragraph");
    };
    assert_eq!(quote.reference, first.hits[0].reference);
    // Platforms without buttons get none.
    let Some(Reply::Answer { follow_up, .. }) = pipeline.reply(&discord("10", "carol"), "!capex")
    else {
        panic!("an answer");
    };
    assert_eq!(follow_up, None);
}

#[test]
fn the_operator_is_never_held_back_and_platform_admins_may_run_admin_commands() {
    let pipeline = pipeline().with_cooldowns(Cooldowns {
        user_per_minute: 1,
        channel_per_minute: 1,
    });
    for _ in 0..5 {
        assert!(matches!(
            pipeline.handle("terminal", "!status"),
            Some(Answer::Notice(n)) if n.text.starts_with("Status:")
        ));
    }
    let user = discord("1", "2");
    assert_eq!(
        pipeline.reply(&user, "!status"),
        Some(Reply::Refused(Refusal::AdminOnly))
    );
    assert_eq!(
        pipeline.reply(&user, "!status"),
        Some(Reply::Refused(Refusal::Cooldown))
    );
    let mut room_admin = discord("3", "4");
    room_admin.admin = true;
    assert!(matches!(
        pipeline.reply(&room_admin, "!status").map(Reply::into_answer),
        Some(Answer::Notice(n)) if n.text.starts_with("Status:")
    ));
}

#[tokio::test]
async fn work_past_its_deadline_is_timed_out() {
    let pipeline = Arc::new(pipeline());
    let slow = pipeline
        .off_thread(Some(Duration::from_millis(20)), |_| {
            std::thread::sleep(Duration::from_millis(300));
        })
        .await;
    assert_eq!(slow, Err(Refusal::TimedOut));
    let quick = pipeline
        .off_thread(Some(Duration::from_secs(10)), |p| p.prefix().to_string())
        .await;
    assert_eq!(quick, Ok("!".to_string()));
}
