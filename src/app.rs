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
