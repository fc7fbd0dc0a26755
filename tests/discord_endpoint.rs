//! The HTTP interactions endpoint with a test key pair: good, bad, missing, stale and replayed
//! signatures, PING, a slash command, autocomplete and a button, over real HTTP on loopback.
#![cfg(feature = "discord")]

mod common;

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use clippings::conversation::Cooldowns;
use clippings::discord::endpoint;
use clippings::engine::Engine;
use common::discord_peer::{interaction, message, user};
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Endpoint {
    addr: std::net::SocketAddr,
    key: SigningKey,
}

async fn start() -> Endpoint {
    start_on(&common::seed_data(), endpoint::DISCORD_API).await
}

/// The endpoint over the corpus in `data`, sending responses' files to `api`.
async fn start_on(data: &std::path::Path, api: &str) -> Endpoint {
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let engine = Arc::new(Engine::in_ram(data).unwrap());
    let discord = Arc::new(common::discord(
        engine,
        Cooldowns {
            user_per_minute: 1000,
            channel_per_minute: 1000,
        },
    ));
    let public = hex::encode(key.verifying_key().to_bytes());
    let router = endpoint::router(discord, endpoint::public_key(&public).unwrap(), api);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(endpoint::serve(listener, router, std::future::pending()));
    Endpoint { addr, key }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Sends a POST with the given headers; returns the status and the body.
async fn post(addr: std::net::SocketAddr, body: &str, headers: &[(&str, String)]) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut request = format!(
        "POST /interactions HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let status = response
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

impl Endpoint {
    fn signed(&self, body: &str, timestamp: u64) -> Vec<(&'static str, String)> {
        let ts = timestamp.to_string();
        let signature = self.key.sign(format!("{ts}{body}").as_bytes());
        vec![
            ("x-signature-ed25519", hex::encode(signature.to_bytes())),
            ("x-signature-timestamp", ts),
        ]
    }

    async fn send(&self, body: &Value) -> (u16, Value) {
        let body = body.to_string();
        let (status, text) = post(self.addr, &body, &self.signed(&body, now())).await;
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn ping_with_a_good_signature_gets_pong() {
    let e = start().await;
    let (status, body) = e
        .send(&json!({"id": "1", "application_id": "1000", "type": 1, "token": "t", "version": 1}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({"type": 1}));
}

#[tokio::test]
async fn bad_missing_stale_and_replayed_signatures_are_refused() {
    let e = start().await;
    let body = json!({"id": "1", "application_id": "1000", "type": 1, "token": "t", "version": 1})
        .to_string();
    let (status, _) = post(e.addr, &body, &[]).await;
    assert_eq!(status, 401, "missing");
    let mut bad = e.signed(&body, now());
    bad[0].1 = hex::encode([0u8; 64]);
    assert_eq!(post(e.addr, &body, &bad).await.0, 401, "bad");
    let other = SigningKey::from_bytes(&[9u8; 32]);
    let ts = now().to_string();
    let forged = vec![
        (
            "x-signature-ed25519",
            hex::encode(other.sign(format!("{ts}{body}").as_bytes()).to_bytes()),
        ),
        ("x-signature-timestamp", ts),
    ];
    assert_eq!(
        post(e.addr, &body, &forged).await.0,
        401,
        "signed by another key"
    );
    let tampered = e.signed(&body, now());
    assert_eq!(
        post(e.addr, &body.replace("\"t\"", "\"u\""), &tampered)
            .await
            .0,
        401,
        "tampered body"
    );
    assert_eq!(
        post(e.addr, &body, &e.signed(&body, now() - 3600)).await.0,
        401,
        "stale"
    );
    let good = e.signed(&body, now());
    assert_eq!(post(e.addr, &body, &good).await.0, 200);
    assert_eq!(post(e.addr, &body, &good).await.0, 401, "replayed");
}

#[tokio::test]
async fn slash_commands_autocomplete_and_buttons_are_served() {
    let e = start().await;
    let ask = json!({"id": "7001", "name": "ask", "type": 1, "options": [
        {"name": "question", "type": 3, "value": "what is Qwen3-Max?"}, {"name": "hide", "type": 5, "value": true}]});
    let (status, body) = e.send(&interaction("6001", 2, ask, "tok1", None)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["type"], 4);
    assert_eq!(body["data"]["flags"], 64, "hide makes it ephemeral");
    assert_eq!(body["data"]["allowed_mentions"]["parse"], json!([]));
    assert!(
        body["data"]["embeds"][0]["description"]
            .as_str()
            .unwrap()
            .contains("Qwen3")
    );

    let typed = json!({"id": "7002", "name": "topic", "type": 1, "options": [{"name": "name", "type": 3, "value": "cap", "focused": true}]});
    let (_, choices) = e.send(&interaction("6002", 4, typed, "tok2", None)).await;
    assert_eq!(choices["type"], 8);
    let list = choices["data"]["choices"].as_array().unwrap();
    assert!(!list.is_empty() && list.len() <= 25);
    assert_eq!(list[0]["value"], "capex");

    let topic = json!({"id": "7003", "name": "topic", "type": 1, "options": [{"name": "name", "type": 3, "value": "chips"}]});
    let (_, answer) = e.send(&interaction("6003", 2, topic, "tok3", None)).await;
    let more = answer["data"]["components"][0]["components"][0]["custom_id"]
        .as_str()
        .unwrap()
        .to_string();
    let click = json!({"custom_id": more, "component_type": 2});
    let clicked = message("9001", user("1000", "clippings", true), "");
    let (_, paged) = e
        .send(&interaction("6004", 3, click, "tok4", Some(clicked)))
        .await;
    assert_eq!(paged["type"], 7, "{paged}");

    let unknown = json!({"id": "7004", "name": "ask", "type": 1, "options": [{"name": "question", "type": 3, "value": "   "}]});
    let (_, empty) = e.send(&interaction("6005", 2, unknown, "tok5", None)).await;
    assert_eq!(empty["data"]["flags"], 64, "errors are ephemeral");
}

/// The HTTP response to an interaction cannot carry a file: `/trend` answers at once with the
/// chart's table, then edits that response to attach the chart (trying again while Discord
/// does not know the response yet), through the API or its proxy, with the interaction's token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trend_answered_over_http_gets_its_chart_by_an_edit() {
    let workspace = common::Workspace::new();
    common::capex_today(&workspace);
    let peer = common::discord_peer::Peer::start().await;
    peer.unknown_originals(2);
    let e = start_on(&workspace.data(), &peer.base).await;
    let trend = json!({"id": "7010", "name": "trend", "type": 1, "options": [{"name": "what", "type": 3, "value": "capex"}]});
    let (status, body) = e
        .send(&interaction("6010", 2, trend, "trend-http-token", None))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["type"], 4, "{body}");
    let embed = &body["data"]["embeds"][0];
    assert!(embed["image"].is_null(), "no file in the response: {body}");
    let table = embed["description"].as_str().unwrap();
    assert!(table.contains("```"), "{table}");
    assert!(
        !table.contains("No dated article"),
        "today's article is charted: {table}"
    );

    let original = format!(
        "/api/v10/webhooks/{}/trend-http-token/messages/@original",
        common::discord_peer::BOT_ID
    );
    let is_edit = |c: &common::discord_peer::Call| c.method == "PATCH" && c.path == original;
    peer.wait_call("the edit that attaches the chart", |c| {
        is_edit(c) && peer.calls().iter().filter(|c| is_edit(c)).count() >= 3
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let edits: Vec<_> = peer.calls().into_iter().filter(is_edit).collect();
    assert_eq!(
        edits.len(),
        3,
        "two 404s, then the edit that worked, and no more"
    );
    let edit = edits.last().unwrap();
    let (_, name, png) = edit.files.first().cloned().expect("the chart attached");
    assert_eq!(name, "trend.png");
    common::assert_chart(&png);
    assert_eq!(
        edit.body["embeds"][0]["image"]["url"], "attachment://trend.png",
        "{}",
        edit.body
    );
    assert_eq!(edit.body["attachments"][0]["filename"], "trend.png");
    assert_eq!(edit.body["allowed_mentions"]["parse"], json!([]));
}
