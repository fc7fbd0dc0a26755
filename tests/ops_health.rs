//! The built-in HTTP server: `/healthz` follows the platform connections and `/metrics`
//! counts what the bot does, on the same server as the Discord interactions endpoint.
#![cfg(feature = "discord")]

mod common;

use std::time::{Duration, Instant};

use common::discord_peer::{CHANNEL_ID, Peer, USER_ID, message, user};

async fn get(url: &str) -> Option<(u16, String)> {
    let response = reqwest::Client::new()
        .get(url)
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .ok()?;
    let status = response.status().as_u16();
    Some((status, response.text().await.ok()?))
}

/// Polls `url` until `pred` holds (at most 60 s); returns the last answer.
async fn until(url: &str, what: &str, pred: impl Fn(u16, &str) -> bool) -> (u16, String) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some((code, body)) = get(url).await
            && pred(code, &body)
        {
            return (code, body);
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting for {what}: {:?}",
            get(url).await
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn metric(body: &str, name_and_labels: &str) -> f64 {
    body.lines()
        .filter(|l| l.starts_with(name_and_labels))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_and_metrics_follow_the_discord_connection_and_the_commands() {
    let peer = Peer::start().await;
    let ws = common::Workspace::new();
    let port = common::free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_clippings"))
        .arg("--data")
        .arg(ws.data())
        .arg("--index")
        .arg(ws.index())
        .env("DISCORD_TOKEN", "ops-token")
        .env("DISCORD_PROXY_URL", &peer.base)
        .env("HTTP_LISTEN", format!("127.0.0.1:{port}"))
        .env("DISCORD_PUBLIC_KEY", "a".repeat(64))
        .env_remove("MATRIX_HOMESERVER")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();

    let (_, body) = until(&format!("{base}/healthz"), "a healthy bot", |c, _| c == 200).await;
    let health: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["discord"]["0"], "connected");
    assert_eq!(health["index"]["articles"], 5);

    // The interactions endpoint shares the server: an unsigned request is refused.
    let refused = reqwest::Client::new()
        .post(format!("{base}/interactions"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status().as_u16(), 401);

    for (id, text) in [("3001", "!capex"), ("3002", "!search zzzzqqqq")] {
        peer.dispatch(
            "MESSAGE_CREATE",
            message(id, user(USER_ID, "alice", false), text),
        );
        peer.wait_call("a reply", |c| {
            c.path == format!("/api/v10/channels/{CHANNEL_ID}/messages")
                && c.body["message_reference"]["message_id"] == id
        })
        .await;
    }
    let (_, metrics) = until(&format!("{base}/metrics"), "command metrics", |_, b| {
        b.contains("clippings_commands_total")
    })
    .await;
    assert!(
        metric(
            &metrics,
            "clippings_commands_total{platform=\"discord\",command=\"topic\"}"
        ) >= 1.0,
        "{metrics}"
    );
    assert!(metric(&metrics, "clippings_zero_hit_total{platform=\"discord\"}") >= 1.0);
    assert!(metrics.contains("clippings_answer_seconds_bucket"));
    assert_eq!(
        metric(&metrics, "clippings_index_passages"),
        health["index"]["passages"].as_f64().unwrap()
    );
    assert_eq!(
        metric(
            &metrics,
            "clippings_platform_connected{platform=\"discord\"}"
        ),
        1.0
    );

    // Discord drops the socket: the bot reconnects by itself, and the metrics show it.
    let before = peer.connections();
    peer.drop_connections();
    let deadline = Instant::now() + Duration::from_secs(60);
    while peer.connections() <= before {
        assert!(Instant::now() < deadline, "no reconnection");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    until(&format!("{base}/healthz"), "healthy again", |c, _| c == 200).await;
    let (_, metrics) = until(&format!("{base}/metrics"), "a reconnect", |_, b| {
        metric(b, "clippings_reconnects_total{platform=\"discord\"}") >= 1.0
    })
    .await;
    assert!(metrics.contains("clippings_uptime_seconds"));

    let _ = child.kill().await;
}
