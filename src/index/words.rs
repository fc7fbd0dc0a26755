//! The spelling dictionary of a generation: every unstemmed word of the passages and their
//! headings with how often it occurs, counted by the build's analyzers
//! ([`super::tokenizer::WordCounter`]) and kept as an FST next to the tantivy files.

use std::path::Path;

use rustc_hash::FxHashMap;
use tantivy_fst::{Automaton, IntoStreamer, Map, MapBuilder, Streamer};

use super::IndexError;

/// The dictionary's file in a generation directory.
pub const FILE: &str = "words.fst";

pub struct Words(Map<Vec<u8>>);

impl Words {
    pub fn from_counts(counts: FxHashMap<String, u64>) -> Result<Words, IndexError> {
        Words::from_count_refs(&counts)
    }

    /// The dictionary of these counts; words counted 0 are left out.
    pub fn from_count_refs(counts: &FxHashMap<String, u64>) -> Result<Words, IndexError> {
        let mut words: Vec<(&str, u64)> = counts
            .iter()
            .filter(|(_, count)| **count > 0)
            .map(|(word, count)| (word.as_str(), *count))
            .collect();
        words.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut builder = MapBuilder::memory();
        for (word, count) in &words {
            builder.insert(word, *count).map_err(fst_error)?;
        }
        let bytes = builder.into_inner().map_err(fst_error)?;
        Ok(Words(Map::from_bytes(bytes).map_err(fst_error)?))
    }

    /// Every word with its count.
    pub fn counts(&self) -> FxHashMap<String, u64> {
        let mut out = FxHashMap::default();
        let mut stream = self.0.stream();
        while let Some((word, count)) = stream.next() {
            if let Ok(word) = std::str::from_utf8(word) {
                out.insert(word.to_string(), count);
            }
        }
        out
    }

    pub fn read(dir: &Path) -> Result<Words, IndexError> {
        Words::read_file(&dir.join(FILE))
    }

    /// Reads a dictionary file: `words.fst` of a fresh build, or the one an incremental
    /// commit names.
    pub fn read_file(path: &Path) -> Result<Words, IndexError> {
        let bytes = std::fs::read(path)
            .map_err(|e| IndexError::Corrupt(format!("cannot read {}: {e}", path.display())))?;
        Ok(Words(Map::from_bytes(bytes).map_err(fst_error)?))
    }

    pub fn write(&self, dir: &Path) -> Result<(), IndexError> {
        self.write_file(&dir.join(FILE))
    }

    /// Writes the dictionary and syncs it to disk.
    pub fn write_file(&self, path: &Path) -> Result<(), IndexError> {
        let path = path.to_path_buf();
        let written = std::fs::File::create(&path).and_then(|mut f| {
            std::io::Write::write_all(&mut f, &self.0.as_fst().to_vec())?;
            f.sync_all()
        });
        written.map_err(|source| IndexError::Io { path, source })
    }

    /// How often `word` (lowercased, unstemmed) occurs; 0 when it never does.
    pub fn count(&self, word: &str) -> u64 {
        self.0.get(word).unwrap_or(0)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.len() == 0
    }

    /// Every word the automaton accepts, with its count, in byte order.
    pub fn matching<A: Automaton>(&self, automaton: A) -> Vec<(String, u64)> {
        let mut stream = self.0.search(automaton).into_stream();
        let mut out = Vec::new();
        while let Some((word, count)) = stream.next() {
            if let Ok(word) = std::str::from_utf8(word) {
                out.push((word.to_string(), count));
            }
        }
        out
    }
}

fn fst_error(e: tantivy_fst::Error) -> IndexError {
    IndexError::Corrupt(format!("spelling dictionary: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_survive_a_round_trip_through_the_file() {
        let counts: FxHashMap<String, u64> = [("chips".to_string(), 3), ("alibaba".to_string(), 7)]
            .into_iter()
            .collect();
        let words = Words::from_counts(counts).unwrap();
        let dir = tempfile::tempdir().unwrap();
        words.write(dir.path()).unwrap();
        let read = Words::read(dir.path()).unwrap();
        assert_eq!(read.count("alibaba"), 7);
        assert_eq!(read.count("chips"), 3);
        assert_eq!(read.count("chip"), 0);
        assert_eq!(read.len(), 2);
    }

    #[test]
    fn a_damaged_file_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), b"not an fst").unwrap();
        assert!(matches!(
            Words::read(dir.path()),
            Err(IndexError::Corrupt(_))
        ));
    }
}
