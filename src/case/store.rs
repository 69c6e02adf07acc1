//! The folder case store: one private folder per case, an append-only hash-chained log.
//!
//! ```text
//! <data-dir>/<case-id>/
//!   case.yaml       the case's facts, for people to read (the log holds the same facts)
//!   events.jsonl    the log: the source of truth
//!   head            sequence number and hash of the last complete append
//!   lock            held by the one process allowed to write
//!   template/       a copy of the exact template the case was opened with
//!   attachments/    evidence files named by their SHA-256
//! ```
//!
//! An append writes all its lines with one `write`, syncs the file, then replaces `head`
//! atomically and syncs the folder. A crash can leave an incomplete last line or an incomplete
//! multi-line append: loading leaves those out (they were never reported as saved) and the next
//! append cuts them off. Every complete line is checked against its hash and the one before.

use super::event::{EventBody, GENESIS, Record, ending_hash};
use serde::{Deserialize, Serialize};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The log file's name.
pub const EVENTS_FILE: &str = "events.jsonl";
/// The case facts file's name.
pub const CASE_FILE: &str = "case.yaml";
const HEAD_FILE: &str = "head";
const LOCK_FILE: &str = "lock";
/// The folder holding the case's copy of its template.
pub const TEMPLATE_DIR: &str = "template";
/// The folder holding evidence attachments.
pub const ATTACHMENTS_DIR: &str = "attachments";
const CURRENT_FILE: &str = ".current";

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A file could not be read or written.
    #[error("could not {action} {path}: {source}")]
    Io {
        /// What was being done.
        action: &'static str,
        /// Which file.
        path: PathBuf,
        /// The system's reason.
        source: io::Error,
    },
    /// No case with that id.
    #[error("there is no case `{id}` in {dir} (see `assess case list`)")]
    NotFound {
        /// The id asked for.
        id: String,
        /// The data folder searched.
        dir: PathBuf,
    },
    /// A case with that id exists already.
    #[error("a case `{0}` already exists: choose another id with --id")]
    Exists(String),
    /// The id cannot be a folder name.
    #[error("`{0}` cannot be used as a case id: use letters, digits, `-` and `_` only (e.g. ZC26C00123)")]
    BadId(String),
    /// Another process is writing the case.
    #[error(
        "case `{case}` is being changed by another assess process{pid}; wait for it to finish (or close the other window) and try again"
    )]
    Locked {
        /// The case id.
        case: String,
        /// " (process N)" when known.
        pid: String,
    },
    /// The log does not match its hashes: it was changed outside assess.
    #[error("{0}")]
    Altered(String),
}

fn io_err<'p>(action: &'static str, path: &'p Path) -> impl FnOnce(io::Error) -> StoreError + use<'p> {
    move |source| StoreError::Io { action, path: path.to_path_buf(), source }
}

/// Where cases live when no `--data-dir` or `ASSESS_DATA` is given: the user's data folder.
pub fn default_data_dir() -> PathBuf {
    if let Some(d) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(d).join("assess");
    }
    if let Some(h) = std::env::var_os("HOME").filter(|h| !h.is_empty()) {
        return PathBuf::from(h).join(".local/share/assess");
    }
    PathBuf::from("assess-data")
}

/// Creates a folder (and its parents) readable by its owner only.
pub fn create_private_dir(path: &Path) -> Result<(), StoreError> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(path).map_err(io_err("create the folder", path))
}

fn private_options() -> OpenOptions {
    let mut o = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o
}

fn sync_dir(path: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    File::open(path).and_then(|d| d.sync_all()).map_err(io_err("sync the folder", path))?;
    let _ = path;
    Ok(())
}

/// Writes a file atomically and privately: a temporary file, synced, renamed over the target,
/// and the folder synced. Readers see the old or the new contents, never a mixture.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let mut f = private_options().write(true).create(true).truncate(true).open(&tmp).map_err(io_err("create", &tmp))?;
    f.write_all(bytes).and_then(|_| f.sync_all()).map_err(io_err("write", &tmp))?;
    drop(f);
    fs::rename(&tmp, path).map_err(io_err("replace", path))?;
    sync_dir(dir)
}

/// Checks that an id is safe as a folder name.
pub fn check_id(id: &str) -> Result<(), StoreError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('.')
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok { Ok(()) } else { Err(StoreError::BadId(id.to_string())) }
}

/// The data folder: a folder of case folders.
#[derive(Debug, Clone)]
pub struct DataDir {
    /// Its path.
    pub path: PathBuf,
}

impl DataDir {
    /// The data folder at `path` (created on first write).
    pub fn new(path: PathBuf) -> DataDir {
        DataDir { path }
    }

    /// The ids of every case, sorted.
    pub fn list(&self) -> Result<Vec<String>, StoreError> {
        let mut ids = Vec::new();
        let entries = match fs::read_dir(&self.path) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(ids),
            Err(e) => return Err(io_err("read the folder", &self.path)(e)),
        };
        for entry in entries.flatten() {
            let p = entry.path();
            if p.join(EVENTS_FILE).is_file() {
                ids.push(entry.file_name().to_string_lossy().into_owned());
            }
        }
        ids.sort();
        Ok(ids)
    }

    /// Opens an existing case.
    pub fn open(&self, id: &str) -> Result<CaseDir, StoreError> {
        check_id(id)?;
        let path = self.path.join(id);
        if !path.join(EVENTS_FILE).is_file() {
            return Err(StoreError::NotFound { id: id.to_string(), dir: self.path.clone() });
        }
        Ok(CaseDir { id: id.to_string(), path })
    }

    /// Creates a case folder with its template copy and first event. `template_files` are
    /// paths relative to the template folder with their bytes.
    pub fn create(
        &self,
        id: &str,
        case_yaml: &str,
        template_files: &[(String, Vec<u8>)],
        first: &EventBody,
        stamp: &Stamp,
    ) -> Result<(CaseDir, Record), StoreError> {
        check_id(id)?;
        create_private_dir(&self.path)?;
        let path = self.path.join(id);
        // Creating the folder is the claim on the id: two processes cannot both succeed.
        let mut b = fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
        match b.create(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(StoreError::Exists(id.to_string())),
            Err(e) => return Err(io_err("create the folder", &path)(e)),
        }
        let case = CaseDir { id: id.to_string(), path };
        let lock = case.lock()?;
        create_private_dir(&case.path.join(ATTACHMENTS_DIR))?;
        for (rel, bytes) in template_files {
            let target = case.path.join(TEMPLATE_DIR).join(rel);
            if let Some(parent) = target.parent() {
                create_private_dir(parent)?;
            }
            write_atomic(&target, bytes)?;
        }
        write_atomic(&case.path.join(CASE_FILE), case_yaml.as_bytes())?;
        let records = case.append(&lock, std::slice::from_ref(first), stamp)?;
        sync_dir(&self.path)?;
        let first = records.into_iter().next().ok_or_else(|| StoreError::Altered("nothing was written".into()))?;
        Ok((case, first))
    }

    /// The case chosen with `assess case open`, if any.
    pub fn current(&self) -> Option<String> {
        let s = fs::read_to_string(self.path.join(CURRENT_FILE)).ok()?;
        let id = s.trim().to_string();
        check_id(&id).ok().map(|_| id)
    }

    /// Remembers the case that commands use when none is named.
    pub fn set_current(&self, id: &str) -> Result<(), StoreError> {
        create_private_dir(&self.path)?;
        write_atomic(&self.path.join(CURRENT_FILE), format!("{id}\n").as_bytes())
    }
}

/// Who and when, stamped on every event of an append.
#[derive(Debug, Clone)]
pub struct Stamp {
    /// RFC 3339 time.
    pub time: String,
    /// Author's name.
    pub author: String,
}

/// One case's folder.
#[derive(Debug, Clone)]
pub struct CaseDir {
    /// The case id (the folder's name).
    pub id: String,
    /// The folder.
    pub path: PathBuf,
}

/// Proof that this process holds the case's write lock; released when dropped. While it is
/// held no one else appends, so it remembers where the log ends after each append.
#[derive(Debug)]
pub struct CaseLock {
    _file: File,
    tail: std::cell::RefCell<Option<Tail>>,
}

/// Where the log ends: the last sequence number and hash, and the byte length.
#[derive(Debug, Clone)]
struct Tail {
    seq: u64,
    hash: String,
    len: u64,
}

/// The log as loaded: the complete records, and what was left out.
#[derive(Debug, Clone, Default)]
pub struct Log {
    /// Every complete, checked record, in order.
    pub records: Vec<Record>,
    /// Byte length of the part of the file those records occupy.
    pub valid_len: u64,
    /// Lines of an interrupted write that were left out, if any.
    pub interrupted: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Head {
    seq: u64,
    hash: String,
}

impl CaseDir {
    /// The case's copy of its template folder.
    pub fn template_dir(&self) -> PathBuf {
        self.path.join(TEMPLATE_DIR)
    }

    /// The evidence attachments folder.
    pub fn attachments_dir(&self) -> PathBuf {
        self.path.join(ATTACHMENTS_DIR)
    }

    /// Takes the write lock, or says who has it. Waits up to a second first, so that two
    /// commands started together simply run one after the other.
    pub fn lock(&self) -> Result<CaseLock, StoreError> {
        let mut wait = std::time::Duration::from_millis(5);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
        loop {
            match self.try_lock() {
                Err(StoreError::Locked { .. }) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(wait);
                    wait = (wait * 2).min(std::time::Duration::from_millis(100));
                }
                other => return other,
            }
        }
    }

    fn try_lock(&self) -> Result<CaseLock, StoreError> {
        let path = self.path.join(LOCK_FILE);
        let mut file = private_options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io_err("open", &path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                let mut s = String::new();
                let _ = file.read_to_string(&mut s);
                let pid = s.trim().parse::<u32>().map(|p| format!(" (process {p})")).unwrap_or_default();
                return Err(StoreError::Locked { case: self.id.clone(), pid });
            }
            Err(fs::TryLockError::Error(e)) => return Err(io_err("lock", &path)(e)),
        }
        let _ = file.set_len(0).and_then(|_| file.write_all(std::process::id().to_string().as_bytes()));
        Ok(CaseLock { _file: file, tail: std::cell::RefCell::new(None) })
    }

    /// Reads and checks the log. A changed, missing or reordered line is an error that names it;
    /// an interrupted write at the end is left out and reported in [`Log::interrupted`].
    pub fn load(&self) -> Result<Log, StoreError> {
        let path = self.path.join(EVENTS_FILE);
        let bytes = fs::read(&path).map_err(io_err("read", &path))?;
        let mut log = parse_log(bytes)?;
        self.check_head(&mut log)?;
        Ok(log)
    }

    fn check_head(&self, log: &mut Log) -> Result<(), StoreError> {
        let path = self.path.join(HEAD_FILE);
        let head: Head = match fs::read(&path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| {
                StoreError::Altered(format!("the file {} is damaged ({e}); run `assess verify`", path.display()))
            })?,
            Err(e) if e.kind() == io::ErrorKind::NotFound && log.records.is_empty() => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(StoreError::Altered(format!(
                    "the file {} is missing: the end of the log cannot be checked",
                    path.display()
                )));
            }
            Err(e) => return Err(io_err("read", &path)(e)),
        };
        let last = log.records.len() as u64;
        if head.seq > last {
            return Err(StoreError::Altered(format!(
                "event {} is missing: the log ends at event {last}, but {} events were saved",
                last + 1,
                head.seq
            )));
        }
        if head.seq >= 1 && log.records[(head.seq - 1) as usize].hash() != head.hash {
            return Err(StoreError::Altered(format!(
                "event {} is not the event that was saved as number {}",
                head.seq, head.seq
            )));
        }
        Ok(())
    }

    /// Appends events as one write and returns their records. Needs the lock.
    pub fn append(&self, lock: &CaseLock, bodies: &[EventBody], stamp: &Stamp) -> Result<Vec<Record>, StoreError> {
        if bodies.is_empty() {
            return Ok(Vec::new());
        }
        let path = self.path.join(EVENTS_FILE);
        let cached = lock.tail.borrow().clone();
        let tail = match cached {
            Some(t) => t,
            None => {
                let log = match fs::metadata(&path) {
                    Ok(_) => self.load()?,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => Log::default(),
                    Err(e) => return Err(io_err("read", &path)(e)),
                };
                match log.records.last() {
                    Some(r) => Tail { seq: r.seq, hash: r.hash().to_string(), len: log.valid_len },
                    None => Tail { seq: 0, hash: GENESIS.to_string(), len: 0 },
                }
            }
        };
        let mut file =
            private_options().create(true).write(true).truncate(false).open(&path).map_err(io_err("open", &path))?;
        let on_disk = file.metadata().map_err(io_err("read", &path))?.len();
        if on_disk < tail.len {
            return Err(StoreError::Altered(format!(
                "{} became shorter while this process was writing to it: run `assess verify`",
                path.display()
            )));
        }
        if on_disk != tail.len {
            // Cut off an interrupted write before adding to the log.
            file.set_len(tail.len).map_err(io_err("repair", &path))?;
        }
        let (mut seq, mut prev) = (tail.seq, tail.hash.clone());
        let mut records = Vec::with_capacity(bodies.len());
        let mut text = String::new();
        for (i, body) in bodies.iter().enumerate() {
            seq += 1;
            let more = i + 1 < bodies.len();
            let r = Record::seal(seq, &stamp.time, &stamp.author, body, more, &prev);
            prev = r.hash().to_string();
            text.push_str(r.line());
            text.push('\n');
            records.push(r);
        }
        use std::io::Seek;
        file.seek(io::SeekFrom::Start(tail.len)).map_err(io_err("write", &path))?;
        file.write_all(text.as_bytes()).and_then(|_| file.sync_all()).map_err(io_err("write", &path))?;
        *lock.tail.borrow_mut() = Some(Tail { seq, hash: prev.clone(), len: tail.len + text.len() as u64 });
        let head = Head { seq, hash: prev };
        let head_json = serde_json::to_vec(&head).unwrap_or_default();
        write_atomic(&self.path.join(HEAD_FILE), &head_json)?;
        Ok(records)
    }

    /// Copies a file into `attachments/`, named by its SHA-256, privately and atomically.
    /// Needs the lock. Returns what an evidence entry records about it.
    pub fn store_attachment(&self, _lock: &CaseLock, source: &Path) -> Result<super::event::Attachment, StoreError> {
        let bytes = fs::read(source).map_err(io_err("read", source))?;
        let sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
        let dir = self.attachments_dir();
        create_private_dir(&dir)?;
        let target = dir.join(&sha256);
        if !target.exists() {
            write_atomic(&target, &bytes)?;
        }
        let name = source.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        Ok(super::event::Attachment { name, sha256, bytes: bytes.len() as u64 })
    }

    /// Checks the whole case: the hash chain, the end of the log, and the template copy.
    /// Returns a description of the first problem found.
    pub fn verify(&self) -> Result<Verified, StoreError> {
        let log = self.load()?;
        if let Some(Ok(EventBody::CaseOpened(info))) = log.records.first().map(Record::body) {
            let path = self.template_dir().join(crate::template::TEMPLATE_FILE);
            let bytes = fs::read(&path).map_err(io_err("read", &path))?;
            let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
            if hash != info.template.hash {
                return Err(StoreError::Altered(format!(
                    "the case's copy of its template ({}) was changed: it is not the template `{}` version {} the case was opened with",
                    path.display(),
                    info.template.id,
                    info.template.version
                )));
            }
        }
        for r in &log.records {
            if let Ok(EventBody::EvidenceAdded(e)) = r.body() {
                for a in &e.attachments {
                    let path = self.attachments_dir().join(&a.sha256);
                    let ok = fs::read(&path)
                        .map(|b| hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&b)) == a.sha256)
                        .unwrap_or(false);
                    if !ok {
                        return Err(StoreError::Altered(format!(
                            "the attachment `{}` of evidence {} (event {}) is missing or was changed",
                            a.name, e.id, r.seq
                        )));
                    }
                }
            }
        }
        Ok(Verified { events: log.records.len(), interrupted: log.interrupted })
    }
}

/// What `verify` found on a sound case.
#[derive(Debug, Clone)]
pub struct Verified {
    /// Number of events checked.
    pub events: usize,
    /// An interrupted write left out, if any.
    pub interrupted: Option<String>,
}

/// Parses and checks the bytes of a log. Given a `Vec<u8>` (as read from the file) it keeps
/// that text and the records share it; given a slice, it copies it once.
///
/// Each complete line is read and checked against its own hash first (on every core, for a
/// long log); then, in order, each must follow the one before. The first problem in the order
/// of the file is the one reported.
pub fn parse_log(bytes: impl Into<Vec<u8>>) -> Result<Log, StoreError> {
    let mut bytes = bytes.into();
    // A last line without its newline is an interrupted write: it is not part of the log.
    let complete = memchr::memrchr(b'\n', &bytes).map_or(0, |nl| nl + 1);
    let incomplete = complete < bytes.len();
    bytes.truncate(complete);
    // Text that is not UTF-8 was changed outside assess. Everything before the line it is on
    // is still read, so that an earlier problem is the one reported.
    let (text, not_text) = match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(e) => {
            let bad = e.utf8_error().valid_up_to();
            let mut bytes = e.into_bytes();
            let line_start = memchr::memrchr(b'\n', &bytes[..bad]).map_or(0, |nl| nl + 1);
            let line_no = memchr::memchr_iter(b'\n', &bytes[..line_start]).count() + 1;
            bytes.truncate(line_start);
            (String::from_utf8(bytes).unwrap_or_default(), Some(line_no))
        }
    };
    let text = Arc::new(text);
    let mut start = 0;
    let lines: Vec<Range<usize>> = memchr::memchr_iter(b'\n', text.as_bytes())
        .map(|nl| {
            let line = start..nl;
            start = nl + 1;
            line
        })
        .collect();
    // Each line is checked against its own hash, and whether it names the hash that ends the
    // line before (which is only used once that line has passed its own check).
    let checked = super::parallel::map_in_order(&lines, |index, line| {
        let checked = Record::check(&text, line.clone())?;
        let before = match index.checked_sub(1) {
            Some(i) => text.get(lines[i].clone()).map_or("", ending_hash),
            None => GENESIS,
        };
        let follows = checked.prev(&text) == before;
        Ok((checked, follows))
    });
    let mut log = Log { records: Vec::with_capacity(lines.len()), ..Log::default() };
    let mut offset = 0usize;
    let mut group_start: Option<(usize, u64)> = None; // (index in records, byte offset) of an open group
    for (index, (line, record)) in lines.iter().zip(checked).enumerate() {
        let line_no = index as u64 + 1;
        let next = line.end + 1;
        let (record, follows) = record.map(|(checked, follows)| (checked.into_record(&text), follows)).map_err(|what: String| {
            let fields = serde_json::from_str::<serde_json::Value>(&text[line.clone()]).ok();
            let field = |name: &str| fields.as_ref().and_then(|v| v.get(name));
            let seq = field("seq").and_then(serde_json::Value::as_u64);
            let kind = field("kind").and_then(serde_json::Value::as_str);
            match (seq, kind) {
                (Some(seq), Some(kind)) => StoreError::Altered(format!(
                    "event {seq} (line {line_no}, {kind}) was changed after it was saved: its contents do not match its hash"
                )),
                _ => StoreError::Altered(format!(
                    "event on line {line_no} {what}: the log was changed outside assess"
                )),
            }
        })?;
        let expected_seq = log.records.len() as u64 + 1;
        if record.seq != expected_seq {
            return Err(StoreError::Altered(format!(
                "event {expected_seq} is missing or out of order: line {line_no} holds event {}",
                record.seq
            )));
        }
        if !follows {
            return Err(StoreError::Altered(format!(
                "event {} (line {line_no}) does not follow event {}: an event before it was changed, removed or moved",
                record.seq,
                record.seq - 1
            )));
        }
        if record.more {
            group_start.get_or_insert((log.records.len(), offset as u64));
        } else {
            group_start = None;
        }
        log.records.push(record);
        offset = next;
        if group_start.is_none() {
            log.valid_len = offset as u64;
        }
    }
    if let Some(line_no) = not_text {
        return Err(StoreError::Altered(format!("event on line {line_no} is not valid text: the log was changed")));
    }
    if incomplete {
        log.interrupted = Some(format!("line {} is incomplete (a write was interrupted)", lines.len() + 1));
    }
    if let Some((index, _)) = group_start {
        let dropped = log.records.len() - index;
        log.records.truncate(index);
        log.interrupted = Some(format!("the last {dropped} event(s) belong to a write that was interrupted"));
    }
    Ok(log)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp() -> Stamp {
        Stamp { time: "2026-01-01T09:00:00Z".into(), author: "tester".into() }
    }

    fn ended(n: u32) -> EventBody {
        EventBody::SessionEnded { session: n, note: None }
    }

    fn case() -> (tempfile::TempDir, CaseDir) {
        let dir = tempfile::tempdir().unwrap();
        let data = DataDir::new(dir.path().join("data"));
        let (case, _) =
            data.create("C1", "x: 1\n", &[("template.yaml".into(), b"id: t".to_vec())], &ended(0), &stamp()).unwrap();
        (dir, case)
    }

    /// A log long enough to be checked on more than one core: a case opening, then sessions.
    fn long_log(events: u64) -> Vec<u8> {
        let info = serde_json::json!({
            "court": "Family Court at Exampleton", "case_number": "ZC26C00001",
            "children": [{"initials": "A.B.", "date_of_birth": "2025-06-01"}],
            "carers": [{"id": "m", "name": "Ms M", "relationship": "mother"}],
            "assessor": {"name": "A"}, "template": {"id": "t", "version": "1", "hash": "x"}
        });
        let mut out = Vec::new();
        let mut prev = GENESIS.to_string();
        for seq in 1..=events {
            let body = if seq == 1 {
                EventBody::CaseOpened(serde_json::from_value(info.clone()).unwrap())
            } else {
                EventBody::NarrativeWritten { section: format!("area:{}", seq % 7), text: format!("Version {seq}.") }
            };
            let r = Record::seal(seq, "2026-01-01T09:00:00Z", "A", &body, false, &prev);
            prev = r.hash().to_string();
            out.extend_from_slice(r.line().as_bytes());
            out.push(b'\n');
        }
        out
    }

    /// Changes one byte inside the text of the given line (1-based).
    fn alter_line(log: &mut [u8], line_no: usize) {
        let start = log.split(|&b| b == b'\n').take(line_no - 1).map(|l| l.len() + 1).sum::<usize>();
        let at = start + log[start..].windows(8).position(|w| w == b"Version ").unwrap();
        log[at] = b'v';
    }

    #[test]
    fn a_long_log_checked_on_several_cores_gives_the_same_case_as_one_event_at_a_time() {
        let bytes = long_log(5_000);
        let log = parse_log(&bytes[..]).unwrap();
        assert_eq!(log.records.len(), 5_000);
        assert_eq!(log.valid_len, bytes.len() as u64);
        let replayed = crate::case::CaseState::replay(&log.records).unwrap();
        let mut stepped = crate::case::CaseState::replay(&log.records[..1]).unwrap();
        for r in &log.records[1..] {
            stepped.apply(&r.body().unwrap(), r.seq).unwrap();
        }
        assert_eq!(replayed, stepped);
        assert_eq!(replayed.narrative["area:3"].versions, 714);
    }

    #[test]
    fn in_a_long_log_the_first_changed_line_is_the_one_named() {
        // Lines 4,000 and 1,500 fall to different threads; the earlier one must be reported,
        // whichever thread finishes first.
        let mut bytes = long_log(5_000);
        alter_line(&mut bytes, 4_000);
        alter_line(&mut bytes, 1_500);
        let err = parse_log(&bytes[..]).unwrap_err().to_string();
        assert!(err.contains("event 1500 (line 1500, narrative_written) was changed"), "{err}");
        // A line cut out of the second half breaks the chain exactly there.
        let bytes = long_log(5_000);
        let lines: Vec<&[u8]> = bytes.split(|&b| b == b'\n').filter(|l| !l.is_empty()).collect();
        let mut cut: Vec<u8> = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            if i + 1 != 3_210 {
                cut.extend_from_slice(l);
                cut.push(b'\n');
            }
        }
        let err = parse_log(&cut[..]).unwrap_err().to_string();
        assert!(err.contains("event 3210 is missing or out of order: line 3210 holds event 3211"), "{err}");
    }

    /// Replaces the `Version ` text of the given line (1-based) with bytes that are not UTF-8.
    fn break_text(log: &mut [u8], line_no: usize) {
        let start = log.split(|&b| b == b'\n').take(line_no - 1).map(|l| l.len() + 1).sum::<usize>();
        let at = start + log[start..].windows(8).position(|w| w == b"Version ").unwrap();
        log[at] = 0xff;
    }

    #[test]
    fn text_that_is_not_utf8_is_named_by_its_line_unless_an_earlier_line_is_wrong() {
        let mut bytes = long_log(3_000);
        break_text(&mut bytes, 2_345);
        let err = parse_log(&bytes[..]).unwrap_err().to_string();
        assert_eq!(err, "event on line 2345 is not valid text: the log was changed");
        alter_line(&mut bytes, 77);
        let err = parse_log(&bytes[..]).unwrap_err().to_string();
        assert!(err.contains("event 77 (line 77, narrative_written) was changed"), "{err}");
        // Broken text in an unfinished last line is an interrupted write, not a change.
        let mut bytes = long_log(10);
        bytes.extend_from_slice(b"{\"seq\":11,\"time\":\"\xe2\x80");
        let log = parse_log(bytes).unwrap();
        assert_eq!(log.records.len(), 10);
        assert_eq!(log.interrupted.as_deref(), Some("line 11 is incomplete (a write was interrupted)"));
    }

    #[test]
    fn appends_chain_and_load_checks_them() {
        let (_d, case) = case();
        let lock = case.lock().unwrap();
        case.append(&lock, &[ended(1), ended(2)], &stamp()).unwrap();
        let log = case.load().unwrap();
        assert_eq!(log.records.len(), 3);
        assert!(log.interrupted.is_none());
        assert_eq!(log.records[2].prev(), log.records[1].hash());
    }

    #[test]
    fn an_interrupted_group_is_left_out_and_cut_off_on_the_next_append() {
        let (_d, case) = case();
        let lock = case.lock().unwrap();
        let path = case.path.join(EVENTS_FILE);
        let before = fs::read(&path).unwrap();
        case.append(&lock, &[ended(1), ended(2)], &stamp()).unwrap();
        let full = fs::read(&path).unwrap();
        // Keep only the first line of the two-line group, as a crash might.
        let first_nl = before.len() + full[before.len()..].iter().position(|&b| b == b'\n').unwrap() + 1;
        fs::write(&path, &full[..first_nl]).unwrap();
        // The head still names event 3 in this simulation, so restore a head for event 1.
        let log0 = parse_log(&before[..]).unwrap();
        let h = Head { seq: 1, hash: log0.records[0].hash().to_string() };
        fs::write(case.path.join(HEAD_FILE), serde_json::to_vec(&h).unwrap()).unwrap();
        let log = case.load().unwrap();
        assert_eq!(log.records.len(), 1);
        assert!(log.interrupted.is_some());
        // The next process to write takes the lock afresh.
        drop(lock);
        let lock = case.lock().unwrap();
        case.append(&lock, &[ended(9)], &stamp()).unwrap();
        let log = case.load().unwrap();
        assert_eq!(log.records.len(), 2);
        assert!(log.interrupted.is_none());
    }

    #[test]
    fn a_partial_last_line_is_left_out() {
        let (_d, case) = case();
        let path = case.path.join(EVENTS_FILE);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(b"{\"seq\":2,\"ti").unwrap();
        let log = case.load().unwrap();
        assert_eq!(log.records.len(), 1);
        assert!(log.interrupted.unwrap().contains("line 2"));
    }

    #[test]
    fn a_second_writer_is_refused() {
        let (_d, case) = case();
        let _lock = case.lock().unwrap();
        let err = case.lock().unwrap_err().to_string();
        assert!(err.contains("being changed by another assess process"), "{err}");
    }

    #[test]
    fn a_removed_last_event_is_detected_by_the_head() {
        let (_d, case) = case();
        let lock = case.lock().unwrap();
        case.append(&lock, &[ended(1)], &stamp()).unwrap();
        let path = case.path.join(EVENTS_FILE);
        let text = fs::read_to_string(&path).unwrap();
        let first = text.lines().next().unwrap();
        fs::write(&path, format!("{first}\n")).unwrap();
        let err = case.load().unwrap_err().to_string();
        assert!(err.contains("event 2 is missing"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn case_files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let (_d, case) = case();
        for p in [case.path.clone(), case.path.join(EVENTS_FILE), case.path.join(CASE_FILE), case.template_dir()] {
            let mode = fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode & 0o077, 0, "{} is readable by others: {mode:o}", p.display());
        }
    }
}
