//! Checking an answer against its response type and putting it in normal form.

use crate::template::Template;
use crate::template::model::{ResponseKind, ResponseRef, ResponseSpec};
use serde_json::Value;

/// An answer as given: text typed on the command line, or a value from an import file.
#[derive(Debug, Clone, PartialEq)]
pub enum Given {
    /// Text (a single value, or several separated by commas for lists).
    Text(String),
    /// A number.
    Number(f64),
    /// A list of values.
    List(Vec<String>),
}

impl Given {
    fn text(&self) -> String {
        match self {
            Given::Text(s) => s.trim().to_string(),
            Given::Number(n) => format_number(*n),
            Given::List(l) => l.join(", "),
        }
    }

    fn list(&self) -> Vec<String> {
        match self {
            Given::List(l) => l.iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect(),
            other => other.text().split(',').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect(),
        }
    }
}

fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { n.to_string() }
}

/// Resolves a response reference to its spec.
pub fn spec<'t>(t: &'t Template, r: &'t ResponseRef) -> Option<&'t ResponseSpec> {
    match r {
        ResponseRef::Named(name) => t.response_types.get(name),
        ResponseRef::Inline(spec) => Some(spec),
    }
}

/// How to answer, in one line for people: `one of: yes, no`.
pub fn describe(t: &Template, spec: &ResponseSpec) -> String {
    match spec.kind {
        ResponseKind::SingleChoice => format!("one of: {}", choices(spec)),
        ResponseKind::MultipleChoice => format!("one or more of (separated by commas): {}", choices(spec)),
        ResponseKind::YesNo => "yes or no".into(),
        ResponseKind::Scale => {
            let anchors: Vec<String> =
                spec.anchors.iter().map(|a| format!("{} = {}", format_number(a.value), a.label)).collect();
            let range = format!(
                "a whole number from {} to {}",
                format_number(spec.min.unwrap_or(0.0)),
                format_number(spec.max.unwrap_or(10.0))
            );
            if anchors.is_empty() { range } else { format!("{range} ({})", anchors.join("; ")) }
        }
        ResponseKind::Number => {
            (match (spec.min, spec.max) {
                (Some(a), Some(b)) => format!("a number from {} to {}", format_number(a), format_number(b)),
                (Some(a), None) => format!("a number of at least {}", format_number(a)),
                (None, Some(b)) => format!("a number of at most {}", format_number(b)),
                (None, None) => "a number".to_string(),
            }) + &spec.unit.as_ref().map(|u| format!(" ({u})")).unwrap_or_default()
        }
        ResponseKind::Date => "a date as YYYY-MM-DD, e.g. 2026-03-14".into(),
        ResponseKind::Text => "the parent's words or your notes, as text".into(),
        ResponseKind::ObservationChecklist => format!(
            "what you saw, separated by commas (or `none`): {}",
            spec.checklist.iter().map(|c| format!("{} ({})", c.id, c.label)).collect::<Vec<_>>().join(", ")
        ),
        ResponseKind::Rating => {
            let levels = scale_levels(t, spec);
            format!(
                "a rating: {}",
                levels.iter().map(|(id, label)| format!("{id} ({label})")).collect::<Vec<_>>().join(", ")
            )
        }
    }
}

fn choices(spec: &ResponseSpec) -> String {
    spec.options
        .iter()
        .map(|o| if o.value == o.label { o.value.clone() } else { format!("{} ({})", o.value, o.label) })
        .collect::<Vec<_>>()
        .join(", ")
}

fn scale_levels<'t>(t: &'t Template, spec: &ResponseSpec) -> Vec<(&'t str, &'t str)> {
    spec.scale
        .as_ref()
        .and_then(|s| t.scales.iter().find(|x| &x.id == s))
        .map(|s| s.levels.iter().map(|l| (l.id.as_str(), l.label.as_str())).collect())
        .unwrap_or_default()
}

/// Checks an answer and returns it in normal form (option values, level ids, numbers, ISO dates),
/// or a plain-English reason it does not fit.
pub fn check(t: &Template, spec: &ResponseSpec, given: &Given) -> Result<Value, String> {
    let text = given.text();
    match spec.kind {
        ResponseKind::SingleChoice => {
            one_of(&spec.options.iter().map(|o| (o.value.as_str(), o.label.as_str())).collect::<Vec<_>>(), &text)
                .map(Value::from)
                .ok_or_else(|| format!("`{text}` is not one of the choices: {}", choices(spec)))
        }
        ResponseKind::MultipleChoice => {
            let opts: Vec<(&str, &str)> = spec.options.iter().map(|o| (o.value.as_str(), o.label.as_str())).collect();
            let items = given.list();
            if items.is_empty() {
                return Err(format!("give at least one of: {}", choices(spec)));
            }
            let mut out: Vec<String> = Vec::new();
            for i in &items {
                let v =
                    one_of(&opts, i).ok_or_else(|| format!("`{i}` is not one of the choices: {}", choices(spec)))?;
                if !out.contains(&v) {
                    out.push(v);
                }
            }
            Ok(Value::from(out))
        }
        ResponseKind::YesNo => match text.to_lowercase().as_str() {
            "yes" | "y" | "true" => Ok("yes".into()),
            "no" | "n" | "false" => Ok("no".into()),
            _ => Err(format!("`{text}` is not yes or no")),
        },
        ResponseKind::Scale => {
            let n = number(given, &text)?;
            let (min, max) = (spec.min.unwrap_or(0.0), spec.max.unwrap_or(10.0));
            if n.fract() != 0.0 && min.fract() == 0.0 && max.fract() == 0.0 {
                return Err(format!(
                    "`{text}` is not a whole number: the scale goes from {} to {}",
                    format_number(min),
                    format_number(max)
                ));
            }
            if n < min || n > max {
                return Err(format!(
                    "{} is outside the scale, which goes from {} to {}",
                    format_number(n),
                    format_number(min),
                    format_number(max)
                ));
            }
            Ok(json_number(n))
        }
        ResponseKind::Number => {
            let n = number(given, &text)?;
            if let Some(min) = spec.min.filter(|m| n < *m) {
                return Err(format!("{} is less than the lowest allowed, {}", format_number(n), format_number(min)));
            }
            if let Some(max) = spec.max.filter(|m| n > *m) {
                return Err(format!("{} is more than the highest allowed, {}", format_number(n), format_number(max)));
            }
            Ok(json_number(n))
        }
        ResponseKind::Date => check_date(&text).map(Value::from),
        ResponseKind::Text => {
            if text.is_empty() {
                Err("the answer is empty: write what was said or seen".into())
            } else {
                Ok(Value::from(text))
            }
        }
        ResponseKind::ObservationChecklist => {
            let items = given.list();
            if items.len() == 1 && items[0].eq_ignore_ascii_case("none") {
                return Ok(Value::Array(Vec::new()));
            }
            if items.is_empty() {
                return Err("list what you saw, separated by commas, or write `none`".into());
            }
            let ids: Vec<(&str, &str)> = spec.checklist.iter().map(|c| (c.id.as_str(), c.label.as_str())).collect();
            let mut seen: Vec<String> = Vec::new();
            for i in &items {
                let v = one_of(&ids, i).ok_or_else(|| {
                    format!(
                        "`{i}` is not on the checklist: {}",
                        ids.iter().map(|(id, _)| *id).collect::<Vec<_>>().join(", ")
                    )
                })?;
                if !seen.contains(&v) {
                    seen.push(v);
                }
            }
            // Keep the checklist's order so the same observation always reads the same.
            seen.sort_by_key(|v| ids.iter().position(|(id, _)| id == v));
            Ok(Value::from(seen))
        }
        ResponseKind::Rating => {
            let levels = scale_levels(t, spec);
            one_of(&levels, &text).map(Value::from).ok_or_else(|| {
                format!(
                    "`{text}` is not a level of the rating scale: {}",
                    levels.iter().map(|(id, _)| *id).collect::<Vec<_>>().join(", ")
                )
            })
        }
    }
}

/// Matches by id, then by label, ignoring case.
fn one_of(options: &[(&str, &str)], text: &str) -> Option<String> {
    let t = text.trim();
    options
        .iter()
        .find(|(v, _)| *v == t)
        .or_else(|| options.iter().find(|(v, l)| v.eq_ignore_ascii_case(t) || l.eq_ignore_ascii_case(t)))
        .map(|(v, _)| v.to_string())
}

fn number(given: &Given, text: &str) -> Result<f64, String> {
    match given {
        Given::Number(n) if n.is_finite() => Ok(*n),
        _ => text.parse::<f64>().ok().filter(|n| n.is_finite()).ok_or_else(|| format!("`{text}` is not a number")),
    }
}

fn json_number(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 1e15 { Value::from(n as i64) } else { Value::from(n) }
}

/// Checks a calendar date written YYYY-MM-DD.
pub fn check_date(text: &str) -> Result<String, String> {
    let t = text.trim();
    let shape = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
    if !shape {
        return Err(format!("`{t}` is not a date written YYYY-MM-DD (for example 2026-03-14)"));
    }
    t.parse::<jiff::civil::Date>().map(|_| t.to_string()).map_err(|_| format!("`{t}` is not a real date"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(yaml: &str) -> ResponseSpec {
        serde_norway::from_str(yaml).unwrap()
    }

    fn t() -> Template {
        serde_norway::from_str(
            "id: t\nversion: 1.0.0\ntitle: T\ndescription: d\nauthors: [a]\nlicence: CC0-1.0\nscales: [{id: need, title: N, levels: [{id: none, label: No need}, {id: high, label: High need}]}]\nareas: []\nscoring: {}\n",
        )
        .unwrap()
    }

    #[test]
    fn answers_are_normalised_or_refused_with_the_reason() {
        let t = t();
        let single = spec("type: single_choice\noptions: [{value: a, label: Always}, {value: n, label: Never}]");
        assert_eq!(check(&t, &single, &Given::Text("always".into())).unwrap(), "a");
        assert!(check(&t, &single, &Given::Text("sometimes".into())).unwrap_err().contains("not one of the choices"));
        let scale = spec("type: scale\nmin: 0\nmax: 10");
        assert_eq!(check(&t, &scale, &Given::Text("7".into())).unwrap(), 7);
        assert!(check(&t, &scale, &Given::Text("11".into())).unwrap_err().contains("outside the scale"));
        assert!(check(&t, &scale, &Given::Text("2.5".into())).unwrap_err().contains("whole number"));
        let date = spec("type: date");
        assert!(check(&t, &date, &Given::Text("14/03/2026".into())).unwrap_err().contains("YYYY-MM-DD"));
        assert!(check(&t, &date, &Given::Text("2026-02-30".into())).unwrap_err().contains("not a real date"));
        assert_eq!(check(&t, &date, &Given::Text("2026-02-28".into())).unwrap(), "2026-02-28");
        let rating = spec("type: rating\nscale: need");
        assert_eq!(check(&t, &rating, &Given::Text("High need".into())).unwrap(), "high");
        assert!(check(&t, &rating, &Given::Text("medium".into())).unwrap_err().contains("none, high"));
        let yn = spec("type: yes_no");
        assert_eq!(check(&t, &yn, &Given::Text("Y".into())).unwrap(), "yes");
        let multi = spec("type: multiple_choice\noptions: [{value: a, label: A}, {value: b, label: B}]");
        assert_eq!(check(&t, &multi, &Given::Text("b, a, b".into())).unwrap(), serde_json::json!(["b", "a"]));
        let list = spec("type: observation_checklist\nchecklist: [{id: x, label: X}, {id: y, label: Y}]");
        assert_eq!(
            check(&t, &list, &Given::List(vec!["y".into(), "x".into()])).unwrap(),
            serde_json::json!(["x", "y"])
        );
        assert_eq!(check(&t, &list, &Given::Text("none".into())).unwrap(), serde_json::json!([]));
    }
}
