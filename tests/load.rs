//! A bounded load test on loopback: 10,000 commands, 64 at a time, through the engine and
//! through the Discord interactions endpoint (signed requests over HTTP). Zero errors; the p99
//! is printed; RSS after the run stays within 10 % of RSS after a warm-up of twice as many
//! commands (the bounded caches and the allocator settle during it: glibc gives the blocking
//! threads their own arenas, and the first pass's union allocates a 16 kB window per query,
//! which grew RSS by up to 14 % over the first 10,000 commands after a warm-up of 10,000 and
//! 1–3 % over each 10,000 after that; no leak after).
//! One test in its own binary, so the process's RSS is this test's alone.
#![cfg(feature = "discord")]

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use clippings::conversation::Cooldowns;
use clippings::discord::endpoint;
use clippings::engine::{Answer, Engine};
use common::discord_peer::interaction;
use ed25519_dalek::{Signer, SigningKey};
use serde_json::{Value, json};
use tokio::sync::Semaphore;

const COMMANDS: usize = 10_000;
const WARM_UP: usize = 20_000;
const CONCURRENCY: usize = 64;

const MIX: &[&str] = &[
    "!capex",
    "!chips",
    "!ask how much will Alibaba invest in AI?",
    "!ask who is China Unicom?",
    "!search \"data centers\" Brazil",
    "!search Zhenwu OR Kunlun -Nvidia",
    "!figures capex",
    "!compare stock",
    "!quote invezz-shares-surge:2",
    "!ask semiconducter",
    "!nonsense",
    "!search ((((",
];

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn p99(mut micros: Vec<u64>) -> u64 {
    micros.sort_unstable();
    micros[(micros.len() * 99 / 100).min(micros.len() - 1)]
}

/// Runs `count` jobs, `CONCURRENCY` at a time; returns the latencies (µs) and the errors.
async fn run<F, Fut>(count: usize, offset: usize, job: Arc<F>) -> (Vec<u64>, usize)
where
    F: Fn(usize) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    let mut tasks = tokio::task::JoinSet::new();
    for i in offset..offset + count {
        let permit = permits.clone().acquire_owned().await.unwrap();
        let job = job.clone();
        tasks.spawn(async move {
            let started = Instant::now();
            let ok = job(i).await;
            drop(permit);
            (started.elapsed().as_micros() as u64, ok)
        });
    }
    let mut latencies = Vec::with_capacity(count);
    let mut errors = 0;
    while let Some(done) = tasks.join_next().await {
        let (micros, ok) = done.unwrap();
        latencies.push(micros);
        errors += usize::from(!ok);
    }
    (latencies, errors)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_commands_through_the_engine_and_the_endpoint_without_errors_or_leaks() {
    let engine = Arc::new(Engine::in_ram(&common::seed_data()).unwrap());

    // Through the pipeline, off the async executor as the adapters call it. Each answer must
    // be the one the same command gets alone (a failure or a "busy" notice is an error).
    let pipeline = Arc::new(clippings::conversation::Pipeline::new(engine.clone()));
    let expected: Arc<Vec<Option<Answer>>> = Arc::new(
        MIX.iter()
            .map(|command| pipeline.handle("oracle", command))
            .collect(),
    );
    assert!(expected.iter().all(Option::is_some));
    let through_engine = {
        Arc::new(move |i: usize| {
            let (engine, expected) = (pipeline.clone(), expected.clone());
            async move {
                tokio::task::spawn_blocking(move || {
                    let conversation = format!("discord:{}:{}", i % 8, i % 64);
                    engine.handle(&conversation, MIX[i % MIX.len()]) == expected[i % MIX.len()]
                })
                .await
                .unwrap_or(false)
            }
        })
    };
    let (_, warm_errors) = run(WARM_UP, 0, through_engine.clone()).await;
    let warm_rss = rss_kib();
    let (latencies, errors) = run(COMMANDS, WARM_UP, through_engine).await;
    let after_rss = rss_kib();
    println!(
        "engine: {COMMANDS} commands, {CONCURRENCY} at a time: p99 {} µs, RSS {warm_rss} → {after_rss} KiB",
        p99(latencies)
    );
    assert_eq!(warm_errors + errors, 0);
    assert!(
        after_rss * 10 <= warm_rss * 11,
        "RSS grew over 10 %: {warm_rss} → {after_rss} KiB"
    );

    // Through the interactions endpoint: signed /ask requests over HTTP.
    let key = SigningKey::from_bytes(&[7u8; 32]);
    let discord = Arc::new(common::discord(
        engine,
        Cooldowns {
            user_per_minute: 1_000_000,
            channel_per_minute: 1_000_000,
        },
    ));
    let public = hex::encode(key.verifying_key().to_bytes());
    let router = endpoint::router(
        discord,
        endpoint::public_key(&public).unwrap(),
        endpoint::DISCORD_API,
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/interactions", listener.local_addr().unwrap());
    tokio::spawn(endpoint::serve(listener, router, std::future::pending()));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(CONCURRENCY)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let key = Arc::new(key);
    let through_endpoint = Arc::new(move |i: usize| {
        let (client, key, url) = (client.clone(), key.clone(), url.clone());
        async move {
            let question = MIX[i % MIX.len()].trim_start_matches('!');
            let data = json!({"id": "7001", "name": "ask", "type": 1, "options": [
                {"name": "question", "type": 3, "value": question}]});
            // Many users in many channels, as a busy bot sees them (one channel's burst is
            // capped by its cooldown, which would refuse some of 64 commands at once).
            let mut body = interaction(&(100_000 + i).to_string(), 2, data, "tok", None);
            let channel = json!((3_000 + i % 64).to_string());
            body["channel_id"] = channel.clone();
            body["channel"]["id"] = channel;
            body["user"]["id"] = json!((5_000 + i % 256).to_string());
            let body = body.to_string();
            let ts = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs()
                .to_string();
            let signature = hex::encode(key.sign(format!("{ts}{body}").as_bytes()).to_bytes());
            let Ok(response) = client
                .post(&url)
                .header("content-type", "application/json")
                .header("x-signature-ed25519", signature)
                .header("x-signature-timestamp", ts)
                .body(body)
                .send()
                .await
            else {
                return false;
            };
            if !response.status().is_success() {
                return false;
            }
            let value: Value = response.json().await.unwrap_or(Value::Null);
            let content = value["data"]["content"].as_str().unwrap_or_default();
            let refused = [
                clippings::texts::FAILED,
                clippings::texts::TIMED_OUT,
                clippings::texts::BUSY,
                clippings::texts::COOLDOWN,
            ]
            .iter()
            .any(|text| content.contains(&text[..20]));
            value["type"] == 4
                && value["data"]["allowed_mentions"]["parse"] == json!([])
                && !refused
        }
    });
    let (_, warm_errors) = run(WARM_UP, 0, through_endpoint.clone()).await;
    let warm_rss = rss_kib();
    let (latencies, errors) = run(COMMANDS, WARM_UP, through_endpoint).await;
    let after_rss = rss_kib();
    println!(
        "endpoint: {COMMANDS} signed interactions, {CONCURRENCY} at a time: p99 {} µs, RSS {warm_rss} → {after_rss} KiB",
        p99(latencies)
    );
    assert_eq!(warm_errors + errors, 0);
    assert!(
        after_rss * 10 <= warm_rss * 11,
        "RSS grew over 10 %: {warm_rss} → {after_rss} KiB"
    );
}
