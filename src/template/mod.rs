//! Assessment templates: the authored model, loading with positions, and semantic checks.
//!
//! A template is a folder holding `template.yaml` (the framework), its report templates and
//! cue-card pictures. The shipped templates are embedded in the binary, so `assess` works
//! from any folder; templates on disk are loaded by path.

pub mod check;
pub mod load;
pub mod model;

pub use load::{LoadOutcome, SCHEMA_JSON, load_bytes};
pub use model::Template;

use include_dir::{Dir, include_dir};
use std::path::{Path, PathBuf};

/// The templates shipped with assess, embedded at build time.
pub static EMBEDDED: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/assessment-templates");

/// The file name of a template inside its folder.
pub const TEMPLATE_FILE: &str = "template.yaml";

/// Where a template's companion files (cue cards, report templates) are found.
#[derive(Debug, Clone)]
pub enum Base {
    /// A folder on disk.
    Dir(PathBuf),
    /// A folder embedded in the binary.
    Embedded(&'static Dir<'static>),
}

impl Base {
    /// Reads a companion file, given relative to the template file.
    pub fn read(&self, relative: &str) -> Option<Vec<u8>> {
        if Path::new(relative).is_absolute() || relative.split(['/', '\\']).any(|p| p == "..") {
            return None;
        }
        match self {
            Base::Dir(dir) => std::fs::read(dir.join(relative)).ok(),
            Base::Embedded(dir) => dir.get_file(dir.path().join(relative)).map(|f| f.contents().to_vec()),
        }
    }

    /// Every file of the template's folder (paths relative to it, sorted), to copy into a case.
    pub fn files(&self) -> std::io::Result<Vec<(String, Vec<u8>)>> {
        let mut out = Vec::new();
        match self {
            Base::Dir(root) => {
                let mut stack = vec![root.clone()];
                while let Some(dir) = stack.pop() {
                    for entry in std::fs::read_dir(&dir)? {
                        let p = entry?.path();
                        if p.is_dir() {
                            stack.push(p);
                        } else if let Ok(rel) = p.strip_prefix(root) {
                            let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>();
                            out.push((rel.join("/"), std::fs::read(&p)?));
                        }
                    }
                }
            }
            Base::Embedded(dir) => {
                fn walk(d: &Dir<'static>, root: &Path, out: &mut Vec<(String, Vec<u8>)>) {
                    for f in d.files() {
                        if let Ok(rel) = f.path().strip_prefix(root) {
                            let rel = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>();
                            out.push((rel.join("/"), f.contents().to_vec()));
                        }
                    }
                    for sub in d.dirs() {
                        walk(sub, root, out);
                    }
                }
                walk(dir, dir.path(), &mut out);
            }
        }
        out.sort();
        Ok(out)
    }

    /// Whether a companion file exists.
    pub fn exists(&self, relative: &str) -> bool {
        self.read(relative).is_some()
    }

    /// Where a companion file is expected, for messages.
    pub fn describe(&self, relative: &str) -> String {
        format!("`{}`", self.path_of(relative))
    }

    /// The path of a companion file as people see it: on disk, relative to where the template
    /// was named from; embedded, prefixed with `embedded:` like the template itself.
    pub fn path_of(&self, relative: &str) -> String {
        match self {
            Base::Dir(dir) => dir.join(relative).display().to_string(),
            Base::Embedded(dir) => format!("embedded:{}", dir.path().join(relative).display()),
        }
    }
}

/// A template that loaded without errors, with where it came from.
#[derive(Debug, Clone)]
pub struct LoadedTemplate {
    /// The template.
    pub template: Template,
    /// The file, as named in messages.
    pub file: String,
    /// SHA-256 of the template file's bytes, in hex: cases pin the template by it.
    pub hash: String,
    /// Where its companion files are.
    pub base: Base,
}

/// Loads a template file from disk. A file over the size limit is refused without being read.
pub fn load_path(path: &Path) -> LoadOutcome {
    let file = path.display().to_string();
    let base = Base::Dir(path.parent().map(Path::to_path_buf).unwrap_or_default());
    let limits = crate::yaml::Limits::default();
    match read_at_most(path, limits.max_bytes) {
        Ok(Ok(bytes)) => load_bytes(&file, &bytes, base),
        Ok(Err(len)) => {
            let e = crate::yaml::too_big(len, &limits);
            let d = crate::diag::Diagnostic::error(&file, Some(e.range), e.message);
            LoadOutcome::refused(&file, crate::diag::Diagnostic { hint: e.hint, ..d })
        }
        Err(e) => LoadOutcome::refused(
            &file,
            crate::diag::Diagnostic::error(&file, None, format!("cannot read the file: {e}"))
                .with_hint("check the path, and that you may read the file"),
        ),
    }
}

/// The bytes of a file of at most `max` bytes, or `Err(size)` for a bigger one. Reads at most
/// `max + 1` bytes, so that a huge file (or a device like `/dev/zero`) costs nothing.
fn read_at_most(path: &Path, max: usize) -> std::io::Result<Result<Vec<u8>, u64>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    if len > max as u64 {
        return Ok(Err(len));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(max as u64 + 1).read_to_end(&mut bytes)?;
    if bytes.len() > max {
        return Ok(Err(bytes.len() as u64));
    }
    Ok(Ok(bytes))
}

/// Loads every embedded template (in folder order).
pub fn load_embedded() -> Vec<LoadOutcome> {
    EMBEDDED
        .dirs()
        .filter_map(|dir| {
            let file = dir.get_file(dir.path().join(TEMPLATE_FILE))?;
            Some(load_bytes(&format!("embedded:{}", file.path().display()), file.contents(), Base::Embedded(dir)))
        })
        .collect()
}

/// Finds a template by id: a folder `ID/` under `dirs` first, then the embedded ones.
pub fn find(id: &str, dirs: &[PathBuf]) -> Option<LoadOutcome> {
    for dir in dirs {
        let path = dir.join(id).join(TEMPLATE_FILE);
        if path.is_file() {
            return Some(load_path(&path));
        }
    }
    load_embedded().into_iter().find(|o| {
        o.template.as_ref().is_some_and(|t| t.template.id == id) || o.file.contains(&format!("{id}/{TEMPLATE_FILE}"))
    })
}

/// The YAML files to validate under `path`: the file itself, or every `.yaml`/`.yml` below a folder.
pub fn files_under(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let p = entry?.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The JSON Schema of the template format, generated from the model.
pub fn generated_schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(Template)).unwrap_or_default()
}
