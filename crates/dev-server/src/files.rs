//! The bytes of uploaded files, kept beside the database: in a folder next to its file
//! (`data/livechat.db` → `data/livechat.uploads/<id>`), or in memory with `--memory`. What each
//! file is and whose lives in the database (`store::uploads`).

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub enum Files {
    Dir(PathBuf),
    Memory(Mutex<HashMap<String, Arc<[u8]>>>),
}

impl Files {
    pub fn memory() -> Files {
        Files::Memory(Mutex::default())
    }

    /// The folder next to the database file `db`, named after it.
    pub fn beside(db: &Path) -> Files {
        Files::Dir(db.with_extension("uploads"))
    }

    /// Where the files are, for the start banner.
    pub fn describe(&self) -> String {
        match self {
            Files::Dir(dir) => dir.display().to_string(),
            Files::Memory(_) => "in memory".into(),
        }
    }

    /// Keeps `bytes` as file `id` (a random id: letters and digits only, never a path).
    pub fn put(&self, id: &str, bytes: &[u8]) -> io::Result<()> {
        if !safe(id) {
            return Err(io::Error::new(io::ErrorKind::InvalidInput, "a file id is letters and digits"));
        }
        match self {
            Files::Dir(dir) => {
                std::fs::create_dir_all(dir)?;
                // Written under a temporary name, then renamed: a reader never sees half a file.
                let part = dir.join(format!("{id}.part"));
                std::fs::write(&part, bytes)?;
                std::fs::rename(part, dir.join(id))
            }
            Files::Memory(map) => {
                map.lock().unwrap_or_else(|e| e.into_inner()).insert(id.to_owned(), bytes.into());
                Ok(())
            }
        }
    }

    /// Forgets file `id` (nothing when it is not kept).
    pub fn remove(&self, id: &str) -> io::Result<()> {
        if !safe(id) {
            return Ok(());
        }
        match self {
            Files::Dir(dir) => match std::fs::remove_file(dir.join(id)) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            },
            Files::Memory(map) => {
                map.lock().unwrap_or_else(|e| e.into_inner()).remove(id);
                Ok(())
            }
        }
    }

    /// File `id`'s bytes, if it is kept.
    pub fn get(&self, id: &str) -> io::Result<Option<Arc<[u8]>>> {
        if !safe(id) {
            return Ok(None);
        }
        match self {
            Files::Dir(dir) => match std::fs::read(dir.join(id)) {
                Ok(bytes) => Ok(Some(bytes.into())),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            },
            Files::Memory(map) => Ok(map.lock().unwrap_or_else(|e| e.into_inner()).get(id).cloned()),
        }
    }
}

/// An id that is safe as a file name: letters and digits only.
fn safe(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_files_in_memory_and_on_disk() {
        let dir = std::env::temp_dir().join(format!("livechat-files-{}", std::process::id()));
        for files in [Files::memory(), Files::beside(&dir.join("test.db"))] {
            assert_eq!(files.get("a1").unwrap(), None);
            files.put("a1", b"hello").unwrap();
            assert_eq!(files.get("a1").unwrap().as_deref(), Some(&b"hello"[..]));
            assert_eq!(files.get("../a1").unwrap(), None, "only ids");
            assert!(files.put("../x", b"no").is_err(), "never a path");
            files.remove("a1").unwrap();
            assert_eq!(files.get("a1").unwrap(), None);
            files.remove("a1").unwrap();
        }
        assert!(dir.join("test.uploads").is_dir(), "beside the database");
        assert!(!dir.join("test.uploads/a1").exists(), "removed");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
