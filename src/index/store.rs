//! Index generations on disk: build into a new directory, publish it atomically, find the
//! current one; and the fingerprint of data/ that says whether a generation is current.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use thiserror::Error;

const CURRENT: &str = "CURRENT";
const LOCK: &str = "build.lock";
const GENERATION_PREFIX: &str = "gen-";

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("cannot use index directory {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("another process is building the index")]
    Busy,
    #[error("index build failed: {0}")]
    Build(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The generations of one index directory.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    /// Opens (creating when missing) an index directory.
    pub fn open(root: impl Into<PathBuf>) -> Result<Store, StoreError> {
        let root = root.into();
        fs::create_dir_all(&root).map_err(io(&root))?;
        Ok(Store { root })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The generation `CURRENT` names, when it exists.
    pub fn current(&self) -> Option<PathBuf> {
        Store::current_in(&self.root)
    }

    /// The generation `CURRENT` names in `root`, without opening (or creating) a store: for
    /// read-only followers.
    pub fn current_in(root: &Path) -> Option<PathBuf> {
        let name = fs::read_to_string(root.join(CURRENT)).ok()?;
        let name = name.trim();
        if !name.starts_with(GENERATION_PREFIX) || name.contains(['/', '\\']) {
            return None;
        }
        let dir = root.join(name);
        dir.is_dir().then_some(dir)
    }

    /// Every generation directory, newest first.
    pub fn generations(&self) -> Vec<PathBuf> {
        let Ok(entries) = fs::read_dir(&self.root) else {
            return Vec::new();
        };
        let mut found: Vec<(u128, PathBuf)> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .filter_map(|p| generation_millis(&p).map(|m| (m, p)))
            .collect();
        found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.cmp(&a.1)));
        found.into_iter().map(|(_, p)| p).collect()
    }

    /// Builds a new generation with `build` and publishes it as current. The old generation
    /// stays current until the new one is complete on disk; a failed build is removed.
    pub fn publish<E: std::fmt::Display>(
        &self,
        wait: bool,
        build: impl FnOnce(&Path) -> Result<(), E>,
    ) -> Result<PathBuf, StoreError> {
        let lock_path = self.root.join(LOCK);
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(io(&lock_path))?;
        if wait {
            lock.lock().map_err(io(&lock_path))?;
        } else if lock.try_lock().is_err() {
            return Err(StoreError::Busy);
        }
        let previous = self.current();
        // A new directory of its own: a failed build removes it, never a generation in use.
        let dir = self.root.join(new_generation_name());
        fs::create_dir(&dir).map_err(io(&dir))?;
        if let Err(e) = build(&dir) {
            let _ = fs::remove_dir_all(&dir);
            return Err(StoreError::Build(e.to_string()));
        }
        sync_dir(&dir)?;
        self.point_current_at(&dir)?;
        self.prune(&dir, previous.as_deref());
        drop(lock);
        Ok(dir)
    }

    /// Replaces `CURRENT` atomically: written aside, synced, renamed over.
    fn point_current_at(&self, dir: &Path) -> Result<(), StoreError> {
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let mut tmp = tempfile::Builder::new()
            .prefix(&format!("{CURRENT}.tmp-"))
            .tempfile_in(&self.root)
            .map_err(io(&self.root))?;
        let path = tmp.path().to_path_buf();
        tmp.write_all(name.as_bytes())
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(io(&path))?;
        // Readable by read-only followers running as another user, as before.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = tmp
                .as_file()
                .set_permissions(fs::Permissions::from_mode(0o644));
        }
        tmp.persist(self.root.join(CURRENT))
            .map_err(|e| e.error)
            .map_err(io(&path))?;
        sync_dir(&self.root)
    }

    /// Removes generations other than the new and the previous one (readers may still have
    /// the previous one open), leftovers of killed builds and stale temporary files.
    fn prune(&self, keep: &Path, previous: Option<&Path>) {
        for dir in self.generations() {
            if dir != keep
                && Some(dir.as_path()) != previous
                && let Err(e) = fs::remove_dir_all(&dir)
            {
                tracing::warn!(dir = %dir.display(), error = %e, "cannot remove an old index generation");
            }
        }
        let Ok(entries) = fs::read_dir(&self.root) else {
            return;
        };
        for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if name.starts_with(&format!("{CURRENT}.tmp-")) {
                let _ = fs::remove_file(&path);
            }
        }
    }

    /// Generations set aside by [`Store::discard`].
    pub fn set_aside(&self) -> Vec<PathBuf> {
        let Ok(entries) = fs::read_dir(&self.root) else {
            return Vec::new();
        };
        entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.is_dir()
                    && p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n.starts_with(SET_ASIDE))
            })
            .collect()
    }

    /// Removes a generation that is no longer wanted (written by an earlier version).
    pub fn remove(&self, generation: &Path) {
        if let Err(e) = fs::remove_dir_all(generation) {
            tracing::warn!(dir = %generation.display(), error = %e, "cannot remove an old index generation");
        }
    }

    /// Sets aside a generation that failed to open, so it is not picked again. Only the latest
    /// one is kept for inspection: each is as large as the archive's index.
    pub fn discard(&self, generation: &Path) {
        let Some(name) = generation.file_name().and_then(|n| n.to_str()) else {
            return;
        };
        for old in self.set_aside() {
            let _ = fs::remove_dir_all(old);
        }
        let bad = self.root.join(format!("{SET_ASIDE}{name}"));
        match fs::rename(generation, &bad) {
            Ok(()) => {
                tracing::warn!(dir = %bad.display(), "set aside an unusable index generation")
            }
            Err(e) => {
                tracing::warn!(dir = %generation.display(), error = %e, "cannot set aside an unusable index generation")
            }
        }
    }
}

/// The name prefix of a generation set aside.
const SET_ASIDE: &str = "bad-";

/// A generation's name: its time, the process and a count, so two builds in the same
/// millisecond (a failed one right after a good one) never share a directory.
fn new_generation_name() -> String {
    static BUILT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let count = BUILT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("{GENERATION_PREFIX}{millis}-{}-{count}", std::process::id())
}

fn generation_millis(path: &Path) -> Option<u128> {
    let name = path.file_name()?.to_str()?;
    name.strip_prefix(GENERATION_PREFIX)?
        .split('-')
        .next()?
        .parse()
        .ok()
}

fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    fn sync_tree(dir: &Path) -> std::io::Result<()> {
        for entry in fs::read_dir(dir)? {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                File::open(entry.path())?.sync_all()?;
            }
        }
        File::open(dir)?.sync_all()
    }
    sync_tree(dir).map_err(io(dir))
}

/// Size, modification time and content hash of one data file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    /// Relative to the data folder, `/`-separated.
    pub path: String,
    pub size: u64,
    pub mtime_ns: u128,
    /// blake3, hex.
    pub hash: String,
}

/// What data/ held when an index was built.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Fingerprint {
    pub files: Vec<FileStamp>,
}

impl Fingerprint {
    /// Stamps `articles/*.md`, `topics.toml` and `synonyms.toml`. A file whose size and mtime
    /// match `previous` keeps its hash without being read again.
    pub fn of_data_dir(
        data_dir: &Path,
        previous: Option<&Fingerprint>,
    ) -> std::io::Result<Fingerprint> {
        let mut paths: Vec<(String, PathBuf)> = Vec::new();
        let articles = data_dir.join("articles");
        if articles.is_dir() {
            for entry in fs::read_dir(&articles)? {
                let path = entry?.path();
                let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
                    continue;
                };
                if !name.starts_with('.') && name.ends_with(".md") {
                    paths.push((format!("articles/{name}"), path.clone()));
                }
            }
        }
        for name in ["topics.toml", "synonyms.toml"] {
            paths.push((name.to_string(), data_dir.join(name)));
        }
        paths.sort();
        // Looked up by path: a corpus has tens of thousands of files.
        let previous_by_path: std::collections::HashMap<&str, &FileStamp> = previous
            .map(|p| p.files.iter().map(|f| (f.path.as_str(), f)).collect())
            .unwrap_or_default();
        let mut files = Vec::with_capacity(paths.len());
        for (relative, path) in paths {
            // One stat per file: what is not there, or not a file, is not data.
            let meta = match fs::metadata(&path) {
                Ok(meta) if meta.is_file() => meta,
                _ => continue,
            };
            let mtime_ns = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            let known = previous_by_path
                .get(relative.as_str())
                .copied()
                .filter(|f| f.size == meta.len() && f.mtime_ns == mtime_ns && mtime_ns != 0);
            let hash = match known {
                Some(f) => f.hash.clone(),
                None => match fs::read(&path) {
                    Ok(bytes) => blake3::hash(&bytes).to_hex().to_string(),
                    Err(_) => continue,
                },
            };
            files.push(FileStamp {
                path: relative,
                size: meta.len(),
                mtime_ns,
                hash,
            });
        }
        Ok(Fingerprint { files })
    }

    /// Same files with the same content (sizes and times aside).
    pub fn same_content(&self, other: &Fingerprint) -> bool {
        self.files.len() == other.files.len()
            && self
                .files
                .iter()
                .zip(&other.files)
                .all(|(a, b)| a.path == b.path && a.hash == b.hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(dir: &Path) -> Result<(), String> {
        fs::write(dir.join("data"), "x").map_err(|e| e.to_string())
    }

    #[test]
    fn publish_makes_the_new_generation_current() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path().join("index")).unwrap();
        assert_eq!(store.current(), None);
        let dir = store.publish(true, ok).unwrap();
        assert_eq!(store.current(), Some(dir.clone()));
        assert!(dir.join("data").is_file());
    }

    #[test]
    fn a_failed_build_leaves_the_old_generation_current_and_no_partial_dir() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path()).unwrap();
        let old = store.publish(true, ok).unwrap();
        let err = store.publish(true, |_| Err::<(), _>("boom")).unwrap_err();
        assert!(err.to_string().contains("boom"));
        assert_eq!(store.current(), Some(old));
        assert_eq!(store.generations().len(), 1);
    }

    /// Two builds in one millisecond shared a directory name, so a failed build right after a
    /// good one removed the generation in use (seen once in a test run).
    #[test]
    fn a_failed_build_in_the_same_millisecond_never_removes_the_current_generation() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path()).unwrap();
        for _ in 0..200 {
            let good = store.publish(true, ok).unwrap();
            assert!(store.publish(true, |_| Err::<(), _>("boom")).is_err());
            assert_eq!(store.current(), Some(good));
        }
    }

    #[test]
    fn old_generations_are_pruned_keeping_the_previous_one() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path()).unwrap();
        let first = store.publish(true, ok).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
        let second = store.publish(true, ok).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(5));
        let third = store.publish(true, ok).unwrap();
        let left = store.generations();
        assert_eq!(left, vec![third, second]);
        assert!(!first.exists());
    }

    #[test]
    fn a_killed_build_leftover_is_ignored_then_cleaned_up() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path()).unwrap();
        let good = store.publish(true, ok).unwrap();
        let leftover = tmp.path().join("gen-1-99999");
        fs::create_dir_all(&leftover).unwrap();
        fs::write(tmp.path().join("CURRENT.tmp-99999"), "gen-1-99999").unwrap();
        assert_eq!(store.current(), Some(good.clone()));
        std::thread::sleep(std::time::Duration::from_millis(5));
        store.publish(true, ok).unwrap();
        assert!(!leftover.exists());
        assert!(!tmp.path().join("CURRENT.tmp-99999").exists());
    }

    #[test]
    fn current_naming_a_missing_dir_is_none() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path()).unwrap();
        fs::write(tmp.path().join("CURRENT"), "gen-5-1").unwrap();
        assert_eq!(store.current(), None);
        fs::write(tmp.path().join("CURRENT"), "../etc").unwrap();
        assert_eq!(store.current(), None);
    }

    #[test]
    fn discard_sets_a_generation_aside() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path()).unwrap();
        let dir = store.publish(true, ok).unwrap();
        store.discard(&dir);
        assert_eq!(store.current(), None);
        assert!(store.generations().is_empty());
        assert_eq!(store.set_aside().len(), 1);
    }

    #[test]
    fn only_the_latest_generation_set_aside_is_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path()).unwrap();
        for _ in 0..3 {
            let dir = store.publish(true, ok).unwrap();
            store.discard(&dir);
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        let kept = store.set_aside();
        assert_eq!(kept.len(), 1, "{kept:?}");
        assert!(kept[0].join("data").is_file());
        let dir = store.publish(true, ok).unwrap();
        store.remove(&dir);
        assert!(!dir.exists());
        assert_eq!(store.current(), None);
    }

    #[test]
    fn a_held_lock_makes_a_non_waiting_publish_busy() {
        let tmp = tempfile::tempdir().unwrap();
        let store = Store::open(tmp.path()).unwrap();
        let holder = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(tmp.path().join(LOCK))
            .unwrap();
        holder.lock().unwrap();
        assert!(matches!(store.publish(false, ok), Err(StoreError::Busy)));
        drop(holder);
        assert!(store.publish(false, ok).is_ok());
    }

    #[test]
    fn fingerprints_follow_content_and_reuse_unchanged_hashes() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path();
        fs::create_dir_all(data.join("articles")).unwrap();
        fs::write(data.join("articles/a.md"), "one").unwrap();
        fs::write(data.join("articles/.hidden.md"), "x").unwrap();
        fs::write(data.join("articles/a.md~"), "x").unwrap();
        fs::create_dir_all(data.join("articles/folder.md")).unwrap();
        fs::write(data.join("topics.toml"), "").unwrap();
        let first = Fingerprint::of_data_dir(data, None).unwrap();
        // a.md and topics.toml: not the hidden file, the backup, the folder or the missing
        // synonyms.toml.
        let paths: Vec<&str> = first.files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["articles/a.md", "topics.toml"]);
        assert!(first.same_content(&Fingerprint::of_data_dir(data, None).unwrap()));
        let mut fake = first.clone();
        fake.files[0].hash = "carried".into();
        assert_eq!(
            Fingerprint::of_data_dir(data, Some(&fake)).unwrap().files[0].hash,
            "carried"
        );
        fs::write(data.join("articles/b.md"), "two").unwrap();
        let added = Fingerprint::of_data_dir(data, Some(&first)).unwrap();
        assert!(!added.same_content(&first));
        fs::write(data.join("articles/a.md"), "uno").unwrap();
        let edited = Fingerprint::of_data_dir(data, Some(&added)).unwrap();
        assert!(!edited.same_content(&added));
        fs::remove_file(data.join("articles/b.md")).unwrap();
        assert!(
            !Fingerprint::of_data_dir(data, Some(&edited))
                .unwrap()
                .same_content(&edited)
        );
    }
}
