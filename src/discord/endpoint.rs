//! The HTTP interactions endpoint (for hosting without a gateway connection): Ed25519-signed
//! requests from Discord in, the same slash commands and buttons out.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use ed25519_dalek::{Signature, VerifyingKey};
use serenity::model::application::Interaction;

use super::Discord;

/// Requests signed longer ago (or further ahead) than this are refused as replays.
const MAX_SKEW: Duration = Duration::from_secs(300);
/// Discord waits 3 s for the response to an interaction: past this, the user is told.
const ANSWER_WITHIN: Duration = Duration::from_millis(2500);
/// Requests larger than this are refused before any work.
const MAX_BODY: usize = 64 * 1024;

/// Reads the application's public key as Discord shows it (64 hex characters).
pub use crate::config::public_key;

/// Discord's API, where an answer's files go (the HTTP response to an interaction cannot
/// carry them).
pub const DISCORD_API: &str = "https://discord.com";
/// Tries at editing a response to attach its files: the edit can reach Discord before the
/// response it edits has been handled.
const EDIT_TRIES: u32 = 5;

struct Shared {
    discord: Arc<Discord>,
    key: VerifyingKey,
    /// Signatures seen within the skew window: a replayed request is refused.
    seen: Mutex<HashMap<[u8; 64], u64>>,
    /// Edits responses to attach their files (a `/trend` chart): Discord's API, or the
    /// rate-limit proxy in front of it. Authorised by the interaction's token alone.
    rest: reqwest::Client,
    api: String,
}

/// The endpoint's routes: `POST /interactions` (and `POST /` for convenience). `api` is where
/// a response's files are sent after it ([`DISCORD_API`], or `DISCORD_PROXY_URL`).
pub fn router(discord: Arc<Discord>, key: VerifyingKey, api: &str) -> Router {
    let shared = Arc::new(Shared {
        discord,
        key,
        seen: Mutex::new(HashMap::new()),
        rest: reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .build()
            .unwrap_or_default(),
        api: api.trim_end_matches('/').to_string(),
    });
    Router::new()
        .route("/interactions", post(interactions))
        .route("/", post(interactions))
        .with_state(shared)
}

/// Serves the router on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
}

fn unauthorized(why: &'static str) -> Response {
    tracing::debug!(why, "refused an interaction request");
    (StatusCode::UNAUTHORIZED, why).into_response()
}

async fn interactions(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if body.len() > MAX_BODY {
        return (StatusCode::PAYLOAD_TOO_LARGE, "too large").into_response();
    }
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(signature), Some(timestamp)) = (
        header("x-signature-ed25519"),
        header("x-signature-timestamp"),
    ) else {
        return unauthorized("missing signature");
    };
    let Some(signature) = hex::decode(signature)
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
    else {
        return unauthorized("bad signature");
    };
    let mut signed = Vec::with_capacity(timestamp.len() + body.len());
    signed.extend_from_slice(timestamp.as_bytes());
    signed.extend_from_slice(&body);
    if shared
        .key
        .verify_strict(&signed, &Signature::from_bytes(&signature))
        .is_err()
    {
        return unauthorized("bad signature");
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let Ok(sent) = timestamp.parse::<u64>() else {
        return unauthorized("bad timestamp");
    };
    if now.abs_diff(sent) > MAX_SKEW.as_secs() {
        return unauthorized("stale timestamp");
    }
    {
        let Ok(mut seen) = shared.seen.lock() else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        seen.retain(|_, at| now.abs_diff(*at) <= MAX_SKEW.as_secs());
        if seen.insert(signature, sent).is_some() {
            return unauthorized("replayed request");
        }
    }
    let interaction: Interaction = match serde_json::from_slice(&body) {
        Ok(i) => i,
        Err(e) => {
            let is_ping =
                serde_json::from_slice::<serde_json::Value>(&body).is_ok_and(|v| v["type"] == 1);
            if is_ping {
                return Json(serde_json::json!({"type": super::callback::PONG})).into_response();
            }
            tracing::warn!(error = %e, "unreadable interaction");
            return (StatusCode::BAD_REQUEST, "unreadable interaction").into_response();
        }
    };
    let discord = shared.discord.clone();
    let edit_as = (
        interaction.application_id(),
        interaction.token().to_string(),
    );
    let work = discord.blocking(Some(ANSWER_WITHIN), move |discord| {
        discord.on_interaction_with_files(&interaction, true)
    });
    match work.await {
        Ok((mut response, files)) if !files.is_empty() => {
            // The response goes now with the chart's table; an edit then adds the chart.
            let edited = response["data"].clone();
            if let Some(embeds) = response["data"]["embeds"].as_array_mut() {
                embeds
                    .iter_mut()
                    .for_each(|e| e["image"] = serde_json::Value::Null);
            }
            let (application, token) = edit_as;
            tokio::spawn(attach_files(
                shared,
                application.get(),
                token,
                edited,
                files,
            ));
            Json(response).into_response()
        }
        Ok((response, _)) => Json(response).into_response(),
        Err(refusal) => Json(super::ephemeral(refusal.text())).into_response(),
    }
}

/// Edits the response to an interaction so that it carries `files` (and `message`, whose
/// embeds show them): `PATCH /webhooks/{application}/{token}/messages/@original`, multipart.
/// A 404 (the response not handled yet) is tried again, a few times.
async fn attach_files(
    shared: Arc<Shared>,
    application: u64,
    token: String,
    mut message: serde_json::Value,
    files: Vec<serenity::all::CreateAttachment>,
) {
    message["attachments"] = files
        .iter()
        .enumerate()
        .map(|(i, f)| serde_json::json!({"id": i, "filename": f.filename}))
        .collect();
    let url = format!(
        "{}/api/v10/webhooks/{application}/{token}/messages/@original",
        shared.api
    );
    let mut wait = Duration::from_millis(250);
    for attempt in 1..=EDIT_TRIES {
        let mut form = reqwest::multipart::Form::new().text("payload_json", message.to_string());
        for (i, f) in files.iter().enumerate() {
            let part = reqwest::multipart::Part::bytes(f.data.clone())
                .file_name(f.filename.clone())
                .mime_str("image/png")
                .unwrap_or_else(|_| reqwest::multipart::Part::bytes(f.data.clone()));
            form = form.part(format!("files[{i}]"), part);
        }
        match shared.rest.patch(&url).multipart(form).send().await {
            Ok(r) if r.status().is_success() => return,
            Ok(r) if r.status() == reqwest::StatusCode::NOT_FOUND && attempt < EDIT_TRIES => {}
            Ok(r) => {
                tracing::warn!(status = %r.status(), "the chart was not attached to the response");
                return;
            }
            Err(e) if attempt < EDIT_TRIES => {
                tracing::debug!(error = %e, "attaching the chart failed; trying again")
            }
            Err(e) => {
                // The URL holds the interaction's token: only the kind of error is logged.
                tracing::warn!(error = %e.without_url(), "the chart was not attached to the response");
                return;
            }
        }
        tokio::time::sleep(wait).await;
        wait *= 2;
    }
}
