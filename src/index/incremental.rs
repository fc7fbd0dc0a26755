//! Incremental updates of the current generation: a new, edited or removed article file
//! changes only its own passages, committed in place, instead of a rebuild of the archive.
//!
//! What is derived from the passages (the manifest with every article's attribution and the
//! fingerprint of data/, and the spelling dictionary) moves with each tantivy commit: it is
//! written to files named after the commit before the commit, and the commit's payload names
//! them. A reader opens the files its commit names ([`super::Snapshot::open_index`]), so it
//! never sees passages of one commit with the attribution of another. A crash before the commit
//! leaves the previous commit whole (tantivy's commits are atomic) and data/ unchanged: the
//! next update finds the same differences again.
//!
//! Deleted passages still count in tantivy's term statistics until their segment is merged,
//! which would rank differently from a fresh build. The merge policy therefore merges every
//! segment holding deletes, in the background, and [`Updater::settle`] waits for it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use tantivy::collector::DocSetCollector;
use tantivy::directory::Directory;
use tantivy::index::SegmentMeta;
use tantivy::indexer::{LogMergePolicy, MergeCandidate, MergePolicy};
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, TantivyDocument, Value};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Term};

use super::build::{self, ArticleEntry, Manifest};
use super::schema::Fields;
use super::store::Fingerprint;
use super::tokenizer::WordCounter;
use super::words::{self, Words};
use super::{IndexError, Snapshot};
use crate::corpus;

/// Memory of the incremental writer: one thread, articles come a few at a time.
const WRITER_MEMORY: usize = 32 * 1024 * 1024;
/// A segment with any deleted passage is merged (see the module's documentation).
const DELETES_BEFORE_MERGE: f32 = f32::MIN_POSITIVE;
const MANIFEST_PREFIX: &str = "manifest-";
const WORDS_PREFIX: &str = "words-";

/// The derived files a commit names in its payload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Derived {
    pub manifest: String,
    pub words: String,
}

impl Derived {
    /// The files of a commit: the ones its payload names, else those of a fresh build.
    pub fn of(payload: Option<&str>) -> Derived {
        payload
            .and_then(|p| serde_json::from_str::<Derived>(p).ok())
            .filter(|d| is_plain_name(&d.manifest) && is_plain_name(&d.words))
            .unwrap_or_else(|| Derived {
                manifest: build::MANIFEST.to_string(),
                words: words::FILE.to_string(),
            })
    }

    fn numbered(opstamp: u64) -> Derived {
        Derived {
            manifest: format!("{MANIFEST_PREFIX}{opstamp}.json"),
            words: format!("{WORDS_PREFIX}{opstamp}.fst"),
        }
    }

    /// Whether these are an incremental commit's files (which a later commit removes).
    pub fn is_numbered(&self) -> bool {
        self.manifest.starts_with(MANIFEST_PREFIX)
    }

    pub fn read(&self, dir: &Path) -> Result<(Manifest, Words), IndexError> {
        let manifest = Manifest::read_file(&dir.join(&self.manifest))?;
        let words = Words::read_file(&dir.join(&self.words))?;
        Ok((manifest, words))
    }

    fn payload(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// A file name in the generation directory, not a path elsewhere.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['/', '\\']) && name != "." && name != ".."
}

/// What one update changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    /// Files that could not be read as articles (they are in the manifest's warnings).
    pub skipped: usize,
    /// Whether passages were deleted (their segments will be merged).
    pub deleted_passages: bool,
}

/// The single writer of a generation: applies the differences between data/ and what the
/// generation holds, and commits them.
pub struct Updater {
    dir: PathBuf,
    index: Index,
    writer: IndexWriter,
    /// Reads the last commit: the stored passages of articles being removed.
    reader: IndexReader,
    fields: Fields,
    manifest: Manifest,
    counts: FxHashMap<String, u64>,
    /// The derived files of the last commit and of the one before (a reader may still be
    /// opening those); older ones are removed.
    current: Derived,
    previous: Option<Derived>,
}

impl Updater {
    /// Opens the writer of the generation in `dir`. Fails with tantivy's lock error when
    /// another process writes it.
    pub fn open(dir: &Path) -> Result<Updater, IndexError> {
        Updater::from_snapshot(Snapshot::open(dir)?)
    }

    /// The writer of an opened generation (its manifest and dictionary are not read again).
    pub fn from_snapshot(snapshot: Snapshot) -> Result<Updater, IndexError> {
        let dir = snapshot.dir.clone();
        let metas = snapshot.index.load_metas()?;
        let current = Derived::of(metas.payload.as_deref());
        let writer: IndexWriter = snapshot.index.writer_with_num_threads(1, WRITER_MEMORY)?;
        writer.set_merge_policy(Box::new(BalancedMerges::default()));
        let reader = snapshot
            .index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Updater {
            dir,
            reader,
            counts: snapshot.words.counts(),
            fields: snapshot.fields,
            manifest: snapshot.manifest,
            index: snapshot.index,
            writer,
            current,
            previous: None,
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Applies what changed in `data_dir` since the last commit and commits it; `None` when
    /// nothing did. Topics and synonyms are not in the index: a change to them only moves the
    /// fingerprint.
    pub fn apply(&mut self, data_dir: &Path) -> Result<Option<(Changes, Snapshot)>, IndexError> {
        corpus::article_files(data_dir)?;
        let now = Fingerprint::of_data_dir(data_dir, Some(&self.manifest.fingerprint)).map_err(
            |source| IndexError::Io {
                path: data_dir.to_path_buf(),
                source,
            },
        )?;
        if now.same_content(&self.manifest.fingerprint) {
            return Ok(None);
        }
        let before: BTreeMap<&str, &str> = article_hashes(&self.manifest.fingerprint);
        let after: BTreeMap<&str, &str> = article_hashes(&now);
        let mut changes = Changes::default();
        let mut gone: Vec<String> = Vec::new();
        let mut load: Vec<String> = Vec::new();
        for (path, hash) in &before {
            match after.get(path) {
                None => {
                    changes.removed += 1;
                    gone.push(path.to_string());
                }
                Some(new) if new != hash => {
                    changes.updated += 1;
                    gone.push(path.to_string());
                    load.push(path.to_string());
                }
                Some(_) => {}
            }
        }
        for path in after.keys() {
            if !before.contains_key(path) {
                changes.added += 1;
                load.push(path.to_string());
            }
        }
        for path in &gone {
            changes.deleted_passages |= self.remove(path)?;
        }
        for path in &load {
            if !self.add(data_dir, path)? {
                changes.skipped += 1;
            }
        }
        if self.manifest.articles.is_empty() {
            // Nothing left to answer from: refused like a build of no readable article, and
            // nothing is committed (the writer's pending changes are dropped).
            self.writer.rollback()?;
            return Err(IndexError::NoArticles(self.manifest.warnings.len()));
        }
        self.manifest.articles.sort_by(|a, b| a.slug.cmp(&b.slug));
        self.manifest.warnings.sort();
        self.manifest.passages = self
            .manifest
            .articles
            .iter()
            .map(|a| u64::from(a.passages))
            .sum();
        self.manifest.fingerprint = now;
        self.manifest.built_at = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let snapshot = self.commit()?;
        Ok(Some((changes, snapshot)))
    }

    /// Deletes the passages of the article in `path` (relative to data/) and forgets it;
    /// true when it had passages.
    fn remove(&mut self, path: &str) -> Result<bool, IndexError> {
        self.manifest.warnings.retain(|w| !warning_names(w, path));
        let slug = slug_of(path);
        let Some(position) = self.manifest.articles.iter().position(|a| a.slug == slug) else {
            return Ok(false);
        };
        // Its words leave the spelling dictionary: counted again from the stored passages,
        // exactly as the build counted them.
        let searcher = self.reader.searcher();
        let term = Term::from_field_text(self.fields.article, &slug);
        let docs = searcher.search(
            &TermQuery::new(term.clone(), IndexRecordOption::Basic),
            &DocSetCollector,
        )?;
        let mut texts: Vec<String> = Vec::new();
        for address in docs {
            let doc: TantivyDocument = searcher.doc(address)?;
            for field in [self.fields.text, self.fields.section] {
                for value in doc.get_all(field) {
                    if let Some(text) = value.as_str() {
                        texts.push(text.to_string());
                    }
                }
            }
        }
        for (word, n) in count_words(texts.iter().map(String::as_str)) {
            if let Some(count) = self.counts.get_mut(&word) {
                *count = count.saturating_sub(n);
                if *count == 0 {
                    self.counts.remove(&word);
                }
            }
        }
        self.writer.delete_term(term);
        self.manifest.articles.remove(position);
        Ok(true)
    }

    /// Adds the article in `path` (relative to data/); false when it cannot be read (a
    /// warning says why, as a build's would).
    fn add(&mut self, data_dir: &Path, path: &str) -> Result<bool, IndexError> {
        let file = data_dir.join(path);
        let article = match corpus::load_file(&file) {
            Ok(article) => article,
            Err(warning) => {
                tracing::warn!(file = %warning.file.display(), problem = %warning.problem, "skipped article");
                self.manifest.warnings.push(warning.to_string());
                return Ok(false);
            }
        };
        let passages = article.passages();
        let mut texts: Vec<&str> = Vec::new();
        for passage in &passages {
            texts.push(&passage.text);
            if let Some(section) = &passage.section {
                texts.push(section);
            }
            self.writer
                .add_document(self.fields.document(&article, passage))?;
        }
        for (word, n) in count_words(texts.into_iter()) {
            *self.counts.entry(word).or_default() += n;
        }
        self.manifest.articles.push(ArticleEntry {
            slug: article.slug.clone(),
            meta: article.meta.clone(),
            paragraphs: article.paragraphs.len() as u32,
            passages: passages.len() as u32,
        });
        Ok(true)
    }

    /// Writes the derived files of the next commit, commits with them named in the payload,
    /// and opens the snapshot of that commit.
    fn commit(&mut self) -> Result<Snapshot, IndexError> {
        let words = Words::from_count_refs(&self.counts)?;
        let mut prepared = self.writer.prepare_commit()?;
        let derived = Derived::numbered(prepared.opstamp());
        build::write_manifest_file(&self.dir.join(&derived.manifest), &self.manifest)?;
        words.write_file(&self.dir.join(&derived.words))?;
        sync_dir(&self.dir)?;
        prepared.set_payload(&derived.payload());
        prepared.commit()?;
        self.previous = Some(std::mem::replace(&mut self.current, derived));
        self.remove_old_derived();
        self.reader.reload()?;
        Snapshot::open_index(self.index.clone(), &self.dir)
    }

    /// Removes derived files other than those of the last two commits (leftovers of a crash
    /// before a commit included).
    fn remove_old_derived(&self) {
        let keep: Vec<&str> = [Some(&self.current), self.previous.as_ref()]
            .into_iter()
            .flatten()
            .flat_map(|d| [d.manifest.as_str(), d.words.as_str()])
            .collect();
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            // The fresh build's files too, once two commits name others (at a million
            // passages its manifest alone is 8.6 MB).
            let derived = name.starts_with(MANIFEST_PREFIX)
                || name.starts_with(WORDS_PREFIX)
                || name == build::MANIFEST
                || name == words::FILE;
            if derived && !keep.contains(&name) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    /// Waits (at most `limit`) until no segment holds deleted passages, so that term
    /// statistics are those of a fresh build, and folds the small segments into one; then the
    /// snapshot of the merged segments, or `None` when nothing needed merging or the merges
    /// did not end in time.
    pub fn settle(&mut self, limit: Duration) -> Result<Option<Snapshot>, IndexError> {
        let started = Instant::now();
        let mut waited = false;
        loop {
            let pending = self
                .index
                .searchable_segment_metas()?
                .iter()
                .any(|m| m.has_deletes());
            if !pending {
                break;
            }
            if started.elapsed() >= limit {
                return Ok(None);
            }
            waited = true;
            std::thread::sleep(Duration::from_millis(10));
        }
        // Once quiet, the small segments updates left are folded into one: fewer segments
        // for every search to visit.
        let metas = self.index.searchable_segment_metas()?;
        let total: u32 = metas.iter().map(SegmentMeta::max_doc).sum();
        let small: Vec<tantivy::index::SegmentId> = metas
            .iter()
            .filter(|m| m.max_doc() < (total / LARGE_SHARE).max(1))
            .map(SegmentMeta::id)
            .collect();
        if small.len() > 1 {
            // A segment already being merged refuses; the merge under way folds it anyway.
            if self.writer.merge(&small).wait().is_ok() {
                waited = true;
            }
        }
        if !waited {
            return Ok(None);
        }
        Snapshot::open_index(self.index.clone(), &self.dir).map(Some)
    }
}

/// tantivy's `meta.json` of an opened index, as stored.
pub(crate) fn read_meta(index: &Index) -> tantivy::Result<Vec<u8>> {
    index
        .directory()
        .atomic_read(Path::new("meta.json"))
        .map_err(|e| tantivy::TantivyError::InternalError(format!("cannot read meta.json: {e}")))
}

/// The version of the generation in `dir` as [`Snapshot::version`] names it, read without
/// opening the index (a follower polls it).
pub fn committed_version(dir: &Path) -> Option<String> {
    let raw = std::fs::read(dir.join("meta.json")).ok()?;
    Some(blake3::hash(&raw).to_hex().to_string())
}

/// How segments are merged while the index is updated in place. A fresh build leaves one
/// large segment per indexing thread, which searches spread over the cores; merging those
/// together (as a size-tiered policy does once one of them holds a deletion) would leave one
/// segment doing most of every search. So a large segment (an eighth of the passages or
/// more) is never merged with another: it is rewritten alone when it holds deletions. The
/// small segments that updates add are merged among themselves by tantivy's log policy, any
/// of them holding a deletion included, so deleted passages never linger.
#[derive(Debug)]
struct BalancedMerges {
    small: LogMergePolicy,
}

/// The share of the passages from which a segment is large.
const LARGE_SHARE: u32 = 8;
/// How many small segments of a size are merged together.
const SMALL_MERGE_FANOUT: usize = 3;

impl Default for BalancedMerges {
    fn default() -> BalancedMerges {
        let mut small = LogMergePolicy::default();
        small.set_del_docs_ratio_before_merge(DELETES_BEFORE_MERGE);
        // Each segment costs every search a look-up: small ones are merged three at a time
        // (tantivy's default waits for eight).
        small.set_min_num_segments(SMALL_MERGE_FANOUT);
        BalancedMerges { small }
    }
}

impl MergePolicy for BalancedMerges {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let total: u32 = segments.iter().map(SegmentMeta::max_doc).sum();
        let large =
            |m: &SegmentMeta| m.max_doc() >= (total / LARGE_SHARE).max(1) && segments.len() > 1;
        let mut out: Vec<MergeCandidate> = segments
            .iter()
            .filter(|m| large(m) && m.has_deletes())
            .map(|m| MergeCandidate(vec![m.id()]))
            .collect();
        let small: Vec<SegmentMeta> = segments.iter().filter(|m| !large(m)).cloned().collect();
        out.extend(self.small.compute_merge_candidates(&small));
        out
    }
}

/// The content hash of each article file of a fingerprint, by relative path.
fn article_hashes(fingerprint: &Fingerprint) -> BTreeMap<&str, &str> {
    fingerprint
        .files
        .iter()
        .filter(|f| f.path.starts_with("articles/"))
        .map(|f| (f.path.as_str(), f.hash.as_str()))
        .collect()
}

/// The slug of an article file: its name without `.md`.
fn slug_of(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_suffix(".md").unwrap_or(name).to_string()
}

/// Whether a manifest warning is about the file at `path` (relative to data/).
fn warning_names(warning: &str, path: &str) -> bool {
    let Some(rest) = warning.strip_prefix("skipped ") else {
        return false;
    };
    let marker = format!("{path}: ");
    rest.starts_with(&marker)
        || rest.contains(&format!("/{marker}"))
        || rest.contains(&format!("\\{marker}"))
}

/// The unstemmed words of `texts` with their counts, as the build's analyzers count them.
fn count_words<'a>(texts: impl Iterator<Item = &'a str>) -> FxHashMap<String, u64> {
    let counter = WordCounter::default();
    let mut analyzer = counter.analyzer();
    for text in texts {
        let mut stream = analyzer.token_stream(text);
        while stream.advance() {}
    }
    drop(analyzer);
    counter.into_counts()
}

fn sync_dir(dir: &Path) -> Result<(), IndexError> {
    std::fs::File::open(dir)
        .and_then(|f| f.sync_all())
        .map_err(|source| IndexError::Io {
            path: dir.to_path_buf(),
            source,
        })
}
