//! Watching data/ for changes and reporting them, debounced.

use std::path::Path;
use std::time::Duration;

use notify::RecursiveMode;
use notify_debouncer_mini::{DebounceEventResult, Debouncer, new_debouncer};

/// Keeps watching while alive.
pub struct DataWatcher {
    _debouncer: Debouncer<notify::RecommendedWatcher>,
}

/// Calls `on_change` once per debounced batch of changes to data files under `data_dir`.
pub fn watch(
    data_dir: &Path,
    on_change: impl Fn() + Send + 'static,
) -> Result<DataWatcher, notify::Error> {
    let mut debouncer = new_debouncer(
        Duration::from_millis(500),
        move |result: DebounceEventResult| match result {
            Ok(events) => {
                if events.iter().any(|e| is_relevant(&e.path)) {
                    on_change();
                }
            }
            Err(e) => tracing::warn!(error = %e, "watching data/ failed"),
        },
    )?;
    debouncer
        .watcher()
        .watch(data_dir, RecursiveMode::Recursive)?;
    Ok(DataWatcher {
        _debouncer: debouncer,
    })
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
    fn temporary_and_hidden_files_are_not_data() {
        assert!(!is_relevant(Path::new("articles/.a.md.tmp")));
        assert!(!is_relevant(Path::new("articles/a.md~")));
        assert!(is_relevant(Path::new("articles/a.md")));
    }
}
