//! The Matrix connection: logs in once and keeps its session, device, crypto keys and sync
//! position in the state directory (matrix-sdk's sqlite store), joins rooms it is invited to,
//! answers commands in plain and encrypted rooms, and rides out homeserver outages.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use backon::{BackoffBuilder, ExponentialBackoff, ExponentialBuilder, Retryable};
use matrix_sdk::authentication::SessionTokens;
use matrix_sdk::authentication::matrix::MatrixSession;
use matrix_sdk::config::{RequestConfig, SyncSettings};
use matrix_sdk::ruma::api::client::filter::FilterDefinition;
use matrix_sdk::ruma::events::room::member::{MembershipState, StrippedRoomMemberEvent};
use matrix_sdk::ruma::events::room::message::{
    AddMentions, ForwardThread, MessageType, OriginalSyncRoomMessageEvent, Relation,
    ReplyWithinThread,
};
use matrix_sdk::ruma::events::room::power_levels::UserPowerLevel;
use matrix_sdk::ruma::{MilliSecondsSinceUnixEpoch, OwnedEventId, OwnedRoomId, OwnedUserId};
use matrix_sdk::{Client, Room, RoomState, SessionMeta};
use serde::{Deserialize, Serialize};

use super::{Incoming, Matrix};
use crate::config::{MatrixAuth, MatrixConfig};
/// Answered command ids remembered (on disk) so a restart never answers one twice.
const ANSWERED_KEPT: usize = 2000;
/// How long one sync request waits for new events on the homeserver.
const SYNC_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest wait between reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(15);
/// How long an answer may take to compute before the user is told the bot is busy.
const ANSWER_TIMEOUT: Duration = Duration::from_secs(10);

/// What is kept in `session.json` (owner-only permissions: it holds the access token).
#[derive(Serialize, Deserialize)]
struct StoredSession {
    homeserver: String,
    session: MatrixSession,
}

/// Ids of commands already answered, oldest first; persisted after each answer.
struct Answered {
    path: PathBuf,
    ids: Mutex<VecDeque<String>>,
}

impl Answered {
    fn load(path: PathBuf) -> Answered {
        let ids = std::fs::read_to_string(&path)
            .ok()
            .and_then(|s| serde_json::from_str::<VecDeque<String>>(&s).ok())
            .unwrap_or_default();
        Answered {
            path,
            ids: Mutex::new(ids),
        }
    }

    fn contains(&self, id: &str) -> bool {
        self.ids
            .lock()
            .map(|ids| ids.iter().any(|i| i == id))
            .unwrap_or(false)
    }

    fn insert(&self, id: &str) {
        let Ok(mut ids) = self.ids.lock() else {
            return;
        };
        ids.push_back(id.to_string());
        while ids.len() > ANSWERED_KEPT {
            ids.pop_front();
        }
        let json = serde_json::to_string(&*ids).unwrap_or_default();
        drop(ids);
        if let Err(e) = write_atomic(&self.path, json.as_bytes(), false) {
            tracing::warn!(error = %e, "cannot record an answered command");
        }
    }
}

struct State {
    matrix: Arc<Matrix>,
    config: MatrixConfig,
    answered: Answered,
    joined_at: Mutex<HashMap<OwnedRoomId, MilliSecondsSinceUnixEpoch>>,
}

/// Runs the bot until `stop` resolves.
pub async fn run(
    matrix: Arc<Matrix>,
    config: MatrixConfig,
    stop: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    tokio::select! {
        result = serve(matrix, config) => result,
        () = stop => {
            tracing::info!("Matrix bot stopping");
            Ok(())
        }
    }
}

async fn serve(matrix: Arc<Matrix>, config: MatrixConfig) -> anyhow::Result<()> {
    crate::ops::status().matrix_configured();
    create_private_dir(&config.state_dir)?;
    let mut relogin = false;
    loop {
        let LoggedOut { token } = session(matrix.clone(), &config, relogin).await?;
        crate::ops::status().matrix_synced(false);
        // The stored session is dead: the next connection logs in afresh (a new device).
        let session_path = config.state_dir.join("session.json");
        if let Err(e) = std::fs::remove_file(&session_path)
            && e.kind() != std::io::ErrorKind::NotFound
        {
            return Err(anyhow::Error::new(e).context("cannot remove the dead Matrix session"));
        }
        match &config.auth {
            MatrixAuth::AccessToken(configured) if configured.expose() == token => {
                anyhow::bail!(
                    "the Matrix homeserver no longer accepts MATRIX_ACCESS_TOKEN (it was logged \
                     out); create a new token and restart"
                );
            }
            _ => tracing::warn!(
                "the Matrix homeserver ended the bot's session (logged out); logging in again"
            ),
        }
        relogin = true;
    }
}

/// The homeserver refused the session's access token (`M_UNKNOWN_TOKEN`): it was logged out.
struct LoggedOut {
    /// The refused token, to tell a configured token that is dead from a stored one.
    token: String,
}

fn is_logged_out(e: &matrix_sdk::Error) -> bool {
    matches!(
        e.client_api_error_kind(),
        Some(matrix_sdk::ruma::api::error::ErrorKind::UnknownToken(_))
    )
}

/// One session: connects, then syncs and answers until the homeserver logs the bot out.
/// After a re-login the commands sent meanwhile are answered (the answered-command record
/// keeps anything from being answered twice); only a first start skips the rooms' history.
async fn session(
    matrix: Arc<Matrix>,
    config: &MatrixConfig,
    relogin: bool,
) -> anyhow::Result<LoggedOut> {
    let (client, first_start) = connect(config).await?;
    let logged_out = || LoggedOut {
        token: client.access_token().unwrap_or_default(),
    };
    let own = client
        .user_id()
        .context("logged in without a user id")?
        .to_owned();
    tracing::info!(user = %own, device = ?client.device_id(), "Matrix bot logged in");
    let state = Arc::new(State {
        matrix,
        answered: Answered::load(config.state_dir.join("answered.json")),
        config: config.clone(),
        joined_at: Mutex::new(HashMap::new()),
    });
    state.matrix.connected(Some(client.clone()));

    let invites = state.clone();
    client.add_event_handler(
        move |event: StrippedRoomMemberEvent, room: Room, client: Client| {
            let state = invites.clone();
            async move { on_invite(state, event, room, client).await }
        },
    );

    let filter = FilterDefinition::with_lazy_loading();
    let settings = SyncSettings::default()
        .filter(filter.into())
        .timeout(SYNC_TIMEOUT);
    if first_start && !relogin {
        // Messages from before the bot's first start are history, not commands.
        let mut backoff = Backoff::default();
        loop {
            match client.sync_once(settings.clone()).await {
                Ok(_) => break,
                Err(e) if is_logged_out(&e) => return Ok(logged_out()),
                Err(e) => {
                    tracing::warn!(error = %e, "first Matrix sync failed; retrying");
                    backoff.wait().await;
                }
            }
        }
    }

    let messages = state.clone();
    client.add_event_handler(
        move |event: OriginalSyncRoomMessageEvent, room: Room, client: Client| {
            let state = messages.clone();
            async move {
                // Answered on its own task: a slow send (rate limits) must not hold up the sync.
                if let Some(own) = client.user_id().map(|u| u.to_owned()) {
                    tokio::spawn(on_message(state, event, room, own));
                }
            }
        },
    );

    let mut backoff = Backoff::default();
    let mut connected = false;
    loop {
        match client.sync_once(settings.clone()).await {
            Ok(_) => {
                crate::ops::status().matrix_synced(true);
                if !connected {
                    tracing::info!("Matrix sync running");
                    connected = true;
                }
                backoff = Backoff::default();
            }
            Err(e) if is_logged_out(&e) => return Ok(logged_out()),
            Err(e) => {
                crate::ops::status().matrix_synced(false);
                if connected {
                    tracing::warn!(error = %e, "lost the Matrix homeserver; reconnecting");
                    connected = false;
                } else {
                    tracing::debug!(error = %e, "Matrix homeserver still unreachable");
                }
                backoff.wait().await;
            }
        }
    }
}

/// Exponential backoff with jitter from 0.5 s up to [`MAX_BACKOFF`], for as long as it takes.
struct Backoff(ExponentialBackoff);

impl Default for Backoff {
    fn default() -> Self {
        Backoff(
            ExponentialBuilder::default()
                .with_min_delay(Duration::from_millis(500))
                .with_max_delay(MAX_BACKOFF)
                .with_jitter()
                .without_max_times()
                .build(),
        )
    }
}

impl Backoff {
    async fn wait(&mut self) {
        tokio::time::sleep(self.0.next().unwrap_or(MAX_BACKOFF)).await;
    }
}

/// A logged-in client, and whether this is the bot's first start with this state directory
/// (no session was ever stored in it; a replaced session is not a first start).
async fn connect(config: &MatrixConfig) -> anyhow::Result<(Client, bool)> {
    let session_path = config.state_dir.join("session.json");
    let store = config.state_dir.join("store");
    let first_start = !session_path.exists();
    let stored = std::fs::read_to_string(&session_path)
        .ok()
        .and_then(|s| serde_json::from_str::<StoredSession>(&s).ok())
        .filter(|s| s.homeserver == config.homeserver && same_user(&s.session, &config.user))
        // A new MATRIX_ACCESS_TOKEN replaces the stored session.
        .filter(|s| match &config.auth {
            MatrixAuth::AccessToken(token) => s.session.tokens.access_token == token.expose(),
            MatrixAuth::Password(_) => true,
        });
    let mut backoff = Backoff::default();
    loop {
        let attempt = match &stored {
            Some(stored) => restore(config, &store, stored).await,
            None => login(config, &store, &session_path).await,
        }
        .map(|client| (client, first_start));
        match attempt {
            Ok(done) => return Ok(done),
            Err(Failure::Fatal(e)) => return Err(e),
            Err(Failure::Transient(e)) => {
                tracing::warn!(error = %e, "cannot reach the Matrix homeserver yet; retrying");
                backoff.wait().await;
            }
        }
    }
}

enum Failure {
    /// Worth retrying: the homeserver is down or unreachable.
    Transient(anyhow::Error),
    Fatal(anyhow::Error),
}

fn classify(e: matrix_sdk::Error, what: &str) -> Failure {
    let fatal = e.client_api_error_kind().is_some();
    let e = anyhow::Error::new(e).context(what.to_string());
    if fatal {
        Failure::Fatal(e)
    } else {
        Failure::Transient(e)
    }
}

fn same_user(session: &MatrixSession, user: &str) -> bool {
    let id = session.meta.user_id.as_str();
    id == user || session.meta.user_id.localpart() == user.trim_start_matches('@')
}

async fn build_client(config: &MatrixConfig, store: &Path) -> Result<Client, Failure> {
    Client::builder()
        .homeserver_url(&config.homeserver)
        .sqlite_store(store, None)
        .request_config(
            RequestConfig::new()
                .timeout(Duration::from_secs(30))
                .max_retry_time(Duration::from_secs(120)),
        )
        .build()
        .await
        .map_err(|e| Failure::Fatal(anyhow::Error::new(e).context("cannot open the Matrix store")))
}

async fn restore(
    config: &MatrixConfig,
    store: &Path,
    stored: &StoredSession,
) -> Result<Client, Failure> {
    let client = build_client(config, store).await?;
    client
        .matrix_auth()
        .restore_session(stored.session.clone(), Default::default())
        .await
        .map_err(|e| classify(e, "cannot restore the Matrix session"))?;
    Ok(client)
}

async fn login(
    config: &MatrixConfig,
    store: &Path,
    session_path: &Path,
) -> Result<Client, Failure> {
    // A new session gets a new device: keys of an older device must not be mixed in.
    if store.exists() {
        std::fs::remove_dir_all(store).map_err(|e| {
            Failure::Fatal(anyhow::Error::new(e).context("cannot reset the Matrix store"))
        })?;
    }
    let client = build_client(config, store).await?;
    let session = match &config.auth {
        MatrixAuth::Password(password) => {
            client
                .matrix_auth()
                .login_username(&config.user, password.expose())
                .initial_device_display_name("Clippings bot")
                .send()
                .await
                .map_err(|e| classify(e, "Matrix login failed"))?;
            client
                .matrix_auth()
                .session()
                .ok_or_else(|| Failure::Fatal(anyhow::anyhow!("Matrix login gave no session")))?
        }
        MatrixAuth::AccessToken(token) => {
            let (user_id, device_id) = whoami(&config.homeserver, token.expose()).await?;
            let session = MatrixSession {
                meta: SessionMeta {
                    user_id,
                    device_id: device_id.into(),
                },
                tokens: SessionTokens {
                    access_token: token.expose().to_string(),
                    refresh_token: None,
                },
            };
            client
                .matrix_auth()
                .restore_session(session.clone(), Default::default())
                .await
                .map_err(|e| classify(e, "cannot use MATRIX_ACCESS_TOKEN"))?;
            session
        }
    };
    let stored = StoredSession {
        homeserver: config.homeserver.clone(),
        session,
    };
    let json = serde_json::to_vec(&stored).map_err(|e| Failure::Fatal(e.into()))?;
    write_atomic(session_path, &json, true).map_err(|e| {
        Failure::Fatal(anyhow::Error::new(e).context("cannot save the Matrix session"))
    })?;
    Ok(client)
}

/// The user and device an access token belongs to.
async fn whoami(homeserver: &str, token: &str) -> Result<(OwnedUserId, String), Failure> {
    #[derive(Deserialize)]
    struct WhoAmI {
        user_id: OwnedUserId,
        device_id: Option<String>,
    }
    let url = format!(
        "{}/_matrix/client/v3/account/whoami",
        homeserver.trim_end_matches('/')
    );
    let response = reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .timeout(Duration::from_secs(30))
        .send()
        .await
        .map_err(|e| Failure::Transient(anyhow::anyhow!("whoami: {e}")))?;
    if response.status().is_server_error() {
        return Err(Failure::Transient(anyhow::anyhow!(
            "whoami: the homeserver answered {}",
            response.status()
        )));
    }
    if !response.status().is_success() {
        return Err(Failure::Fatal(anyhow::anyhow!(
            "MATRIX_ACCESS_TOKEN was refused by the homeserver ({})",
            response.status()
        )));
    }
    let who: WhoAmI = response
        .json()
        .await
        .map_err(|e| Failure::Fatal(anyhow::anyhow!("whoami: {e}")))?;
    let device = who.device_id.ok_or_else(|| {
        Failure::Fatal(anyhow::anyhow!(
            "MATRIX_ACCESS_TOKEN has no device; create the token by logging in"
        ))
    })?;
    Ok((who.user_id, device))
}

async fn on_invite(state: Arc<State>, event: StrippedRoomMemberEvent, room: Room, client: Client) {
    if Some(event.state_key.as_ref()) != client.user_id()
        || event.content.membership != MembershipState::Invite
    {
        return;
    }
    let room_id = room.room_id().to_owned();
    if !state.config.allows(event.sender.as_str()) {
        tracing::info!(room = %room_id, "declining an invite from a user who is not allowed");
        if let Err(e) = room.leave().await {
            tracing::warn!(room = %room_id, error = %e, "cannot decline the invite");
        }
        return;
    }
    tokio::spawn(async move {
        let retries = ExponentialBuilder::default()
            .with_min_delay(Duration::from_secs(1))
            .with_max_delay(Duration::from_secs(300))
            .with_max_times(11);
        let joined = (|| room.join())
            .retry(retries)
            .notify(|e, wait| {
                tracing::warn!(room = %room_id, error = %e, ?wait, "cannot join yet; retrying");
            })
            .await;
        match joined {
            Ok(()) => tracing::info!(room = %room_id, "joined a room"),
            Err(e) => tracing::error!(room = %room_id, error = %e, "gave up joining a room"),
        }
    });
}

/// When the bot joined the room (its own membership event), cached per room.
async fn joined_at(
    state: &State,
    room: &Room,
    own: &OwnedUserId,
) -> Option<MilliSecondsSinceUnixEpoch> {
    if let Some(ts) = state.joined_at.lock().ok()?.get(room.room_id()) {
        return Some(*ts);
    }
    let member = room.get_member_no_sync(own).await.ok().flatten()?;
    let ts = member.event().as_sync()?.origin_server_ts();
    state
        .joined_at
        .lock()
        .ok()?
        .insert(room.room_id().to_owned(), ts);
    Some(ts)
}

async fn on_message(
    state: Arc<State>,
    event: OriginalSyncRoomMessageEvent,
    room: Room,
    own: OwnedUserId,
) {
    if room.state() != RoomState::Joined || event.sender == own {
        return;
    }
    let MessageType::Text(text) = &event.content.msgtype else {
        return; // notices (other bots), emotes, media
    };
    let thread = match &event.content.relates_to {
        Some(Relation::Replacement(_)) => return, // an edit of an older message
        Some(Relation::Thread(thread)) => Some(thread.event_id.to_string()),
        _ => None,
    };
    let Some(parsed) = state.matrix.command(&text.body) else {
        return;
    };
    match joined_at(&state, &room, &own).await {
        Some(joined) if event.origin_server_ts >= joined => {}
        _ => {
            tracing::debug!(event = %event.event_id, "ignoring a command from before the bot joined");
            return;
        }
    }
    if state.answered.contains(event.event_id.as_str()) {
        return;
    }
    let manager = parsed.invocation.command.needs_place_manager()
        && room
            .get_member(&event.sender)
            .await
            .ok()
            .flatten()
            .is_some_and(|m| match m.power_level() {
                UserPowerLevel::Infinite => true,
                UserPowerLevel::Int(level) => i64::from(level) >= super::MANAGER_POWER_LEVEL,
                _ => false,
            });
    let room_id = room.room_id().to_string();
    let sender = event.sender.to_string();
    let body = text.body.clone();
    let matrix = state.matrix.clone();
    let pipeline = matrix.pipeline().clone();
    let reply = match pipeline
        .off_thread(Some(ANSWER_TIMEOUT), move |_| {
            let incoming = Incoming {
                room_id: &room_id,
                sender: &sender,
                thread: thread.as_deref(),
                body: &body,
                manager,
            };
            matrix.answer(&incoming, parsed)
        })
        .await
    {
        Ok(reply) => reply,
        Err(refusal) => super::Answered {
            content: super::render::content(&refusal.to_answer()),
            chart: None,
        },
    };
    if let Some(png) = reply.chart
        && let Err(e) = super::send_chart(&room, png, None).await
    {
        tracing::warn!(room = %room.room_id(), error = %e, "cannot post a chart");
    }
    let reply = reply.content;
    let in_thread = matches!(event.content.relates_to, Some(Relation::Thread(_)));
    let mut content = if in_thread {
        reply.make_for_thread(&event, ReplyWithinThread::Yes, AddMentions::No)
    } else {
        reply.make_reply_to(&event, ForwardThread::Yes, AddMentions::No)
    };
    content.mentions = Some(Default::default());
    let event_id: OwnedEventId = event.event_id.clone();
    match room.send(content).await {
        Ok(_) => {
            state.answered.insert(event_id.as_str());
            tracing::debug!(room = %room.room_id(), "answered a command");
        }
        Err(e) => tracing::error!(room = %room.room_id(), error = %e, "cannot send an answer"),
    }
}

fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create MATRIX_STATE_DIR {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    Ok(())
}

/// Writes through a temporary file and a rename, so a crash never leaves half a file. The
/// temporary file is created owner-only, so `private` content is never readable by others.
fn write_atomic(path: &Path, bytes: &[u8], private: bool) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(bytes)?;
    file.as_file().sync_all()?;
    #[cfg(unix)]
    if !private {
        use std::os::unix::fs::PermissionsExt;
        file.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    #[cfg(not(unix))]
    let _ = private;
    file.persist(path).map(|_| ()).map_err(|e| e.error)
}
