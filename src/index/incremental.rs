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
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
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
/// How long [`Updater::settle`] waits for the merge policy's merges before it asks for the
/// merges that drop deletions itself.
const NUDGE_AFTER: Duration = Duration::from_millis(500);
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
    /// The live passages, shared with the merge policy.
    passages: Arc<AtomicU64>,
    /// The version of the last snapshot handed out (a commit's, or a settled one's).
    handed: String,
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
        let passages = Arc::new(AtomicU64::new(snapshot.manifest.passages));
        writer.set_merge_policy(Box::new(BalancedMerges::new(
            Arc::clone(&passages),
            build::indexing_threads(),
        )));
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
            passages,
            handed: String::new(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Stops the merge policy from asking for merges: what a merge that failed, or one the
    /// policy was never asked for, leaves (tests of [`Updater::settle`]).
    #[doc(hidden)]
    pub fn without_merge_policy(&mut self) {
        self.writer
            .set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
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
        self.passages
            .store(self.manifest.passages, Ordering::Relaxed);
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
        let snapshot = Snapshot::open_index(self.index.clone(), &self.dir)?;
        self.handed = snapshot.version.clone();
        Ok(snapshot)
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

    /// Waits for the merges under way to end (and the ones they lead to), removes the files
    /// they left behind, then closes the writer. Dropping it instead abandons them, leaving
    /// their files for the next writer to remove.
    pub fn finish(self) -> Result<(), IndexError> {
        let index = self.index.clone();
        self.writer.wait_merging_threads()?;
        // tantivy removes a merge's inputs after it, but skips that while a reader holds the
        // meta lock (opening a commit): once more, with a writer of our own.
        let writer: IndexWriter = index.writer_with_num_threads(1, WRITER_MEMORY)?;
        for _ in 0..50 {
            if writer.garbage_collect_files().wait().is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(())
    }

    /// Waits (at most `limit`) until no segment holds deleted passages, so that term
    /// statistics are those of a fresh build, and folds the small segments into one; then the
    /// snapshot of the merged segments, or `None` when the index did not change since the last
    /// snapshot handed out or the merges did not end in time.
    pub fn settle(&mut self, limit: Duration) -> Result<Option<Snapshot>, IndexError> {
        let started = Instant::now();
        let mut nudged = Instant::now();
        loop {
            let pending: Vec<tantivy::index::SegmentId> = self
                .index
                .searchable_segment_metas()?
                .iter()
                .filter(|m| m.has_deletes())
                .map(SegmentMeta::id)
                .collect();
            if pending.is_empty() {
                break;
            }
            if started.elapsed() >= limit {
                return Ok(None);
            }
            // The merge policy asks for these merges after each commit and merge; a merge that
            // failed is not asked for again until the next. Each segment still holding
            // deletions a while later, in no merge, is rewritten alone (one in a merge
            // refuses).
            if nudged.elapsed() >= NUDGE_AFTER {
                for id in pending {
                    drop(self.writer.merge(&[id]));
                }
                nudged = Instant::now();
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        // Once quiet, the small segments updates left are folded into one: fewer segments
        // for every search to visit.
        let metas = self.index.searchable_segment_metas()?;
        let (_, _, small) = split_by_size(
            &metas,
            self.passages.load(Ordering::Relaxed),
            build::indexing_threads(),
        );
        let small: Vec<tantivy::index::SegmentId> =
            small.into_iter().map(SegmentMeta::id).collect();
        if small.len() > 1 {
            // A segment already being merged refuses; the merge under way folds it anyway.
            let _ = self.writer.merge(&small).wait();
        }
        // Whether the merges ended before this looked or while it waited, what matters is
        // whether the index changed since the last snapshot handed out.
        if committed_version(&self.dir).as_deref() == Some(self.handed.as_str()) {
            return Ok(None);
        }
        let snapshot = Snapshot::open_index(self.index.clone(), &self.dir)?;
        self.handed = snapshot.version.clone();
        Ok(Some(snapshot))
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
/// segment doing most of every search. So there are as many large segments as a build makes
/// (`lanes`), never merged with each other, and they stay about the same size: the small
/// segments that updates add are folded into the smallest large one, whenever it is
/// rewritten to drop deletions or once they hold a 32nd of the passages. Until then they
/// merge among themselves by tantivy's log policy, any of them holding a deletion included,
/// so deleted passages never linger. Another large segment holding deletions is rewritten
/// alone. A segment of an eighth of the passages or more beyond the lanes (an index built
/// on more cores) is merged with the smallest large one, one at a time.
#[derive(Debug)]
struct BalancedMerges {
    small: LogMergePolicy,
    /// The live passages of the index, set before each commit: tantivy shows the policy only
    /// the segments not being merged, whose sum is not the index's while a merge runs.
    passages: Arc<AtomicU64>,
    lanes: usize,
}

/// The share of the passages from which a segment is large.
const LARGE_SHARE: u64 = 8;
/// The share of the passages from which the small segments are folded into a large one.
const POOL_SHARE: u64 = 32;
/// How many small segments of a size are merged together.
const SMALL_MERGE_FANOUT: usize = 3;

impl BalancedMerges {
    fn new(passages: Arc<AtomicU64>, lanes: usize) -> BalancedMerges {
        let mut small = LogMergePolicy::default();
        small.set_del_docs_ratio_before_merge(DELETES_BEFORE_MERGE);
        // Each segment costs every search a look-up: small ones are merged three at a time
        // (tantivy's default waits for eight).
        small.set_min_num_segments(SMALL_MERGE_FANOUT);
        BalancedMerges {
            small,
            passages,
            lanes: lanes.max(1),
        }
    }
}

/// The segments by size, for an index of `passages` live passages (at least those of
/// `segments`) searched in `lanes`: the large ones, smallest first (at most `lanes`), large
/// ones beyond those, smallest first, and the small ones.
type Split<'a> = (
    Vec<&'a SegmentMeta>,
    Vec<&'a SegmentMeta>,
    Vec<&'a SegmentMeta>,
);

fn split_by_size(segments: &[SegmentMeta], passages: u64, lanes: usize) -> Split<'_> {
    let threshold = (live(segments, passages) / LARGE_SHARE).max(1);
    let (mut large, small): (Vec<&SegmentMeta>, Vec<&SegmentMeta>) = segments
        .iter()
        .partition(|m| u64::from(m.max_doc()) >= threshold);
    large.sort_by_key(|m| std::cmp::Reverse((m.num_docs(), m.max_doc())));
    let mut extra = large.split_off(large.len().min(lanes));
    large.reverse();
    extra.reverse();
    (large, extra, small)
}

/// The live passages of an index: `passages`, or more when the segments hold more.
fn live(segments: &[SegmentMeta], passages: u64) -> u64 {
    let seen: u64 = segments.iter().map(|m| u64::from(m.num_docs())).sum();
    passages.max(seen)
}

impl MergePolicy for BalancedMerges {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let passages = self.passages.load(Ordering::Relaxed);
        let (large, extra, small) = split_by_size(segments, passages, self.lanes);
        let alone = |m: &&SegmentMeta| MergeCandidate(vec![m.id()]);
        let mut out: Vec<MergeCandidate> = Vec::new();
        // Without a large one in sight (all being merged), the small ones merge among themselves.
        if let Some((smallest, others)) = large.split_first() {
            let pool: u64 = small.iter().map(|m| u64::from(m.max_doc())).sum();
            let full = pool >= (live(segments, passages) / POOL_SHARE).max(1);
            if let Some(first_extra) = extra.first() {
                out.push(MergeCandidate(vec![smallest.id(), first_extra.id()]));
                out.extend(others.iter().filter(|m| m.has_deletes()).map(alone));
                out.extend(extra[1..].iter().filter(|m| m.has_deletes()).map(alone));
            } else if !small.is_empty() && (smallest.has_deletes() || full) {
                let ids = std::iter::once(*smallest).chain(small.iter().copied());
                out.push(MergeCandidate(ids.map(SegmentMeta::id).collect()));
                out.extend(others.iter().filter(|m| m.has_deletes()).map(alone));
                return out;
            } else {
                out.extend(large.iter().filter(|m| m.has_deletes()).map(alone));
            }
        }
        let small: Vec<SegmentMeta> = small.into_iter().cloned().collect();
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

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::index::SegmentId;
    use tantivy::schema::{Schema, TEXT};

    fn segment(index: &Index, docs: u32, deleted: u32) -> SegmentMeta {
        let meta = index.new_segment_meta(SegmentId::generate_random(), docs);
        if deleted > 0 {
            meta.with_delete_meta(deleted, 1)
        } else {
            meta
        }
    }

    fn index() -> Index {
        let mut schema = Schema::builder();
        schema.add_text_field("text", TEXT);
        Index::create_in_ram(schema.build())
    }

    fn candidates(passages: u64, segments: &[SegmentMeta]) -> Vec<Vec<SegmentId>> {
        let policy = BalancedMerges::new(Arc::new(AtomicU64::new(passages)), 2);
        let mut out: Vec<Vec<SegmentId>> = policy
            .compute_merge_candidates(segments)
            .into_iter()
            .map(|c| c.0)
            .collect();
        for ids in &mut out {
            ids.sort();
        }
        out.sort();
        out
    }

    fn ids(segments: &[&SegmentMeta]) -> Vec<SegmentId> {
        let mut ids: Vec<SegmentId> = segments.iter().map(|m| m.id()).collect();
        ids.sort();
        ids
    }

    #[test]
    fn small_segments_are_folded_into_the_smallest_large_one_when_it_drops_deletions() {
        let index = index();
        let a = segment(&index, 500_000, 3_000);
        let b = segment(&index, 480_000, 10);
        let s1 = segment(&index, 2_000, 0);
        let s2 = segment(&index, 900, 0);
        let all = [a.clone(), b.clone(), s1.clone(), s2.clone()];
        let got = candidates(983_000, &all);
        // b is the smaller: it takes the small ones; a is rewritten alone.
        let mut want = vec![ids(&[&b, &s1, &s2]), ids(&[&a])];
        want.sort();
        assert_eq!(got, want);
    }

    #[test]
    fn small_segments_wait_while_the_large_ones_hold_no_deletion_and_they_are_few() {
        let index = index();
        let a = segment(&index, 500_000, 0);
        let b = segment(&index, 480_000, 0);
        let s1 = segment(&index, 2_000, 0);
        assert!(candidates(982_000, &[a.clone(), b.clone(), s1.clone()]).is_empty());
        // A deletion in the larger one rewrites it alone and leaves the small one.
        let a = segment(&index, 500_000, 5);
        assert_eq!(candidates(982_000, &[a.clone(), b, s1]), vec![ids(&[&a])]);
    }

    #[test]
    fn a_pool_of_a_32nd_of_the_passages_is_folded_without_deletions() {
        let index = index();
        let a = segment(&index, 480_000, 0);
        let b = segment(&index, 470_000, 0);
        let pool: Vec<SegmentMeta> = (0..4).map(|_| segment(&index, 8_000, 0)).collect();
        let mut all = vec![a, b.clone()];
        all.extend(pool.iter().cloned());
        let mut want: Vec<&SegmentMeta> = vec![&b];
        want.extend(pool.iter());
        assert_eq!(candidates(982_000, &all), vec![ids(&want)]);
        // Below a 32nd, they are merged among themselves (three of a size at a time).
        let got = candidates(982_000, &all[..5]);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].len(), 3);
        assert!(got[0].iter().all(|id| pool.iter().any(|m| m.id() == *id)));
    }

    #[test]
    fn a_segment_is_large_by_the_index_s_passages_not_by_the_segments_shown() {
        // While a 480,000-passage segment is being merged tantivy shows the rest only:
        // a 70,000 one is not large for that, and goes into the other large one.
        let index = index();
        let a = segment(&index, 480_000, 0);
        let s = segment(&index, 70_000, 0);
        assert_eq!(
            candidates(1_030_000, &[a.clone(), s.clone()]),
            vec![ids(&[&a, &s])]
        );
        // A lone segment holding deletions is rewritten.
        let lone = segment(&index, 1_000, 10);
        assert_eq!(
            candidates(990, std::slice::from_ref(&lone)),
            vec![ids(&[&lone])]
        );
    }

    #[test]
    fn large_segments_beyond_the_lanes_are_merged_with_the_smallest_large_one_at_a_time() {
        // Built on four cores, searched on two: the four quarters become two halves.
        let index = index();
        let q: Vec<SegmentMeta> = [250_000, 251_000, 252_000, 253_000]
            .into_iter()
            .map(|n| segment(&index, n, 0))
            .collect();
        assert_eq!(candidates(1_006_000, &q), vec![ids(&[&q[0], &q[2]])]);
        // Three large ones left (one of them merged): the smallest two.
        let half = segment(&index, 502_000, 0);
        assert_eq!(
            candidates(1_006_000, &[half, q[1].clone(), q[3].clone()]),
            vec![ids(&[&q[1], &q[3]])]
        );
    }

    #[test]
    fn small_segments_merge_among_themselves_while_every_large_one_is_being_merged() {
        let index = index();
        let small: Vec<SegmentMeta> = (0..3).map(|_| segment(&index, 1_000, 0)).collect();
        let got = candidates(1_000_000, &small);
        assert_eq!(got, vec![ids(&small.iter().collect::<Vec<_>>())]);
    }
}
