//! Alerts end to end on Discord: the `clippings` binary with the real serenity client against
//! the local Discord peer. A channel watches a topic; an article file dropped into data/ is
//! posted there (once, pinging no one, its hostile title escaped), nowhere else; more within
//! the interval are folded into one message; a crash right after posting does not post twice;
//! a channel the bot may no longer post in is paused and said in `!status`; `!trend` posts a
//! PNG; `!watch` is refused to members who cannot manage the channel.
#![cfg(feature = "discord")]

mod common;

use std::path::Path;
use std::time::Duration;

use common::discord_peer::{
    GUILD_CHANNEL_ID, LOCKED_CHANNEL_ID, MANAGER_ID, OTHER_CHANNEL_ID, Peer, USER_ID,
};
use serde_json::Value;

fn start(ws: &common::Workspace, peer: &Peer) -> tokio::process::Child {
    start_bot(ws, peer, false)
}

/// The bot; a read-only follower of an index another process writes when `follower`.
fn start_bot(ws: &common::Workspace, peer: &Peer, follower: bool) -> tokio::process::Child {
    let log = std::fs::File::create(ws.dir.path().join("bot.log")).unwrap();
    tokio::process::Command::new(env!("CARGO_BIN_EXE_clippings"))
        .env(
            "CLIPPINGS_INDEX_READ_ONLY",
            if follower { "true" } else { "false" },
        )
        .arg("--data")
        .arg(ws.data())
        .arg("--index")
        .arg(ws.index())
        .env("DISCORD_TOKEN", "alerts-token")
        .env("DISCORD_PROXY_URL", &peer.base)
        .env("ALERT_MIN_INTERVAL", "4s")
        .env("FEED_POLL_MINUTES", "0")
        .env("ADMIN_USERS", "4242")
        .env("RUST_LOG", "clippings=debug")
        .env_remove("MATRIX_HOMESERVER")
        .env_remove("HTTP_LISTEN")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(log)
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

/// What the bot logged so far (shown when an assertion fails).
fn log(ws: &common::Workspace) -> String {
    std::fs::read_to_string(ws.dir.path().join("bot.log")).unwrap_or_default()
}

/// Sends a message in a guild channel and waits for the reply to it.
async fn say(peer: &Peer, id: &str, channel: &str, author: &str, text: &str) -> Value {
    peer.dispatch(
        "MESSAGE_CREATE",
        Peer::guild_message(id, channel, author, text),
    );
    let call = peer
        .wait_call(&format!("the reply to {text}"), |c| {
            c.method == "POST" && c.body["message_reference"]["message_id"] == id
        })
        .await;
    call.body
}

fn article(dir: &Path, slug: &str, title: &str, publisher: &str, body: &str) {
    let today = chrono::Utc::now().date_naive();
    let text = format!(
        "+++\ntitle = {title:?}\npublisher = {publisher:?}\ndate = {today}\nurl = \"https://example.com/{slug}\"\n+++\n\n{body}\n"
    );
    let tmp = dir.join(format!(".{slug}.tmp"));
    std::fs::write(&tmp, text).unwrap();
    std::fs::rename(tmp, dir.join("articles").join(format!("{slug}.md"))).unwrap();
}

/// Alerts the peer created in a channel (replies to commands left out).
fn alerts_in(peer: &Peer, channel: &str) -> Vec<Value> {
    peer.created_in(channel)
        .into_iter()
        .map(|c| c.body)
        .filter(|b| b["message_reference"].is_null())
        .collect()
}

async fn wait_alerts(peer: &Peer, channel: &str, n: usize, secs: u64) -> Vec<Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        let found = alerts_in(peer, channel);
        if found.len() >= n {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {n} alerts in {channel}: {found:#?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

const CAPEX: &str = "Alibaba said on Tuesday it will raise capital expenditure on cloud and AI \
    infrastructure, adding to the spending plan it set out in February. The company's budget for \
    data centres will grow again next year, its chief executive said.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watched_channel_gets_each_new_article_once_folded_safe_and_across_a_crash() {
    let peer = Peer::start().await;
    let ws = common::Workspace::new();
    let mut bot = start(&ws, &peer);
    peer.wait_identified().await;

    // Only members who may manage the channel change what it watches; anyone may list.
    let refused = say(&peer, "1", GUILD_CHANNEL_ID, USER_ID, "!watch capex").await;
    assert!(
        refused.to_string().contains("Only members who can manage"),
        "{refused}"
    );
    let listed = say(&peer, "2", GUILD_CHANNEL_ID, USER_ID, "!watches").await;
    assert!(
        listed.to_string().contains("Nothing is watched"),
        "{listed}"
    );
    let ok = say(&peer, "3", GUILD_CHANNEL_ID, MANAGER_ID, "!watch capex").await;
    assert!(
        ok.to_string().contains("Watching capex"),
        "{ok}\n{}",
        log(&ws)
    );
    let other = say(
        &peer,
        "4",
        OTHER_CHANNEL_ID,
        MANAGER_ID,
        "!watch \"Hang Seng\" -Tencent",
    )
    .await;
    assert!(other.to_string().contains("Watching"), "{other}");
    // The locked channel refuses every post, the reply too: only the request is seen.
    peer.dispatch(
        "MESSAGE_CREATE",
        Peer::guild_message("5", LOCKED_CHANNEL_ID, MANAGER_ID, "!watch capex"),
    );
    peer.wait_call("the locked channel's reply", |c| {
        c.path.contains(LOCKED_CHANNEL_ID) && c.body["message_reference"]["message_id"] == "5"
    })
    .await;
    let listed = say(&peer, "6", GUILD_CHANNEL_ID, USER_ID, "!watches").await;
    assert!(listed.to_string().contains("1. capex"), "{listed}");
    // Nothing already in the index is alerted.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(alerts_in(&peer, GUILD_CHANNEL_ID).is_empty());

    // A new article about capital spending, with a hostile title.
    let hostile = "@everyone <b>Capex</b> **surges** [click](https://evil.example) <@5000>";
    article(&ws.data(), "capex-hostile", hostile, "Wire & Co", CAPEX);
    let alert = wait_alerts(&peer, GUILD_CHANNEL_ID, 1, 30).await.remove(0);
    assert_eq!(
        alert["allowed_mentions"]["parse"],
        serde_json::json!([]),
        "{alert}"
    );
    assert_eq!(alert["enforce_nonce"], true, "{alert}");
    assert!(
        alert["nonce"].as_str().is_some_and(|n| n.len() <= 25),
        "{alert}"
    );
    assert!(
        alert["content"].as_str().unwrap().contains("New on capex"),
        "{alert}"
    );
    let embed = &alert["embeds"][0];
    let title = embed["title"].as_str().unwrap();
    assert!(title.contains("Wire & Co"), "{title}");
    assert!(
        title.contains("\\@everyone") && title.contains("\\*\\*surges\\*\\*"),
        "{title}"
    );
    assert!(
        !title.contains("[click](") && !title.contains("<@5000>"),
        "{title}"
    );
    let description = embed["description"].as_str().unwrap();
    assert!(
        description.contains("**"),
        "matched words in bold: {description}"
    );
    let footer = embed["footer"]["text"].as_str().unwrap();
    assert!(
        footer.contains("ref capex-hostile:") && footer.contains("watch: capex"),
        "{footer}"
    );
    assert_eq!(embed["url"], "https://example.com/capex-hostile");
    // Not where it is not watched.
    assert!(alerts_in(&peer, OTHER_CHANNEL_ID).is_empty());

    // Within the interval: the same story from another outlet (not alerted again) and two
    // other stories: one message, after the interval.
    let sent_at = tokio::time::Instant::now();
    article(
        &ws.data(),
        "capex-syndicated",
        "Alibaba lifts its AI spending",
        "Daily Ledger",
        CAPEX,
    );
    article(
        &ws.data(),
        "capex-second",
        "Spending on data centres raised",
        "Harbour Times",
        "Tencent's rival said its capital expenditure on data centres in Europe will rise, and its budget for servers grows by a third, according to a statement issued in Shenzhen.",
    );
    article(
        &ws.data(),
        "capex-third",
        "Cloud capital expenditure and budget outlook",
        "Market Wire",
        "Capital expenditure on cloud infrastructure rose, and the budget for AI investment doubled, analysts at a bank in Zurich wrote on Thursday in a note to clients.",
    );
    let alerts = wait_alerts(&peer, GUILD_CHANNEL_ID, 2, 30).await;
    assert!(
        sent_at.elapsed() >= Duration::from_secs(2),
        "waited for the interval"
    );
    let folded = &alerts[1];
    assert!(
        folded["content"]
            .as_str()
            .unwrap()
            .contains("2 new on capex"),
        "{folded}"
    );
    let embeds = folded["embeds"].to_string();
    assert_eq!(folded["embeds"].as_array().unwrap().len(), 2, "{folded}");
    assert!(
        !embeds.contains("capex-syndicated"),
        "the same story is not alerted twice: {embeds}"
    );
    // An article edited in place is not alerted again.
    let edited = ws.data().join("articles/capex-hostile.md");
    let mut text = std::fs::read_to_string(&edited).unwrap();
    text.push_str(
        "\nThe capital expenditure budget was confirmed by the finance chief on Friday.\n",
    );
    std::fs::write(&edited, text).unwrap();
    tokio::time::sleep(Duration::from_secs(6)).await;
    assert_eq!(
        alerts_in(&peer, GUILD_CHANNEL_ID).len(),
        2,
        "no third message (nothing more, an edit is not news)"
    );

    // The locked channel: its watches are paused, and !status says so.
    let status = say(&peer, "7", GUILD_CHANNEL_ID, "4242", "!status").await;
    assert!(
        status
            .to_string()
            .contains(&format!("alerts paused for discord {LOCKED_CHANNEL_ID}")),
        "{status}"
    );

    // A crash right after posting: the peer creates the message but never answers, the bot
    // is killed, and started again: it posts the pending alert again with the same nonce,
    // which creates nothing new.
    tokio::time::sleep(Duration::from_secs(4)).await;
    peer.stall_posts(true);
    article(
        &ws.data(),
        "capex-fourth",
        "Capital expenditure budget lifted for AI",
        "Fourth Estate",
        "The capital expenditure budget for AI infrastructure was lifted by the board on Friday, a filing showed, with more spending on servers planned.",
    );
    let before_crash = wait_alerts(&peer, GUILD_CHANNEL_ID, 3, 30).await;
    let nonce = before_crash[2]["nonce"].as_str().unwrap().to_string();
    bot.start_kill().unwrap();
    bot.wait().await.unwrap();
    let calls_before = peer.calls().len();
    peer.stall_posts(false);
    let mut bot = start(&ws, &peer);
    // The restarted bot posts the pending alert again, with the same nonce, once the dead
    // process's claim on it has lapsed (20 s).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    let repost = loop {
        let after: Vec<_> = peer.calls().into_iter().skip(calls_before).collect();
        if let Some(c) = after.into_iter().find(|c| {
            c.method == "POST"
                && c.path
                    .ends_with(&format!("/channels/{GUILD_CHANNEL_ID}/messages"))
                && c.body["message_reference"].is_null()
        }) {
            break c;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the pending alert was not posted again\n{}",
            log(&ws)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(repost.body["nonce"], nonce.as_str(), "{}", repost.body);
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        alerts_in(&peer, GUILD_CHANNEL_ID).len(),
        3,
        "not posted twice"
    );

    // !trend posts a chart that decodes.
    let trend_id = "8";
    peer.dispatch(
        "MESSAGE_CREATE",
        Peer::guild_message(trend_id, GUILD_CHANNEL_ID, USER_ID, "!trend capex 14d"),
    );
    let call = peer
        .wait_call("the trend reply", |c| {
            c.body["message_reference"]["message_id"] == trend_id
        })
        .await;
    let (_, name, png) = call.files.first().cloned().expect("a chart attached");
    assert_eq!(name, "trend.png");
    common::assert_chart(&png);
    assert_eq!(
        call.body["embeds"][0]["image"]["url"],
        "attachment://trend.png"
    );

    bot.start_kill().unwrap();
    let _ = bot.wait().await;
}

/// The layout docs/OPERATIONS.md gives for several processes: `clippings index --watch` writes
/// the index and the bot is a read-only follower. The follower matches what the writer
/// committed and posts the alert, once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_follower_alerts_what_the_writer_indexes() {
    let peer = Peer::start().await;
    let ws = common::Workspace::new();
    let writer = ws.index_writer();
    let mut bot = start_bot(&ws, &peer, true);
    peer.wait_identified().await;
    let ok = say(&peer, "1", GUILD_CHANNEL_ID, MANAGER_ID, "!watch capex").await;
    assert!(
        ok.to_string().contains("Watching capex"),
        "{ok}\n{}",
        log(&ws)
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert!(alerts_in(&peer, GUILD_CHANNEL_ID).is_empty());

    article(
        &ws.data(),
        "capex-follower",
        "Alibaba raises capex",
        "Wire & Co",
        CAPEX,
    );
    let alerts = wait_alerts(&peer, GUILD_CHANNEL_ID, 1, 60).await;
    let embed = &alerts[0]["embeds"][0];
    assert_eq!(
        embed["url"], "https://example.com/capex-follower",
        "{}",
        alerts[0]
    );
    assert!(
        alerts[0]["content"]
            .as_str()
            .unwrap()
            .contains("New on capex"),
        "{}",
        alerts[0]
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(alerts_in(&peer, GUILD_CHANNEL_ID).len(), 1, "posted once");

    bot.start_kill().unwrap();
    let _ = bot.wait().await;
    drop(writer);
}
