//! The tantivy index over passages: schema, building, generations on disk, and the live
//! handle the engine searches through.

pub mod build;
pub mod directory;
pub mod incremental;
pub mod schema;
pub mod store;
pub mod tokenizer;
pub mod watch;
pub mod words;

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use tantivy::{Index, IndexReader, ReloadPolicy};
use thiserror::Error;

pub use build::{BuildOptions, Manifest};
pub use schema::{Fields, StoredPassage};
use store::{Fingerprint, Store, StoreError};
use words::Words;

use crate::corpus::CorpusError;

#[derive(Debug, Error)]
pub enum IndexError {
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("index is unusable: {0}")]
    Corrupt(String),
    #[error("index format {found} was written by an earlier version (this one reads {reads})")]
    OldFormat { found: u32, reads: u32 },
    #[error("no article could be read ({0} skipped, see the warnings above)")]
    NoArticles(usize),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("search index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

/// One opened generation: the tantivy index, a reader and what the manifest says.
pub struct Snapshot {
    pub dir: PathBuf,
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
    pub manifest: Manifest,
    /// The spelling dictionary.
    pub words: Words,
    /// The tantivy commit this snapshot reads (0 for an index in memory).
    pub opstamp: u64,
    /// A hash of the `meta.json` it was opened at: changes with every commit and merge
    /// (followers compare it; empty for an index in memory).
    pub version: String,
    /// The article of each passage, per segment (positions in `manifest.articles`), made on
    /// first use: counting articles that match a query (`!trend`, `!digest`) without loading
    /// every matching passage.
    doc_articles: std::sync::OnceLock<Vec<Vec<u32>>>,
}

/// How many times opening retries when a commit lands while it reads.
const OPEN_ATTEMPTS: usize = 50;

impl Snapshot {
    pub fn open(dir: &Path) -> Result<Snapshot, IndexError> {
        let corrupt = |e: &dyn std::fmt::Display| IndexError::Corrupt(e.to_string());
        let directory = directory::IndexDirectory::open(dir).map_err(|e| corrupt(&e))?;
        let index = Index::open(directory).map_err(|e| corrupt(&e))?;
        Snapshot::open_index(index, dir)
    }

    /// Opens the last commit of an opened index with the manifest and dictionary that commit
    /// names. A commit landing meanwhile (another process updating the index) is seen by
    /// comparing the commit before and after the reader opens; then it starts again, so the
    /// passages and what is derived from them always belong to one commit.
    pub fn open_index(index: Index, dir: &Path) -> Result<Snapshot, IndexError> {
        let corrupt = |e: tantivy::TantivyError| IndexError::Corrupt(e.to_string());
        let mut last_error = None;
        for _ in 0..OPEN_ATTEMPTS {
            let raw = incremental::read_meta(&index).map_err(corrupt)?;
            let before = index.load_metas().map_err(corrupt)?;
            let derived = incremental::Derived::of(before.payload.as_deref());
            let read = derived.read(dir).and_then(|(manifest, words)| {
                Snapshot::from_index(index.clone(), manifest, words, dir.to_path_buf())
            });
            // meta.json is replaced whole (written aside and renamed): the same bytes after
            // the reader opened mean the reader, the metas and the files are one commit's.
            if incremental::read_meta(&index).map_err(corrupt)? != raw {
                std::thread::sleep(std::time::Duration::from_millis(5));
                continue;
            }
            let mut snapshot = match read {
                Ok(snapshot) => snapshot,
                // A commit between reading the metas and the files (which it replaced) shows
                // as a missing file: tried again. Anything else is the index's state.
                Err(e @ IndexError::Corrupt(_)) if derived.is_numbered() => {
                    last_error = Some(e);
                    std::thread::sleep(std::time::Duration::from_millis(5));
                    continue;
                }
                Err(e) => return Err(e),
            };
            snapshot.version = blake3::hash(&raw).to_hex().to_string();
            snapshot.opstamp = before.opstamp;
            let docs = snapshot.reader.searcher().num_docs();
            if docs != snapshot.manifest.passages {
                return Err(IndexError::Corrupt(format!(
                    "{docs} passages in the index, {} in the manifest",
                    snapshot.manifest.passages
                )));
            }
            return Ok(snapshot);
        }
        Err(last_error.unwrap_or_else(|| {
            IndexError::Corrupt("the index kept changing while it was opened".into())
        }))
    }

    /// An in-memory index of a data folder, for tests and benchmarks that need no files.
    pub fn in_ram(data_dir: &Path) -> Result<Snapshot, IndexError> {
        let (schema, _) = Fields::schema();
        let index = Index::create_in_ram(schema);
        let (manifest, words) = build::fill(
            &index,
            data_dir,
            Fingerprint::default(),
            BuildOptions::default(),
        )?;
        Snapshot::from_index(index, manifest, words, PathBuf::new())
    }

    pub(crate) fn from_index(
        index: Index,
        manifest: Manifest,
        words: Words,
        dir: PathBuf,
    ) -> Result<Snapshot, IndexError> {
        schema::register_tokenizers(&index);
        let corrupt = |e: tantivy::TantivyError| IndexError::Corrupt(e.to_string());
        let fields = Fields::of(&index).map_err(corrupt)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .map_err(corrupt)?;
        Ok(Snapshot {
            dir,
            index,
            reader,
            fields,
            manifest,
            words,
            opstamp: 0,
            version: String::new(),
            doc_articles: std::sync::OnceLock::new(),
        })
    }

    /// The position in `manifest.articles` of the article of each passage of the searcher's
    /// segments (`u32::MAX` for none), by segment ordinal then document id.
    pub fn doc_articles(&self, searcher: &tantivy::Searcher) -> &[Vec<u32>] {
        self.doc_articles.get_or_init(|| {
            searcher
                .segment_readers()
                .iter()
                .map(|segment| self.segment_articles(segment).unwrap_or_default())
                .collect()
        })
    }

    fn segment_articles(&self, segment: &tantivy::SegmentReader) -> tantivy::Result<Vec<u32>> {
        use tantivy::DocSet;
        let mut out = vec![u32::MAX; segment.max_doc() as usize];
        let inverted = segment.inverted_index(self.fields.article)?;
        let mut terms = inverted.terms().stream()?;
        while terms.advance() {
            let Some(position) = std::str::from_utf8(terms.key())
                .ok()
                .and_then(|slug| self.manifest.position(slug))
            else {
                continue;
            };
            let mut postings = inverted.read_postings_from_terminfo(
                terms.value(),
                tantivy::schema::IndexRecordOption::Basic,
            )?;
            let mut doc = postings.doc();
            while doc != tantivy::TERMINATED {
                if let Some(slot) = out.get_mut(doc as usize) {
                    *slot = position as u32;
                }
                doc = postings.advance();
            }
        }
        Ok(out)
    }
}

/// What [`ensure_current`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// The current generation matched data/.
    UpToDate,
    /// The changes of data/ were applied to the current generation in place.
    Updated(incremental::Changes),
    /// A new generation was built.
    Rebuilt,
}

/// How long a one-off update waits for the merges that drop deleted passages.
const SETTLE: std::time::Duration = std::time::Duration::from_secs(120);

/// Opens the current generation when it matches `data_dir`; when data/ changed, applies the
/// changes to it in place ([`incremental::Updater`]). A new generation is built only with
/// `force`, without a usable current one, or when the update cannot be made. A generation
/// that fails to open is set aside with a warning and rebuilt from data/.
pub fn ensure_current(
    store: &Store,
    data_dir: &Path,
    force: bool,
    options: BuildOptions,
) -> Result<(Snapshot, Freshness), IndexError> {
    if !force && let Some(snapshot) = open_current(store) {
        let fingerprint = Fingerprint::of_data_dir(data_dir, Some(&snapshot.manifest.fingerprint))
            .map_err(|source| IndexError::Io {
                path: data_dir.to_path_buf(),
                source,
            })?;
        if fingerprint.same_content(&snapshot.manifest.fingerprint) {
            return Ok((snapshot, Freshness::UpToDate));
        }
        let dir = snapshot.dir.clone();
        match update_in_place(snapshot, data_dir) {
            Ok(Some((changes, snapshot))) => return Ok((snapshot, Freshness::Updated(changes))),
            Ok(None) => return Ok((Snapshot::open(&dir)?, Freshness::UpToDate)),
            Err(e @ IndexError::NoArticles(_)) => return Err(e),
            Err(e @ IndexError::Corpus(_)) => return Err(e),
            // Another process (the bot, `clippings index --watch`) writes this generation and
            // applies the same changes: its last commit is served meanwhile.
            Err(IndexError::Tantivy(tantivy::TantivyError::LockFailure(..))) => {
                tracing::warn!(dir = %dir.display(), "another process is updating the index; answering from its last commit");
                return Ok((Snapshot::open(&dir)?, Freshness::UpToDate));
            }
            Err(e) => {
                tracing::warn!(dir = %dir.display(), error = %e, "cannot update the index in place; rebuilding it");
            }
        }
    }
    let dir = rebuild(store, data_dir, options)?;
    Ok((Snapshot::open(&dir)?, Freshness::Rebuilt))
}

/// Applies the changes of `data_dir` to the opened generation with a writer of its own,
/// waiting for the merges that drop deleted passages before the writer goes.
fn update_in_place(
    snapshot: Snapshot,
    data_dir: &Path,
) -> Result<Option<(incremental::Changes, Snapshot)>, IndexError> {
    let started = std::time::Instant::now();
    let mut updater = incremental::Updater::from_snapshot(snapshot)?;
    let Some((changes, snapshot)) = updater.apply(data_dir)? else {
        return Ok(None);
    };
    record_update(&changes, started);
    let snapshot = match updater.settle(SETTLE)? {
        Some(settled) => settled,
        None => snapshot,
    };
    Ok(Some((changes, snapshot)))
}

/// Logs and counts an incremental update.
pub fn record_update(changes: &incremental::Changes, started: std::time::Instant) {
    metrics::counter!("clippings_index_updates_total").increment(1);
    metrics::histogram!("clippings_index_update_seconds").record(started.elapsed().as_secs_f64());
    tracing::info!(
        added = changes.added,
        updated = changes.updated,
        removed = changes.removed,
        skipped = changes.skipped,
        ms = started.elapsed().as_millis() as u64,
        "index updated in place"
    );
}

/// The current generation, if it opens; a broken one is set aside with a warning, one of an
/// earlier format is removed (it is rebuilt: a large archive's old index would otherwise
/// stay on disk next to the new one).
pub fn open_current(store: &Store) -> Option<Snapshot> {
    let dir = store.current()?;
    match Snapshot::open(&dir) {
        Ok(snapshot) => Some(snapshot),
        Err(e @ IndexError::OldFormat { .. }) => {
            tracing::warn!(dir = %dir.display(), error = %e, "rebuilding the index from data/ and removing the old one");
            store.remove(&dir);
            None
        }
        Err(e) => {
            tracing::warn!(dir = %dir.display(), error = %e, "index is corrupt; rebuilding it from data/");
            store.discard(&dir);
            None
        }
    }
}

/// Builds and publishes a new generation of `data_dir`; the old one serves until it is done.
pub fn rebuild(
    store: &Store,
    data_dir: &Path,
    options: BuildOptions,
) -> Result<PathBuf, IndexError> {
    crate::corpus::article_files(data_dir)?;
    let previous = store
        .current()
        .and_then(|d| Manifest::read(&d).ok())
        .map(|m| m.fingerprint);
    let fingerprint =
        Fingerprint::of_data_dir(data_dir, previous.as_ref()).map_err(|source| IndexError::Io {
            path: data_dir.to_path_buf(),
            source,
        })?;
    let started = std::time::Instant::now();
    let mut failure = None;
    let published = store.publish(true, |dir| {
        build::build_into(dir, data_dir, fingerprint, options)
            .map(|_| ())
            .map_err(|e| {
                let text = e.to_string();
                failure = Some(e);
                text
            })
    });
    let ok = published.is_ok();
    metrics::counter!("clippings_rebuilds_total", "result" => if ok { "ok" } else { "failed" })
        .increment(1);
    if ok {
        metrics::histogram!("clippings_rebuild_seconds").record(started.elapsed().as_secs_f64());
    }
    match (published, failure) {
        (Ok(dir), _) => {
            tracing::info!(dir = %dir.display(), ms = started.elapsed().as_millis() as u64, "index built");
            Ok(dir)
        }
        (Err(_), Some(e)) => Err(e),
        (Err(e), None) => Err(e.into()),
    }
}

/// The snapshot the engine searches, swapped whole when a rebuild lands.
#[derive(Clone)]
pub struct Live(Arc<RwLock<Arc<Snapshot>>>);

impl Live {
    pub fn new(snapshot: Snapshot) -> Live {
        Live(Arc::new(RwLock::new(Arc::new(snapshot))))
    }

    pub fn get(&self) -> Arc<Snapshot> {
        match self.0.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub fn swap(&self, snapshot: Snapshot) {
        let snapshot = Arc::new(snapshot);
        match self.0.write() {
            Ok(mut guard) => *guard = snapshot,
            Err(poisoned) => *poisoned.into_inner() = snapshot,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passage_reads_its_attribution_from_the_manifest_and_errs_without_it() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let mut snapshot = Snapshot::in_ram(&data).unwrap();
        let searcher = snapshot.reader.searcher();
        let address = tantivy::DocAddress::new(0, 0);
        let stored = snapshot
            .fields
            .load(&searcher, address, &snapshot.manifest)
            .unwrap();
        let entry = snapshot.manifest.article(&stored.article).unwrap();
        assert_eq!(stored.publisher, entry.meta.publisher);
        assert_eq!(stored.title, entry.meta.title);
        assert_eq!(
            (&stored.date, &stored.url),
            (&entry.meta.date, &entry.meta.url)
        );
        // Every article is found by the look-up.
        let slugs: Vec<String> = snapshot
            .manifest
            .articles
            .iter()
            .map(|a| a.slug.clone())
            .collect();
        for slug in &slugs {
            assert_eq!(snapshot.manifest.article(slug).map(|a| &a.slug), Some(slug));
        }
        assert!(snapshot.manifest.article("no-such-article").is_none());
        // A passage whose article the manifest lost is an error, not a made-up source.
        snapshot
            .manifest
            .articles
            .retain(|a| a.slug != stored.article);
        let err = snapshot
            .fields
            .load(&searcher, address, &snapshot.manifest)
            .unwrap_err();
        assert!(err.to_string().contains(&stored.article), "{err}");
    }
}
