//! Loading a template: bytes → positioned YAML → JSON Schema → typed model → semantic checks.
//!
//! Every stage reports all the problems it finds, each at `file:line:column`; a later stage
//! runs only when the earlier ones found no errors (semantic checks need a well-formed model).

use super::check;
use super::model::Template;
use super::{Base, LoadedTemplate};
use crate::diag::{Diagnostic, has_errors};
use crate::yaml::{self, Limits, Node, Range};
use jsonschema::error::ValidationErrorKind;
use jsonschema::{ValidationError, Validator};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

/// The JSON Schema of templates, as committed in `schemas/`.
pub const SCHEMA_JSON: &str = include_str!("../../schemas/assessment-template.schema.json");

/// What loading one template file gave: the template when it is valid, and every diagnostic.
#[derive(Debug)]
pub struct LoadOutcome {
    /// The file as named to the user.
    pub file: String,
    /// The file's text (empty when it could not be decoded), for rendering diagnostics.
    pub source: String,
    /// The template, when there were no errors.
    pub template: Option<LoadedTemplate>,
    /// Errors and warnings, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

fn validator() -> Result<&'static Validator, String> {
    static VALIDATOR: OnceLock<Result<Validator, String>> = OnceLock::new();
    VALIDATOR
        .get_or_init(|| {
            let schema: Value =
                serde_json::from_str(SCHEMA_JSON).map_err(|e| format!("the built-in schema is not JSON: {e}"))?;
            jsonschema::draft202012::new(&schema).map_err(|e| format!("the built-in schema is invalid: {e}"))
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// Loads and checks a template from its bytes. `file` names it in diagnostics; `base` is
/// where its cue cards and report templates are found.
pub fn load_bytes(file: &str, bytes: &[u8], base: Base) -> LoadOutcome {
    let mut outcome =
        LoadOutcome { file: file.to_string(), source: String::new(), template: None, diagnostics: Vec::new() };
    let limits = Limits::default();
    let text = match yaml::decode(bytes, &limits) {
        Ok(t) => t,
        Err(e) => {
            outcome.source = String::from_utf8_lossy(&bytes[..bytes.len().min(limits.max_bytes)]).into_owned();
            outcome.diagnostics.push(yaml_diag(file, e));
            return outcome;
        }
    };
    outcome.source = text.to_string();
    let root = match yaml::parse(text, &limits) {
        Ok(root) => root,
        Err(e) => {
            outcome.diagnostics.push(yaml_diag(file, e));
            return outcome;
        }
    };
    let json = root.to_json();
    match validator() {
        Ok(v) => {
            for error in v.iter_errors(&json) {
                outcome.diagnostics.push(schema_diag(file, &root, &error));
            }
        }
        Err(e) => outcome.diagnostics.push(Diagnostic::error(file, None, e)),
    }
    if has_errors(&outcome.diagnostics) {
        sort(&mut outcome.diagnostics);
        return outcome;
    }
    let template: Template = match serde_json::from_value(json) {
        Ok(t) => t,
        Err(e) => {
            outcome.diagnostics.push(Diagnostic::error(
                file,
                Some(root.range),
                format!("the template does not match the format: {e}"),
            ));
            return outcome;
        }
    };
    outcome.diagnostics.extend(check::check(&template, &root, file, &base));
    sort(&mut outcome.diagnostics);
    if !has_errors(&outcome.diagnostics) {
        let hash = hex::encode(Sha256::digest(bytes));
        outcome.template = Some(LoadedTemplate { template, file: file.to_string(), hash, base });
    }
    outcome
}

fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| d.range.map(|r| (r.start.offset, r.end.offset)));
}

fn yaml_diag(file: &str, e: yaml::YamlError) -> Diagnostic {
    let mut d = Diagnostic::error(file, Some(e.range), e.message);
    d.hint = e.hint;
    d.related = e.related.into_iter().collect();
    d
}

/// Turns a schema error into a diagnostic at the YAML node it concerns.
fn schema_diag(file: &str, root: &Node, error: &ValidationError<'_>) -> Diagnostic {
    let (error, path) = best_branch(error);
    let node = root.at_pointer(&path);
    let field =
        path.rsplit('/').next().filter(|s| !s.is_empty() && s.parse::<usize>().is_err()).map(|s| format!("`{s}`"));
    let what = field.clone().unwrap_or_else(|| "this value".to_string());
    let (range, message, hint): (Range, String, Option<String>) = match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let key = unexpected.first().cloned().unwrap_or_default();
            let allowed = allowed_keys(error.schema_path().as_str());
            (
                root.key_range(&path, &key).unwrap_or(node.range),
                format!("`{key}` is not a known key here"),
                Some(if allowed.is_empty() {
                    "remove it".into()
                } else {
                    format!("check the spelling; the keys allowed here are: {}", allowed.join(", "))
                }),
            )
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            (node.range, format!("`{name}` is missing"), Some(format!("add `{name}:` to this mapping")))
        }
        ValidationErrorKind::Enum { options } => {
            let list: Vec<String> = options
                .as_array()
                .map(|a| a.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)).collect())
                .unwrap_or_default();
            (node.range, format!("{what} must be one of: {}", list.join(", ")), None)
        }
        ValidationErrorKind::Pattern { pattern } => {
            (node.range, format!("{what} is not in the expected form"), Some(pattern_hint(pattern)))
        }
        ValidationErrorKind::Type { kind } => {
            (node.range, format!("{what} has the wrong type: {}", type_message(kind)), None)
        }
        ValidationErrorKind::MinItems { limit } => {
            (node.range, format!("{what} needs at least {limit} entr{}", if *limit == 1 { "y" } else { "ies" }), None)
        }
        ValidationErrorKind::MinLength { .. } => (node.range, format!("{what} must not be empty"), None),
        _ => (node.range, error.to_string(), None),
    };
    let mut d = Diagnostic::error(file, Some(range), message);
    d.hint = hint;
    d
}

/// For `anyOf`/`oneOf` failures, the error of the branch that came closest.
fn best_branch<'a>(error: &'a ValidationError<'a>) -> (&'a ValidationError<'a>, String) {
    let path = error.instance_path().as_str().to_string();
    let context = match error.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => context,
        _ => return (error, path),
    };
    // A branch whose only complaint is the value's type at this very place is the wrong branch.
    let candidate = context
        .iter()
        .filter(|branch| {
            !branch
                .iter()
                .any(|e| e.instance_path().as_str() == path && matches!(e.kind(), ValidationErrorKind::Type { .. }))
        })
        .min_by_key(|branch| branch.len());
    match candidate.and_then(|b| b.first()) {
        Some(inner) => {
            let (e, p) = best_branch(inner);
            // Lifetimes: the inner error lives as long as `error`.
            (e, p)
        }
        None => (error, path),
    }
}

/// The keys the schema allows in the object whose `additionalProperties` failed.
fn allowed_keys(schema_path: &str) -> Vec<String> {
    let Some(object_path) = schema_path.strip_suffix("/additionalProperties") else { return Vec::new() };
    let Ok(schema) = serde_json::from_str::<Value>(SCHEMA_JSON) else { return Vec::new() };
    schema
        .pointer(&format!("{object_path}/properties"))
        .and_then(Value::as_object)
        .map(|props| props.keys().cloned().collect())
        .unwrap_or_default()
}

fn pattern_hint(pattern: &str) -> String {
    if pattern.starts_with("^(0|[1-9]") {
        "write a version as three numbers, e.g. `1.0.0`".into()
    } else if pattern.starts_with("^#") {
        "write a colour as `#` and six hex digits, e.g. `#c62828`".into()
    } else if pattern.contains("a-z") {
        "identifiers start with a lower-case letter and use only lower-case letters, digits and `_`, e.g. `bathing_baby`".into()
    } else {
        format!("it must match {pattern}")
    }
}

fn type_message(kind: &jsonschema::error::TypeKind) -> String {
    let name = |t: &jsonschema::JsonType| match t.to_string().as_str() {
        "object" => "a mapping (`key: value` lines)".to_string(),
        "array" => "a list (`- item` lines)".to_string(),
        "string" => "text".to_string(),
        "integer" => "a whole number".to_string(),
        "number" => "a number".to_string(),
        "boolean" => "true or false".to_string(),
        other => other.to_string(),
    };
    match kind {
        jsonschema::error::TypeKind::Single(t) => format!("expected {}", name(t)),
        jsonschema::error::TypeKind::Multiple(ts) => {
            format!("expected {}", ts.iter().map(|t| name(&t)).collect::<Vec<_>>().join(" or "))
        }
    }
}
