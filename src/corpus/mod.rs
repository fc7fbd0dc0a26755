//! The coverage corpus: article files in `data/articles/`, their cleaning and their passages.

pub mod clean;
pub mod frontmatter;
pub mod passages;
pub mod table;

use std::fmt;
use std::path::{Path, PathBuf};

use thiserror::Error;

pub use frontmatter::ArticleMeta;
pub use passages::{Paragraph, Passage};

/// Why the corpus as a whole cannot be loaded (one bad file is only a [`Warning`]).
#[derive(Debug, Error)]
pub enum CorpusError {
    #[error("data folder {0} not found (create it, or point --data at your corpus)")]
    MissingDir(PathBuf),
    #[error("no articles in {0}: add .md files there (see `clippings add --help`)")]
    Empty(PathBuf),
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A problem with one file; the other files are still loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub file: PathBuf,
    pub problem: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "skipped {}: {}", self.file.display(), self.problem)
    }
}

/// One article: its attribution and its cleaned paragraphs.
#[derive(Debug, Clone)]
pub struct Article {
    /// The file stem: names the article in refs (`slug:paragraph`).
    pub slug: String,
    pub meta: ArticleMeta,
    pub paragraphs: Vec<Paragraph>,
}

impl Article {
    /// Reads an article from its file text.
    pub fn parse(slug: &str, source: &str) -> Result<Article, frontmatter::FrontMatterError> {
        let (meta, body) = frontmatter::split(source)?;
        let ctx = clean::Context {
            title: &meta.title,
            publisher: meta.publisher.as_deref(),
            via: meta.via.as_deref(),
        };
        let paragraphs = passages::paragraphs(&clean::clean(body, ctx));
        Ok(Article {
            slug: slug.to_string(),
            meta,
            paragraphs,
        })
    }

    pub fn passages(&self) -> Vec<Passage> {
        passages::passages(&self.paragraphs)
    }
}

/// The articles directory inside a data folder.
pub fn articles_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("articles")
}

/// Article files in a data folder, sorted by name. Hidden and temporary files are skipped.
pub fn article_files(data_dir: &Path) -> Result<Vec<PathBuf>, CorpusError> {
    let dir = articles_dir(data_dir);
    if !data_dir.is_dir() {
        return Err(CorpusError::MissingDir(data_dir.to_path_buf()));
    }
    let entries = std::fs::read_dir(&dir).map_err(|source| match source.kind() {
        std::io::ErrorKind::NotFound => CorpusError::Empty(dir.clone()),
        _ => CorpusError::Read {
            path: dir.clone(),
            source,
        },
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| is_article_file(p))
        .collect();
    files.sort();
    Ok(files)
}

fn is_article_file(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    !name.starts_with('.') && name.ends_with(".md") && path.is_file()
}

/// Loads one file, turning every failure into a warning naming the problem.
pub fn load_file(path: &Path) -> Result<Article, Warning> {
    let warn = |problem: String| Warning {
        file: path.to_path_buf(),
        problem,
    };
    let bytes = std::fs::read(path).map_err(|e| warn(format!("cannot read it: {e}")))?;
    let source = String::from_utf8(bytes).map_err(|_| warn("not UTF-8 text".to_string()))?;
    let slug = path
        .file_stem()
        .and_then(|s| s.to_str())
        .ok_or_else(|| warn("file name is not valid text".to_string()))?;
    let article = Article::parse(slug, &source).map_err(|e| warn(e.to_string()))?;
    if article.paragraphs.is_empty() {
        return Err(warn("no text after cleaning".to_string()));
    }
    Ok(article)
}

/// Every readable article of a data folder, and a warning for each file that is not.
pub fn load(data_dir: &Path) -> Result<(Vec<Article>, Vec<Warning>), CorpusError> {
    let files = article_files(data_dir)?;
    if files.is_empty() {
        return Err(CorpusError::Empty(articles_dir(data_dir)));
    }
    let mut articles = Vec::with_capacity(files.len());
    let mut warnings = Vec::new();
    for file in files {
        match load_file(&file) {
            Ok(article) => articles.push(article),
            Err(w) => warnings.push(w),
        }
    }
    Ok((articles, warnings))
}

/// A file-name slug from a title: lower-case ASCII words joined by `-`, at most 6 words.
pub fn slugify(title: &str) -> String {
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6)
        .map(str::to_ascii_lowercase)
        .collect();
    if words.is_empty() {
        "article".to_string()
    } else {
        words.join("-")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &[u8]) {
        std::fs::create_dir_all(articles_dir(dir)).unwrap();
        std::fs::write(articles_dir(dir).join(name), text).unwrap();
    }

    #[test]
    fn a_bad_file_is_a_warning_and_the_others_still_load() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "good.md",
            b"+++\ntitle = \"T\"\npublisher = \"P\"\n+++\nText here.\n",
        );
        write(
            dir.path(),
            "notitle.md",
            b"+++\npublisher = \"P\"\n+++\nText.\n",
        );
        write(dir.path(), "binary.md", &[0xff, 0xfe, 0x00, 0x80]);
        write(dir.path(), "nofront.md", b"Just text\n");
        let (articles, warnings) = load(dir.path()).unwrap();
        assert_eq!(articles.len(), 1);
        assert_eq!(articles[0].slug, "good");
        let text: Vec<String> = warnings.iter().map(ToString::to_string).collect();
        assert_eq!(warnings.len(), 3, "{text:?}");
        assert!(
            text.iter()
                .any(|w| w.contains("binary.md") && w.contains("UTF-8"))
        );
        assert!(
            text.iter()
                .any(|w| w.contains("notitle.md") && w.contains("missing title"))
        );
        assert!(
            text.iter()
                .any(|w| w.contains("nofront.md") && w.contains("front matter"))
        );
    }

    #[test]
    fn missing_or_empty_data_folder_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("nope");
        assert!(matches!(load(&missing), Err(CorpusError::MissingDir(_))));
        assert!(matches!(load(dir.path()), Err(CorpusError::Empty(_))));
        std::fs::create_dir_all(articles_dir(dir.path())).unwrap();
        assert!(matches!(load(dir.path()), Err(CorpusError::Empty(_))));
    }

    #[test]
    fn slugs_are_short_ascii() {
        assert_eq!(
            slugify("Alibaba’s $53 Billion AI Bet Reignites Investor Confidence"),
            "alibaba-s-53-billion-ai-bet"
        );
        assert_eq!(slugify("日本語"), "article");
    }
}
