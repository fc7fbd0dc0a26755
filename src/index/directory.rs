//! The index's directory: tantivy's memory-mapped one, except that small reads of the stored
//! passages (`.store` files) are copied out with `pread` instead of read through the map (on
//! Unix; elsewhere they read the map).
//!
//! A shown passage decompresses one small block of its segment's store. Read through the
//! map, each such read faults in the block's page and the kernel maps cached neighbouring
//! pages with it, so at a million passages a few hundred answers leave most of the store
//! counted in the process's resident memory (docs/BENCHMARKS.md, "Serving memory"). Copied
//! out, a block lives as long as tantivy's block cache keeps it. Large reads (a merge
//! stacking a whole store, the store's block index when a segment opens) still go through
//! the map, so they never need that much heap.

use std::fs::File;
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::HasLen;
use tantivy::directory::error::{
    DeleteError, LockError, OpenDirectoryError, OpenReadError, OpenWriteError,
};
use tantivy::directory::{
    Directory, DirectoryLock, FileHandle, Lock, MmapDirectory, OwnedBytes, WatchCallback,
    WatchHandle, WritePtr,
};

/// Reads of a store file up to this size are copied out; larger ones read the map.
pub const COPIED_READ_MAX: usize = 256 * 1024;

/// [`MmapDirectory`], with stored passages read by copy (see the module).
#[derive(Clone, Debug)]
pub struct IndexDirectory {
    mmap: MmapDirectory,
    root: PathBuf,
}

impl IndexDirectory {
    pub fn open(root: &Path) -> Result<IndexDirectory, OpenDirectoryError> {
        Ok(IndexDirectory {
            mmap: MmapDirectory::open(root)?,
            root: root.to_path_buf(),
        })
    }
}

/// A store file: small reads copied from the file, large ones sliced from its map.
#[derive(Debug)]
struct StoreFile {
    #[cfg_attr(not(unix), allow(dead_code))]
    file: File,
    mapped: Arc<dyn FileHandle>,
}

impl HasLen for StoreFile {
    fn len(&self) -> usize {
        self.mapped.len()
    }
}

impl FileHandle for StoreFile {
    fn read_bytes(&self, range: Range<usize>) -> io::Result<OwnedBytes> {
        if range.is_empty() || range.len() > COPIED_READ_MAX {
            return self.mapped.read_bytes(range);
        }
        if range.end > self.len() {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("read past the end of a store file ({range:?})"),
            ));
        }
        #[cfg(unix)]
        return copied(&self.file, range);
        // Elsewhere a file has no positioned read that readers on several threads can share:
        // the map it is.
        #[cfg(not(unix))]
        return self.mapped.read_bytes(range);
    }
}

/// `range` of `file`, read into memory with `pread`.
#[cfg(unix)]
fn copied(file: &File, range: Range<usize>) -> io::Result<OwnedBytes> {
    use std::os::unix::fs::FileExt;
    let mut buffer = vec![0; range.len()];
    file.read_exact_at(&mut buffer, range.start as u64)?;
    Ok(OwnedBytes::new(buffer))
}

impl Directory for IndexDirectory {
    fn get_file_handle(&self, path: &Path) -> Result<Arc<dyn FileHandle>, OpenReadError> {
        let mapped = self.mmap.get_file_handle(path)?;
        if path.extension().is_none_or(|e| e != "store") {
            return Ok(mapped);
        }
        let file = File::open(self.root.join(path))
            .map_err(|e| OpenReadError::wrap_io_error(e, path.to_path_buf()))?;
        Ok(Arc::new(StoreFile { file, mapped }))
    }

    fn delete(&self, path: &Path) -> Result<(), DeleteError> {
        self.mmap.delete(path)
    }

    fn exists(&self, path: &Path) -> Result<bool, OpenReadError> {
        self.mmap.exists(path)
    }

    fn open_write(&self, path: &Path) -> Result<WritePtr, OpenWriteError> {
        self.mmap.open_write(path)
    }

    fn atomic_read(&self, path: &Path) -> Result<Vec<u8>, OpenReadError> {
        self.mmap.atomic_read(path)
    }

    fn atomic_write(&self, path: &Path, data: &[u8]) -> io::Result<()> {
        self.mmap.atomic_write(path, data)
    }

    fn sync_directory(&self) -> io::Result<()> {
        self.mmap.sync_directory()
    }

    fn acquire_lock(&self, lock: &Lock) -> Result<DirectoryLock, LockError> {
        self.mmap.acquire_lock(lock)
    }

    fn watch(&self, watch_callback: WatchCallback) -> tantivy::Result<WatchHandle> {
        self.mmap.watch(watch_callback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_reads_of_a_store_file_are_copied_and_large_ones_mapped_alike() {
        let dir = tempfile::tempdir().unwrap();
        let bytes: Vec<u8> = (0..COPIED_READ_MAX * 2).map(|i| (i % 251) as u8).collect();
        std::fs::write(dir.path().join("seg.store"), &bytes).unwrap();
        std::fs::write(dir.path().join("seg.idx"), &bytes).unwrap();
        let directory = IndexDirectory::open(dir.path()).unwrap();
        let store = directory.get_file_handle(Path::new("seg.store")).unwrap();
        assert_eq!(store.len(), bytes.len());
        for range in [10..4106, 0..bytes.len(), 7..7, 1..COPIED_READ_MAX + 2] {
            let read = store.read_bytes(range.clone()).unwrap();
            assert_eq!(read.as_slice(), &bytes[range]);
        }
        assert!(store.read_bytes(bytes.len() - 2..bytes.len() + 2).is_err());
        // Other files are tantivy's maps.
        let postings = directory.get_file_handle(Path::new("seg.idx")).unwrap();
        assert_eq!(postings.read_bytes(3..9).unwrap().as_slice(), &bytes[3..9]);
        assert!(matches!(
            directory.get_file_handle(Path::new("missing.store")),
            Err(OpenReadError::FileDoesNotExist(_))
        ));
    }
}
