//! Building one index generation from a data folder: passages in, tantivy index and
//! `manifest.json` out.

use std::path::Path;
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use tantivy::{Index, IndexSettings, IndexWriter};

use super::IndexError;
use super::schema::{Fields, register_tokenizers};
use super::store::Fingerprint;
use super::tokenizer::{self, WordCounter};
use super::words::Words;
use crate::corpus::{self, ArticleMeta};

pub const MANIFEST: &str = "manifest.json";

type Loaded = Result<(corpus::Article, Vec<corpus::Passage>), corpus::Warning>;
/// 2: the spelling dictionary moved from a second text field to `words.fst`.
/// 3: attribution (publisher, title, date, link) is kept once per article in the manifest,
/// no longer stored with every passage.
/// 4: a sentence too long for one passage continues a short piece before it.
pub(crate) const FORMAT: u32 = 4;
const WRITER_MEMORY: usize = 128 * 1024 * 1024;
/// Bytes of stored passages compressed together. A shown passage decompresses its whole
/// block, so blocks smaller than tantivy's 16 kB default make one-word searches faster for a
/// slightly larger index (docs/BENCHMARKS.md).
const DOCSTORE_BLOCK: usize = 4 * 1024;

/// What a generation holds, written next to the tantivy files.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub built_at: u64,
    pub fingerprint: Fingerprint,
    pub articles: Vec<ArticleEntry>,
    pub passages: u64,
    /// Files that were skipped, with the reason.
    pub warnings: Vec<String>,
    /// Where each slug is in `articles`, built on the first look-up: every shown passage
    /// looks its attribution up, and a binary search over 20,000 slugs missed the cache at
    /// each of its 15 steps.
    #[serde(skip)]
    slugs: OnceLock<FxHashMap<String, usize>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ArticleEntry {
    pub slug: String,
    #[serde(flatten)]
    pub meta: ArticleMeta,
    pub paragraphs: u32,
    pub passages: u32,
}

impl Manifest {
    pub fn read(dir: &Path) -> Result<Manifest, IndexError> {
        Manifest::read_file(&dir.join(MANIFEST))
    }

    /// Reads a manifest file: `manifest.json` of a fresh build, or the file an incremental
    /// commit names (`super::incremental`).
    pub fn read_file(path: &Path) -> Result<Manifest, IndexError> {
        let name = path
            .file_name()
            .map_or(MANIFEST.into(), |n| n.to_string_lossy());
        let text = std::fs::read_to_string(path)
            .map_err(|e| IndexError::Corrupt(format!("cannot read {name}: {e}")))?;
        let manifest: Manifest = serde_json::from_str(&text)
            .map_err(|e| IndexError::Corrupt(format!("bad {name}: {e}")))?;
        if manifest.format < FORMAT {
            return Err(IndexError::OldFormat {
                found: manifest.format,
                reads: FORMAT,
            });
        }
        if manifest.format != FORMAT {
            return Err(IndexError::Corrupt(format!(
                "index format {} is not {FORMAT}",
                manifest.format
            )));
        }
        Ok(manifest)
    }

    /// The article called `slug`. A position found in the slug map is checked against the
    /// article there, so a list changed after the map was built is searched instead.
    pub fn article(&self, slug: &str) -> Option<&ArticleEntry> {
        self.position(slug).and_then(|i| self.articles.get(i))
    }

    /// Where the article of a slug is in `articles`.
    pub fn position(&self, slug: &str) -> Option<usize> {
        let slugs = self.slugs.get_or_init(|| {
            let slugs = self.articles.iter().enumerate();
            slugs.map(|(i, a)| (a.slug.clone(), i)).collect()
        });
        match slugs.get(slug) {
            Some(&i) if self.articles.get(i).is_some_and(|a| a.slug == slug) => Some(i),
            _ => self.articles.iter().position(|a| a.slug == slug),
        }
    }
}

/// Whether to draw a progress bar while building.
#[derive(Debug, Clone, Copy, Default)]
pub struct BuildOptions {
    pub progress: bool,
}

/// Builds the index of `data_dir` into the empty directory `dir`, manifest and spelling
/// dictionary included.
pub fn build_into(
    dir: &Path,
    data_dir: &Path,
    fingerprint: Fingerprint,
    options: BuildOptions,
) -> Result<Manifest, IndexError> {
    let (schema, _) = Fields::schema();
    let settings = IndexSettings {
        docstore_blocksize: DOCSTORE_BLOCK,
        ..IndexSettings::default()
    };
    let index = Index::builder()
        .schema(schema)
        .settings(settings)
        .create_in_dir(dir)?;
    let (manifest, words) = fill(&index, data_dir, fingerprint, options)?;
    words.write(dir)?;
    write_manifest(dir, &manifest)?;
    Ok(manifest)
}

/// Indexes every readable article of `data_dir` into a new, empty `index`; returns the
/// manifest and the spelling dictionary of what was indexed.
pub fn fill(
    index: &Index,
    data_dir: &Path,
    fingerprint: Fingerprint,
    options: BuildOptions,
) -> Result<(Manifest, Words), IndexError> {
    let files = corpus::article_files(data_dir)?;
    if files.is_empty() {
        return Err(corpus::CorpusError::Empty(corpus::articles_dir(data_dir)).into());
    }
    register_tokenizers(index);
    // The writer's stemmed analyzers count the words they see (the spelling dictionary);
    // the plain analyzers are put back once the writer is done.
    let counter = WordCounter::default();
    index
        .tokenizers()
        .register(tokenizer::STEMMED, counter.analyzer());
    let fields = Fields::of(index)?;
    let threads = indexing_threads();
    let mut writer: IndexWriter =
        index.writer_with_num_threads(threads, WRITER_MEMORY * threads)?;
    let progress = progress_bar(files.len() as u64, options.progress);
    let mut manifest = Manifest {
        format: FORMAT,
        built_at: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        fingerprint,
        articles: Vec::new(),
        passages: 0,
        warnings: Vec::new(),
        slugs: OnceLock::new(),
    };
    // Reading and cleaning run on worker threads, in file order per worker; documents are
    // added here as they come (the ranking never depends on document order).
    let loaders = threads.max(2);
    let (tx, rx) = std::sync::mpsc::sync_channel::<Loaded>(256);
    let result = std::thread::scope(|scope| -> Result<(), IndexError> {
        for worker in 0..loaders {
            let tx = tx.clone();
            let files = &files;
            scope.spawn(move || {
                for file in files.iter().skip(worker).step_by(loaders) {
                    let loaded = corpus::load_file(file).map(|article| {
                        let passages = article.passages();
                        (article, passages)
                    });
                    if tx.send(loaded).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        for loaded in rx {
            progress.inc(1);
            let (article, passages) = match loaded {
                Ok(loaded) => loaded,
                Err(warning) => {
                    tracing::warn!(file = %warning.file.display(), problem = %warning.problem, "skipped article");
                    manifest.warnings.push(warning.to_string());
                    continue;
                }
            };
            for passage in &passages {
                writer.add_document(fields.document(&article, passage))?;
            }
            manifest.passages += passages.len() as u64;
            manifest.articles.push(ArticleEntry {
                slug: article.slug.clone(),
                meta: article.meta.clone(),
                paragraphs: article.paragraphs.len() as u32,
                passages: passages.len() as u32,
            });
        }
        Ok(())
    });
    result?;
    manifest.articles.sort_by(|a, b| a.slug.cmp(&b.slug));
    manifest.warnings.sort();
    if manifest.articles.is_empty() {
        return Err(IndexError::NoArticles(manifest.warnings.len()));
    }
    writer.commit()?;
    // No merge into one segment: each indexing thread writes one segment per memory budget
    // (two at 1M passages), tantivy's merge policy keeps their number logarithmic, and the
    // scores do not depend on it (BM25 statistics are the searcher's). A full merge costs
    // build time for no measurable gain (docs/BENCHMARKS.md, "Tried and not kept").
    writer.wait_merging_threads()?;
    register_tokenizers(index);
    let words = Words::from_counts(counter.into_counts())?;
    progress.finish_and_clear();
    Ok((manifest, words))
}

fn write_manifest(dir: &Path, manifest: &Manifest) -> Result<(), IndexError> {
    write_manifest_file(&dir.join(MANIFEST), manifest)
}

/// Writes a manifest and syncs it to disk.
pub(crate) fn write_manifest_file(path: &Path, manifest: &Manifest) -> Result<(), IndexError> {
    let json =
        serde_json::to_vec_pretty(manifest).map_err(|e| IndexError::Corrupt(e.to_string()))?;
    let path = path.to_path_buf();
    let file = std::fs::File::create(&path).and_then(|mut f| {
        std::io::Write::write_all(&mut f, &json)?;
        f.sync_all()
    });
    file.map_err(|source| IndexError::Io { path, source })
}

fn progress_bar(len: u64, visible: bool) -> ProgressBar {
    if !visible {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template(
        "indexing {bar:30} {pos}/{len} articles ({per_sec}, {eta} left)",
    ) {
        bar.set_style(style);
    }
    bar
}

/// How many threads a build indexes with, each writing a segment of its own: as many as the
/// cores, up to four.
pub(crate) fn indexing_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generation_has_every_passage_and_its_words() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let (schema, _) = Fields::schema();
        let index = Index::create_in_ram(schema);
        let (manifest, words) = fill(
            &index,
            &data,
            Fingerprint::default(),
            BuildOptions::default(),
        )
        .unwrap();
        let searcher = index.reader().unwrap().searcher();
        // One segment per indexing thread at most: the seeds fit one memory budget.
        assert!(searcher.segment_readers().len() <= 4);
        assert_eq!(searcher.num_docs(), manifest.passages);
        assert!(manifest.passages > 50);
        // Unstemmed words of the passages, counted; stems are not words.
        assert!(words.count("semiconductor") > 0);
        assert!(words.count("investments") > 0 || words.count("investment") > 0);
        assert_eq!(words.count("compani"), 0);
    }

    #[test]
    fn a_manifest_listed_out_of_order_still_finds_every_article() {
        let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
        let dir = tempfile::tempdir().unwrap();
        let mut manifest = build_into(
            dir.path(),
            &data,
            Fingerprint::default(),
            BuildOptions::default(),
        )
        .unwrap();
        assert_eq!(manifest.format, FORMAT);
        // Stored passages are compressed in small blocks, and the setting is kept with the
        // index, so segments added or merged later use it too.
        let reopened = Index::open_in_dir(dir.path()).unwrap();
        assert_eq!(reopened.settings().docstore_blocksize, DOCSTORE_BLOCK);
        manifest.articles.reverse();
        write_manifest(dir.path(), &manifest).unwrap();
        let read = Manifest::read(dir.path()).unwrap();
        assert!(read.articles.len() >= 5);
        for article in &manifest.articles {
            assert_eq!(
                read.article(&article.slug).map(|a| a.meta.title.as_str()),
                Some(article.meta.title.as_str())
            );
        }
        // The slug map is built by the look-ups above; an article removed afterwards is not
        // found, and every other one still is.
        let mut read = read;
        let removed = read.articles.remove(0);
        assert!(read.article(&removed.slug).is_none());
        for article in read.articles.clone() {
            assert_eq!(
                read.article(&article.slug).map(|a| a.paragraphs),
                Some(article.paragraphs)
            );
        }
    }
}
