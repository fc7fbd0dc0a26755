//! Starting the core: make sure the index is current, open it, and keep it current while
//! data/ changes (rebuilt in the background and swapped in; commands keep being answered).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration;

use anyhow::Context as _;

use crate::engine::{Engine, EngineConfig, Knowledge};
use crate::index::store::Store;
use crate::index::{self, BuildOptions, Freshness, Snapshot, watch};

/// Opens (building when needed) the index of `data_dir` in `index_dir`.
pub fn open_index(
    data_dir: &Path,
    index_dir: &Path,
    force: bool,
    progress: bool,
) -> anyhow::Result<(Snapshot, Freshness)> {
    let store = Store::open(index_dir)
        .with_context(|| format!("cannot use index directory {}", index_dir.display()))?;
    let options = BuildOptions { progress };
    Ok(index::ensure_current(&store, data_dir, force, options)?)
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
    for warning in &snapshot.manifest.warnings {
        tracing::warn!(%warning, "article skipped");
    }
    engine_over(snapshot, data_dir, prefix)
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
    let engine = if read_only {
        follower_engine(data_dir, index_dir, prefix)?
    } else {
        engine(data_dir, index_dir, prefix, progress)?
    };
    engine.set_index_dir(index_dir, read_only);
    Ok(engine)
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
    _watcher: watch::DataWatcher,
}

/// Watches data/ and rebuilds in the background on every change; the engine keeps answering
/// from the old snapshot until the new one is swapped in.
pub fn reload_on_change(engine: Arc<Engine>, index_dir: &Path) -> anyhow::Result<Reloader> {
    let data_dir = engine.data_dir().to_path_buf();
    let (tx, rx) = mpsc::channel::<()>();
    let watcher = watch::watch(&data_dir, move || {
        let _ = tx.send(());
    })
    .with_context(|| format!("cannot watch {}", data_dir.display()))?;
    let index_dir: PathBuf = index_dir.to_path_buf();
    std::thread::Builder::new()
        .name("reindex".into())
        .spawn(move || {
            while rx.recv().is_ok() {
                // Changes that arrive during a rebuild are folded into the next one.
                std::thread::sleep(Duration::from_millis(100));
                while rx.try_recv().is_ok() {}
                refresh(&engine, &index_dir);
            }
        })
        .context("cannot start the reindex thread")?;
    Ok(Reloader { _watcher: watcher })
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

/// Follows the generations another process publishes in `index_dir`: each new `CURRENT` is
/// opened and swapped in whole (a half-built generation is never named by `CURRENT`).
pub fn follow_index(engine: Arc<Engine>, index_dir: &Path) -> anyhow::Result<Reloader> {
    let (tx, rx) = mpsc::channel::<()>();
    let watcher = watch::watch(index_dir, move || {
        let _ = tx.send(());
    })
    .with_context(|| format!("cannot watch {}", index_dir.display()))?;
    let index_dir = index_dir.to_path_buf();
    std::thread::Builder::new()
        .name("follow-index".into())
        .spawn(move || {
            loop {
                // Also looks every few seconds, in case a file event was missed.
                match rx.recv_timeout(Duration::from_secs(3)) {
                    Ok(()) | Err(mpsc::RecvTimeoutError::Timeout) => {}
                    Err(mpsc::RecvTimeoutError::Disconnected) => return,
                }
                while rx.try_recv().is_ok() {}
                follow_once(&engine, &index_dir);
            }
        })
        .context("cannot start the index follower thread")?;
    Ok(Reloader { _watcher: watcher })
}

/// Swaps in the published generation when it is not the one in use; true when it did.
pub fn follow_once(engine: &Engine, index_dir: &Path) -> bool {
    let Some(dir) = Store::current_in(index_dir) else {
        return false;
    };
    if engine.live().get().dir == dir {
        return false;
    }
    match Snapshot::open(&dir) {
        Ok(snapshot) => {
            tracing::info!(dir = %dir.display(), passages = snapshot.manifest.passages, "new published index in use");
            engine.live().swap(snapshot);
            match Knowledge::load(engine.data_dir()) {
                Ok(k) => engine.set_knowledge(k),
                Err(e) => {
                    tracing::error!(error = %e, "topics not reloaded; the previous ones stay in use")
                }
            }
            true
        }
        Err(e) => {
            tracing::warn!(dir = %dir.display(), error = %e, "cannot open the published index; the previous one keeps serving");
            false
        }
    }
}

/// Rebuilds if data/ changed and swaps the new index and topics in; errors keep the old ones.
pub fn refresh(engine: &Engine, index_dir: &Path) {
    let data_dir = engine.data_dir();
    match open_index(data_dir, index_dir, false, false) {
        Ok((snapshot, Freshness::Rebuilt)) => {
            tracing::info!(
                passages = snapshot.manifest.passages,
                "data changed: new index in use"
            );
            engine.live().swap(snapshot);
        }
        Ok((_, Freshness::UpToDate)) => {}
        Err(e) => tracing::error!(error = %e, "rebuild failed; the previous index keeps serving"),
    }
    match Knowledge::load(data_dir) {
        Ok(k) => engine.set_knowledge(k),
        Err(e) => tracing::error!(error = %e, "topics not reloaded; the previous ones stay in use"),
    }
}
