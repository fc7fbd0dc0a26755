//! Watching data/ for changes and reporting them, debounced.
//!
//! notify reports reads too (inotify's open and close-without-write), and a rebuild reads
//! data/ (the topics, changed articles): reported as changes, every rebuild would start the
//! next one, forever. notify-debouncer-mini drops the kind of the events it merges, so the
//! events are filtered here and debounced by a small thread.

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use notify::{Event, EventKind, RecursiveMode, Watcher};

/// How long data/ must be quiet before a batch of changes is reported.
const QUIET: Duration = Duration::from_millis(200);

/// Keeps watching while alive.
pub struct DataWatcher {
    _watcher: notify::RecommendedWatcher,
}

/// Calls `on_change` once per debounced batch of changes to data files under `data_dir`
/// (created, written, renamed, removed; reading is not a change).
pub fn watch(
    data_dir: &Path,
    on_change: impl Fn() + Send + 'static,
) -> Result<DataWatcher, notify::Error> {
    let (tx, rx) = mpsc::channel::<()>();
    let mut watcher =
        notify::recommended_watcher(move |result: notify::Result<Event>| match result {
            Ok(event) => {
                if is_change(&event) {
                    let _ = tx.send(());
                }
            }
            Err(e) => tracing::warn!(error = %e, "watching data/ failed"),
        })?;
    watcher.watch(data_dir, RecursiveMode::Recursive)?;
    // Ends when the watcher, and with it the sender, is dropped.
    std::thread::Builder::new()
        .name("watch-data".into())
        .spawn(move || {
            while rx.recv().is_ok() {
                loop {
                    match rx.recv_timeout(QUIET) {
                        Ok(()) => continue,
                        Err(mpsc::RecvTimeoutError::Timeout) => break,
                        Err(mpsc::RecvTimeoutError::Disconnected) => return,
                    }
                }
                on_change();
            }
        })
        .map_err(|e| notify::Error::generic(&e.to_string()))?;
    Ok(DataWatcher { _watcher: watcher })
}

/// A change to a data file: not a read, not an editor's or a hidden file.
fn is_change(event: &Event) -> bool {
    !matches!(event.kind, EventKind::Access(_)) && event.paths.iter().any(|p| is_relevant(p))
}

/// Editor swap files and hidden files are not data.
fn is_relevant(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    !(name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_reported() {
        let tmp = tempfile::tempdir().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let _watcher = watch(tmp.path(), move || {
            let _ = tx.send(());
        })
        .unwrap();
        std::fs::write(tmp.path().join("a.md"), "x").unwrap();
        assert!(rx.recv_timeout(Duration::from_secs(10)).is_ok());
    }

    #[test]
    fn reading_data_is_not_a_change() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("a.md"), "x").unwrap();
        std::thread::sleep(Duration::from_millis(700));
        let (tx, rx) = std::sync::mpsc::channel();
        let _watcher = watch(tmp.path(), move || {
            let _ = tx.send(());
        })
        .unwrap();
        for _ in 0..3 {
            std::fs::read(tmp.path().join("a.md")).unwrap();
            let _ = std::fs::metadata(tmp.path().join("a.md")).unwrap();
        }
        assert!(rx.recv_timeout(Duration::from_secs(2)).is_err());
        // Still watching: a write after the reads is reported, once.
        std::fs::write(tmp.path().join("a.md"), "y").unwrap();
        assert!(rx.recv_timeout(Duration::from_secs(10)).is_ok());
        assert!(rx.recv_timeout(Duration::from_secs(2)).is_err());
    }

    #[test]
    fn temporary_and_hidden_files_are_not_data() {
        assert!(!is_relevant(Path::new("articles/.a.md.tmp")));
        assert!(!is_relevant(Path::new("articles/a.md~")));
        assert!(is_relevant(Path::new("articles/a.md")));
    }
}
