//! Scale-out: processes splitting the shards between them through one rate-limit proxy, and
//! several processes serving one index directory that exactly one process rebuilds.
#![cfg(feature = "discord")]

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::Workspace;
use common::discord_peer::{CHANNEL_ID, Peer, USER_ID, message, user};
use serde_json::Value;

/// Guild ids whose events Discord routes to shard 0 and shard 1 of 2: `(id >> 22) % 2`.
const GUILD_ON_SHARD_0: u64 = 2 << 22;
const GUILD_ON_SHARD_1: u64 = 3 << 22;

fn bot_process(ws: &Workspace, peer: &Peer, range: &str) -> tokio::process::Child {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_clippings"))
        .arg("--data")
        .arg(ws.data())
        .arg("--index")
        .arg(ws.index())
        .env("DISCORD_TOKEN", "scale-token")
        .env("DISCORD_PROXY_URL", &peer.base)
        .env("DISCORD_SHARDS", "2")
        .env("DISCORD_SHARD_RANGE", range)
        .env("CLIPPINGS_INDEX_READ_ONLY", "true")
        .env_remove("MATRIX_HOMESERVER")
        .env_remove("DISCORD_PUBLIC_KEY")
        .env_remove("HTTP_LISTEN")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

fn replies_to(peer: &Peer, id: &str) -> usize {
    peer.calls()
        .iter()
        .filter(|c| {
            c.method == "POST"
                && c.path == format!("/api/v10/channels/{CHANNEL_ID}/messages")
                && c.body["message_reference"]["message_id"] == id
        })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_split_the_shards_and_answer_each_message_once_through_the_proxy() {
    let ws = Workspace::new();
    let built = ws.run(&["index"], "");
    assert!(built.status.success());
    let peer = Peer::start().await;
    let mut first = bot_process(&ws, &peer, "0-0");
    let mut second = bot_process(&ws, &peer, "1-1");

    // Each process identifies only its shard.
    let deadline = Instant::now() + Duration::from_secs(60);
    let shards = || -> Vec<Value> {
        let mut s: Vec<Value> = peer
            .gateway_frames()
            .iter()
            .filter(|f| f["op"] == 2)
            .map(|f| f["d"]["shard"].clone())
            .collect();
        s.sort_by_key(|v| v[0].as_u64());
        s
    };
    while shards().len() < 2 {
        assert!(Instant::now() < deadline, "identified: {:?}", shards());
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        shards(),
        vec![serde_json::json!([0, 2]), serde_json::json!([1, 2])]
    );
    tokio::time::sleep(Duration::from_millis(500)).await;

    // A message in a guild of each shard is answered exactly once.
    for (id, guild, shard) in [("8001", GUILD_ON_SHARD_0, 0), ("8002", GUILD_ON_SHARD_1, 1)] {
        let mut event = message(id, user(USER_ID, "alice", false), "!capex");
        event["guild_id"] = Value::String(guild.to_string());
        peer.dispatch_to_shard(shard, "MESSAGE_CREATE", event);
    }
    for id in ["8001", "8002"] {
        peer.wait_call("a reply", |c| {
            c.method == "POST" && c.body["message_reference"]["message_id"] == id
        })
        .await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(replies_to(&peer, "8001"), 1);
    assert_eq!(replies_to(&peer, "8002"), 1);

    // Every REST call came through the proxy (the peer): the gateway address for each
    // process, and one slash-command registration for the whole bot.
    let calls = peer.calls();
    let gateway_lookups = calls
        .iter()
        .filter(|c| c.path == "/api/v10/gateway" || c.path == "/api/v10/gateway/bot")
        .count();
    assert_eq!(
        gateway_lookups, 2,
        "each process asked the proxy for the gateway"
    );
    let registrations = calls
        .iter()
        .filter(|c| c.method == "PUT" && c.path.ends_with("/commands"))
        .count();
    assert_eq!(
        registrations, 1,
        "slash commands registered once, by shard 0"
    );

    for child in [&mut first, &mut second] {
        let pid = child.id().unwrap().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
            .await
            .expect("stops on SIGTERM")
            .unwrap();
        assert!(status.success());
    }
}

/// A read-only chat process answering commands from its stdin.
struct Reader {
    child: Child,
    stdin: ChildStdin,
    lines: mpsc::Receiver<String>,
}

impl Reader {
    fn start(ws: &Workspace) -> Reader {
        let mut child = Command::new(env!("CARGO_BIN_EXE_clippings"))
            .arg("--data")
            .arg(ws.data())
            .arg("--index")
            .arg(ws.index())
            .args(["chat", "--format", "json"])
            .env("CLIPPINGS_INDEX_READ_ONLY", "1")
            .env_remove("DISCORD_TOKEN")
            .env_remove("MATRIX_HOMESERVER")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            // Each answer is a JSON value followed by an empty line.
            let mut answer = String::new();
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.trim().is_empty() {
                    if !answer.is_empty() && tx.send(std::mem::take(&mut answer)).is_err() {
                        return;
                    }
                } else {
                    answer.push_str(&line);
                    answer.push('\n');
                }
            }
        });
        Reader {
            child,
            stdin,
            lines,
        }
    }

    /// Sends one command and returns its JSON answer.
    fn ask(&mut self, command: &str) -> Value {
        writeln!(self.stdin, "{command}").unwrap();
        self.stdin.flush().unwrap();
        let line = self
            .lines
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no answer to {command}"));
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"))
    }
}

impl Drop for Reader {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn hits(answer: &Value) -> usize {
    answer["hits"].as_array().map_or(0, Vec::len)
}

#[test]
fn readers_serve_one_index_while_one_writer_rebuilds_it() {
    let ws = Workspace::new();
    let writer = ws.index_writer();
    let mut readers = [Reader::start(&ws), Reader::start(&ws)];
    for reader in &mut readers {
        assert!(hits(&reader.ask("!search Zhenwu")) > 0);
        assert_eq!(hits(&reader.ask("!search Quokkabank")), 0);
    }

    // A new article lands; the writer publishes a new generation.
    std::fs::write(
        ws.data().join("articles/quokkabank-results.md"),
        "+++\ntitle = \"Quokkabank reports record cloud revenue\"\npublisher = \"Test Wire\"\n+++\n\
         Quokkabank said on Tuesday that its cloud revenue grew strongly in the third quarter, helped by \
         demand for AI services from retailers and banks across the region, and that it would keep \
         investing in data centers next year.\n",
    )
    .unwrap();

    // The readers keep answering throughout and serve the new article within seconds.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut seen = [false, false];
    let mut asked = 0;
    while !seen.iter().all(|s| *s) {
        assert!(
            Instant::now() < deadline,
            "the readers never served the new article"
        );
        for (i, reader) in readers.iter_mut().enumerate() {
            let answer = reader.ask("!search Quokkabank");
            asked += 1;
            assert!(
                answer.get("hits").is_some(),
                "an answer, not an error: {answer}"
            );
            seen[i] |= hits(&answer) > 0;
            assert!(
                hits(&reader.ask("!search Zhenwu")) > 0,
                "old articles still served"
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(asked >= 2);
    // Only the writer wrote: the index directory holds its generations and nothing else new.
    let entries: Vec<String> = std::fs::read_dir(ws.index())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        entries
            .iter()
            .all(|n| n.starts_with("gen-") || n == "CURRENT" || n == "build.lock"),
        "{entries:?}"
    );
    drop(writer);
}
