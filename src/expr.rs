//! The one expression language of templates: Jinja expressions, run by minijinja.
//!
//! Conditions (`show_if`, adaptation `when`, flag `when`) and rating rules are all Jinja
//! expressions, the same language report templates use. [`compile_check`] compiles an
//! expression and checks every name it uses against what the template declares, so a
//! misspelt item id is caught when the template is loaded, not in front of a parent.

use minijinja::{Environment, UndefinedBehavior, Value};
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// The environment expressions are compiled and evaluated in. Undefined names are lenient
/// at run time (an unanswered item is simply undefined), because names were already
/// checked statically.
pub fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Lenient);
        env
    })
}

/// Longest expression accepted, in bytes. minijinja builds `a or b or c …` into a tree as deep
/// as the chain is long and walks it recursively, so an expression of thousands of terms could
/// overflow the stack; real conditions are a line or two.
pub const MAX_LEN: usize = 2_000;

/// Decides whether a name an expression uses exists: `Err((message, hint))` when not.
pub type NameCheck<'a> = dyn Fn(&str) -> Result<(), (String, String)> + 'a;

/// A problem with an expression, with the byte offset in the expression it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    /// What is wrong.
    pub message: String,
    /// Byte offset in the expression's text.
    pub offset: usize,
    /// Length in bytes of the part concerned (at least 1).
    pub len: usize,
    /// How to fix it.
    pub hint: String,
}

/// Compiles `source` and checks the names it uses.
///
/// `resolve` is called with every dotted name the expression reads (`answers.scr_reading`,
/// `case.youngest_child_age_months`, `value`); it returns `Err(hint)` for a name the
/// template does not declare. Returns the names used, sorted.
pub fn compile_check(source: &str, resolve: &NameCheck<'_>) -> Result<BTreeSet<String>, Vec<ExprError>> {
    if source.trim().is_empty() {
        return Err(vec![ExprError {
            message: "the expression is empty".into(),
            offset: 0,
            len: 1,
            hint: "write a condition, e.g. `answers.scr_reading == 'no'`".into(),
        }]);
    }
    if source.len() > MAX_LEN {
        return Err(vec![ExprError {
            message: format!("the expression is {} characters long; at most {MAX_LEN} are allowed", source.len()),
            offset: 0,
            len: 1,
            hint: "shorten it: a condition should be readable at a glance (split a long list of alternatives over \
                   several items or flags)"
                .into(),
        }]);
    }
    let expr = environment().compile_expression(source).map_err(|e| {
        let (offset, len) = e.range().map_or((0, 1), |r| (r.start.min(source.len()), r.len().max(1)));
        let hint = if single_equals(source).is_some() {
            "to compare, write `==` (a single `=` assigns, which conditions cannot do)".to_string()
        } else {
            "expressions use Jinja syntax, e.g. `answers.item_id == 'no' and case.youngest_child_age_months < 24`"
                .to_string()
        };
        vec![ExprError {
            len,
            message: format!("this expression is not valid: {}", e.detail().unwrap_or("syntax error")),
            offset,
            hint,
        }]
    })?;
    let names: BTreeSet<String> = expr.undeclared_variables(true).into_iter().collect();
    // Only the longest chain of each name is checked: `answers.x.knowledge` covers `answers.x`.
    let leaves: Vec<&String> = names
        .iter()
        .filter(|n| {
            !names.iter().any(|m| m.len() > n.len() && m.starts_with(n.as_str()) && m.as_bytes()[n.len()] == b'.')
        })
        .collect();
    let errors: Vec<ExprError> = leaves
        .iter()
        .filter_map(|name| {
            resolve(name).err().map(|(message, hint)| ExprError {
                message,
                offset: find_name(source, name),
                len: name.len(),
                hint,
            })
        })
        .collect();
    if errors.is_empty() { Ok(names) } else { Err(errors) }
}

/// Byte offset of a lone `=` (not part of `==`, `!=`, `<=` or `>=`) outside quotes: the most
/// common slip in a condition.
fn single_equals(source: &str) -> Option<usize> {
    let bytes = source.as_bytes();
    let mut quote = None;
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'\'' | b'"') => quote = Some(b),
            (None, b'=') => {
                let before = i.checked_sub(1).map(|j| bytes[j]);
                let after = bytes.get(i + 1).copied();
                if !matches!(before, Some(b'=' | b'!' | b'<' | b'>')) && after != Some(b'=') {
                    return Some(i);
                }
            }
            (None, _) => {}
        }
    }
    None
}

/// Byte offset of a dotted name in the source, tolerating spaces around dots.
fn find_name(source: &str, name: &str) -> usize {
    if let Some(i) = source.find(name) {
        return i;
    }
    let first = name.split('.').next().unwrap_or(name);
    source.find(first).unwrap_or(0)
}

/// Evaluates a checked expression against a context; an evaluation error is returned as text.
pub fn eval(source: &str, ctx: &Value) -> Result<Value, String> {
    if source.len() > MAX_LEN {
        return Err(format!("the expression is longer than {MAX_LEN} characters"));
    }
    let expr = environment().compile_expression(source).map_err(|e| e.to_string())?;
    expr.eval(ctx.clone()).map_err(|e| e.detail().map_or_else(|| e.to_string(), str::to_string))
}

/// Evaluates a condition; an undefined or failing condition is false, with the reason.
pub fn eval_condition(source: &str, ctx: &Value) -> Result<bool, String> {
    eval(source, ctx).map(|v| v.is_true())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only_answers(name: &str) -> Result<(), (String, String)> {
        if name.starts_with("answers.") {
            Ok(())
        } else {
            Err((format!("`{name}` is not known"), "use answers".into()))
        }
    }

    #[test]
    fn names_are_checked() {
        let errs = compile_check("answers.a == 'no' and cse.age < 3", &only_answers).unwrap_err();
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].offset, "answers.a == 'no' and ".len());
    }

    #[test]
    fn syntax_errors_are_reported() {
        assert!(compile_check("answers.a == ", &only_answers).is_err());
    }

    #[test]
    fn a_single_equals_sign_gets_its_own_hint() {
        let errs = compile_check("answers.a = 'no'", &only_answers).unwrap_err();
        assert!(errs[0].hint.contains("=="), "{}", errs[0].hint);
        assert_eq!(single_equals("a == 'x=y' and b != 1 and c <= 2"), None);
        assert_eq!(single_equals("a = 1"), Some(2));
    }

    #[test]
    fn a_very_long_expression_is_refused_before_it_is_compiled() {
        // 40,000 terms would overflow the stack when compiled; refused by length instead.
        let e = vec!["answers.a == 1"; 40_000].join(" or ");
        let errs = compile_check(&e, &only_answers).unwrap_err();
        assert!(errs[0].message.contains("characters long"), "{}", errs[0].message);
    }

    #[test]
    fn nested_names_are_reported_whole() {
        let names = compile_check("answers.bath.knowledge == 'high'", &only_answers).unwrap();
        assert!(names.contains("answers.bath.knowledge"));
    }

    #[test]
    fn conditions_evaluate() {
        let ctx = Value::from(minijinja::value::Serde(serde_json::json!({"answers": {"a": "no"}})));
        assert!(eval_condition("answers.a == 'no'", &ctx).unwrap());
        assert!(!eval_condition("answers.b == 'no'", &ctx).unwrap());
    }
}
