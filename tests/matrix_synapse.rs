//! The Matrix bot (the real `clippings` binary) against a real Synapse on 127.0.0.1: plain and
//! encrypted rooms, threads, hostile input, restarts without double answers, a homeserver
//! that goes away and comes back, and rate limits.
#![cfg(feature = "matrix")]

mod common;

use std::collections::HashMap;
use std::time::Duration;

use common::Workspace;
use common::synapse::{Limits, Synapse};
use matrix_sdk::config::SyncSettings;
use matrix_sdk::ruma::api::client::room::create_room::v3::Request as CreateRoom;
use matrix_sdk::ruma::events::InitialStateEvent;
use matrix_sdk::ruma::events::room::encryption::RoomEncryptionEventContent;
use matrix_sdk::ruma::events::room::member::MembershipState;
use matrix_sdk::ruma::events::room::message::{
    MessageType, OriginalSyncRoomMessageEvent, Relation, RoomMessageEventContent,
};
use matrix_sdk::ruma::{OwnedEventId, OwnedRoomId, OwnedUserId, RoomId};
use matrix_sdk::{Client, Room};
use tokio::sync::mpsc;

const BOT: &str = "clippings";
const BOT_PASSWORD: &str = "bot-password-secret";
const WAIT: Duration = Duration::from_secs(90);

/// The bot as a separate process, configured only through the environment.
struct Bot {
    child: tokio::process::Child,
}

impl Bot {
    fn start(ws: &Workspace, synapse: &Synapse) -> Bot {
        Bot::start_with(ws, synapse, &[("MATRIX_PASSWORD", BOT_PASSWORD)])
    }

    /// Starts the bot with these variables added (its secret among them).
    fn start_with(ws: &Workspace, synapse: &Synapse, vars: &[(&str, &str)]) -> Bot {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_clippings"));
        command
            .env_remove("MATRIX_PASSWORD")
            .env_remove("MATRIX_ALLOWED_USERS");
        command.env_remove("MATRIX_ACCESS_TOKEN");
        for (name, value) in vars {
            command.env(name, value);
        }
        let child = command
            .arg("--data")
            .arg(ws.data())
            .arg("--index")
            .arg(ws.index())
            .env("MATRIX_HOMESERVER", &synapse.url)
            .env("MATRIX_USER", BOT)
            .env("MATRIX_STATE_DIR", ws.dir.path().join("matrix-state"))
            .env("COOLDOWN_USER_PER_MINUTE", "1000")
            .env("COOLDOWN_CHANNEL_PER_MINUTE", "1000")
            .env("RUST_LOG", "info,matrix_sdk=warn,matrix_sdk_crypto=warn")
            .env_remove("DISCORD_TOKEN")
            .env_remove("DISCORD_PUBLIC_KEY")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(
                std::fs::File::create(ws.dir.path().join("bot.log"))
                    .unwrap()
                    .try_clone()
                    .map(std::process::Stdio::from)
                    .unwrap(),
            )
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        Bot { child }
    }

    /// SIGTERM, and the bot must exit cleanly.
    async fn stop(mut self) {
        let pid = self.child.id().unwrap().to_string();
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap();
        let status = tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .expect("the bot exits after SIGTERM")
            .unwrap();
        assert!(status.success(), "{status:?}");
    }
}

fn bot_log(ws: &Workspace) -> String {
    std::fs::read_to_string(ws.dir.path().join("bot.log")).unwrap_or_default()
}

/// A person on the homeserver, with a syncing client that collects every message it sees.
struct User {
    client: Client,
    seen: mpsc::UnboundedReceiver<(OwnedRoomId, OriginalSyncRoomMessageEvent)>,
    /// Bot messages seen so far, by room.
    bot_messages: HashMap<OwnedRoomId, Vec<OriginalSyncRoomMessageEvent>>,
}

impl User {
    async fn login(synapse: &Synapse, name: &str, password: &str) -> User {
        let client = Client::builder()
            .homeserver_url(&synapse.url)
            .build()
            .await
            .unwrap();
        client
            .matrix_auth()
            .login_username(name, password)
            .send()
            .await
            .unwrap();
        let (tx, seen) = mpsc::unbounded_channel();
        client.add_event_handler(move |event: OriginalSyncRoomMessageEvent, room: Room| {
            let tx = tx.clone();
            async move {
                let _ = tx.send((room.room_id().to_owned(), event));
            }
        });
        client.sync_once(SyncSettings::default()).await.unwrap();
        let syncing = client.clone();
        tokio::spawn(async move {
            let settings = SyncSettings::default().timeout(Duration::from_secs(5));
            loop {
                if syncing.sync_once(settings.clone()).await.is_err() {
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        });
        User {
            client,
            seen,
            bot_messages: HashMap::new(),
        }
    }

    fn bot_id(&self) -> OwnedUserId {
        format!("@{BOT}:localhost").try_into().unwrap()
    }

    async fn room_with_bot(&self, encrypted: bool, before_invite: Option<&str>) -> Room {
        let mut request = CreateRoom::new();
        if encrypted {
            request.initial_state = vec![
                InitialStateEvent::with_empty_state_key(
                    RoomEncryptionEventContent::with_recommended_defaults(),
                )
                .to_raw_any(),
            ];
        }
        let room = self.client.create_room(request).await.unwrap();
        if let Some(text) = before_invite {
            room.send(RoomMessageEventContent::text_plain(text))
                .await
                .unwrap();
        }
        room.invite_user_by_id(&self.bot_id()).await.unwrap();
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let joined = room
                .get_member_no_sync(&self.bot_id())
                .await
                .ok()
                .flatten()
                .is_some_and(|m| *m.membership() == MembershipState::Join);
            if joined {
                return room;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the bot did not join"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    async fn say(&self, room: &Room, content: RoomMessageEventContent) -> OwnedEventId {
        room.send(content).await.unwrap().response.event_id
    }

    /// Collects what arrived; bot messages are kept by room.
    fn drain(&mut self) {
        let bot = self.bot_id();
        while let Ok((room, event)) = self.seen.try_recv() {
            if event.sender == bot {
                self.bot_messages.entry(room).or_default().push(event);
            }
        }
    }

    /// The bot's reply to `command`, waiting for it.
    async fn reply_to(
        &mut self,
        room: &RoomId,
        command: &OwnedEventId,
    ) -> OriginalSyncRoomMessageEvent {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            self.drain();
            if let Some(reply) = self
                .bot_messages
                .get(room)
                .into_iter()
                .flatten()
                .find(|e| replied_to(e).as_ref() == Some(command))
            {
                return reply.clone();
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no reply to {command}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    fn replies_to(&mut self, room: &RoomId, command: &OwnedEventId) -> usize {
        self.drain();
        self.bot_messages
            .get(room)
            .into_iter()
            .flatten()
            .filter(|e| replied_to(e).as_ref() == Some(command))
            .count()
    }
}

/// Polls the bot's `/healthz` until it answers `code`; returns the body.
async fn health_becomes(url: &str, code: u16) -> String {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Ok(response) = reqwest::get(url).await
            && response.status().as_u16() == code
        {
            return response.text().await.unwrap_or_default();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "/healthz never answered {code}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// A fresh access token for `user` (a login of its own, so a device of its own).
async fn access_token(synapse: &Synapse, user: &str, password: &str) -> String {
    let response: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/_matrix/client/v3/login", synapse.url))
        .json(&serde_json::json!({
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": user},
            "password": password,
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    response["access_token"].as_str().unwrap().to_string()
}

fn replied_to(event: &OriginalSyncRoomMessageEvent) -> Option<OwnedEventId> {
    match &event.content.relates_to {
        Some(Relation::Reply(reply)) => Some(reply.in_reply_to.event_id.clone()),
        Some(Relation::Thread(thread)) => thread.in_reply_to.as_ref().map(|r| r.event_id.clone()),
        _ => None,
    }
}

/// The notice's plain body and HTML body.
fn notice(event: &OriginalSyncRoomMessageEvent) -> (String, String) {
    let MessageType::Notice(notice) = &event.content.msgtype else {
        panic!(
            "the bot answers with m.notice, got {:?}",
            event.content.msgtype
        );
    };
    let html = notice
        .formatted
        .as_ref()
        .map(|f| f.body.clone())
        .unwrap_or_default();
    (notice.body.clone(), html)
}

fn text(body: &str) -> RoomMessageEventContent {
    RoomMessageEventContent::text_plain(body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_in_plain_encrypted_and_threaded_rooms_and_never_twice_across_restarts() {
    let synapse = Synapse::start(Limits::Raised);
    synapse.register(BOT, BOT_PASSWORD);
    synapse.register("alice", "alice-password");
    let ws = Workspace::new();
    let bot = Bot::start(&ws, &synapse);
    let mut alice = User::login(&synapse, "alice", "alice-password").await;

    // A command sent before the bot was ever in the room is history, never answered.
    let room = alice.room_with_bot(false, Some("!capex")).await;
    let id = room.room_id().to_owned();

    let capex = alice.say(&room, text("!capex")).await;
    let reply = alice.reply_to(&id, &capex).await;
    let (body, html) = notice(&reply);
    assert!(body.contains("ref "), "{body}");
    assert!(
        html.contains("<blockquote>") && html.contains("<strong>"),
        "{html}"
    );
    let mentions = reply.content.mentions.as_ref().expect("m.mentions is set");
    assert!(
        mentions.user_ids.is_empty() && !mentions.room,
        "pings no one"
    );

    let ask = alice
        .say(&room, text("!ask how much will Alibaba invest in AI?"))
        .await;
    let (body, _) = notice(&alice.reply_to(&id, &ask).await);
    assert!(body.contains("invest") && body.contains("ref "), "{body}");

    // A command in a thread is answered in that thread.
    let root = alice.say(&room, text("a thread about chips")).await;
    let mut in_thread = text("!ask who makes AI chips?");
    in_thread.relates_to = Some(Relation::Thread(
        matrix_sdk::ruma::events::relation::Thread::plain(root.clone(), root.clone()),
    ));
    let threaded = alice.say(&room, in_thread).await;
    let reply = alice.reply_to(&id, &threaded).await;
    match &reply.content.relates_to {
        Some(Relation::Thread(thread)) => assert_eq!(thread.event_id, root),
        other => panic!("the answer is not in the thread: {other:?}"),
    }

    // Hostile input: markup, mentions and as long a message as Matrix carries (events are
    // capped at 64 KiB, so a 100 kB message cannot be sent) get a safe, small reply.
    let hostile = format!(
        "!ask <script>alert(1)</script> <a href=\"https://matrix.to/#/@alice:localhost\">@room</a> {}",
        "word ".repeat(11_500)
    );
    let hostile_id = alice.say(&room, text(&hostile)).await;
    let reply = alice.reply_to(&id, &hostile_id).await;
    let (_, html) = notice(&reply);
    assert!(
        !html.contains("<script") && !html.contains("<a href=\"https://matrix.to"),
        "{html}"
    );
    let size = serde_json::to_vec(&reply.content).unwrap().len();
    assert!(size < 48 * 1024, "{size} bytes");

    // Chatter, notices (other bots) and edits of old messages are not commands.
    let chatter = alice.say(&room, text("capex is interesting")).await;
    let other_bot = alice
        .say(&room, RoomMessageEventContent::notice_plain("!capex"))
        .await;
    // An edit whose fallback body is itself a command (some clients send no "* ").
    let mut edit = text("!chips");
    edit.relates_to = Some(Relation::Replacement(
        matrix_sdk::ruma::events::relation::Replacement::new(
            chatter.clone(),
            text("!chips").into(),
        ),
    ));
    let edit_id = alice.say(&room, edit).await;

    // Encrypted room: the bot reads the command and alice can read the answer.
    let secret_room = alice.room_with_bot(true, None).await;
    let secret_id = secret_room.room_id().to_owned();
    let chips = alice.say(&secret_room, text("!chips")).await;
    let (body, _) = notice(&alice.reply_to(&secret_id, &chips).await);
    assert!(body.contains("ref "), "decrypted answer: {body}");

    // Restart: same device, nothing answered twice, new commands answered.
    bot.stop().await;
    let session = std::fs::read_to_string(ws.dir.path().join("matrix-state/session.json")).unwrap();
    assert!(
        !bot_log(&ws).contains(BOT_PASSWORD),
        "the password is never logged"
    );
    let bot = Bot::start(&ws, &synapse);
    let after = alice.say(&room, text("!topics")).await;
    alice.reply_to(&id, &after).await;
    let secret_after = alice.say(&secret_room, text("!ask Qwen3-Max")).await;
    alice.reply_to(&secret_id, &secret_after).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    for command in [&capex, &ask, &threaded, &hostile_id, &after] {
        assert_eq!(alice.replies_to(&id, command), 1, "answered exactly once");
    }
    assert_eq!(alice.replies_to(&secret_id, &chips), 1);
    for ignored in [&chatter, &other_bot, &edit_id] {
        assert_eq!(alice.replies_to(&id, ignored), 0);
    }
    let answered = alice.bot_messages.get(&id).map_or(0, Vec::len);
    assert_eq!(
        answered, 5,
        "one answer per command and nothing for the history"
    );
    let session_after =
        std::fs::read_to_string(ws.dir.path().join("matrix-state/session.json")).unwrap();
    assert_eq!(session, session_after, "the session and device are reused");
    let devices = alice
        .client
        .encryption()
        .get_user_devices(&alice.bot_id())
        .await
        .unwrap();
    assert_eq!(devices.devices().count(), 1, "one device across restarts");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn carries_on_when_the_homeserver_goes_away_and_comes_back() {
    let mut synapse = Synapse::start(Limits::Raised);
    synapse.register(BOT, BOT_PASSWORD);
    synapse.register("bob", "bob-password");
    synapse.register("mallory", "mallory-password");
    let ws = Workspace::new();
    // This bot logs in with an access token (its device comes from the token) and accepts
    // invites from bob only.
    let token = access_token(&synapse, BOT, BOT_PASSWORD).await;
    let port = common::free_port();
    let listen = format!("127.0.0.1:{port}");
    let healthz = format!("http://{listen}/healthz");
    let bot = Bot::start_with(
        &ws,
        &synapse,
        &[
            ("MATRIX_ACCESS_TOKEN", token.as_str()),
            ("MATRIX_ALLOWED_USERS", "@bob:localhost"),
            ("HTTP_LISTEN", listen.as_str()),
        ],
    );
    let mut bob = User::login(&synapse, "bob", "bob-password").await;
    let mallory = User::login(&synapse, "mallory", "mallory-password").await;
    let uninvited = mallory.client.create_room(CreateRoom::new()).await.unwrap();
    uninvited
        .invite_user_by_id(&mallory.bot_id())
        .await
        .unwrap();
    let room = bob.room_with_bot(false, None).await;
    let id = room.room_id().to_owned();
    let first = bob.say(&room, text("!capex")).await;
    bob.reply_to(&id, &first).await;

    let declined = uninvited
        .get_member_no_sync(&mallory.bot_id())
        .await
        .unwrap()
        .map(|m| m.membership().clone());
    assert_eq!(
        declined,
        Some(MembershipState::Leave),
        "an invite from someone not allowed is declined"
    );

    health_becomes(&healthz, 200).await;

    synapse.stop();
    let down = health_becomes(&healthz, 503).await;
    assert!(
        down.contains("matrix: cannot reach the homeserver"),
        "{down}"
    );
    synapse.run();
    health_becomes(&healthz, 200).await;

    let second = bob.say(&room, text("!chips")).await;
    let (body, _) = notice(&bob.reply_to(&id, &second).await);
    assert!(body.contains("ref "), "{body}");
    assert!(
        bot_log(&ws).contains("reconnecting"),
        "the outage is logged: {}",
        bot_log(&ws)
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waits_out_rate_limits_and_still_answers_every_command() {
    let synapse = Synapse::start(Limits::Strict);
    synapse.register(BOT, BOT_PASSWORD);
    synapse.register_as("carol", "carol-password", true);
    let ws = Workspace::new();
    let bot = Bot::start(&ws, &synapse);
    let mut carol = User::login(&synapse, "carol", "carol-password").await;
    // Carol is not limited (the override the README advises for the bot); the bot is.
    let token = carol.client.access_token().unwrap();
    let response = reqwest::Client::new()
        .post(format!(
            "{}/_synapse/admin/v1/users/@carol:localhost/override_ratelimit",
            synapse.url
        ))
        .bearer_auth(token)
        .json(&serde_json::json!({"messages_per_second": 0, "burst_count": 0}))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let room = carol.room_with_bot(false, None).await;
    let id = room.room_id().to_owned();
    // Five commands at once: the bot may send two at once and one every two seconds after.
    let started = std::time::Instant::now();
    let mut commands = Vec::new();
    for command in ["!capex", "!chips", "!topics", "!sources", "!help"] {
        commands.push(carol.say(&room, text(command)).await);
    }
    for command in &commands {
        carol.reply_to(&id, command).await;
    }
    assert!(
        started.elapsed() >= Duration::from_secs(4),
        "the homeserver's limit was in force"
    );
    for command in &commands {
        assert_eq!(carol.replies_to(&id, command), 1);
    }
    bot.stop().await;
}

/// The access token kept in the bot's state directory.
fn stored_token(ws: &Workspace) -> String {
    let path = ws.dir.path().join("matrix-state/session.json");
    let stored: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    stored["session"]["access_token"]
        .as_str()
        .expect("session.json holds the access token")
        .to_string()
}

/// Logs out the device of `token`, as "sign out other sessions" or an admin would.
async fn log_out(synapse: &Synapse, token: &str) {
    let response = reqwest::Client::new()
        .post(format!("{}/_matrix/client/v3/logout", synapse.url))
        .bearer_auth(token)
        .json(&serde_json::json!({}))
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_in_again_when_logged_out_and_stops_when_its_own_token_is_revoked() {
    let synapse = Synapse::start(Limits::Raised);
    synapse.register(BOT, BOT_PASSWORD);
    synapse.register("dave", "dave-password");
    let ws = Workspace::new();
    let bot = Bot::start(&ws, &synapse);
    let mut dave = User::login(&synapse, "dave", "dave-password").await;
    let room = dave.room_with_bot(false, None).await;
    let id = room.room_id().to_owned();
    let first = dave.say(&room, text("!capex")).await;
    dave.reply_to(&id, &first).await;

    // Logged out with a password configured: the bot logs in again (a new device) and answers
    // the command sent while its session was dead, once.
    let old_token = stored_token(&ws);
    log_out(&synapse, &old_token).await;
    let during = dave.say(&room, text("!chips")).await;
    let (body, _) = notice(&dave.reply_to(&id, &during).await);
    assert!(body.contains("ref "), "{body}");
    assert!(
        bot_log(&ws).contains("logging in again"),
        "the logout is logged: {}",
        bot_log(&ws)
    );
    let new_token = stored_token(&ws);
    assert_ne!(new_token, old_token, "a new session is stored");
    let after = dave.say(&room, text("!topics")).await;
    dave.reply_to(&id, &after).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    for command in [&first, &during, &after] {
        assert_eq!(dave.replies_to(&id, command), 1, "answered exactly once");
    }
    bot.stop().await;

    // A new MATRIX_ACCESS_TOKEN replaces the stored session; when that token is logged out
    // there is nothing to log in with: the bot says so and exits with a failure.
    let token = access_token(&synapse, BOT, BOT_PASSWORD).await;
    let mut bot = Bot::start_with(&ws, &synapse, &[("MATRIX_ACCESS_TOKEN", token.as_str())]);
    let with_token = dave.say(&room, text("!sources")).await;
    dave.reply_to(&id, &with_token).await;
    assert_eq!(stored_token(&ws), token, "the configured token is used");
    log_out(&synapse, &token).await;
    // Anything in the room ends the bot's pending sync, so it learns of the logout at once.
    dave.say(&room, text("is the bot still there?")).await;
    let status = tokio::time::timeout(WAIT, bot.child.wait())
        .await
        .expect("the bot stops when its token is logged out")
        .unwrap();
    assert!(!status.success(), "{status:?}");
    let log = bot_log(&ws);
    assert!(
        log.contains("no longer accepts MATRIX_ACCESS_TOKEN"),
        "{log}"
    );
    assert!(
        !log.contains(&token) && !log.contains(BOT_PASSWORD),
        "no secret is logged"
    );
}

/// The push path: the bot posts an answer into a plain and an encrypted room unasked, as an
/// `m.notice` that is no reply and pings no one; a room it is not in is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_push_path_posts_into_plain_and_encrypted_rooms() {
    use clippings::config::{MatrixAuth, MatrixConfig, Secret};
    use clippings::conversation::{Platform, Push, PushError};
    use std::sync::Arc;

    let synapse = Synapse::start(Limits::Raised);
    synapse.register(BOT, BOT_PASSWORD);
    synapse.register("alice", "alice-password");
    let ws = Workspace::new();
    let pipeline = Arc::new(clippings::lifecycle::pipeline_in_ram(&ws.data()).unwrap());
    let matrix = Arc::new(clippings::matrix::Matrix::new(pipeline.clone()));
    assert_eq!(matrix.platform(), Platform::Matrix);
    let answer = pipeline.handle("t", "!capex").unwrap();
    assert!(matches!(
        matrix.push("!room:localhost", &answer, None).await,
        Err(PushError::NotConnected)
    ));
    let config = MatrixConfig {
        homeserver: synapse.url.clone(),
        user: BOT.to_string(),
        auth: MatrixAuth::Password(Secret::new(BOT_PASSWORD)),
        state_dir: ws.dir.path().join("matrix-state"),
        allowed: Vec::new(),
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let bot = tokio::spawn(clippings::matrix::bot::run(
        matrix.clone(),
        config,
        async move {
            let _ = stopped.await;
        },
    ));
    let mut alice = User::login(&synapse, "alice", "alice-password").await;
    for encrypted in [false, true] {
        let room = alice.room_with_bot(encrypted, None).await;
        let id = room.room_id().to_owned();
        // Once the bot's own sync has the room joined, the push goes through.
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            match matrix.push(id.as_str(), &answer, None).await {
                Ok(()) => break,
                Err(PushError::UnknownPlace(_) | PushError::NotConnected) => {
                    assert!(tokio::time::Instant::now() < deadline, "never pushed");
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("{e}"),
            }
        }
        let pushed = loop {
            alice.drain();
            let found = alice
                .bot_messages
                .get(&id)
                .into_iter()
                .flatten()
                .find(|e| replied_to(e).is_none())
                .cloned();
            if let Some(event) = found {
                break event;
            }
            assert!(tokio::time::Instant::now() < deadline, "nothing arrived");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let (body, html) = notice(&pushed);
        assert!(body.contains("ref "), "encrypted {encrypted}: {body}");
        assert!(html.contains("<blockquote>"), "{html}");
        let mentions = pushed.content.mentions.as_ref().expect("m.mentions is set");
        assert!(
            mentions.user_ids.is_empty() && !mentions.room,
            "pings no one"
        );
    }
    assert!(matches!(
        matrix.push("!nowhere:localhost", &answer, None).await,
        Err(PushError::Gone(_))
    ));
    assert!(matches!(
        matrix.push("not a room", &answer, None).await,
        Err(PushError::UnknownPlace(_))
    ));
    let _ = stop.send(());
    bot.await.unwrap().unwrap();
}

/// Alerts on Matrix: a room's moderators (power level 50 and up) change what it watches,
/// others are refused; a new article dropped into data/ is posted into each watching room,
/// plain and encrypted, unasked, as an `m.notice` that pings no one, and into no other room;
/// `!trend` posts its chart as an `m.image` in an encrypted room.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alerts_reach_watching_plain_and_encrypted_rooms_and_only_moderators_change_watches() {
    let synapse = Synapse::start(Limits::Raised);
    synapse.register(BOT, BOT_PASSWORD);
    synapse.register("alice", "alice-password");
    synapse.register("bob", "bob-password");
    let ws = Workspace::new();
    let bot = Bot::start_with(
        &ws,
        &synapse,
        &[
            ("MATRIX_PASSWORD", BOT_PASSWORD),
            ("ALERT_MIN_INTERVAL", "2s"),
            ("FEED_POLL_MINUTES", "0"),
        ],
    );
    let mut alice = User::login(&synapse, "alice", "alice-password").await;
    let bob = User::login(&synapse, "bob", "bob-password").await;

    let plain = alice.room_with_bot(false, None).await;
    let secret = alice.room_with_bot(true, None).await;
    let quiet = alice.room_with_bot(false, None).await;
    let (plain_id, secret_id, quiet_id) = (
        plain.room_id().to_owned(),
        secret.room_id().to_owned(),
        quiet.room_id().to_owned(),
    );
    let bob_id: OwnedUserId = "@bob:localhost".try_into().unwrap();
    plain.invite_user_by_id(&bob_id).await.unwrap();
    bob.client.join_room_by_id(&plain_id).await.unwrap();
    let bob_room = bob.client.get_room(&plain_id).unwrap();

    // Bob (power level 0) is refused; alice (the rooms' creator) is not.
    let refused = bob_room
        .send(text("!watch capex"))
        .await
        .unwrap()
        .response
        .event_id;
    let (body, _) = notice(&alice.reply_to(&plain_id, &refused).await);
    assert!(body.contains("Only members who can manage"), "{body}");
    for (room, id) in [(&plain, &plain_id), (&secret, &secret_id)] {
        let watch = alice.say(room, text("!watch capex")).await;
        let (body, _) = notice(&alice.reply_to(id, &watch).await);
        assert!(body.contains("Watching capex"), "{body}\n{}", bot_log(&ws));
    }
    let watches = alice.say(&quiet, text("!watches")).await;
    let (body, _) = notice(&alice.reply_to(&quiet_id, &watches).await);
    assert!(body.contains("Nothing is watched"), "{body}");

    // A new article lands in data/.
    let today = chrono::Utc::now().date_naive();
    let article = format!(
        "+++\ntitle = \"Alibaba <b>raises</b> its capital expenditure\"\npublisher = \"Harbour Wire\"\ndate = {today}\n+++\n\n\
         Alibaba will raise capital expenditure on AI infrastructure again, and the budget for data centres doubles, it said on Monday.\n"
    );
    std::fs::write(ws.data().join("articles/matrix-capex.md"), article).unwrap();
    let deadline = tokio::time::Instant::now() + WAIT;
    let alerts = |user: &mut User, room: &OwnedRoomId| -> Vec<OriginalSyncRoomMessageEvent> {
        user.drain();
        user.bot_messages
            .get(room)
            .into_iter()
            .flatten()
            .filter(|e| replied_to(e).is_none())
            .cloned()
            .collect()
    };
    loop {
        let done =
            !alerts(&mut alice, &plain_id).is_empty() && !alerts(&mut alice, &secret_id).is_empty();
        if done {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no alert\n{}",
            bot_log(&ws)
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for id in [&plain_id, &secret_id] {
        let found = alerts(&mut alice, id);
        assert_eq!(found.len(), 1, "one alert in {id}");
        let (body, html) = notice(&found[0]);
        assert!(
            body.contains("New on capex") && body.contains("Harbour Wire"),
            "{body}"
        );
        assert!(body.contains("ref matrix-capex:"), "{body}");
        assert!(
            !html.contains("<b>raises</b>") && html.contains("&lt;b&gt;"),
            "{html}"
        );
        let mentions = found[0]
            .content
            .mentions
            .as_ref()
            .expect("m.mentions is set");
        assert!(
            mentions.user_ids.is_empty() && !mentions.room,
            "pings no one"
        );
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(
        alerts(&mut alice, &quiet_id).is_empty(),
        "nothing where nothing is watched"
    );

    // Two more within the interval: one message in each room.
    for (slug, title, body) in [
        (
            "matrix-two",
            "Budget for AI lifted",
            "Tencent said its investment budget for servers in Singapore will double, a filing showed on Tuesday.",
        ),
        (
            "matrix-three",
            "Capex plans grow",
            "Capital expenditure and spending on European data centres grow by a third, Baidu's finance chief told analysts.",
        ),
    ] {
        let text = format!(
            "+++\ntitle = {title:?}\npublisher = \"Second Wire {slug}\"\ndate = {today}\n+++\n\n{body}\n"
        );
        std::fs::write(ws.data().join(format!("articles/{slug}.md")), text).unwrap();
    }
    let deadline = tokio::time::Instant::now() + WAIT;
    while alerts(&mut alice, &plain_id).len() < 2 || alerts(&mut alice, &secret_id).len() < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no folded alert\n{}",
            bot_log(&ws)
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for id in [&plain_id, &secret_id] {
        let found = alerts(&mut alice, id);
        let (body, _) = notice(&found[1]);
        assert!(body.contains("2 new on capex"), "{body}");
    }

    // A crash between posting and recording it: the bot stops, its messages are recorded as
    // pending again (as a kill -9 right after posting leaves them), and the bot starts: it
    // posts them again with the same transaction ids, which the homeserver drops.
    bot.stop().await;
    let state_file = ws.data().join(".clippings-state.sqlite3");
    let state = rusqlite::Connection::open(&state_file).unwrap();
    let reset = state
        .execute("UPDATE messages SET state = 'pending', sent_at = NULL", [])
        .unwrap();
    assert!(reset >= 4, "{reset} messages");
    drop(state);
    let bot = Bot::start_with(
        &ws,
        &synapse,
        &[
            ("MATRIX_PASSWORD", BOT_PASSWORD),
            ("ALERT_MIN_INTERVAL", "2s"),
            ("FEED_POLL_MINUTES", "0"),
        ],
    );
    let state = rusqlite::Connection::open(&state_file).unwrap();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let pending: i64 = state
            .query_row(
                "SELECT COUNT(*) FROM messages WHERE state = 'pending'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        if pending == 0 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not posted again\n{}",
            bot_log(&ws)
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    for id in [&plain_id, &secret_id] {
        assert_eq!(alerts(&mut alice, id).len(), 2, "not posted twice in {id}");
    }

    // !trend in the encrypted room: a chart image, then the table.
    let trend = alice.say(&secret, text("!trend capex 14d")).await;
    alice.reply_to(&secret_id, &trend).await;
    let images = alice
        .bot_messages
        .get(&secret_id)
        .into_iter()
        .flatten()
        .filter(|e| matches!(e.content.msgtype, MessageType::Image(_)))
        .count();
    assert_eq!(images, 1, "the chart as m.image");
    bot.stop().await;
}
