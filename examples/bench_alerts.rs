//! Alert matching and delivery: 10,000 watches over 1,000 places (topics, one-, two- and
//! three-word searches, phrases and exclusions drawn from the generated corpus's words), then
//! (1) one new article of about 20 passages matched against every watch, timed over several
//! arrivals (`Alerts::catch_up`: loading the passages, matching, story checks, recording in
//! SQLite), and (2) a burst of 500 new articles matched at once and delivered with a push
//! that counts messages per place: at most one per place per interval.
//!
//! ```sh
//! cargo run --release --example bench_alerts -- [watches] [places]
//! ```

#[path = "support/synth.rs"]
#[allow(dead_code)]
pub mod synth;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clippings::alerts::state::State;
use clippings::alerts::{Alerts, Settings};
use clippings::conversation::{Origin, Platform, Push, Pushing, Watching};
use clippings::engine::{Answer, Engine};
use clippings::index::Snapshot;

/// Counts what would be posted, per place.
#[derive(Default)]
struct Counting(Mutex<HashMap<String, usize>>);

impl Push for Counting {
    fn platform(&self) -> Platform {
        Platform::Discord
    }

    fn push<'a>(&'a self, place: &'a str, _: &'a Answer, _: Option<&'a str>) -> Pushing<'a> {
        if let Ok(mut m) = self.0.lock() {
            *m.entry(place.to_string()).or_default() += 1;
        }
        Box::pin(async { Ok(()) })
    }
}

/// Words of the generated prose to build searches from.
fn vocabulary(data: &std::path::Path) -> Vec<String> {
    let mut words = std::collections::BTreeSet::new();
    for file in std::fs::read_dir(data.join("articles")).unwrap().take(200) {
        let text = std::fs::read_to_string(file.unwrap().path()).unwrap();
        for w in text.split(|c: char| !c.is_alphabetic()) {
            if w.len() > 4 {
                words.insert(w.to_string());
            }
        }
    }
    words.into_iter().collect()
}

fn watch_text(rng: &mut synth::Rng, words: &[String], topics: &[&str]) -> String {
    let w = |rng: &mut synth::Rng| words[rng.below(words.len())].clone();
    match rng.below(6) {
        0 => topics[rng.below(topics.len())].to_string(),
        1 => w(rng),
        2 => format!("{} {}", w(rng), w(rng)),
        3 => format!("\"{} {}\"", w(rng), w(rng)),
        4 => format!("{} -{}", w(rng), w(rng)),
        _ => format!("{} OR {} {}", w(rng), w(rng), w(rng)),
    }
}

fn add_articles(data: &std::path::Path, from: usize, n: usize, rng: &mut synth::Rng) {
    for i in from..from + n {
        let mut text = format!(
            "+++\ntitle = \"New story {i}\"\npublisher = \"Outlet {}\"\ndate = 2026-12-04\n+++\n\n",
            i % 7
        );
        for _ in 0..20 {
            text.push_str(&synth::paragraph(rng));
            text.push_str("\n\n");
        }
        std::fs::write(data.join(format!("articles/new-{i:05}.md")), text).unwrap();
    }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let watches: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let places: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("data");
    synth::generate(&data, 20_000, 20, 7)?;
    let engine = Arc::new(Engine::in_ram(&data)?);
    let alerts = Alerts::with_state(
        engine.clone(),
        State::in_memory()?,
        Settings {
            interval: Duration::from_secs(300),
        },
    )?;
    alerts.catch_up()?;
    let words = vocabulary(&data);
    let topics: Vec<String> = engine
        .knowledge()
        .topics
        .list
        .iter()
        .map(|t| t.name.clone())
        .collect();
    let topics: Vec<&str> = topics.iter().map(String::as_str).collect();
    let mut rng = synth::Rng::new(11);
    let started = Instant::now();
    for i in 0..watches {
        let place = format!("{}", 100_000 + i % places);
        let origin = Origin::new(Platform::Discord, place, "bench").managing(true);
        alerts.watch(&origin, &watch_text(&mut rng, &words, &topics));
    }
    println!(
        "{watches} watches over {places} places made in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    // (1) One article at a time.
    let mut times = Vec::new();
    let mut matched = 0;
    for n in 0..20 {
        add_articles(&data, n, 1, &mut rng);
        engine.live().swap(Snapshot::in_ram(&data)?);
        let t = Instant::now();
        matched += alerts.catch_up()?;
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "one new article of 20 passages against {watches} watches: p50 {:.1} ms, p90 {:.1} ms, max {:.1} ms ({matched} places matched in all)",
        times[times.len() / 2],
        times[times.len() * 9 / 10],
        times[times.len() - 1]
    );

    // (2) A burst of 500 articles, then delivery.
    add_articles(&data, 1_000, 500, &mut rng);
    engine.live().swap(Snapshot::in_ram(&data)?);
    let t = Instant::now();
    let burst = alerts.catch_up()?;
    let matching = t.elapsed();
    let push = Arc::new(Counting::default());
    let pushes: Vec<Arc<dyn Push>> = vec![push.clone()];
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let t = Instant::now();
    let first = runtime.block_on(alerts.deliver(&pushes));
    let delivering = t.elapsed();
    let again = runtime.block_on(alerts.deliver(&pushes));
    let counts = push.0.lock().map(|m| m.clone()).unwrap_or_default();
    let most = counts.values().copied().max().unwrap_or(0);
    println!(
        "burst of 500 articles: {burst} matches in {:.2} s; {first} messages to {} places in {:.2} s (at most {most} per place; {again} more within the interval)",
        matching.as_secs_f64(),
        counts.len(),
        delivering.as_secs_f64(),
    );
    assert!(most <= 1 && again == 0, "more than one message per place");
    Ok(())
}
