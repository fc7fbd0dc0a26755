//! The real serenity client against a local Discord-protocol peer: REST through
//! `HttpBuilder::proxy`, the gateway from the peer's `/gateway/bot`, then HELLO / IDENTIFY /
//! READY / heartbeats, a prefix command, a slash command, button clicks, and hostile input.
#![cfg(feature = "discord")]

mod common;

use std::sync::Arc;
use std::time::Duration;

use clippings::config::Secret;
use clippings::conversation::Cooldowns;
use clippings::discord::gateway::{self, GatewayConfig};
use clippings::engine::Engine;
use common::discord_peer::{self, CHANNEL_ID, Call, Peer, USER_ID, interaction, message, user};
use serde_json::{Value, json};

fn is_message_to(call: &Call, reply_to: &str) -> bool {
    call.method == "POST"
        && call.path == format!("/api/v10/channels/{CHANNEL_ID}/messages")
        && call.body["message_reference"]["message_id"] == reply_to
}

fn is_callback(call: &Call, id: &str) -> bool {
    call.method == "POST"
        && call
            .path
            .starts_with(&format!("/api/v10/interactions/{id}/"))
        && call.path.ends_with("/callback")
}

fn assert_no_pings(body: &Value) {
    assert_eq!(body["allowed_mentions"]["parse"], json!([]), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serenity_answers_prefix_slash_and_button_commands_through_the_local_peer() {
    let peer = Peer::start().await;
    let engine = Arc::new(Engine::in_ram(&common::seed_data()).unwrap());
    let discord = Arc::new(common::discord(
        engine,
        Cooldowns {
            user_per_minute: 1000,
            channel_per_minute: 1000,
        },
    ));
    let config = GatewayConfig {
        proxy: Some(peer.base.clone()),
        ..GatewayConfig::new(Secret::new("test-token"))
    };
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let bot = tokio::spawn(gateway::run(discord, config, async move {
        let _ = stop_rx.await;
    }));

    // HELLO, IDENTIFY with the token and the message-content intent, READY.
    let identify = peer.wait_identified().await;
    assert_eq!(identify["d"]["token"], "Bot test-token");
    let intents = identify["d"]["intents"].as_u64().unwrap();
    assert_ne!(intents & (1 << 15), 0, "MESSAGE_CONTENT intent");
    let registration = peer
        .wait_call("slash command registration", |c| {
            c.method == "PUT" && c.path.ends_with("/commands")
        })
        .await;
    let names: Vec<&str> = registration
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    for name in [
        "ask", "search", "topic", "quote", "compare", "sources", "help",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }

    // A prefix command in a channel.
    peer.dispatch(
        "MESSAGE_CREATE",
        message("2001", user(USER_ID, "alice", false), "!capex"),
    );
    let reply = peer
        .wait_call("the !capex reply", |c| is_message_to(c, "2001"))
        .await;
    assert_no_pings(&reply.body);
    let embeds = reply.body["embeds"].as_array().unwrap();
    assert_eq!(embeds.len(), 3);
    assert!(embeds[0]["description"].as_str().unwrap().starts_with("> "));
    assert!(
        embeds[0]["footer"]["text"]
            .as_str()
            .unwrap()
            .starts_with("ref ")
    );
    let buttons = reply.body["components"][0]["components"]
        .as_array()
        .unwrap();
    let more = buttons.iter().find(|b| b["label"] == "More").unwrap()["custom_id"]
        .as_str()
        .unwrap()
        .to_string();

    // Bots, including itself, are never answered.
    peer.dispatch(
        "MESSAGE_CREATE",
        message("2002", user("7777", "otherbot", true), "!capex"),
    );

    // A slash command.
    let ask = json!({"id": "7001", "name": "ask", "type": 1, "options": [{"name": "question", "type": 3, "value": "who is China Unicom?"}]});
    peer.dispatch(
        "INTERACTION_CREATE",
        interaction("6001", 2, ask, "tok1", None),
    );
    let answered = peer
        .wait_call("the /ask response", |c| is_callback(c, "6001"))
        .await;
    assert_eq!(answered.body["type"], 4);
    assert_no_pings(&answered.body["data"]);
    assert!(
        answered.body["data"]["embeds"][0]["description"]
            .as_str()
            .unwrap()
            .contains("Unicom")
    );

    // The asker clicks More: the message is updated with the next page.
    let clicked = Some(message(
        "9001",
        user(discord_peer::BOT_ID, "clippings", true),
        "",
    ));
    let click = json!({"custom_id": more, "component_type": 2});
    peer.dispatch(
        "INTERACTION_CREATE",
        interaction("6002", 3, click.clone(), "tok2", clicked.clone()),
    );
    let paged = peer
        .wait_call("the More click", |c| is_callback(c, "6002"))
        .await;
    assert_eq!(paged.body["type"], 7, "{}", paged.body);
    assert!(
        paged.body["data"]["embeds"][0]["title"]
            .as_str()
            .unwrap()
            .starts_with("4. ")
    );

    // Someone else clicking gets a polite private note; an unknown button says it expired.
    let mut other = interaction("6003", 3, click, "tok3", clicked.clone());
    other["user"] = user("8888", "bob", false);
    peer.dispatch("INTERACTION_CREATE", other);
    let refused = peer
        .wait_call("bob's click", |c| is_callback(c, "6003"))
        .await;
    assert_eq!(refused.body["data"]["flags"], 64);
    assert!(
        refused.body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("belong to whoever asked")
    );
    let stale = json!({"custom_id": "clip:more:1", "component_type": 2});
    peer.dispatch(
        "INTERACTION_CREATE",
        interaction("6004", 3, stale, "tok4", clicked),
    );
    let expired = peer
        .wait_call("the stale click", |c| is_callback(c, "6004"))
        .await;
    assert!(
        expired.body["data"]["content"]
            .as_str()
            .unwrap()
            .contains("expired")
    );

    // Hostile input: echoed mentions and markdown can't ping or fake a link.
    let hostile = "!search @everyone <@123> <@&456> **bold** [click](http://evil.example) Alibaba";
    peer.dispatch(
        "MESSAGE_CREATE",
        message("2003", user(USER_ID, "alice", false), hostile),
    );
    let reply = peer
        .wait_call("the hostile reply", |c| is_message_to(c, "2003"))
        .await;
    assert_no_pings(&reply.body);
    let content = reply.body["content"].as_str().unwrap();
    assert!(!content.contains("[click](http"), "{content}");
    assert!(
        content.contains("\\@everyone") && !content.replace("\\@", "").contains('@'),
        "{content}"
    );
    assert!(
        !content.contains("<@123>") && !content.contains("<@&456>"),
        "{content}"
    );

    assert!(
        !peer.calls().iter().any(|c| is_message_to(c, "2002")),
        "answered a bot"
    );
    assert!(
        peer.calls().iter().all(|c| c.path.starts_with("/api/v10/")),
        "{:?}",
        peer.calls()
    );
    assert!(peer.gateway_frames().iter().any(|f| f["op"] == 2));

    let _ = stop_tx.send(());
    let stopped = tokio::time::timeout(Duration::from_secs(15), bot).await;
    assert!(stopped.is_ok(), "the bot did not shut down");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guild_id_registers_slash_commands_in_that_guild_only() {
    let peer = Peer::start().await;
    let engine = Arc::new(Engine::in_ram(&common::seed_data()).unwrap());
    let discord = Arc::new(common::discord(engine, Cooldowns::default()));
    let config = GatewayConfig {
        guild_id: Some(4000),
        proxy: Some(peer.base.clone()),
        ..GatewayConfig::new(Secret::new("t"))
    };
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let bot = tokio::spawn(gateway::run(discord, config, async move {
        let _ = stop_rx.await;
    }));
    let call = peer
        .wait_call("guild registration", |c| {
            c.method == "PUT" && c.path.ends_with("/commands")
        })
        .await;
    assert_eq!(call.path, "/api/v10/applications/1000/guilds/4000/commands");
    let _ = stop_tx.send(());
    let _ = tokio::time::timeout(Duration::from_secs(15), bot).await;
}

/// The binary's main job: with DISCORD_TOKEN set it serves Discord (not the terminal chat),
/// answers, and exits cleanly on SIGTERM.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_main_job_serves_discord_when_a_token_is_set_and_stops_on_sigterm() {
    let peer = Peer::start().await;
    let ws = common::Workspace::new();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_clippings"))
        .arg("--data")
        .arg(ws.data())
        .arg("--index")
        .arg(ws.index())
        .env("DISCORD_TOKEN", "main-job-token")
        .env("DISCORD_PROXY_URL", &peer.base)
        .env_remove("MATRIX_HOMESERVER")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let identify = peer.wait_identified().await;
    assert_eq!(identify["d"]["token"], "Bot main-job-token");
    peer.dispatch(
        "MESSAGE_CREATE",
        message(
            "2101",
            user(USER_ID, "alice", false),
            "!ask what is Qwen3-Max?",
        ),
    );
    let reply = peer
        .wait_call("the reply", |c| is_message_to(c, "2101"))
        .await;
    assert!(
        reply.body["embeds"][0]["description"]
            .as_str()
            .unwrap()
            .contains("Qwen3")
    );
    let pid = child.id().unwrap().to_string();
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(status.success());
    let exited = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .expect("exits after SIGTERM")
        .unwrap();
    assert!(exited.success(), "{exited:?}");
    let output = child.wait_with_output().await.unwrap();
    let logs = String::from_utf8_lossy(&output.stderr);
    assert!(
        !logs.contains("main-job-token"),
        "the token is never logged"
    );
    assert!(
        String::from_utf8_lossy(&output.stdout).is_empty(),
        "no terminal chat"
    );
}

/// Work that may outlast Discord's 3-second window is deferred, then completed by editing the
/// original response.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_answers_are_deferred_then_completed() {
    let peer = Peer::start().await;
    let engine = Arc::new(Engine::in_ram(&common::seed_data()).unwrap());
    let discord = Arc::new(common::discord(engine, Cooldowns::default()));
    let config = GatewayConfig {
        proxy: Some(peer.base.clone()),
        defer_after: Duration::ZERO,
        ..GatewayConfig::new(Secret::new("t"))
    };
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let bot = tokio::spawn(gateway::run(discord, config, async move {
        let _ = stop_rx.await;
    }));
    peer.wait_identified().await;
    let ask = json!({"id": "7001", "name": "ask", "type": 1, "options": [{"name": "question", "type": 3, "value": "what is Qwen3-Max?"}]});
    peer.dispatch(
        "INTERACTION_CREATE",
        interaction("6101", 2, ask, "slow-token", None),
    );
    let deferred = peer
        .wait_call("the deferral", |c| is_callback(c, "6101"))
        .await;
    assert_eq!(deferred.body["type"], 5);
    let edit = peer
        .wait_call("the completed answer", |c| {
            c.method == "PATCH" && c.path.contains("/slow-token/messages/@original")
        })
        .await;
    assert!(
        edit.body["embeds"][0]["description"]
            .as_str()
            .unwrap()
            .contains("Qwen3")
    );
    assert_no_pings(&edit.body);
    let _ = stop_tx.send(());
    let _ = tokio::time::timeout(Duration::from_secs(15), bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_watchdog_restarts_a_shard_stuck_before_ready() {
    let peer = Peer::start().await;
    // The first session is acknowledged (HELLO, heartbeat ACKs) but never gets READY: serenity
    // alone would wait on it forever.
    peer.withhold_ready(1);
    let engine = Arc::new(Engine::in_ram(&common::seed_data()).unwrap());
    let discord = Arc::new(common::discord(engine, Cooldowns::default()));
    let config = GatewayConfig {
        proxy: Some(peer.base.clone()),
        silent_after: Duration::from_secs(2),
        watch_every: Duration::from_millis(500),
        ..GatewayConfig::new(Secret::new("t"))
    };
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let bot = tokio::spawn(gateway::run(discord, config, async move {
        let _ = stop_rx.await;
    }));
    peer.wait_identified().await;
    // The restarted shard identifies again on a new connection and then answers.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while peer.connections() < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the stuck shard was never restarted"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let identifies = || {
        peer.gateway_frames()
            .iter()
            .filter(|f| f["op"] == 2)
            .count()
    };
    while identifies() < 2 {
        assert!(tokio::time::Instant::now() < deadline, "no second IDENTIFY");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    peer.dispatch(
        "MESSAGE_CREATE",
        message("2101", user(USER_ID, "alice", false), "!capex"),
    );
    peer.wait_call("the reply after the restart", |c| is_message_to(c, "2101"))
        .await;
    let _ = stop_tx.send(());
    tokio::time::timeout(Duration::from_secs(20), bot)
        .await
        .expect("stops")
        .unwrap()
        .unwrap();
}

/// The push path: an answer posted into a channel unasked, rendered like a reply (embeds, no
/// buttons, no mention can ping); a place that is no channel is refused before any request.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_push_path_posts_an_answer_into_a_channel_unasked() {
    use clippings::conversation::{Platform, Push, PushError};
    use clippings::discord::push::DiscordPush;
    use clippings::discord::render::{self, Controls};

    let peer = Peer::start().await;
    let pipeline = clippings::lifecycle::pipeline_in_ram(&common::seed_data()).unwrap();
    let answer = pipeline.handle("t", "!capex").unwrap();
    let push = DiscordPush::new(&Secret::new("test-token"), Some(&peer.base));
    assert_eq!(push.platform(), Platform::Discord);
    push.push(CHANNEL_ID, &answer, None).await.unwrap();
    let posted = peer
        .wait_call("the pushed message", |c| {
            c.method == "POST" && c.path == format!("/api/v10/channels/{CHANNEL_ID}/messages")
        })
        .await;
    assert_no_pings(&posted.body);
    let expected = serde_json::to_value(render::message(&answer, &Controls::default())).unwrap();
    assert_eq!(posted.body["embeds"], expected["embeds"]);
    assert!(
        posted.body["embeds"].to_string().contains("ref "),
        "{}",
        posted.body
    );
    assert_eq!(posted.body["components"], json!([]), "no buttons");
    assert!(
        posted.body["message_reference"].is_null(),
        "not a reply: {}",
        posted.body
    );
    let before = peer.calls().len();
    for place in ["general", "0", ""] {
        assert!(
            matches!(
                push.push(place, &answer, None).await,
                Err(PushError::UnknownPlace(_))
            ),
            "{place}"
        );
    }
    assert_eq!(peer.calls().len(), before, "no request for a bad place");
}

/// A `/trend` answered through the gateway carries its chart as a file, as `!trend` does; the
/// embed shows it (the JSON body of an HTTP response has no file and no image: the endpoint
/// attaches the chart by an edit, `tests/discord_endpoint.rs`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trend_slash_command_carries_its_chart() {
    let workspace = common::Workspace::new();
    common::capex_today(&workspace);
    let peer = Peer::start().await;
    let engine = Arc::new(Engine::in_ram(&workspace.data()).unwrap());
    let discord = Arc::new(common::discord(engine, Cooldowns::default()));
    let config = GatewayConfig {
        proxy: Some(peer.base.clone()),
        ..GatewayConfig::new(Secret::new("t"))
    };
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let bot = tokio::spawn(gateway::run(discord.clone(), config, async move {
        let _ = stop_rx.await;
    }));
    peer.wait_identified().await;
    let trend = json!({"id": "7002", "name": "trend", "type": 1, "options": [{"name": "what", "type": 3, "value": "capex"}]});
    let incoming = interaction("6201", 2, trend, "trend-token", None);
    peer.dispatch("INTERACTION_CREATE", incoming.clone());
    let answered = peer
        .wait_call("the /trend response", |c| is_callback(c, "6201"))
        .await;
    assert_eq!(answered.body["type"], 4, "{}", answered.body);
    let (_, name, png) = answered.files.first().cloned().expect("a chart attached");
    assert_eq!(name, "trend.png");
    common::assert_chart(&png);
    let embed = &answered.body["data"]["embeds"][0];
    assert_eq!(embed["image"]["url"], "attachment://trend.png");
    assert!(embed["description"].as_str().unwrap().contains("```"));

    // As the body of an HTTP response (the interactions endpoint) there is no file: no image.
    let as_http: serenity::all::Interaction = serde_json::from_value(incoming).unwrap();
    let body = discord.on_interaction(&as_http);
    assert!(body["data"]["embeds"][0]["image"].is_null(), "{body}");
    assert!(
        body["data"]["embeds"][0]["description"]
            .as_str()
            .unwrap()
            .contains("```")
    );
    let _ = stop_tx.send(());
    let _ = tokio::time::timeout(Duration::from_secs(15), bot).await;
}
