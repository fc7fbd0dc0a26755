//! The index lifecycle: make sure the index is current, open it, keep it current while data/
//! changes (rebuilt in the background and swapped in; commands keep being answered), and
//! answer `!status` and `!reindex` for the conversation pipeline.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::conversation::{Operations, Pipeline};
use crate::engine::{Answer, Engine, EngineConfig, Knowledge, NoticeKind};
use crate::index::store::Store;
use crate::index::{self, BuildOptions, Freshness, Snapshot, watch};
use crate::texts;

/// The live index of this process, as `!status` and `!reindex` see it.
pub struct LiveIndex {
    engine: Arc<Engine>,
    /// Where the index lives on disk (`None`: in memory), and whether another process builds it.
    dir: Option<(PathBuf, bool)>,
}

impl LiveIndex {
    pub fn new(engine: Arc<Engine>, index_dir: Option<&Path>, read_only: bool) -> LiveIndex {
        LiveIndex {
            engine,
            dir: index_dir.map(|d| (d.to_path_buf(), read_only)),
        }
    }
}

impl Operations for LiveIndex {
    fn status(&self) -> String {
        crate::ops::status().report(&self.engine).text()
    }

    /// Rebuilds the index from data/ now and swaps it in; the old one serves meanwhile.
    fn reindex(&self) -> Answer {
        let info = |text: String| Answer::notice(NoticeKind::Info, text, Vec::new());
        let Some((dir, read_only)) = &self.dir else {
            return info(texts::REINDEX_IN_MEMORY.into());
        };
        if *read_only {
            return info(texts::REINDEX_READ_ONLY.into());
        }
        let started = Instant::now();
        match open_index(self.engine.data_dir(), dir, true, false) {
            Ok((snapshot, _)) => {
                let m = &snapshot.manifest;
                let text = texts::reindexed(
                    started.elapsed().as_millis(),
                    m.articles.len(),
                    m.passages,
                    m.warnings.len(),
                );
                install(&self.engine, snapshot);
                info(text)
            }
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "!reindex failed; the previous index keeps serving");
                Answer::notice(NoticeKind::Busy, texts::REINDEX_FAILED, Vec::new())
            }
        }
    }
}

/// The conversation pipeline over `engine`, with `!status` and `!reindex` going to its index.
pub fn pipeline(engine: Arc<Engine>, index_dir: Option<&Path>, read_only: bool) -> Pipeline {
    let live = LiveIndex::new(engine.clone(), index_dir, read_only);
    Pipeline::new(engine).with_operations(Arc::new(live))
}

/// A pipeline over an in-memory index of `data_dir` (tests, benchmarks, eval).
pub fn pipeline_in_ram(data_dir: &Path) -> anyhow::Result<Pipeline> {
    Ok(pipeline(Arc::new(Engine::in_ram(data_dir)?), None, false))
}

/// Swaps a new snapshot in and reloads the topics and synonyms with it (errors keep the
/// previous topics).
pub fn install(engine: &Engine, snapshot: Snapshot) {
    engine.live().swap(snapshot);
    reload_knowledge(engine);
}

fn reload_knowledge(engine: &Engine) {
    match Knowledge::load(engine.data_dir()) {
        Ok(k) => engine.set_knowledge(k),
        Err(e) => tracing::error!(error = %e, "topics not reloaded; the previous ones stay in use"),
    }
}

/// Opens (building when needed) the index of `data_dir` in `index_dir`.
pub fn open_index(
    data_dir: &Path,
    index_dir: &Path,
    force: bool,
    progress: bool,
) -> anyhow::Result<(Snapshot, Freshness)> {
    let options = BuildOptions { progress };
    Ok(index::ensure_current(
        &store(index_dir)?,
        data_dir,
        force,
        options,
    )?)
}

fn store(index_dir: &Path) -> anyhow::Result<Store> {
    Store::open(index_dir)
        .with_context(|| format!("cannot use index directory {}", index_dir.display()))
}

/// The engine over the current index of `data_dir`.
pub fn engine(
    data_dir: &Path,
    index_dir: &Path,
    prefix: &str,
    progress: bool,
) -> anyhow::Result<Arc<Engine>> {
    let (snapshot, freshness) = open_index(data_dir, index_dir, false, progress)?;
    if freshness == Freshness::Rebuilt {
        tracing::info!(
            articles = snapshot.manifest.articles.len(),
            passages = snapshot.manifest.passages,
            "index ready"
        );
    }
    log_skipped(&snapshot);
    engine_over(snapshot, data_dir, prefix)
}

/// Logs the articles the snapshot's build skipped.
fn log_skipped(snapshot: &Snapshot) {
    for warning in &snapshot.manifest.warnings {
        tracing::warn!(%warning, "article skipped");
    }
}

/// The engine over an opened snapshot, with the topics and synonyms of `data_dir`.
fn engine_over(snapshot: Snapshot, data_dir: &Path, prefix: &str) -> anyhow::Result<Arc<Engine>> {
    let knowledge = Knowledge::load(data_dir)?;
    let config = EngineConfig {
        prefix: prefix.to_string(),
        ..EngineConfig::default()
    };
    Ok(Arc::new(Engine::new(
        index::Live::new(snapshot),
        knowledge,
        data_dir,
        config,
    )))
}

/// The engine for this process: over the index it keeps current itself, or over the index
/// another process publishes when `read_only`.
pub fn engine_for(
    data_dir: &Path,
    index_dir: &Path,
    prefix: &str,
    progress: bool,
    read_only: bool,
) -> anyhow::Result<Arc<Engine>> {
    if read_only {
        follower_engine(data_dir, index_dir, prefix)
    } else {
        engine(data_dir, index_dir, prefix, progress)
    }
}

/// The engine for a long-running bot: like [`engine_for`], except that an existing index is
/// served at once, without first comparing every file of data/ with it (at a million
/// passages, 20,000 articles, that scan alone took 90 ms of the start). [`keep_current`]
/// makes that comparison in the background and swaps in a rebuilt index if data/ changed
/// while the bot was stopped.
/// With no usable index it is built first, as there is nothing to answer from.
pub fn serving_engine(
    data_dir: &Path,
    index_dir: &Path,
    prefix: &str,
    progress: bool,
    read_only: bool,
) -> anyhow::Result<Arc<Engine>> {
    if read_only {
        return engine_for(data_dir, index_dir, prefix, progress, true);
    }
    let Some(snapshot) = index::open_current(&store(index_dir)?) else {
        return engine_for(data_dir, index_dir, prefix, progress, false);
    };
    tracing::info!(
        dir = %snapshot.dir.display(),
        passages = snapshot.manifest.passages,
        "serving the existing index; checking data/ for changes in the background"
    );
    log_skipped(&snapshot);
    engine_over(snapshot, data_dir, prefix)
}

/// Keeps the engine current while alive: rebuilding on data/ changes, or following the
/// published index when `read_only`.
pub fn keep_current(
    engine: Arc<Engine>,
    index_dir: &Path,
    read_only: bool,
) -> anyhow::Result<Reloader> {
    if read_only {
        follow_index(engine, index_dir)
    } else {
        reload_on_change(engine, index_dir)
    }
}

/// Keeps the engine's index current while alive.
pub struct Reloader {
    _watcher: Option<watch::DataWatcher>,
    _stop: Option<StopOnDrop>,
}

/// What a watch loop is told.
enum Signal {
    Changed,
    Stop,
}

/// How long a burst of file events is waited out before acting on it.
const QUIET: Duration = Duration::from_millis(100);

/// Runs `on_change` after each burst of changes (changes that arrive while it runs are folded
/// into the next call) until told to stop or every sender is gone. With `poll`, it also runs
/// when nothing arrived for that long, in case a file event was missed.
fn debounced(rx: &mpsc::Receiver<Signal>, poll: Option<Duration>, mut on_change: impl FnMut()) {
    loop {
        let signal = match poll {
            Some(every) => match rx.recv_timeout(every) {
                Ok(signal) => signal,
                Err(mpsc::RecvTimeoutError::Timeout) => Signal::Changed,
                Err(mpsc::RecvTimeoutError::Disconnected) => return,
            },
            None => match rx.recv() {
                Ok(signal) => signal,
                Err(_) => return,
            },
        };
        if let Signal::Stop = signal {
            return;
        }
        std::thread::sleep(QUIET);
        while let Ok(signal) = rx.try_recv() {
            if let Signal::Stop = signal {
                return;
            }
        }
        on_change();
    }
}

/// Stops the reindex thread when dropped (after the rebuild it may be doing).
struct StopOnDrop(mpsc::Sender<Signal>);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        let _ = self.0.send(Signal::Stop);
    }
}

/// Watches data/ and rebuilds in the background on every change; the engine keeps answering
/// from the old snapshot until the new one is swapped in. Once the watch is on, it also
/// compares data/ with the index, so that nothing changed before (while the bot was stopped,
/// or between opening the index and starting the watch) is missed. Both happen on the
/// reindex thread: setting up a recursive watch visits every file of data/ (50 ms for 20,000
/// articles), and the comparison stats them all, so neither delays the first answer.
pub fn reload_on_change(engine: Arc<Engine>, index_dir: &Path) -> anyhow::Result<Reloader> {
    let data_dir = engine.data_dir().to_path_buf();
    let (tx, rx) = mpsc::channel::<Signal>();
    let changes = tx.clone();
    let index_dir: PathBuf = index_dir.to_path_buf();
    std::thread::Builder::new()
        .name("reindex".into())
        .spawn(move || {
            // While the watch is off, `!status` and `/healthz` say so.
            let (_watcher, _unwatched) = match watch::watch(&data_dir, move || {
                let _ = changes.send(Signal::Changed);
            }) {
                Ok(watcher) => (Some(watcher), None),
                Err(e) => {
                    tracing::error!(dir = %data_dir.display(), error = %e, "cannot watch data/; changes are picked up on restart or with !reindex");
                    (None, Some(crate::ops::status().data_unwatched(e.to_string())))
                }
            };
            let mut updater = None;
            keep_up(&engine, &index_dir, &mut updater);
            debounced(&rx, None, || keep_up(&engine, &index_dir, &mut updater));
        })
        .context("cannot start the reindex thread")?;
    Ok(Reloader {
        _watcher: None,
        _stop: Some(StopOnDrop(tx)),
    })
}

/// The engine over an index another process builds (`CLIPPINGS_INDEX_READ_ONLY`): it never
/// writes `index_dir`, and waits (logging) until a first generation is published there.
pub fn follower_engine(
    data_dir: &Path,
    index_dir: &Path,
    prefix: &str,
) -> anyhow::Result<Arc<Engine>> {
    let mut waited = Duration::ZERO;
    let snapshot = loop {
        if let Some(dir) = Store::current_in(index_dir) {
            match Snapshot::open(&dir) {
                Ok(snapshot) => break snapshot,
                Err(e) => {
                    tracing::warn!(dir = %dir.display(), error = %e, "cannot open the published index yet")
                }
            }
        }
        if waited.as_millis().is_multiple_of(10_000) {
            tracing::info!(index = %index_dir.display(), "waiting for the index builder to publish an index");
        }
        std::thread::sleep(Duration::from_millis(250));
        waited += Duration::from_millis(250);
    };
    tracing::info!(dir = %snapshot.dir.display(), passages = snapshot.manifest.passages, "serving a published index (read-only)");
    engine_over(snapshot, data_dir, prefix)
}

/// Follows the index another process writes in `index_dir`: each new `CURRENT`, and each
/// commit of the writer updating the current generation in place, is opened and swapped in
/// whole (a half-built generation is never named by `CURRENT`, and a commit names the
/// manifest and dictionary that go with it).
pub fn follow_index(engine: Arc<Engine>, index_dir: &Path) -> anyhow::Result<Reloader> {
    let (tx, rx) = mpsc::channel::<Signal>();
    let watcher = watch::watch(index_dir, move || {
        let _ = tx.send(Signal::Changed);
    })
    .with_context(|| format!("cannot watch {}", index_dir.display()))?;
    let index_dir = index_dir.to_path_buf();
    std::thread::Builder::new()
        .name("follow-index".into())
        .spawn(move || {
            debounced(&rx, Some(FOLLOW_POLL), || {
                follow_once(&engine, &index_dir);
            });
        })
        .context("cannot start the index follower thread")?;
    Ok(Reloader {
        _watcher: Some(watcher),
        _stop: None,
    })
}

/// How often a follower looks for a commit when no file event told it of one.
const FOLLOW_POLL: Duration = Duration::from_secs(1);

/// Swaps in the published generation, or its last commit, when it is not the one in use; true
/// when it did.
pub fn follow_once(engine: &Engine, index_dir: &Path) -> bool {
    let Some(dir) = Store::current_in(index_dir) else {
        return false;
    };
    let live = engine.live().get();
    let opened = if live.dir == dir {
        // The same generation: a commit or a merge of the writer updating it in place?
        if index::incremental::committed_version(&dir).as_ref() == Some(&live.version) {
            return false;
        }
        Snapshot::open_index(live.index.clone(), &dir)
    } else {
        Snapshot::open(&dir)
    };
    drop(live);
    match opened {
        Ok(snapshot) => {
            tracing::info!(dir = %dir.display(), passages = snapshot.manifest.passages, "new published index in use");
            install(engine, snapshot);
            true
        }
        Err(e) => {
            tracing::warn!(dir = %dir.display(), error = %e, "cannot open the published index; the previous one keeps serving");
            false
        }
    }
}

/// How long the bot waits for the merges that drop an edited or removed article's old
/// passages before it swaps in their result (answers are served meanwhile).
const SETTLE: Duration = Duration::from_secs(30);

/// What one step of keeping the index current did.
enum Step {
    /// Nothing changed.
    Nothing,
    /// Changes were committed in place; `deleted` when passages went (merges follow).
    Updated(Snapshot, Freshness, bool),
    /// A new generation was built (there was no usable one), or the index was current.
    Opened(Snapshot, Freshness),
}

/// Applies what changed in `data_dir` to the current generation in place with the writer
/// kept in `updater` (opened on the current generation when missing or stale); builds a new
/// generation only when there is no usable one.
fn step(
    data_dir: &Path,
    index_dir: &Path,
    updater: &mut Option<index::incremental::Updater>,
) -> anyhow::Result<Step> {
    let current = Store::current_in(index_dir);
    if updater.as_ref().map(|u| u.dir()) != current.as_deref() {
        // A new generation (a rebuild, `!reindex`) or none: the writer follows it.
        *updater = None;
    }
    if updater.is_none() {
        let opened = current.map(|dir| (index::incremental::Updater::open(&dir), dir));
        match opened {
            Some((Ok(opened), _)) => *updater = Some(opened),
            Some((Err(e), dir)) => {
                tracing::warn!(dir = %dir.display(), error = %e, "cannot update the index in place");
                let (snapshot, freshness) = open_index(data_dir, index_dir, false, false)?;
                return Ok(Step::Opened(snapshot, freshness));
            }
            None => {
                let (snapshot, freshness) = open_index(data_dir, index_dir, false, false)?;
                return Ok(Step::Opened(snapshot, freshness));
            }
        }
    }
    let Some(writer) = updater.as_mut() else {
        return Ok(Step::Nothing);
    };
    let started = Instant::now();
    match writer.apply(data_dir) {
        Ok(Some((changes, snapshot))) => {
            index::record_update(&changes, started);
            crate::ops::status().index_update_failed(None);
            Ok(Step::Updated(
                snapshot,
                Freshness::Updated(changes),
                changes.deleted_passages,
            ))
        }
        Ok(None) => Ok(Step::Nothing),
        Err(e) => {
            crate::ops::status().index_update_failed(Some(e.to_string()));
            metrics::counter!("clippings_index_update_failures_total").increment(1);
            *updater = None;
            Err(e.into())
        }
    }
}

/// Waits for the merges that drop deleted passages, then hands over the merged snapshot.
fn settle(updater: &mut Option<index::incremental::Updater>, then: impl FnOnce(Snapshot)) {
    let Some(writer) = updater.as_mut() else {
        return;
    };
    match writer.settle(SETTLE) {
        Ok(Some(settled)) => then(settled),
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "cannot reopen the index after merging"),
    }
}

/// Applies what changed in data/ to the current generation in place with the writer this
/// thread keeps open (`updater`), and swaps each commit in; builds a new generation only
/// when there is no usable one. Errors keep the index in use.
pub fn keep_up(
    engine: &Engine,
    index_dir: &Path,
    updater: &mut Option<index::incremental::Updater>,
) {
    match step(engine.data_dir(), index_dir, updater) {
        Ok(Step::Nothing) => {}
        Ok(Step::Updated(snapshot, _, deleted)) => {
            install(engine, snapshot);
            if deleted {
                settle(updater, |settled| install(engine, settled));
            }
        }
        Ok(Step::Opened(snapshot, freshness)) => {
            if freshness != Freshness::UpToDate || snapshot.dir != engine.live().get().dir {
                install(engine, snapshot);
            }
        }
        Err(e) => {
            tracing::error!(error = %format!("{e:#}"), "index update failed; the index in use keeps serving");
        }
    }
}

/// `clippings index --watch`: applies every change of data/ to the published index (in place,
/// or by a rebuild when it must) until the process stops; `built` hears of each.
pub fn rebuild_on_change(
    data_dir: &Path,
    index_dir: &Path,
    mut built: impl FnMut(&Snapshot, Freshness),
) -> anyhow::Result<()> {
    let (tx, rx) = mpsc::channel::<Signal>();
    let _watcher = watch::watch(data_dir, move || {
        let _ = tx.send(Signal::Changed);
    })
    .with_context(|| format!("cannot watch {}", data_dir.display()))?;
    let mut updater = None;
    debounced(&rx, None, || {
        match step(data_dir, index_dir, &mut updater) {
            Ok(Step::Nothing) => {}
            Ok(Step::Updated(snapshot, freshness, deleted)) => {
                built(&snapshot, freshness);
                if deleted {
                    // Followers see the merged segments as a new version of the same commit.
                    settle(&mut updater, |_| {});
                }
            }
            Ok(Step::Opened(snapshot, freshness)) => {
                if freshness != Freshness::UpToDate {
                    built(&snapshot, freshness)
                }
            }
            Err(e) => {
                tracing::error!(error = %format!("{e:#}"), "index update failed; the index published keeps serving")
            }
        }
    });
    Ok(())
}
