//! Events: what happened in a case, one JSON line each, chained by hashes.
//!
//! A stored line is a [`Record`]: sequence number, time, author, kind, payload, the hash of the
//! line before and its own hash. The payload is kept as written so that `verify` can check a log
//! without understanding every kind; [`Record::body`] turns it into a typed [`EventBody`].

use crate::template::model::Aspect;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::sync::Arc;

/// The hash the first event points back to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One line of `events.jsonl` as stored: the line's text, and where each field lies in it.
///
/// Its hash is the SHA-256 of the exact bytes of the line written without the hash (the
/// line up to `,"hash":"…"` with the closing brace), so any change to any byte shows.
///
/// A record shares the text of the log it was read from (or of the line it was written as) and
/// knows where its fields lie in it, rather than owning a copy of each: loading a case reads
/// every record, and not copying them is most of what makes a 10,000-event case open quickly.
#[derive(Debug, Clone)]
pub struct Record {
    /// Position in the log, from 1, without gaps.
    pub seq: u64,
    /// True on every line of a multi-line append but the last: a log that ends on such a line
    /// was interrupted while writing, and those lines are not part of the case.
    pub more: bool,
    /// The log's text (or just this record's line), shared by its records.
    text: Arc<String>,
    /// Where the line lies in `text` (without its newline).
    line: Range<usize>,
    /// Where its fields lie in the line.
    at: Layout,
}

/// Where a line's fields lie in it (strings with their quotes).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Layout {
    time: Span,
    author: Span,
    kind: Span,
    payload: Span,
    prev: Span,
    hash: Span,
}

/// Where a field's JSON text lies in its line.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Span {
    start: u32,
    end: u32,
}

impl Span {
    /// `len` bytes from `start`. Lines read are checked to be shorter than 4 GiB first; in a
    /// longer line made by [`Record::seal_raw`] (not possible from a case's answers) the spans
    /// stop at 4 GiB and the fields read as empty rather than fail.
    fn new(start: usize, len: usize) -> Span {
        let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Span { start: at(start), end: at(start.saturating_add(len)) }
    }

    fn range(self) -> Range<usize> {
        self.start as usize..self.end as usize
    }

    /// A string's text between its quotes.
    fn inner(self) -> Range<usize> {
        self.start as usize + 1..(self.end as usize).saturating_sub(1)
    }
}

impl PartialEq for Record {
    fn eq(&self, other: &Self) -> bool {
        self.line() == other.line()
    }
}

/// A line that passed its checks, not yet tied to the text of its log. Checking is done on
/// every core; tying to the shared text ([`Checked::into_record`]) is done on one, so that
/// the cores do not take turns at the text's reference count.
#[derive(Debug)]
pub(crate) struct Checked {
    seq: u64,
    more: bool,
    line: Range<usize>,
    at: Layout,
}

impl Checked {
    /// The hash of the line before, as this line names it (`text` is the one it was checked in).
    pub(crate) fn prev<'t>(&self, text: &'t str) -> &'t str {
        let prev = self.at.prev.inner();
        text.get(self.line.start + prev.start..self.line.start + prev.end).unwrap_or_default()
    }

    /// The record, sharing `text` (the text the line was checked in).
    pub(crate) fn into_record(self, text: &Arc<String>) -> Record {
        Record { seq: self.seq, more: self.more, text: Arc::clone(text), line: self.line, at: self.at }
    }
}

/// The fields of a line as serde finds them, for lines not written exactly as assess writes
/// them (see [`canonical`]).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fields<'a> {
    seq: u64,
    #[serde(borrow)]
    time: &'a RawValue,
    #[serde(borrow)]
    author: &'a RawValue,
    #[serde(borrow)]
    kind: &'a RawValue,
    #[serde(borrow)]
    payload: &'a RawValue,
    #[serde(default)]
    more: bool,
    #[serde(borrow)]
    prev: &'a RawValue,
    #[serde(borrow)]
    hash: &'a RawValue,
}

/// What follows the unsigned part of a line: `,"hash":"` + 64 hex digits + `"}`.
const HASH_SUFFIX_LEN: usize = 9 + 64 + 2;

impl Record {
    /// Builds a record of a typed event and computes its hash.
    pub fn seal(seq: u64, time: &str, author: &str, body: &EventBody, more: bool, prev: &str) -> Record {
        let value = serde_json::to_value(body).unwrap_or(serde_json::Value::Null);
        let payload = value.get("payload").unwrap_or(&serde_json::Value::Null);
        let payload = serde_json::to_string(payload).unwrap_or_else(|_| "null".into());
        Record::seal_raw(seq, time, author, body.kind(), &payload, more, prev)
    }

    /// Builds a record of any kind from its payload's JSON text and computes its hash. The
    /// payload must be one JSON value; [`Record::seal`] is the way to record a typed event.
    /// `prev` is the hash of the record before (or [`GENESIS`]).
    pub fn seal_raw(seq: u64, time: &str, author: &str, kind: &str, payload: &str, more: bool, prev: &str) -> Record {
        fn field(line: &mut String, name: &str, json: &str) -> Span {
            line.push_str(",\"");
            line.push_str(name);
            line.push_str("\":");
            let start = line.len();
            line.push_str(json);
            Span::new(start, json.len())
        }
        let text = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
        let mut line = String::with_capacity(payload.len() + 256);
        line.push_str("{\"seq\":");
        line.push_str(&seq.to_string());
        let time = field(&mut line, "time", &text(time));
        let author = field(&mut line, "author", &text(author));
        let kind = field(&mut line, "kind", &text(kind));
        let payload = field(&mut line, "payload", payload);
        if more {
            line.push_str(",\"more\":true");
        }
        let prev = field(&mut line, "prev", &text(prev));
        line.push('}');
        let digest = hex::encode(Sha256::digest(line.as_bytes()));
        line.pop();
        let hash = field(&mut line, "hash", &text(&digest));
        line.push('}');
        let at = Layout { time, author, kind, payload, prev, hash };
        let line_range = 0..line.len();
        Record { seq, more, text: Arc::new(line), line: line_range, at }
    }

    /// Reads a line of the log and checks it against its own hash. `Err` says what is wrong.
    pub fn from_line(line: &str) -> Result<Record, String> {
        Record::read(&Arc::new(line.to_string()), 0..line.len())
    }

    /// Reads the line at `range` of a log's `text` and checks it against its own hash; the
    /// record shares `text` rather than copying its line. `Err` says what is wrong.
    pub fn read(text: &Arc<String>, range: Range<usize>) -> Result<Record, String> {
        Record::check(text, range).map(|checked| checked.into_record(text))
    }

    /// Reads the line at `range` of `text` and checks it against its own hash.
    pub(crate) fn check(text: &str, range: Range<usize>) -> Result<Checked, String> {
        let line = text.get(range.clone()).ok_or("cannot be read (it is not where it should be)")?;
        if u32::try_from(line.len()).is_err() {
            return Err("cannot be read (it is longer than 4 GiB)".into());
        }
        let (seq, more, at) = match canonical(line.as_bytes()) {
            Some(found) => found,
            None => parse_fields(line)?,
        };
        let inner = |span: Span| &line[span.inner()];
        if !is_hash(inner(at.prev)) {
            return Err("cannot be read (its prev is not a hash)".into());
        }
        let split = line.len().checked_sub(HASH_SUFFIX_LEN).filter(|&i| line.is_char_boundary(i));
        let ok = match split {
            Some(i)
                if line[i..].starts_with(",\"hash\":\"")
                    && line[i..].ends_with("\"}")
                    && at.hash.start as usize == i + 8 =>
            {
                let mut hasher = Sha256::new();
                hasher.update(&line.as_bytes()[..i]);
                hasher.update(b"}");
                is_hex_of(inner(at.hash), &hasher.finalize())
            }
            _ => false,
        };
        if ok { Ok(Checked { seq, more, line: range, at }) } else { Err("does not match its hash".into()) }
    }

    /// The line as it is written to the log (without the newline).
    pub fn line(&self) -> &str {
        &self.text[self.line.clone()]
    }

    /// The hash this record should carry: SHA-256 of its line written without the hash.
    pub fn compute_hash(&self) -> String {
        let mut hasher = Sha256::new();
        let unsigned = self.line().as_bytes().get(..(self.at.hash.start as usize).saturating_sub(8));
        hasher.update(unsigned.unwrap_or_default());
        hasher.update(b"}");
        hex::encode(hasher.finalize())
    }

    /// When it was recorded (RFC 3339, UTC).
    pub fn time(&self) -> Cow<'_, str> {
        self.text(self.at.time)
    }

    /// Who recorded it.
    pub fn author(&self) -> Cow<'_, str> {
        self.text(self.at.author)
    }

    /// What kind of event it is (the `kind` of [`EventBody`]).
    pub fn kind(&self) -> Cow<'_, str> {
        self.text(self.at.kind)
    }

    /// The event's details, as written (JSON).
    pub fn payload(&self) -> &str {
        self.line().get(self.at.payload.range()).unwrap_or_default()
    }

    /// Hash of the line before (or [`GENESIS`]): 64 lowercase hex digits.
    pub fn prev(&self) -> &str {
        self.inner(self.at.prev)
    }

    /// SHA-256 of the line without its `hash` field: 64 lowercase hex digits.
    pub fn hash(&self) -> &str {
        self.inner(self.at.hash)
    }

    /// A string field's text between its quotes, as written.
    fn inner(&self, span: Span) -> &str {
        self.line().get(span.inner()).unwrap_or_default()
    }

    /// A string field's value: its text between the quotes, or decoded if it has escapes
    /// (which our own lines never have in these fields, but a hand-written one might).
    fn text(&self, span: Span) -> Cow<'_, str> {
        let inner = self.inner(span);
        if inner.contains('\\') {
            Cow::Owned(
                self.line().get(span.range()).and_then(|json| serde_json::from_str(json).ok()).unwrap_or_default(),
            )
        } else {
            Cow::Borrowed(inner)
        }
    }

    /// The typed event, or why the payload does not fit its kind.
    pub fn body(&self) -> Result<EventBody, String> {
        EventBody::deserialize(Tagged { kind: &self.kind(), payload: self.payload() }).map_err(|e| e.to_string())
    }
}

/// Finds the fields of a line written exactly as [`Record::seal_raw`] writes it (which is
/// every line assess writes) by their places, without a JSON parser: the line's fixed start
/// and end, and the text fields between. `None` for any other line (other spacing or order,
/// escapes in a text field, …), which [`parse_fields`] then reads.
///
/// The payload is the text between `"payload":` and the fixed end of the line; it is read as
/// JSON when the event is ([`Record::body`]), and `verify` reads every event.
fn canonical(line: &[u8]) -> Option<(u64, bool, Layout)> {
    const PREV: &[u8] = b",\"prev\":\"";
    const HASH: &[u8] = b"\",\"hash\":\"";
    const MORE: &[u8] = b",\"more\":true";
    const TAIL: usize = PREV.len() + 64 + HASH.len() + 64 + 2;
    let tail = line.len().checked_sub(TAIL)?;
    let end = &line[tail..];
    if !(end.starts_with(PREV) && end[PREV.len() + 64..].starts_with(HASH) && end.ends_with(b"\"}")) {
        return None;
    }
    let prev = Span::new(tail + PREV.len() - 1, 66);
    let hash = Span::new(tail + PREV.len() + 64 + HASH.len() - 1, 66);
    let (more, payload_end) = if line[..tail].ends_with(MORE) { (true, tail - MORE.len()) } else { (false, tail) };
    let mut c = Cursor { line: &line[..payload_end], at: 0 };
    c.expect(b"{\"seq\":")?;
    let seq = c.number()?;
    c.expect(b",\"time\":")?;
    let time = c.plain()?;
    c.expect(b",\"author\":")?;
    let author = c.plain()?;
    c.expect(b",\"kind\":")?;
    let kind = c.plain()?;
    c.expect(b",\"payload\":")?;
    let payload = &line[c.at..payload_end];
    // What lies between is taken as the payload only if it could be nothing else: JSON puts no
    // space around a value, and a `"more"` there may be the field itself, written another way.
    let spaced = |b: Option<&u8>| b.is_none_or(u8::is_ascii_whitespace);
    if spaced(payload.first()) || spaced(payload.last()) || memchr::memmem::find(payload, b"\"more\"").is_some() {
        return None;
    }
    let payload = Span::new(c.at, payload.len());
    Some((seq, more, Layout { time, author, kind, payload, prev, hash }))
}

/// A place in the start of a line, for [`canonical`]: each step moves past what it finds.
struct Cursor<'a> {
    line: &'a [u8],
    at: usize,
}

impl Cursor<'_> {
    /// Exactly `text`.
    fn expect(&mut self, text: &[u8]) -> Option<()> {
        self.line[self.at..].starts_with(text).then(|| self.at += text.len())
    }

    /// A whole number as JSON writes it (no sign, no leading zero) that fits in 64 bits.
    fn number(&mut self) -> Option<u64> {
        let digits = self.line[self.at..].iter().take_while(|b| b.is_ascii_digit()).count();
        let text = &self.line[self.at..self.at + digits];
        if digits == 0 || (digits > 1 && text[0] == b'0') {
            return None;
        }
        self.at += digits;
        text.iter().try_fold(0u64, |n, d| n.checked_mul(10)?.checked_add(u64::from(d - b'0')))
    }

    /// A string without escapes or control characters, with its quotes.
    fn plain(&mut self) -> Option<Span> {
        let start = self.at;
        let rest = self.line.get(start + 1..).filter(|_| self.line[start] == b'"')?;
        let len = memchr::memchr(b'"', rest)?;
        if rest[..len].iter().any(|&b| b == b'\\' || b < 0x20) {
            return None;
        }
        self.at += len + 2;
        Some(Span::new(start, len + 2))
    }
}

/// Finds the fields of any line that is a JSON object of the record's fields.
fn parse_fields(line: &str) -> Result<(u64, bool, Layout), String> {
    let fields: Fields = serde_json::from_str(line).map_err(|e| format!("cannot be read ({e})"))?;
    // Serde hands back each value exactly as it lies in `line`, so its place is the distance
    // between the two.
    let span = |raw: &RawValue| Span::new(raw.get().as_ptr() as usize - line.as_ptr() as usize, raw.get().len());
    let string = |raw: &RawValue, name: &str| {
        if raw.get().starts_with('"') { Ok(span(raw)) } else { Err(format!("cannot be read (its {name} is not text)")) }
    };
    let at = Layout {
        time: string(fields.time, "time")?,
        author: string(fields.author, "author")?,
        kind: string(fields.kind, "kind")?,
        payload: span(fields.payload),
        prev: string(fields.prev, "prev")?,
        hash: string(fields.hash, "hash")?,
    };
    Ok((fields.seq, fields.more, at))
}

/// The hash a line that passed [`Record::check`] ends with: the 64 digits before its `"}`.
pub(crate) fn ending_hash(line: &str) -> &str {
    line.get(line.len().saturating_sub(66)..line.len().saturating_sub(2)).unwrap_or_default()
}

/// Whether `text` is written as a SHA-256 hash is: 64 lowercase hexadecimal digits.
fn is_hash(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Whether `hex` is the lowercase hexadecimal spelling of `digest`, as [`hex::encode`] writes it.
fn is_hex_of(hex: &str, digest: &[u8]) -> bool {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    hex.len() == digest.len() * 2
        && hex
            .as_bytes()
            .chunks_exact(2)
            .zip(digest)
            .all(|(pair, &b)| pair[0] == DIGITS[usize::from(b >> 4)] && pair[1] == DIGITS[usize::from(b & 0x0f)])
}

/// A record's kind and payload shown to serde as the map `{"kind": …, "payload": …}` that
/// [`EventBody`] is tagged by, so the payload is parsed once, where it lies, instead of being
/// copied into a new JSON text and parsed again (replay does this for every event).
struct Tagged<'a> {
    kind: &'a str,
    payload: &'a str,
}

impl<'de> serde::Deserializer<'de> for Tagged<'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_map(TaggedFields { tagged: self, next: 0 })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// The two entries of [`Tagged`], in the order the log writes them.
struct TaggedFields<'a> {
    tagged: Tagged<'a>,
    next: u8,
}

impl<'de> serde::de::MapAccess<'de> for TaggedFields<'de> {
    type Error = serde_json::Error;

    fn next_key_seed<K: serde::de::DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Self::Error> {
        use serde::de::IntoDeserializer;
        let key = match self.next {
            0 => "kind",
            1 => "payload",
            _ => return Ok(None),
        };
        seed.deserialize(key.into_deserializer()).map(Some)
    }

    fn next_value_seed<V: serde::de::DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Self::Error> {
        use serde::de::IntoDeserializer;
        self.next += 1;
        if self.next == 1 {
            return seed.deserialize(self.tagged.kind.into_deserializer());
        }
        let mut payload = serde_json::Deserializer::from_str(self.tagged.payload);
        let value = seed.deserialize(&mut payload)?;
        payload.end()?;
        Ok(value)
    }
}

/// Something that happened in a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "payload", rename_all = "snake_case")]
pub enum EventBody {
    /// The case was opened: who it is about and which template it follows.
    CaseOpened(Box<CaseInfo>),
    /// A session with the family began.
    SessionStarted(SessionStart),
    /// The open session ended.
    SessionEnded {
        /// The session's number.
        session: u32,
        /// Anything the assessor noted about how the session went.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    /// An answer to a question (one attempt; later attempts are new events).
    Answered(Answer),
    /// A question was not asked or not answered, and why.
    Skipped(Skip),
    /// The assessor checked whether the parent understood (the check-understanding follow-up).
    UnderstandingChecked(UnderstandingCheck),
    /// A carer's screening is complete.
    ScreeningCompleted {
        /// Whose screening.
        carer: String,
    },
    /// A learning-needs adaptation applies to a carer from now on.
    AdaptationActivated(AdaptationActivation),
    /// The case moved to another phase.
    PhaseChanged {
        /// The phase before.
        from: Phase,
        /// The phase now.
        to: Phase,
        /// Why, in plain words.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// The assessor signed the report off.
    SignedOff(SignOff),
    /// An evidence entry was recorded (or a correction of an earlier one).
    EvidenceAdded(Box<Evidence>),
    /// An evidence entry was linked to more questions.
    EvidenceLinked {
        /// The entry's id, e.g. `E3`.
        evidence: String,
        /// The questions it now also supports.
        supports: Vec<QuestionRef>,
    },
    /// The assessor wrote (or rewrote) a section of their analysis.
    NarrativeWritten {
        /// `area:<id>`, `summary`, `conclusions` or `recommendations`.
        section: String,
        /// The text (Markdown paragraphs).
        text: String,
    },
    /// A signed-off case was reopened to amend it.
    Reopened {
        /// Why it was reopened (shown in the report's amendments).
        reason: String,
        /// The date of the reopening (YYYY-MM-DD).
        date: String,
    },
}

impl EventBody {
    /// The event's kind as stored in the log.
    pub fn kind(&self) -> &'static str {
        match self {
            EventBody::CaseOpened(_) => "case_opened",
            EventBody::SessionStarted(_) => "session_started",
            EventBody::SessionEnded { .. } => "session_ended",
            EventBody::Answered(_) => "answered",
            EventBody::Skipped(_) => "skipped",
            EventBody::UnderstandingChecked(_) => "understanding_checked",
            EventBody::ScreeningCompleted { .. } => "screening_completed",
            EventBody::AdaptationActivated(_) => "adaptation_activated",
            EventBody::PhaseChanged { .. } => "phase_changed",
            EventBody::SignedOff(_) => "signed_off",
            EventBody::Reopened { .. } => "reopened",
            EventBody::EvidenceAdded(_) => "evidence_added",
            EventBody::EvidenceLinked { .. } => "evidence_linked",
            EventBody::NarrativeWritten { .. } => "narrative_written",
        }
    }
}

/// The facts of a case, fixed when it is opened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseInfo {
    /// The court hearing the proceedings, e.g. `Family Court at Exampleton`.
    pub court: String,
    /// The court's case number, e.g. `ZC26C00123`.
    pub case_number: String,
    /// The children the proceedings are about.
    pub children: Vec<Child>,
    /// The carers being assessed.
    pub carers: Vec<Carer>,
    /// The assessor (author of the report).
    pub assessor: Assessor,
    /// Who asked for the assessment and the questions it answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<Instructions>,
    /// The template the case follows, pinned by version and content hash.
    pub template: TemplatePin,
}

/// A child in the proceedings (initials only: reports are shared).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Child {
    /// Initials, e.g. `L.B.`.
    pub initials: String,
    /// Date of birth, YYYY-MM-DD.
    pub date_of_birth: String,
    /// e.g. `girl`, `boy` (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
}

/// A parent or other carer being assessed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Carer {
    /// Short id used on the command line, e.g. `mother`.
    pub id: String,
    /// Full name.
    pub name: String,
    /// Relationship to the children, e.g. `mother`, `father`, `maternal grandmother`.
    pub relationship: String,
}

/// The author of the assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assessor {
    /// Full name.
    pub name: String,
    /// Job title and employer, e.g. `Senior Social Worker, Exampleton Council`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Qualifications, e.g. `BA (Hons) Social Work; PAMS-trained`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifications: Option<String>,
    /// Social Work England registration number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration: Option<String>,
}

/// The letter of instruction: who asked, and what the assessment must answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instructions {
    /// Who instructed the assessment (e.g. the local authority, by order of the court).
    pub instructed_by: String,
    /// Date of the instruction, YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The questions the report answers.
    #[serde(default)]
    pub questions: Vec<String>,
}

/// The exact template a case was opened with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TemplatePin {
    /// Template id.
    pub id: String,
    /// Template version.
    pub version: String,
    /// SHA-256 of the template file.
    pub hash: String,
}

/// The start of a session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionStart {
    /// Sessions are numbered from 1.
    pub session: u32,
    /// Date, YYYY-MM-DD.
    pub date: String,
    /// Where it was held, e.g. `family home`.
    pub place: String,
    /// Everyone present, e.g. `Ms Doe (mother); A. Advocate (advocate); the assessor`.
    pub present: String,
    /// The carers taking part (ids).
    pub carers: Vec<String>,
}

/// Which question: an item, or one aspect of a skill item. Written (and stored) as `item` or
/// `item.aspect`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct QuestionRef {
    /// Item id.
    pub item: String,
    /// The aspect, for skill items.
    pub aspect: Option<Aspect>,
}

impl Serialize for QuestionRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for QuestionRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Parsed from the text where it lies, without a copy: replay reads one for every answer.
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = QuestionRef;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a question, `item` or `item.aspect`")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<QuestionRef, E> {
                s.parse().map_err(E::custom)
            }
        }
        d.deserialize_str(Text)
    }
}

impl std::str::FromStr for QuestionRef {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('.') {
            None => Ok(QuestionRef { item: s.to_string(), aspect: None }),
            Some((item, a)) => {
                let aspect = Aspect::ALL
                    .into_iter()
                    .find(|x| x.as_str() == a)
                    .ok_or_else(|| format!("`{a}` is not an aspect (knowledge, skills or practice)"))?;
                Ok(QuestionRef { item: item.to_string(), aspect: Some(aspect) })
            }
        }
    }
}

impl fmt::Display for QuestionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.aspect {
            Some(a) => write!(f, "{}.{}", self.item, a.as_str()),
            None => f.write_str(&self.item),
        }
    }
}

/// Which wording a question was put in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Wording {
    /// The standard wording.
    Standard,
    /// The easy-read wording (an adaptation).
    EasyRead,
}

/// One attempt at a question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// The session it was given in.
    pub session: u32,
    /// Whose answer (one carer, or several for a joint item).
    pub carers: Vec<String>,
    /// Which question.
    pub question: QuestionRef,
    /// The answer, normalised by its response type.
    pub value: serde_json::Value,
    /// The assessor's note, e.g. the parent's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The wording used.
    pub wording: Wording,
    /// The cue card shown, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cue_card: Option<String>,
    /// 1 for the first attempt, 2 for a re-assessment, …
    pub attempt: u32,
}

/// A question left unanswered, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Skip {
    /// The session.
    pub session: u32,
    /// Whose question.
    pub carers: Vec<String>,
    /// Which question.
    pub question: QuestionRef,
    /// Why, e.g. `declined`, `not observed: the child was at nursery`.
    pub reason: String,
}

/// The result of checking understanding after a knowledge question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnderstandingCheck {
    /// The session.
    pub session: u32,
    /// Whose understanding.
    pub carers: Vec<String>,
    /// The knowledge question checked.
    pub question: QuestionRef,
    /// How well the parent explained it back.
    pub result: Understanding,
    /// What the parent said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// How well a parent explained something back in their own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Understanding {
    /// Explained it back correctly.
    Understood,
    /// Explained part of it.
    Partly,
    /// Could not explain it yet.
    NotYet,
}

impl Understanding {
    /// Every result, in the order offered.
    pub const ALL: [Understanding; 3] = [Understanding::Understood, Understanding::Partly, Understanding::NotYet];

    /// The word used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Understanding::Understood => "understood",
            Understanding::Partly => "partly",
            Understanding::NotYet => "not_yet",
        }
    }
}

/// An adaptation that now applies to a carer, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdaptationActivation {
    /// Whose.
    pub carer: String,
    /// The template's adaptation id.
    pub adaptation: String,
    /// Its title, as it was when activated.
    pub title: String,
    /// The template's reason, as it was when activated.
    pub reason: String,
    /// The screening answers the rule looked at.
    pub because: BTreeMap<String, serde_json::Value>,
}

/// An evidence entry: what was seen, said, reported or read, and what it supports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// `E1`, `E2`, … in the order recorded; the report cites entries by these numbers.
    pub id: String,
    /// What kind of evidence.
    pub kind: crate::template::model::EvidenceKind,
    /// When it was seen, said, reported or written (YYYY-MM-DD).
    pub date: String,
    /// Where, e.g. `family home`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    /// The evidence itself; for a parent's account, their own words.
    pub text: String,
    /// The questions it supports (`item` or `item.aspect`).
    pub supports: Vec<QuestionRef>,
    /// The carers it concerns (empty: all of them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub carers: Vec<String>,
    /// For a third-party report: who made it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// For a document: its title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// Files kept with the entry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// The entry this one corrects; the earlier entry stays in the log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<String>,
}

/// Who made a third-party report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Name.
    pub who: String,
    /// Role, e.g. `health visitor`.
    pub role: String,
    /// Agency, e.g. `Exampleton NHS Trust`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
}

/// A file kept with an evidence entry, stored as `attachments/<sha256>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    /// The file's original name.
    pub name: String,
    /// SHA-256 of its contents (also its name in the case folder).
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

/// A sign-off of the report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignOff {
    /// Who signed.
    pub name: String,
    /// Their professional registration.
    pub registration: String,
    /// The date signed, YYYY-MM-DD.
    pub date: String,
}

/// The phases of a case (see DESIGN.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Opened, no session held yet.
    Opened,
    /// Sessions have begun; screening is not complete for every carer.
    Screening,
    /// Screening is done; the areas are being assessed.
    Assessing,
    /// Everything required is done; the report is being reviewed.
    Review,
    /// Signed off: frozen until reopened.
    SignedOff,
    /// Reopened after sign-off to amend it.
    Reopened,
}

impl Phase {
    /// A plain name for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Phase::Opened => "opened",
            Phase::Screening => "screening",
            Phase::Assessing => "assessing",
            Phase::Review => "in review",
            Phase::SignedOff => "signed off",
            Phase::Reopened => "reopened",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_round_trips_and_its_hash_covers_every_field() {
        let body = EventBody::SessionEnded { session: 1, note: Some("went well".into()) };
        let r = Record::seal(1, "2026-01-01T10:00:00Z", "A. Assessor", &body, false, GENESIS);
        let line = r.line();
        let back = Record::from_line(line).unwrap();
        assert_eq!(back, r);
        assert_eq!(back.compute_hash(), r.hash());
        assert_eq!(back.body().unwrap(), body);
        assert_eq!(
            (&*back.time(), &*back.author(), &*back.kind()),
            ("2026-01-01T10:00:00Z", "A. Assessor", "session_ended")
        );
        assert_eq!((back.payload(), back.prev()), (r#"{"note":"went well","session":1}"#, GENESIS));
        // The same event with any field different has another hash.
        let payload = back.payload();
        let variants = [
            Record::seal_raw(2, "2026-01-01T10:00:00Z", "A. Assessor", "session_ended", payload, false, GENESIS),
            Record::seal_raw(1, "2026-01-01T10:00:01Z", "A. Assessor", "session_ended", payload, false, GENESIS),
            Record::seal_raw(1, "2026-01-01T10:00:00Z", "someone else", "session_ended", payload, false, GENESIS),
            Record::seal_raw(1, "2026-01-01T10:00:00Z", "A. Assessor", "session_started", payload, false, GENESIS),
            Record::seal_raw(1, "2026-01-01T10:00:00Z", "A. Assessor", "session_ended", "{}", false, GENESIS),
            Record::seal_raw(1, "2026-01-01T10:00:00Z", "A. Assessor", "session_ended", payload, true, GENESIS),
            Record::seal_raw(1, "2026-01-01T10:00:00Z", "A. Assessor", "session_ended", payload, false, r.hash()),
        ];
        for v in &variants {
            assert_ne!(v.hash(), r.hash(), "{}", v.line());
            assert_eq!(Record::from_line(v.line()).unwrap(), *v);
        }
        assert!(Record::from_line(&line.replace("went well", "went WELL")).is_err());
    }

    #[test]
    fn lines_as_assess_writes_them_are_read_by_place_and_agree_with_the_json_reading() {
        let payloads = [r#"{"session":1}"#, "null", "[]", "7", r#"{"text":"a \"quoted\" word, \"prev\":\"x\"}"}"#];
        let authors = ["A. Assessor", "", "Zoë Ünal", "Ms \"Jo\" O'Neil", "tab\there"];
        for (i, payload) in payloads.iter().enumerate() {
            for author in authors {
                for more in [false, true] {
                    let seq = [1, 10, 999_999, u64::MAX][i % 4];
                    let r =
                        Record::seal_raw(seq, "2026-01-01T10:00:00Z", author, "session_ended", payload, more, GENESIS);
                    let line = r.line();
                    let by_json = parse_fields(line).unwrap();
                    match canonical(line.as_bytes()) {
                        Some(by_place) => assert_eq!(by_place, by_json, "{line}"),
                        // Escaped text is left to the JSON reading.
                        None => assert!(author.contains(['"', '\t']), "{line}"),
                    }
                    let back = Record::from_line(line).unwrap();
                    assert_eq!((back.seq, back.more, back.payload(), &*back.author()), (seq, more, *payload, author));
                }
            }
        }
    }

    #[test]
    fn every_line_of_a_real_log_is_read_by_place_and_agrees_with_the_json_reading() {
        let log = include_str!("../../tests/fixtures/fuzz/event_replay/seed-demo-start.jsonl");
        for line in log.lines() {
            let by_place = canonical(line.as_bytes()).unwrap_or_else(|| panic!("not read by place: {line}"));
            assert_eq!(by_place, parse_fields(line).unwrap(), "{line}");
            let r = Record::from_line(line).unwrap();
            assert!(r.body().is_ok(), "{line}");
        }
    }

    #[test]
    fn a_line_in_another_order_or_spacing_is_read_as_json() {
        let r = Record::seal_raw(3, "2026-01-01T10:00:00Z", "A", "session_ended", r#"{"session":1}"#, true, GENESIS);
        let fields: serde_json::Value = serde_json::from_str(r.line()).unwrap();
        let f = |name: &str| fields[name].to_string();
        let unsigned = format!(
            "{{ \"kind\": {}, \"seq\": 3, \"payload\": {{ \"session\": 1 }}, \"author\": {}, \"time\": {}, \"more\": true, \"prev\": {}}}",
            f("kind"),
            f("author"),
            f("time"),
            f("prev")
        );
        let hash = hex::encode(Sha256::digest(unsigned.as_bytes()));
        let line = format!("{},\"hash\":\"{hash}\"}}", &unsigned[..unsigned.len() - 1]);
        assert!(canonical(line.as_bytes()).is_none());
        let back = Record::from_line(&line).unwrap();
        assert_eq!(
            (back.seq, back.more, &*back.kind(), back.payload(), back.hash()),
            (3, true, "session_ended", r#"{ "session": 1 }"#, &*hash)
        );
        assert_eq!(back.body().unwrap(), EventBody::SessionEnded { session: 1, note: None });
        // `more` written out as false, or spacing around the payload, is read as JSON too.
        for (from, to) in [(",\"prev\":", ",\"more\":false,\"prev\":"), (",\"payload\":{", ",\"payload\": {")] {
            let unsigned = r.line().replace(",\"more\":true", "").replace(from, to);
            let unsigned = format!("{}}}", &unsigned[..unsigned.len() - HASH_SUFFIX_LEN]);
            let hash = hex::encode(Sha256::digest(unsigned.as_bytes()));
            let line = format!("{},\"hash\":\"{hash}\"}}", &unsigned[..unsigned.len() - 1]);
            assert!(canonical(line.as_bytes()).is_none(), "{line}");
            let back = Record::from_line(&line).unwrap();
            assert_eq!((back.more, back.payload()), (false, r#"{"session":1}"#), "{line}");
        }
        // A number JSON does not allow is refused whichever way the line is read.
        let zero = r.line().replace("{\"seq\":3,", "{\"seq\":03,");
        assert!(canonical(zero.as_bytes()).is_none());
        assert!(Record::from_line(&zero).unwrap_err().starts_with("cannot be read"));
    }

    #[test]
    fn fields_with_escapes_are_read_back_as_written_and_every_field_must_be_text() {
        let author = "Ms \"Jo\" O'Neil \\ Ünal";
        let r = Record::seal(
            1,
            "2026-01-01T10:00:00Z",
            author,
            &EventBody::SessionEnded { session: 1, note: None },
            false,
            GENESIS,
        );
        let back = Record::from_line(r.line()).unwrap();
        assert_eq!(back.author(), author);
        assert!(matches!(back.time(), Cow::Borrowed(_)));
        let numbered = r.line().replace("\"time\":\"2026-01-01T10:00:00Z\"", "\"time\":20260101");
        assert_eq!(Record::from_line(&numbered).unwrap_err(), "cannot be read (its time is not text)");
        let unknown = r.line().replacen("{", "{\"extra\":1,", 1);
        assert!(Record::from_line(&unknown).unwrap_err().contains("unknown field `extra`"));
        let unhashed = r.line().replace(GENESIS, &GENESIS.to_uppercase().replace('0', "A"));
        assert_eq!(Record::from_line(&unhashed).unwrap_err(), "cannot be read (its prev is not a hash)");
    }
}
