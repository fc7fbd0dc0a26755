//! A local Discord-protocol peer for tests: REST (as serenity's proxy target) and the gateway
//! websocket on 127.0.0.1, recording everything the bot sends.
#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use serde_json::{Value, json};
use tokio::sync::{Notify, broadcast};

pub const BOT_ID: &str = "1000";
pub const USER_ID: &str = "5000";
pub const CHANNEL_ID: &str = "3000";

/// One REST call the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub path: String,
    pub body: Value,
}

#[derive(Clone)]
pub struct Peer {
    pub base: String,
    calls: Arc<Mutex<Vec<Call>>>,
    gateway_frames: Arc<Mutex<Vec<Value>>>,
    changed: Arc<Notify>,
    events: broadcast::Sender<Value>,
    /// Gateway connections that will get no READY after IDENTIFY (a stuck session).
    withhold_ready: Arc<std::sync::atomic::AtomicUsize>,
    /// Gateway connections opened so far.
    connections: Arc<std::sync::atomic::AtomicUsize>,
}

pub fn user(id: &str, name: &str, bot: bool) -> Value {
    json!({"id": id, "username": name, "discriminator": "0", "global_name": null, "avatar": null, "bot": bot})
}

pub fn message(id: &str, author: Value, content: &str) -> Value {
    json!({
        "id": id, "channel_id": CHANNEL_ID, "author": author, "content": content,
        "timestamp": "2026-11-24T10:00:00.000000+00:00", "edited_timestamp": null, "tts": false,
        "mention_everyone": false, "mentions": [], "mention_roles": [], "attachments": [], "embeds": [],
        "pinned": false, "type": 0
    })
}

/// An interaction as Discord sends it in a DM (the user object at the top level).
pub fn interaction(
    id: &str,
    kind: u8,
    data: Value,
    token: &str,
    clicked_message: Option<Value>,
) -> Value {
    let mut i = json!({
        "id": id, "application_id": BOT_ID, "type": kind, "data": data, "channel_id": CHANNEL_ID,
        "channel": {"id": CHANNEL_ID, "type": 1}, "user": user(USER_ID, "alice", false), "token": token,
        "version": 1, "locale": "en-US", "entitlements": [], "attachment_size_limit": 8388608
    });
    if let Some(m) = clicked_message {
        i["message"] = m;
    }
    i
}

impl Peer {
    pub async fn start() -> Peer {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (events, _) = broadcast::channel(64);
        let peer = Peer {
            base,
            calls: Arc::default(),
            gateway_frames: Arc::default(),
            changed: Arc::new(Notify::new()),
            events,
            withhold_ready: Arc::default(),
            connections: Arc::default(),
        };
        let app = Router::new()
            .route("/ws", get(gateway))
            .fallback(any(rest))
            .with_state(peer.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        peer
    }

    /// The next `n` gateway connections are acknowledged but never get READY.
    pub fn withhold_ready(&self, n: usize) {
        self.withhold_ready
            .store(n, std::sync::atomic::Ordering::SeqCst);
    }

    /// Gateway connections opened so far.
    pub fn connections(&self) -> usize {
        self.connections.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Closes every gateway connection, as when Discord drops the socket.
    pub fn drop_connections(&self) {
        let _ = self.events.send(json!({"_close": true}));
    }

    /// Sends a gateway dispatch event to the session running `shard` only, as Discord routes a
    /// guild's events to shard `(guild_id >> 22) % shards`.
    pub fn dispatch_to_shard(&self, shard: u64, event: &str, data: Value) {
        let _ = self
            .events
            .send(json!({"op": 0, "t": event, "d": data, "_shard": shard}));
    }

    /// Sends a gateway dispatch event (`t`, `d`) to every connected shard.
    pub fn dispatch(&self, event: &str, data: Value) {
        let _ = self.events.send(json!({"op": 0, "t": event, "d": data}));
    }

    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    pub fn gateway_frames(&self) -> Vec<Value> {
        self.gateway_frames.lock().unwrap().clone()
    }

    /// Waits (at most 20 s) until a recorded REST call satisfies `pred`.
    pub async fn wait_call(&self, what: &str, pred: impl Fn(&Call) -> bool) -> Call {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let notified = self.changed.notified();
            if let Some(c) = self.calls().into_iter().find(|c| pred(c)) {
                return c;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!(
                    "timed out waiting for {what}; calls so far: {:#?}",
                    self.calls()
                );
            }
        }
    }

    /// Waits until the bot has identified on the gateway and been sent READY.
    pub async fn wait_identified(&self) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
        loop {
            let notified = self.changed.notified();
            if let Some(f) = self.gateway_frames().into_iter().find(|f| f["op"] == 2) {
                return f;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!(
                    "the bot never identified; frames: {:?}",
                    self.gateway_frames()
                );
            }
        }
    }

    fn record(&self, call: Call) {
        self.calls.lock().unwrap().push(call);
        self.changed.notify_waiters();
    }
}

async fn rest(State(peer): State<Peer>, request: Request) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_string();
    let bytes = axum::body::to_bytes(request.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let ws = peer.base.replace("http://", "ws://") + "/ws";
    peer.record(Call {
        method: method.clone(),
        path: path.clone(),
        body,
    });
    match (method.as_str(), path.as_str()) {
        ("GET", "/api/v10/gateway") => Json(json!({"url": ws})).into_response(),
        ("GET", "/api/v10/gateway/bot") => Json(json!({
            "url": ws, "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}
        }))
        .into_response(),
        ("GET", "/api/v10/users/@me") => Json(user(BOT_ID, "clippings", true)).into_response(),
        ("PUT", p) if p.ends_with("/commands") => Json(json!([])).into_response(),
        ("POST", p) if p.ends_with("/messages") => Json(message("9001", user(BOT_ID, "clippings", true), "")).into_response(),
        ("POST", p) if p.ends_with("/callback") => axum::http::StatusCode::NO_CONTENT.into_response(),
        ("PATCH", _) => Json(message("9002", user(BOT_ID, "clippings", true), "")).into_response(),
        _ => Json(json!({})).into_response(),
    }
}

async fn gateway(State(peer): State<Peer>, upgrade: WebSocketUpgrade) -> Response {
    upgrade.on_upgrade(move |socket| session(peer, socket))
}

async fn session(peer: Peer, mut socket: WebSocket) {
    use std::sync::atomic::Ordering;
    peer.connections.fetch_add(1, Ordering::SeqCst);
    let stuck = peer
        .withhold_ready
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok();
    let hello = json!({"op": 10, "d": {"heartbeat_interval": 41250}});
    if socket
        .send(WsMessage::Text(hello.to_string().into()))
        .await
        .is_err()
    {
        return;
    }
    let mut events = peer.events.subscribe();
    let mut sequence = 0u64;
    let mut my_shard: Option<u64> = None;
    loop {
        tokio::select! {
            frame = socket.recv() => {
                let Some(Ok(frame)) = frame else { return };
                let WsMessage::Text(text) = frame else { continue };
                let Ok(value) = serde_json::from_str::<Value>(&text) else { continue };
                peer.gateway_frames.lock().unwrap().push(value.clone());
                peer.changed.notify_waiters();
                match value["op"].as_u64() {
                    Some(1) => {
                        let ack = json!({"op": 11});
                        let _ = socket.send(WsMessage::Text(ack.to_string().into())).await;
                    }
                    Some(6) => {
                        sequence += 1;
                        my_shard = my_shard.or(Some(0));
                        let resumed = json!({"op": 0, "t": "RESUMED", "s": sequence, "d": {}});
                        let _ = socket.send(WsMessage::Text(resumed.to_string().into())).await;
                    }
                    Some(2) if stuck => {}
                    Some(2) => {
                        my_shard = value["d"]["shard"][0].as_u64().or(Some(0));
                        sequence += 1;
                        let shard = value["d"]["shard"].clone();
                        let ready = json!({"op": 0, "t": "READY", "s": sequence, "d": {
                            "v": 10, "user": user(BOT_ID, "clippings", true), "guilds": [],
                            "session_id": "session-1", "resume_gateway_url": peer.base.replace("http://", "ws://") + "/ws",
                            "shard": shard, "application": {"id": BOT_ID, "flags": 0}
                        }});
                        let _ = socket.send(WsMessage::Text(ready.to_string().into())).await;
                    }
                    _ => {}
                }
            }
            event = events.recv() => {
                let Ok(mut event) = event else { return };
                if event.get("_close").is_some() {
                    let _ = socket.send(WsMessage::Close(None)).await;
                    return;
                }
                if let Some(target) = event.get("_shard").and_then(Value::as_u64) {
                    if my_shard != Some(target) {
                        continue;
                    }
                    event.as_object_mut().unwrap().remove("_shard");
                }
                sequence += 1;
                event["s"] = json!(sequence);
                if socket.send(WsMessage::Text(event.to_string().into())).await.is_err() {
                    return;
                }
            }
        }
    }
}
