//! Article files: written aside and moved into data/articles in one step, so a running bot
//! (and its index watcher) never reads half a file.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::corpus::{self, ArticleMeta, frontmatter};

/// Why an article file was not written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} already exists")]
    Exists(PathBuf),
    #[error("cannot write {0}: {1}")]
    Io(PathBuf, std::io::Error),
    #[error("{0}")]
    Meta(#[from] frontmatter::FrontMatterError),
}

/// The file of the article `slug`.
pub fn article_path(data_dir: &Path, slug: &str) -> PathBuf {
    corpus::articles_dir(data_dir).join(format!("{slug}.md"))
}

/// Writes a new article; never replaces an existing file.
pub fn write_new(
    data_dir: &Path,
    slug: &str,
    meta: ArticleMeta,
    body: &str,
) -> Result<PathBuf, StoreError> {
    let (path, tmp) = prepare(data_dir, slug, meta, body)?;
    match tmp.persist_noclobber(&path) {
        Ok(_) => Ok(path),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
            Err(StoreError::Exists(path))
        }
        Err(e) => Err(StoreError::Io(path, e.error)),
    }
}

/// Replaces the article `slug` (its page changed) in one step.
pub fn replace(
    data_dir: &Path,
    slug: &str,
    meta: ArticleMeta,
    body: &str,
) -> Result<PathBuf, StoreError> {
    let (path, tmp) = prepare(data_dir, slug, meta, body)?;
    tmp.persist(&path)
        .map_err(|e| StoreError::Io(path.clone(), e.error))?;
    Ok(path)
}

fn prepare(
    data_dir: &Path,
    slug: &str,
    meta: ArticleMeta,
    body: &str,
) -> Result<(PathBuf, tempfile::NamedTempFile), StoreError> {
    let meta = frontmatter::check(meta)?;
    let dir = corpus::articles_dir(data_dir);
    std::fs::create_dir_all(&dir).map_err(|e| StoreError::Io(dir.clone(), e))?;
    let path = article_path(data_dir, slug);
    let text = frontmatter::render(&meta, body);
    let mut tmp = tempfile::Builder::new()
        .prefix(".clippings-add-")
        .tempfile_in(&dir)
        .map_err(|e| StoreError::Io(dir.clone(), e))?;
    tmp.write_all(text.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| StoreError::Io(path.clone(), e))?;
    // Readable like any other article (the temporary file starts owner-only).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = tmp
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644));
    }
    Ok((path, tmp))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(title: &str) -> ArticleMeta {
        ArticleMeta {
            title: title.into(),
            publisher: Some("P".into()),
            ..ArticleMeta::default()
        }
    }

    #[test]
    fn a_new_article_never_replaces_one_and_replace_does() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_new(dir.path(), "a", meta("First"), "Body one.\n").unwrap();
        assert!(matches!(
            write_new(dir.path(), "a", meta("Second"), "Body two.\n"),
            Err(StoreError::Exists(_))
        ));
        assert!(std::fs::read_to_string(&path).unwrap().contains("First"));
        replace(dir.path(), "a", meta("Second"), "Body two.\n").unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let (read, body) = frontmatter::split(&text).unwrap();
        assert_eq!(read.title, "Second");
        assert_eq!(body, "Body two.\n");
        let names: Vec<_> = std::fs::read_dir(corpus::articles_dir(dir.path()))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "no temporary file left: {names:?}");
    }
}
