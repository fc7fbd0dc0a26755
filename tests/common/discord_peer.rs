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
/// The guild of [`GUILD_CHANNEL_ID`].
pub const GUILD_ID: &str = "7000";
/// A text channel of [`GUILD_ID`].
pub const GUILD_CHANNEL_ID: &str = "7100";
/// Another text channel of [`GUILD_ID`].
pub const OTHER_CHANNEL_ID: &str = "7200";
/// A channel the bot may no longer post in (every post is refused with 403).
pub const LOCKED_CHANNEL_ID: &str = "7300";
/// A member of [`GUILD_ID`] whose role has Manage Channels ([`USER_ID`] has no such role).
pub const MANAGER_ID: &str = "5001";
const MANAGER_ROLE: &str = "700";
const MANAGE_CHANNELS: u64 = 1 << 4;

/// One REST call the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub path: String,
    pub body: Value,
    /// Files of a multipart request: (field name, file name, bytes).
    pub files: Vec<(String, String, Vec<u8>)>,
}

/// A message the peer created in a channel (a repeat with a nonce already used and
/// `enforce_nonce` creates none, as Discord does).
#[derive(Debug, Clone)]
pub struct Created {
    pub id: u64,
    pub channel: String,
    pub body: Value,
    pub files: Vec<(String, String, Vec<u8>)>,
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
    created: Arc<Mutex<Vec<Created>>>,
    /// While set, a message post is created but not answered (for 60 s): the bot cannot
    /// know it was posted (a crash right after sending).
    stall_posts: Arc<std::sync::atomic::AtomicBool>,
    /// Edits of an interaction's original response answered 404 Unknown Webhook (the
    /// response not handled yet), this many more times.
    unknown_originals: Arc<std::sync::atomic::AtomicUsize>,
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
            created: Arc::default(),
            stall_posts: Arc::default(),
            unknown_originals: Arc::default(),
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

    /// The next `n` edits of an original interaction response are answered 404, as Discord
    /// answers an edit that arrives before the response it edits.
    pub fn unknown_originals(&self, n: usize) {
        self.unknown_originals
            .store(n, std::sync::atomic::Ordering::SeqCst);
    }

    /// Message posts from now on are created but not answered.
    pub fn stall_posts(&self, on: bool) {
        self.stall_posts
            .store(on, std::sync::atomic::Ordering::SeqCst);
    }

    /// Messages created, in order.
    pub fn created(&self) -> Vec<Created> {
        self.created.lock().unwrap().clone()
    }

    /// Messages created in a channel.
    pub fn created_in(&self, channel: &str) -> Vec<Created> {
        self.created()
            .into_iter()
            .filter(|c| c.channel == channel)
            .collect()
    }

    /// Waits (at most `secs`) until `n` messages were created in `channel`.
    pub async fn wait_created(&self, channel: &str, n: usize, secs: u64) -> Vec<Created> {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        loop {
            let notified = self.changed.notified();
            let created = self.created_in(channel);
            if created.len() >= n {
                return created;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("timed out waiting for {n} messages in {channel}; got {created:#?}");
            }
        }
    }

    /// A message in [`GUILD_CHANNEL_ID`] (or another channel of the guild) as the gateway
    /// sends it.
    pub fn guild_message(id: &str, channel: &str, author_id: &str, content: &str) -> Value {
        let mut m = message(id, user(author_id, "member", false), content);
        m["channel_id"] = json!(channel);
        m["guild_id"] = json!(GUILD_ID);
        m["member"] = json!({"roles": [], "joined_at": "2026-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0});
        m
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

/// The parts of a multipart/form-data body: (field name, file name, bytes).
fn multipart(content_type: &str, bytes: &[u8]) -> Vec<(String, String, Vec<u8>)> {
    let Some(boundary) = content_type.split("boundary=").nth(1) else {
        return Vec::new();
    };
    let delimiter = format!("--{}", boundary.trim_matches('"'));
    let mut parts = Vec::new();
    let mut rest = bytes;
    while let Some(start) = find(rest, delimiter.as_bytes()) {
        rest = &rest[start + delimiter.len()..];
        if rest.starts_with(b"--") {
            break;
        }
        let Some(head_end) = find(rest, b"\r\n\r\n") else {
            break;
        };
        let head = String::from_utf8_lossy(&rest[..head_end]).to_string();
        let body_start = head_end + 4;
        let end =
            find(&rest[body_start..], delimiter.as_bytes()).map_or(rest.len(), |e| body_start + e);
        let body = rest[body_start..end.saturating_sub(2).max(body_start)].to_vec();
        let field = |key: &str| {
            head.split(&format!("{key}=\""))
                .nth(1)
                .and_then(|v| v.split('"').next())
                .unwrap_or_default()
                .to_string()
        };
        parts.push((field("name"), field("filename"), body));
        rest = &rest[end..];
    }
    parts
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn guild() -> Value {
    let role = |id: &str, name: &str, permissions: u64, position: u64| {
        json!({"id": id, "guild_id": GUILD_ID, "name": name, "color": 0, "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null}, "hoist": false, "icon": null,
               "unicode_emoji": null, "position": position, "permissions": permissions.to_string(),
               "managed": false, "mentionable": false, "flags": 0})
    };
    json!({
        "id": GUILD_ID, "name": "Press desk", "icon": null, "splash": null, "discovery_splash": null,
        "owner_id": "9999", "afk_channel_id": null, "afk_timeout": 300, "verification_level": 0,
        "default_message_notifications": 0, "explicit_content_filter": 0,
        "roles": [role(GUILD_ID, "@everyone", 1024 | 2048, 0), role(MANAGER_ROLE, "editors", MANAGE_CHANNELS, 1)],
        "emojis": [], "features": [], "mfa_level": 0, "application_id": null, "system_channel_id": null,
        "system_channel_flags": 0, "rules_channel_id": null, "vanity_url_code": null, "description": null,
        "banner": null, "premium_tier": 0, "preferred_locale": "en-US", "public_updates_channel_id": null,
        "nsfw_level": 0, "stickers": [], "premium_progress_bar_enabled": false, "safety_alerts_channel_id": null
    })
}

fn member(user_id: &str) -> Value {
    let roles: Vec<&str> = if user_id == MANAGER_ID {
        vec![MANAGER_ROLE]
    } else {
        vec![]
    };
    json!({"user": user(user_id, "member", false), "nick": null, "avatar": null, "roles": roles,
           "joined_at": "2026-01-01T00:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0,
           "pending": false, "guild_id": GUILD_ID})
}

fn guild_channel(id: &str) -> Value {
    json!({"id": id, "type": 0, "guild_id": GUILD_ID, "position": 0, "permission_overwrites": [],
           "name": "press", "topic": null, "nsfw": false, "last_message_id": null,
           "rate_limit_per_user": 0, "parent_id": null})
}

async fn rest(State(peer): State<Peer>, request: Request) -> Response {
    let method = request.method().to_string();
    let path = request.uri().path().to_string();
    let content_type = request
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let bytes = axum::body::to_bytes(request.into_body(), 16 << 20)
        .await
        .unwrap_or_default();
    let (body, files) = if content_type.starts_with("multipart/") {
        let mut parts = multipart(&content_type, &bytes);
        let payload = parts
            .iter()
            .position(|(name, _, _)| name == "payload_json")
            .map(|i| parts.remove(i));
        let body = payload
            .and_then(|(_, _, b)| serde_json::from_slice(&b).ok())
            .unwrap_or(Value::Null);
        (body, parts)
    } else {
        (
            serde_json::from_slice(&bytes).unwrap_or(Value::Null),
            Vec::new(),
        )
    };
    let ws = peer.base.replace("http://", "ws://") + "/ws";
    let call = Call {
        method: method.clone(),
        path: path.clone(),
        body: body.clone(),
        files: files.clone(),
    };
    let channel_post = path
        .strip_prefix("/api/v10/channels/")
        .and_then(|p| p.strip_suffix("/messages"))
        .filter(|_| method == "POST")
        .map(str::to_string);
    if let Some(channel) = channel_post {
        if channel == LOCKED_CHANNEL_ID {
            peer.record(call);
            return (
                axum::http::StatusCode::FORBIDDEN,
                Json(json!({"message": "Missing Access", "code": 50001})),
            )
                .into_response();
        }
        let id = {
            let mut created = peer.created.lock().unwrap();
            let nonce = body["nonce"]
                .as_str()
                .filter(|_| body["enforce_nonce"] == true);
            let repeat = nonce.and_then(|n| {
                created
                    .iter()
                    .find(|c| c.channel == channel && c.body["nonce"].as_str() == Some(n))
                    .map(|c| c.id)
            });
            match repeat {
                Some(id) => id,
                None => {
                    let id = 90_000 + created.len() as u64;
                    created.push(Created {
                        id,
                        channel: channel.clone(),
                        body: body.clone(),
                        files,
                    });
                    id
                }
            }
        };
        peer.record(call);
        if peer.stall_posts.load(std::sync::atomic::Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
        let mut m = message(&id.to_string(), user(BOT_ID, "clippings", true), "");
        m["channel_id"] = json!(channel);
        return Json(m).into_response();
    }
    peer.record(call);
    let guild_path = format!("/api/v10/guilds/{GUILD_ID}");
    match (method.as_str(), path.as_str()) {
        ("GET", p) if p == guild_path => return Json(guild()).into_response(),
        ("GET", p) if p.starts_with(&format!("{guild_path}/members/")) => {
            let user_id = p.rsplit('/').next().unwrap_or_default();
            return Json(member(user_id)).into_response();
        }
        ("GET", p) if p.starts_with("/api/v10/channels/") && p.matches('/').count() == 4 => {
            let id = p.rsplit('/').next().unwrap_or_default();
            return Json(guild_channel(id)).into_response();
        }
        _ => {}
    }
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
        ("PATCH", p)
            if p.ends_with("/messages/@original")
                && peer
                    .unknown_originals
                    .fetch_update(
                        std::sync::atomic::Ordering::SeqCst,
                        std::sync::atomic::Ordering::SeqCst,
                        |n| n.checked_sub(1),
                    )
                    .is_ok() =>
        {
            (
                axum::http::StatusCode::NOT_FOUND,
                Json(json!({"message": "Unknown Webhook", "code": 10015})),
            )
                .into_response()
        }
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
