//! Loading a template: bytes → positioned YAML → JSON Schema → typed model → semantic checks.
//!
//! Every stage reports all the problems it finds, each at `file:line:column`; a later stage
//! runs only when the earlier ones found no errors (semantic checks need a well-formed model).

use super::check;
use super::model::Template;
use super::{Base, LoadedTemplate};
use crate::diag::{Diagnostic, MAX_PER_FILE, has_errors};
use crate::yaml::{self, Limits, Node, NodeValue, Range};
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
    /// True when checking stopped after [`MAX_PER_FILE`] problems, so there may be more.
    pub truncated: bool,
}

impl LoadOutcome {
    /// The outcome for a file that could not be used at all, with the one reason why.
    pub fn refused(file: &str, diagnostic: Diagnostic) -> Self {
        LoadOutcome {
            file: file.to_string(),
            source: String::new(),
            template: None,
            diagnostics: vec![diagnostic],
            truncated: false,
        }
    }
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
    let mut outcome = LoadOutcome {
        file: file.to_string(),
        source: String::new(),
        template: None,
        diagnostics: Vec::new(),
        truncated: false,
    };
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
    if let NodeValue::Null = root.value {
        outcome.diagnostics.push(
            Diagnostic::error(file, Some(root.range), "the file is empty")
                .with_hint("a template is a mapping that starts with `id:`, `version:` and `title:`; `assess template schema` prints the format"),
        );
        return outcome;
    }
    if let NodeValue::Mapping(entries) = &root.value {
        let known = allowed_keys("/additionalProperties");
        if !entries.iter().any(|(k, _, _)| known.contains(&k.as_str())) {
            // Another kind of YAML file (found when validating a folder): one error, not one per key.
            outcome.diagnostics.push(
                Diagnostic::error(file, Some(root.range), "this file does not look like an assessment template")
                    .with_hint("a template is a mapping that starts with `id:`, `version:` and `title:`; if this is another kind of YAML file, leave it out of `template validate`"),
            );
            return outcome;
        }
    }
    match validator() {
        Ok(v) => {
            let errors: Vec<ValidationError<'_>> = v.iter_errors(&json).take(MAX_PER_FILE).collect();
            let misspelt = misspelt_keys(&errors);
            for error in &errors {
                if let ValidationErrorKind::Required { property } = error.kind()
                    && let Some(name) = property.as_str()
                    && misspelt.contains(&(error.instance_path().as_str(), name))
                {
                    continue;
                }
                outcome.diagnostics.extend(schema_diags(file, &root, error));
            }
        }
        Err(e) => outcome.diagnostics.push(Diagnostic::error(file, None, e)),
    }
    if has_errors(&outcome.diagnostics) {
        finish(&mut outcome);
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
    finish(&mut outcome);
    if !has_errors(&outcome.diagnostics) {
        let hash = hex::encode(Sha256::digest(bytes));
        outcome.template = Some(LoadedTemplate { template, file: file.to_string(), hash, base });
    }
    outcome
}

/// Orders diagnostics as the file reads (those about other files, report templates, last),
/// and keeps the first [`MAX_PER_FILE`].
fn finish(outcome: &mut LoadOutcome) {
    let diagnostics = &mut outcome.diagnostics;
    diagnostics.sort_by_key(|d| (d.file_text.is_some(), d.range.map(|r| (r.start.offset, r.end.offset))));
    outcome.truncated = diagnostics.len() >= MAX_PER_FILE;
    diagnostics.truncate(MAX_PER_FILE);
}

fn yaml_diag(file: &str, e: yaml::YamlError) -> Diagnostic {
    let mut d = Diagnostic::error(file, Some(e.range), e.message);
    d.hint = e.hint;
    d.related = e.related.into_iter().collect();
    d
}

/// The keys that unknown keys are likely misspellings of, with the object they are in: a
/// misspelt key also makes the key it should have been "missing", which is said only once.
fn misspelt_keys<'e>(errors: &'e [ValidationError<'_>]) -> Vec<(&'e str, &'static str)> {
    let mut out = Vec::new();
    for error in errors {
        if let ValidationErrorKind::AdditionalProperties { unexpected } = error.kind() {
            let allowed = allowed_keys(error.schema_path().as_str());
            for key in unexpected {
                if let Some(near) = closest(key, &allowed) {
                    out.push((error.instance_path().as_str(), near));
                }
            }
        }
    }
    out
}

/// Turns a schema error into diagnostics at the YAML node it concerns (one per unknown key).
fn schema_diags(file: &str, root: &Node, error: &ValidationError<'_>) -> Vec<Diagnostic> {
    let (error, path) = best_branch(error);
    let node = root.at_pointer(&path);
    let field = field_name(&path);
    let what = match field {
        Some(f) => format!("`{f}`"),
        None if path.is_empty() => "the template".to_string(),
        None => "this value".to_string(),
    };
    let instance = error.instance();
    let diag = |range: Range, message: String, hint: Option<String>| {
        let mut d = Diagnostic::error(file, Some(range), message);
        d.hint = hint;
        d
    };
    let one = |message: String, hint: Option<String>| vec![diag(node.range, message, hint)];
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let allowed = allowed_keys(error.schema_path().as_str());
            unexpected
                .iter()
                .take(MAX_PER_FILE)
                .map(|key| {
                    diag(
                        root.key_range(&path, key).unwrap_or(node.range),
                        format!("`{key}` is not a known key here"),
                        Some(keys_hint(key, &allowed)),
                    )
                })
                .collect()
        }
        ValidationErrorKind::PropertyNames { error: inner } => {
            let key = inner.instance().as_str().unwrap_or_default();
            let allowed: Vec<&str> = match inner.kind() {
                ValidationErrorKind::Enum { options } => {
                    options.as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
                }
                _ => Vec::new(),
            };
            vec![diag(
                root.key_range(&path, key).unwrap_or(node.range),
                format!("`{key}` is not a known key of {what}"),
                Some(keys_hint(key, &allowed)),
            )]
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            one(format!("`{name}` is missing"), Some(format!("add `{name}:` to this mapping")))
        }
        ValidationErrorKind::Enum { options } => {
            let list: Vec<String> = options
                .as_array()
                .map(|a| a.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)).collect())
                .unwrap_or_default();
            let (message, hint) = not_one_of(&what, instance, &list);
            one(message, Some(hint))
        }
        ValidationErrorKind::OneOfNotValid { .. } | ValidationErrorKind::AnyOf { .. } => {
            match constant_options(error) {
                Some(list) => {
                    let (message, hint) = not_one_of(&what, instance, &list);
                    one(message, Some(hint))
                }
                None => one(format!("{what} is not in any of the forms allowed here"), None),
            }
        }
        ValidationErrorKind::Pattern { pattern } => {
            let (message, hint) = pattern_message(&what, pattern, instance);
            one(message, Some(hint))
        }
        ValidationErrorKind::Type { kind } => {
            let (message, hint) = type_message(&what, field, kind, instance, error.schema_path().as_str());
            one(message, hint)
        }
        ValidationErrorKind::MinItems { limit } => one(
            format!("{what} needs at least {limit} entr{}", if *limit == 1 { "y" } else { "ies" }),
            Some(format!("add {} under {what}", if *limit == 1 { "an entry" } else { "entries" })),
        ),
        ValidationErrorKind::MinLength { .. } => {
            one(format!("{what} must not be empty"), Some("write the text after the colon".into()))
        }
        ValidationErrorKind::MinProperties { .. } => {
            one(format!("{what} must not be empty"), Some("add at least one entry to this mapping".into()))
        }
        ValidationErrorKind::Minimum { limit } => {
            one(format!("{what} must be at least {limit}"), Some(format!("use a number of {limit} or more")))
        }
        _ => one(error.to_string(), None),
    }
}

/// How to fix an unknown key: the likely intended key, and the keys allowed.
fn keys_hint(key: &str, allowed: &[&str]) -> String {
    match closest(key, allowed) {
        _ if allowed.is_empty() => "remove it".to_string(),
        Some(near) => format!("did you mean `{near}`? The keys allowed here are: {}", allowed.join(", ")),
        None => format!("check the spelling; the keys allowed here are: {}", allowed.join(", ")),
    }
}

/// The last key of a JSON pointer, when it names a field rather than a list position.
fn field_name(path: &str) -> Option<&str> {
    path.rsplit('/').next().filter(|s| !s.is_empty() && s.parse::<usize>().is_err())
}

/// For `anyOf`/`oneOf` failures, the error of the branch that came closest.
fn best_branch<'a>(error: &'a ValidationError<'a>) -> (&'a ValidationError<'a>, String) {
    let path = error.instance_path().as_str().to_string();
    let context = match error.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => context,
        _ => return (error, path),
    };
    // A choice between fixed values (an enum written as `oneOf` of `const`s) is reported whole.
    if constant_options(error).is_some() {
        return (error, path);
    }
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
        Some(inner) => best_branch(inner),
        None => (error, path),
    }
}

/// The allowed values of an `anyOf`/`oneOf` whose branches are all fixed values (`const`),
/// when the value matched none of them.
fn constant_options(error: &ValidationError<'_>) -> Option<Vec<String>> {
    let context = match error.kind() {
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => context,
        _ => return None,
    };
    let mut options = Vec::new();
    for branch in context {
        match branch.as_slice() {
            [e] => match e.kind() {
                ValidationErrorKind::Constant { expected_value } => {
                    options.push(expected_value.as_str().map_or_else(|| expected_value.to_string(), str::to_string));
                }
                _ => return None,
            },
            _ => return None,
        }
    }
    (!options.is_empty()).then_some(options)
}

/// "`x` must be one of: a, b" and a hint with the closest one.
fn not_one_of(what: &str, value: &Value, options: &[String]) -> (String, String) {
    let list: Vec<&str> = options.iter().map(String::as_str).collect();
    let message = format!("{what} must be one of: {}", list.join(", "));
    let hint = match value.as_str() {
        Some(v) => match closest(v, &list) {
            Some(near) => format!("`{v}` is not one of them: did you mean `{near}`?"),
            None => format!("`{v}` is not one of them: write one of the values exactly as listed"),
        },
        None => format!("write one of the values exactly as listed, not {}", describe_value(value)),
    };
    (message, hint)
}

/// The known name closest to `name`, if one is close enough to be a likely misspelling.
fn closest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(name, k), *k))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// The keys the schema allows in the object whose `additionalProperties` failed.
fn allowed_keys(schema_path: &str) -> Vec<&'static str> {
    let Some(object_path) = schema_path.strip_suffix("/additionalProperties") else { return Vec::new() };
    let Some(schema) = schema_value() else { return Vec::new() };
    schema
        .pointer(&format!("{object_path}/properties"))
        .and_then(Value::as_object)
        .map(|props| props.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// The committed schema as JSON, parsed once.
fn schema_value() -> Option<&'static Value> {
    static SCHEMA: OnceLock<Option<Value>> = OnceLock::new();
    SCHEMA.get_or_init(|| serde_json::from_str(SCHEMA_JSON).ok()).as_ref()
}

/// What is wrong with a string that does not match its pattern, and how to write it.
fn pattern_message(what: &str, pattern: &str, value: &Value) -> (String, String) {
    let shown = value.as_str().map_or_else(|| value.to_string(), |s| format!("`{s}`"));
    if pattern.starts_with("^(0|[1-9]") {
        let v = if value.as_str().is_some_and(|s| s.starts_with(['v', 'V'])) { " (no `v` in front)" } else { "" };
        (
            format!("{shown} is not a version of the form MAJOR.MINOR.PATCH"),
            format!("write three whole numbers separated by dots, e.g. `1.0.0`{v}"),
        )
    } else if pattern.starts_with("^#") {
        (
            format!("{shown} is not a colour of the form `#rrggbb`"),
            "write `#` and six hex digits, e.g. `#c62828`".into(),
        )
    } else if pattern.contains("a-z") {
        let example = value.as_str().map(identifier_like).filter(|s| !s.is_empty());
        let example = example.unwrap_or_else(|| "bathing_baby".to_string());
        let rule = if pattern.contains("_-") {
            "a template id starts with a lower-case letter and uses only lower-case letters, digits, `_` and `-`"
        } else if pattern.starts_with("^[a-z0-9]") {
            "an option value uses only lower-case letters, digits and `_`"
        } else {
            "an identifier starts with a lower-case letter and uses only lower-case letters, digits and `_`"
        };
        (format!("{shown} is not a valid {}", what.trim_matches('`')), format!("{rule}, e.g. `{example}`"))
    } else {
        (format!("{what} is not in the expected form"), format!("it must match {pattern}"))
    }
}

/// A value turned into an identifier: `Smoke alarm` → `smoke_alarm`.
fn identifier_like(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_').trim_start_matches(|c: char| c.is_ascii_digit() || c == '_');
    out.to_string()
}

/// A value as it reads in a message: "text (`sometimes`)", "a list", "nothing".
fn describe_value(value: &Value) -> String {
    match value {
        Value::Null => "nothing".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::String(s) => format!("the text `{s}`"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

fn type_name(t: &str) -> &'static str {
    match t {
        "object" => "a mapping (`key: value` lines)",
        "array" => "a list (`- item` lines, or `[a, b]`)",
        "string" => "text",
        "integer" => "a whole number",
        "number" => "a number",
        "boolean" => "true or false",
        "null" => "empty",
        _ => "something else",
    }
}

/// A value of the wrong type: what was expected, what was written, and how to write it.
fn type_message(
    what: &str,
    field: Option<&str>,
    kind: &jsonschema::error::TypeKind,
    value: &Value,
    schema_path: &str,
) -> (String, Option<String>) {
    let expected: Vec<String> = match kind {
        jsonschema::error::TypeKind::Single(t) => vec![t.to_string()],
        jsonschema::error::TypeKind::Multiple(ts) => ts.iter().map(|t| t.to_string()).collect(),
    };
    let wanted: Vec<&str> = expected.iter().filter(|t| *t != "null").map(|t| type_name(t)).collect();
    let message = format!("{what} must be {}, not {}", wanted.join(" or "), describe_value(value));
    let key = field.unwrap_or("key");
    let first = expected.iter().find(|t| *t != "null").map_or("", String::as_str);
    let hint = match (first, value) {
        ("object", _) if schema_path == "/type" => {
            Some("a template is a mapping that starts with `id:`, `version:` and `title:`".to_string())
        }
        (_, Value::Null) => Some("write the value after the colon, or remove the key".to_string()),
        ("array", Value::String(s)) => Some(format!("write it as a list, e.g. `{key}: [{s}]`")),
        ("array", _) => Some(format!("write it as a list, e.g. `{key}: [a, b]`")),
        ("boolean", _) => Some(format!("write `{key}: true` or `{key}: false`")),
        ("object", _) => Some(format!("write `key: value` lines indented under `{key}:`")),
        ("integer" | "number", Value::String(_)) => Some("write the number without quotes".to_string()),
        ("string", Value::Number(_) | Value::Bool(_)) => {
            // A version or id that YAML read as a number: the pattern says how to write it.
            let parent = schema_path.strip_suffix("/type").unwrap_or(schema_path);
            match schema_value().and_then(|s| s.pointer(parent)).and_then(|s| s.get("pattern")).and_then(Value::as_str)
            {
                Some(pattern) => Some(pattern_message(what, pattern, value).1),
                None => Some(format!("put it in quotes to make it text, e.g. `{key}: \"{value}\"`")),
            }
        }
        ("string", _) => Some("write the text on the same line, after the colon".to_string()),
        _ => None,
    };
    (message, hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_suggested_from_what_was_written() {
        assert_eq!(identifier_like("Smoke alarm"), "smoke_alarm");
        assert_eq!(identifier_like("  Bathing the baby! "), "bathing_the_baby");
        assert_eq!(identifier_like("3 year olds"), "year_olds");
    }

    #[test]
    fn a_misspelt_key_is_one_error_with_a_suggestion() {
        let text = "id: t\nversion: 1.0.0\ntitel: T\ndescription: d\nauthors: [a]\nlicence: CC0-1.0\n\
                    scales: [{id: s, title: S, levels: [{id: a, label: A}, {id: b, label: B}]}]\n\
                    areas: [{id: x, title: X, items: [{id: i, title: I, text: T, response: {type: yes_no}}]}]\n\
                    scoring: {}\n";
        let outcome = load_bytes("t.yaml", text.as_bytes(), Base::Dir(".".into()));
        assert_eq!(outcome.diagnostics.len(), 1, "{:?}", outcome.diagnostics);
        let d = &outcome.diagnostics[0];
        assert_eq!(d.line_column(), Some((3, 1)));
        assert!(d.hint.as_deref().is_some_and(|h| h.starts_with("did you mean `title`?")), "{:?}", d.hint);
    }
}
