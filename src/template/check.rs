//! Semantic checks: what the JSON Schema cannot say.
//!
//! Ids are unique, every reference resolves, expressions compile and name only what the
//! template declares, conditions look only backwards (so there are no cycles), rating levels
//! exist, decision tables are complete and have no dead rules, measures can be scored and
//! their bands cover every total, and the files the template names exist. Each problem is a
//! [`Diagnostic`] at the YAML node it concerns.

use super::Base;
use super::model::*;
use crate::diag::{Diagnostic, MAX_PER_FILE};
use crate::expr;
use crate::yaml::Node;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Facts about a case that conditions may use as `case.<name>`.
pub const CASE_FACTS: &[&str] =
    &["youngest_child_age_months", "oldest_child_age_months", "number_of_children", "number_of_carers"];
/// Facts about the carer being assessed that conditions may use as `carer.<name>`.
pub const CARER_FACTS: &[&str] = &["relationship"];
/// Combinations of levels times rules that a decision table may take to check (a table of 30
/// rules on a scale of 6 levels takes 6,480).
const MAX_DECISION_TABLE_WORK: usize = 2_000_000;
/// Functions that Jinja provides and expressions may call.
const BUILTIN_FUNCTIONS: &[&str] = &["range", "dict", "namespace"];

/// Runs every semantic check and returns the problems found.
pub fn check(t: &Template, root: &Node, file: &str, base: &Base) -> Vec<Diagnostic> {
    let levels = t.scales.iter().flat_map(|s| s.levels.iter().map(|l| (s.id.as_str(), l.id.as_str()))).collect();
    let mut c = Checker { t, root, file, base, out: Vec::new(), items: Vec::new(), by_id: HashMap::new(), levels };
    c.index_items();
    c.unique_ids();
    c.scales();
    c.response_types();
    c.sections();
    c.adaptations();
    c.scoring();
    c.report_files();
    c.out
}

/// Where an item sits, for reference checks.
struct ItemRef<'t> {
    item: &'t Item,
    pointer: String,
    order: usize,
    screening: bool,
}

/// Which names an expression may use.
#[derive(Clone, Copy)]
enum Scope {
    /// An item's `show_if`: earlier items, case and carer facts.
    ShowIf { order: usize },
    /// An adaptation's `when`: screening answers.
    Adaptation,
    /// A flag's `when`: any answer.
    Flag,
    /// A response's `rate` rule: the answer as `value`.
    Rate,
}

struct Checker<'t> {
    t: &'t Template,
    root: &'t Node,
    file: &'t str,
    base: &'t Base,
    out: Vec<Diagnostic>,
    items: Vec<ItemRef<'t>>,
    by_id: HashMap<&'t str, usize>,
    /// Every (scale, level) pair, so that checking a level does not search the scale.
    levels: HashSet<(&'t str, &'t str)>,
}

impl<'t> Checker<'t> {
    /// Records a problem, unless [`MAX_PER_FILE`] have been found already.
    fn push(&mut self, d: Diagnostic) {
        if !self.full() {
            self.out.push(d);
        }
    }

    /// Whether enough problems were found to stop looking: callers skip costly checks then.
    fn full(&self) -> bool {
        self.out.len() >= MAX_PER_FILE
    }

    fn err(&mut self, pointer: &str, message: impl Into<String>, hint: impl Into<String>) {
        let range = self.root.at_pointer(pointer).range;
        self.push(Diagnostic::error(self.file, Some(range), message).with_hint(hint));
    }

    /// An error at the key `key` of the mapping at `pointer` (for problems with a whole list,
    /// where pointing at its first entry would blame that entry).
    fn err_at_key(&mut self, pointer: &str, key: &str, message: impl Into<String>, hint: impl Into<String>) {
        let range = self.root.key_range(pointer, key).unwrap_or(self.root.at_pointer(pointer).range);
        self.push(Diagnostic::error(self.file, Some(range), message).with_hint(hint));
    }

    fn warn(&mut self, pointer: &str, message: impl Into<String>, hint: impl Into<String>) {
        let range = self.root.at_pointer(pointer).range;
        self.push(Diagnostic::warning(self.file, Some(range), message).with_hint(hint));
    }

    fn all_sections(&self) -> impl Iterator<Item = (String, &'t Section, bool)> {
        let t = self.t;
        t.screening
            .iter()
            .map(|s| ("/screening".to_string(), s, true))
            .chain(t.areas.iter().enumerate().map(|(i, s)| (format!("/areas/{i}"), s, false)))
    }

    fn index_items(&mut self) {
        let sections: Vec<_> = self.all_sections().collect();
        for (sp, section, screening) in sections {
            for (i, item) in section.items.iter().enumerate() {
                let order = self.items.len();
                self.by_id.entry(item.id.as_str()).or_insert(order);
                self.items.push(ItemRef { item, pointer: format!("{sp}/items/{i}"), order, screening });
            }
        }
    }

    fn unique_ids(&mut self) {
        // Ids that must differ share a namespace; the message names what the id belongs to.
        let mut seen: HashMap<(String, String), String> = HashMap::new();
        let mut dup = |c: &mut Self, namespace: &str, id: &str, pointer: String, message: String, hint: &str| {
            let key = (namespace.to_string(), id.to_string());
            if let Some(first) = seen.get(&key) {
                let first_range = c.root.at_pointer(first).range;
                let range = c.root.at_pointer(&pointer).range;
                let mut d = Diagnostic::error(c.file, Some(range), message).with_hint(hint.to_string());
                d.related.push((first_range, "first used here".into()));
                c.push(d);
            } else {
                seen.insert(key, pointer);
            }
        };
        let sections: Vec<_> = self.all_sections().collect();
        for (sp, section, screening) in &sections {
            let id = &section.id;
            let what = if *screening { "screening" } else { "area" };
            let message = format!("the {what} id `{id}` is used twice");
            dup(self, "section", id, format!("{sp}/id"), message, "give each area, and the screening, its own id");
        }
        let items: Vec<(String, &str)> =
            self.items.iter().map(|r| (format!("{}/id", r.pointer), r.item.id.as_str())).collect();
        for (p, id) in items {
            let message = format!("the item id `{id}` is used twice");
            let hint = "give each item its own id: expressions name items by id, across the screening and all areas";
            dup(self, "item", id, p, message, hint);
        }
        for (i, s) in self.t.scales.iter().enumerate() {
            let message = format!("the scale id `{}` is used twice", s.id);
            dup(self, "scale", &s.id, format!("/scales/{i}/id"), message, "give each scale its own id");
            for (j, l) in s.levels.iter().enumerate() {
                let message = format!("the scale `{}` has the level `{}` twice", s.id, l.id);
                let pointer = format!("/scales/{i}/levels/{j}/id");
                dup(
                    self,
                    &format!("level of {}", s.id),
                    &l.id,
                    pointer,
                    message,
                    "give each level of a scale its own id",
                );
            }
        }
        for (i, a) in self.t.adaptations.iter().enumerate() {
            let message = format!("the adaptation id `{}` is used twice", a.id);
            dup(self, "adaptation", &a.id, format!("/adaptations/{i}/id"), message, "give each adaptation its own id");
        }
        let hint = "give each measure and subscale its own id: the report names scores by id";
        for (i, m) in self.t.scoring.measures.iter().enumerate() {
            let message = format!("the measure id `{}` is already used by another measure or subscale", m.id);
            dup(self, "measure", &m.id, format!("/scoring/measures/{i}/id"), message, hint);
            for (j, s) in m.subscales.iter().enumerate() {
                let message = format!("the subscale id `{}` is already used by another measure or subscale", s.id);
                dup(self, "measure", &s.id, format!("/scoring/measures/{i}/subscales/{j}/id"), message, hint);
            }
        }
        for (i, f) in self.t.scoring.flags.iter().enumerate() {
            let message = format!("the flag id `{}` is used twice", f.id);
            dup(self, "flag", &f.id, format!("/scoring/flags/{i}/id"), message, "give each flag its own id");
        }
    }

    fn scale(&self, id: &str) -> Option<&'t Scale> {
        self.t.scales.iter().find(|s| s.id == id)
    }

    fn scale_ids(&self) -> String {
        self.t.scales.iter().map(|s| format!("`{}`", s.id)).collect::<Vec<_>>().join(", ")
    }

    /// How to name a scale instead of `id`: the scales there are, and the closest one.
    fn scale_hint(&self, id: &str) -> String {
        let ids: Vec<&str> = self.t.scales.iter().map(|s| s.id.as_str()).collect();
        match ids.as_slice() {
            [only] => format!("the only scale defined is `{only}`"),
            _ => format!("use one of: {}{}", self.scale_ids(), suggestion(id, &ids)),
        }
    }

    /// Checks that `level` is a level of `scale`, reporting at `pointer`.
    fn level_in(&mut self, scale: &Scale, level: &str, pointer: &str) -> bool {
        if self.levels.contains(&(scale.id.as_str(), level)) {
            return true;
        }
        let levels: Vec<&str> = scale.levels.iter().map(|l| l.id.as_str()).collect();
        self.err(
            pointer,
            format!("`{level}` is not a level of the scale `{}`", scale.id),
            format!("use one of: {}{}", levels.join(", "), suggestion(level, &levels)),
        );
        false
    }

    fn scales(&mut self) {
        for (i, s) in self.t.scales.iter().enumerate() {
            let with_colour = s.levels.iter().filter(|l| l.colour.is_some()).count();
            if with_colour != 0 && with_colour != s.levels.len() {
                self.warn(
                    &format!("/scales/{i}/levels"),
                    format!("only some levels of `{}` have a colour", s.id),
                    "give every level a colour, or none (the report then picks greys)",
                );
            }
        }
    }

    fn response_types(&mut self) {
        for (name, spec) in &self.t.response_types {
            let pointer = format!("/response_types/{}", name.replace('~', "~0").replace('/', "~1"));
            if !name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
                || !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                self.err(
                    &pointer,
                    format!("the response type name `{name}` is not a valid identifier"),
                    "use lower-case letters, digits and `_`, starting with a letter",
                );
            }
            self.response_spec(spec, &pointer);
        }
    }

    /// The response a reference stands for, reporting an unknown name.
    fn resolve(&mut self, r: &'t ResponseRef, pointer: &str) -> Option<&'t ResponseSpec> {
        match r {
            ResponseRef::Inline(spec) => {
                self.response_spec(spec, pointer);
                Some(spec)
            }
            ResponseRef::Named(name) => match self.t.response_types.get(name) {
                Some(spec) => Some(spec),
                None if self.full() => None,
                None => {
                    let known: Vec<&str> = self.t.response_types.keys().map(String::as_str).collect();
                    let is_kind =
                        serde_json::from_value::<ResponseKind>(serde_json::Value::String(name.clone())).is_ok();
                    self.err(
                        pointer,
                        format!("there is no response type called `{name}`"),
                        if is_kind {
                            format!("`{name}` is a kind of answer: write the response inline as `{{ type: {name} }}`, or define `{name}` under `response_types:`")
                        } else if known.is_empty() {
                            "define it under `response_types:`, or write the response inline, e.g. `{type: yes_no}`"
                                .to_string()
                        } else {
                            format!(
                                "define it under `response_types:`, or use one of: {}{}",
                                known.join(", "),
                                suggestion(name, &known)
                            )
                        },
                    );
                    None
                }
            },
        }
    }

    fn response_spec(&mut self, spec: &'t ResponseSpec, pointer: &str) {
        use ResponseKind::*;
        let kind = spec.kind;
        let scale = match &spec.scale {
            Some(id) => match self.scale(id) {
                Some(s) => Some(s),
                None => {
                    let hint = self.scale_hint(id);
                    self.err(&format!("{pointer}/scale"), format!("there is no scale called `{id}`"), hint);
                    None
                }
            },
            None => None,
        };
        let misplaced = |field: &str, present: bool, allowed: &[ResponseKind]| {
            (present && !allowed.contains(&kind)).then(|| field.to_string())
        };
        let extra: Vec<String> = [
            misplaced("options", !spec.options.is_empty(), &[SingleChoice, MultipleChoice]),
            misplaced("anchors", !spec.anchors.is_empty(), &[Scale]),
            misplaced("checklist", !spec.checklist.is_empty(), &[ObservationChecklist]),
            misplaced("scores", spec.scores.is_some(), &[YesNo]),
            misplaced("unit", spec.unit.is_some(), &[Number, Scale]),
            misplaced("min", spec.min.is_some(), &[Number, Scale]),
            misplaced("max", spec.max.is_some(), &[Number, Scale]),
        ]
        .into_iter()
        .flatten()
        .collect();
        for field in extra {
            self.err(
                &format!("{pointer}/{field}"),
                format!("`{field}` does not apply to a `{}` response", kind.as_str()),
                format!("remove `{field}`, or change `type`"),
            );
        }
        match kind {
            SingleChoice | MultipleChoice => {
                if spec.options.len() < 2 {
                    self.err(
                        pointer,
                        format!("a `{}` response needs at least two options", kind.as_str()),
                        "add `options:` with a `value` and `label` for each",
                    );
                }
                let mut seen: HashMap<&str, usize> = HashMap::new();
                for (i, o) in spec.options.iter().enumerate() {
                    let op = format!("{pointer}/options/{i}");
                    if let Some(first) = seen.insert(o.value.as_str(), i) {
                        self.err(
                            &format!("{op}/value"),
                            format!("the option value `{}` is used twice (first as option {})", o.value, first + 1),
                            "give each option its own value",
                        );
                    }
                    if let Some(level) = &o.rating {
                        match scale {
                            Some(s) => {
                                self.level_in(s, level, &format!("{op}/rating"));
                            }
                            None if spec.scale.is_none() => {
                                self.err(
                                    &format!("{op}/rating"),
                                    "an option has a rating but the response names no scale",
                                    "add `scale:` to the response, naming the scale the ratings belong to",
                                );
                            }
                            None => {}
                        }
                    }
                }
            }
            Scale => match (spec.min, spec.max) {
                (Some(min), Some(max)) => {
                    if min.fract() != 0.0 || max.fract() != 0.0 || min >= max {
                        let hint = if min > max {
                            format!("swap them: `min: {max}` and `max: {min}`")
                        } else {
                            "e.g. `min: 0` and `max: 3`".to_string()
                        };
                        self.err(pointer, "a `scale` response needs whole numbers with `min` below `max`", hint);
                    }
                    for (i, a) in spec.anchors.iter().enumerate() {
                        if a.value < min || a.value > max {
                            self.err(
                                &format!("{pointer}/anchors/{i}/value"),
                                format!("the anchor {} is outside the scale ({min} to {max})", a.value),
                                "move the anchor inside the scale, or widen `min`/`max`",
                            );
                        }
                    }
                }
                _ => self.err(pointer, "a `scale` response needs `min` and `max`", "add e.g. `min: 0` and `max: 3`"),
            },
            Number => {
                if let (Some(min), Some(max)) = (spec.min, spec.max)
                    && min > max
                {
                    self.err(&format!("{pointer}/min"), "`min` is above `max`", "swap them");
                }
            }
            Rating => {
                if spec.scale.is_none() {
                    self.err(
                        pointer,
                        "a `rating` response needs `scale`",
                        format!("add `scale:` naming one of: {}", self.scale_ids()),
                    );
                }
            }
            ObservationChecklist => {
                if spec.checklist.is_empty() {
                    self.err(
                        pointer,
                        "an `observation_checklist` response needs `checklist` entries",
                        "add `checklist:` with an `id` and `label` for each thing to observe",
                    );
                }
                let mut seen = BTreeSet::new();
                for (i, e) in spec.checklist.iter().enumerate() {
                    if !seen.insert(e.id.as_str()) {
                        self.err(
                            &format!("{pointer}/checklist/{i}/id"),
                            format!("the checklist id `{}` is used twice", e.id),
                            "give each entry its own id",
                        );
                    }
                }
            }
            YesNo | Date | Text => {}
        }
        if !spec.rate.is_empty() && spec.scale.is_none() {
            self.err(
                &format!("{pointer}/rate"),
                "`rate` rules need the response to name a `scale`",
                "add `scale:` naming the scale the levels belong to",
            );
        }
        for (i, rule) in spec.rate.iter().enumerate() {
            let rp = format!("{pointer}/rate/{i}");
            if let Some(s) = scale {
                self.level_in(s, &rule.level, &format!("{rp}/level"));
            }
            self.expression(&rule.when, &format!("{rp}/when"), Scope::Rate);
        }
    }

    fn sections_items(&mut self) {
        let adapt_easy_read = self.t.adaptations.iter().any(|a| a.effects.easy_read);
        for idx in 0..self.items.len() {
            if self.full() {
                return;
            }
            let (item, p, order) = (self.items[idx].item, self.items[idx].pointer.clone(), self.items[idx].order);
            match (&item.response, &item.aspects) {
                (Some(_), Some(_)) => self.err(
                    &p,
                    format!("the item `{}` has both `response` and `aspects`", item.id),
                    "a single question has `text` and `response`; a skill item has `aspects` only",
                ),
                (None, None) => self.err(
                    &p,
                    format!("the item `{}` has neither `response` nor `aspects`", item.id),
                    "add `response:` (with `text:`), or `aspects:` with knowledge, skills and practice questions",
                ),
                (Some(r), None) => {
                    if item.text.is_none() {
                        self.err(
                            &p,
                            format!("the item `{}` has a response but no `text`", item.id),
                            "add `text:` with the question as it is asked",
                        );
                    }
                    if adapt_easy_read && item.easy_read.is_none() {
                        self.warn(&p, format!("the item `{}` has no easy-read wording", item.id), "add `easy_read:`: an adaptation asks for easy-read wording, and this item would fall back to the standard text");
                    }
                    self.resolve(r, &format!("{p}/response"));
                    if let Some(card) = &item.cue_card {
                        self.cue_card(card, &format!("{p}/cue_card"));
                    }
                }
                (None, Some(aspects)) => {
                    if aspects.is_empty() {
                        self.err(
                            &format!("{p}/aspects"),
                            "`aspects` is empty",
                            "add at least one of knowledge, skills, practice",
                        );
                    }
                    for field in [
                        ("text", item.text.is_some()),
                        ("easy_read", item.easy_read.is_some()),
                        ("cue_card", item.cue_card.is_some()),
                    ] {
                        if field.1 {
                            self.err(
                                &format!("{p}/{}", field.0),
                                format!("`{}` is for single-question items", field.0),
                                "write the wording under each aspect instead",
                            );
                        }
                    }
                    for (aspect, q) in aspects {
                        let qp = format!("{p}/aspects/{}", aspect.as_str());
                        if adapt_easy_read && q.easy_read.is_none() {
                            self.warn(
                                &qp,
                                format!("the {} question of `{}` has no easy-read wording", aspect.as_str(), item.id),
                                "add `easy_read:`: an adaptation asks for easy-read wording",
                            );
                        }
                        self.resolve(&q.response, &format!("{qp}/response"));
                        if let Some(card) = &q.cue_card {
                            self.cue_card(card, &format!("{qp}/cue_card"));
                        }
                    }
                }
            }
            if let Some(cond) = &item.show_if {
                self.expression(cond, &format!("{p}/show_if"), Scope::ShowIf { order });
            }
            if let Some(ev) = &item.evidence {
                self.evidence(ev, &format!("{p}/evidence"));
            }
        }
    }

    fn sections(&mut self) {
        self.sections_items();
        if let Some(d) = &self.t.evidence_defaults {
            for (name, req) in
                [("all", &d.all), ("knowledge", &d.knowledge), ("skills", &d.skills), ("practice", &d.practice)]
            {
                if let Some(r) = req {
                    self.evidence(r, &format!("/evidence_defaults/{name}"));
                }
            }
        }
    }

    fn evidence(&mut self, req: &EvidenceRequirement, pointer: &str) {
        if req.min == 0 && !req.kinds.is_empty() {
            self.warn(
                pointer,
                "`kinds` has no effect when `min` is 0",
                "set `min` to the number of entries needed, or remove `kinds`",
            );
        }
    }

    fn cue_card(&mut self, path: &str, pointer: &str) {
        if !self.base.exists(path) {
            self.err(
                pointer,
                format!("the cue card `{path}` does not exist"),
                format!(
                    "put the picture at {} or correct the path (it is relative to the template file)",
                    self.base.describe(path)
                ),
            );
        } else if !path.to_ascii_lowercase().ends_with(".png") {
            self.err(pointer, format!("the cue card `{path}` is not a PNG picture"), "save cue cards as PNG files");
        }
    }

    fn adaptations(&mut self) {
        if !self.t.adaptations.is_empty() && self.t.screening.is_none() {
            self.err(
                "/adaptations",
                "adaptations need a `screening` section to decide when they apply",
                "add `screening:` with the learning-needs questions the rules read",
            );
        }
        for (i, a) in self.t.adaptations.iter().enumerate() {
            let p = format!("/adaptations/{i}");
            self.expression(&a.when, &format!("{p}/when"), Scope::Adaptation);
            if let Some(text) = &a.effects.check_understanding
                && text.trim().is_empty()
            {
                self.err(&format!("{p}/effects/check_understanding"), "the check-understanding prompt is empty", "write what the assessor asks, e.g. \"Can you tell me in your own words what we just talked about?\"");
            }
            let e = &a.effects;
            if !e.easy_read
                && !e.cue_cards
                && e.max_items_per_session.is_none()
                && e.check_understanding.is_none()
                && e.reassess.is_empty()
                && e.notes.is_empty()
            {
                self.err(
                    &format!("{p}/effects"),
                    format!("the adaptation `{}` has no effect", a.id),
                    "set at least one effect, e.g. `easy_read: true`",
                );
            }
        }
    }

    fn scoring(&mut self) {
        if let Some(ap) = &self.t.scoring.area_priority {
            self.decision_table(ap);
        }
        for (i, m) in self.t.scoring.measures.iter().enumerate() {
            self.measure(m, &format!("/scoring/measures/{i}"));
        }
        for (i, f) in self.t.scoring.flags.iter().enumerate() {
            self.expression(&f.when, &format!("/scoring/flags/{i}/when"), Scope::Flag);
        }
    }

    fn decision_table(&mut self, ap: &'t AreaPriority) {
        let p = "/scoring/area_priority";
        let rating = self.scale(&ap.rating_scale);
        let priority = self.scale(&ap.priority_scale);
        for (field, id, found) in [
            ("rating_scale", &ap.rating_scale, rating.is_some()),
            ("priority_scale", &ap.priority_scale, priority.is_some()),
        ] {
            if !found {
                let hint = self.scale_hint(id);
                self.err(&format!("{p}/{field}"), format!("there is no scale called `{id}`"), hint);
            }
        }
        let (Some(rating), Some(priority)) = (rating, priority) else { return };
        let mut levels_ok = true;
        for (i, rule) in ap.rules.iter().enumerate() {
            let rp = format!("{p}/rules/{i}");
            for (aspect, m) in &rule.when {
                for level in m.levels() {
                    levels_ok &= self.level_in(rating, level, &format!("{rp}/when/{}", aspect.as_str()));
                }
            }
            levels_ok &= self.level_in(priority, &rule.then, &format!("{rp}/then"));
        }
        if !levels_ok {
            return;
        }
        // Enumerate every combination of levels and find the first rule that matches it. Real
        // tables have a few levels and a few dozen rules; a table too big to check in an
        // instant is refused rather than left unchecked.
        let levels: Vec<&str> = rating.levels.iter().map(|l| l.id.as_str()).collect();
        let work = levels.len().pow(3).saturating_mul(ap.rules.len());
        if work > MAX_DECISION_TABLE_WORK {
            self.err_at_key(
                p,
                "rules",
                format!(
                    "the decision table is too big to check: {} rules over a scale of {} levels",
                    ap.rules.len(),
                    levels.len()
                ),
                "a priority table needs a rule for each kind of case, usually a few dozen at most; merge rules by listing several levels, e.g. `knowledge: [some, high]`",
            );
            return;
        }
        let mut fired = vec![false; ap.rules.len()];
        // For each rule, the earlier rules that took the combinations it matches.
        let mut taken_by: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); ap.rules.len()];
        let mut unmatched = Vec::new();
        for k in &levels {
            for s in &levels {
                for pr in &levels {
                    let combo = [(Aspect::Knowledge, *k), (Aspect::Skills, *s), (Aspect::Practice, *pr)];
                    let matches = |r: &DecisionRule| {
                        combo.iter().all(|(a, l)| r.when.get(a).is_none_or(|m| m.levels().contains(l)))
                    };
                    let hit = ap.rules.iter().position(matches);
                    match hit {
                        Some(i) => {
                            fired[i] = true;
                            for (j, later) in ap.rules.iter().enumerate().skip(i + 1) {
                                if matches(later) {
                                    taken_by[j].insert(i);
                                }
                            }
                        }
                        None => unmatched.push(format!("knowledge {k}, skills {s}, practice {pr}")),
                    }
                }
            }
        }
        if !unmatched.is_empty() {
            let shown: Vec<&str> = unmatched.iter().take(3).map(String::as_str).collect();
            let more = if unmatched.len() > 3 { format!(" and {} more", unmatched.len() - 3) } else { String::new() };
            self.err_at_key(
                p,
                "rules",
                format!(
                    "the decision table leaves {} combination{} without a priority: {}{more}",
                    unmatched.len(),
                    if unmatched.len() == 1 { "" } else { "s" },
                    shown.join("; ")
                ),
                "add rules for them, or end the table with a catch-all rule such as `- then: none`",
            );
        }
        for (i, f) in fired.iter().enumerate() {
            if !f {
                let by: Vec<String> = taken_by[i].iter().map(|j| (j + 1).to_string()).collect();
                let by = match by.as_slice() {
                    [one] => format!("rule {one}"),
                    [rest @ .., last] => format!("rules {} and {last}", rest.join(", ")),
                    [] => "earlier rules".to_string(),
                };
                let range = self.root.at_pointer(&format!("{p}/rules/{i}")).range;
                let mut d = Diagnostic::error(
                    self.file,
                    Some(range),
                    format!("rule {} can never fire: every combination it matches is taken by {by} first", i + 1),
                )
                .with_hint("remove it, or move it above the rules that cover it (the first rule that matches wins)");
                for j in &taken_by[i] {
                    d.related.push((self.root.at_pointer(&format!("{p}/rules/{j}")).range, format!("rule {}", j + 1)));
                }
                self.push(d);
            }
        }
    }

    /// The lowest and highest score an item can contribute to a measure, or why it cannot.
    fn score_range(&self, item: &Item) -> Result<(f64, f64, bool), String> {
        let spec = match &item.response {
            Some(ResponseRef::Inline(s)) => s,
            Some(ResponseRef::Named(n)) => {
                self.t.response_types.get(n).ok_or_else(|| format!("its response type `{n}` is not defined"))?
            }
            None => return Err("it is a skill item with aspects, not a scored question".into()),
        };
        let scores: Vec<f64> = match spec.kind {
            ResponseKind::Scale | ResponseKind::Number => match (spec.min, spec.max) {
                (Some(a), Some(b)) => vec![a, b],
                _ => return Err("its response has no `min` and `max`".into()),
            },
            ResponseKind::SingleChoice => {
                let s: Option<Vec<f64>> = spec.options.iter().map(|o| o.score).collect();
                s.ok_or("not every option has a `score`")?
            }
            ResponseKind::YesNo => match &spec.scores {
                Some(s) => vec![s.yes, s.no],
                None => return Err("its yes/no response has no `scores`".into()),
            },
            other => return Err(format!("a `{}` answer has no score", other.as_str())),
        };
        let min = scores.iter().copied().fold(f64::INFINITY, f64::min);
        let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        Ok((min, max, scores.iter().all(|s| s.fract() == 0.0)))
    }

    fn measure(&mut self, m: &'t Measure, p: &str) {
        let in_measure: HashSet<&str> = m.items.iter().map(String::as_str).collect();
        let mut total = (0.0, 0.0);
        let mut integral = true;
        let mut ok = true;
        let mut ranges: HashMap<&str, (f64, f64)> = HashMap::new();
        let mut seen = BTreeSet::new();
        for (i, id) in m.items.iter().enumerate() {
            let ip = format!("{p}/items/{i}");
            if !seen.insert(id.as_str()) {
                self.err(&ip, format!("`{id}` is listed twice in the measure"), "list each item once");
                ok = false;
                continue;
            }
            match self.by_id.get(id.as_str()).map(|&k| self.items[k].item) {
                None => {
                    self.unknown_item(id, &ip);
                    ok = false;
                }
                Some(item) => match self.score_range(item) {
                    Ok((lo, hi, int)) => {
                        total.0 += lo;
                        total.1 += hi;
                        integral &= int;
                        ranges.insert(id.as_str(), (lo, hi));
                    }
                    Err(why) => {
                        self.err(&ip, format!("`{id}` cannot be scored: {why}"), "measures add up scored questions: `scale`, `number` with min and max, `single_choice` with a score on every option, or `yes_no` with `scores`");
                        ok = false;
                    }
                },
            }
        }
        for (i, id) in m.reverse.iter().enumerate() {
            if !self.by_id.contains_key(id.as_str()) {
                self.unknown_item(id, &format!("{p}/reverse/{i}"));
            } else if !in_measure.contains(id.as_str()) {
                self.err(
                    &format!("{p}/reverse/{i}"),
                    format!("`{id}` is reverse-scored but is not one of the measure's items"),
                    "add it to `items`, or remove it from `reverse`",
                );
            }
        }
        if m.missing.prorate_up_to as usize >= m.items.len() {
            self.err(
                &format!("{p}/missing/prorate_up_to"),
                "prorating may not fill in every item of a measure",
                format!("use a number below {}", m.items.len()),
            );
        }
        if ok {
            self.bands(&m.bands, total, integral, &format!("{p}/bands"));
        }
        for (j, s) in m.subscales.iter().enumerate() {
            let sp = format!("{p}/subscales/{j}");
            let mut sub = (0.0, 0.0);
            let mut sub_ok = ok;
            for (i, id) in s.items.iter().enumerate() {
                match ranges.get(id.as_str()) {
                    Some((lo, hi)) => {
                        sub.0 += lo;
                        sub.1 += hi;
                    }
                    None => {
                        if !in_measure.contains(id.as_str()) {
                            self.err(
                                &format!("{sp}/items/{i}"),
                                format!("`{id}` is in the subscale but not in the measure's items"),
                                "subscales are parts of their measure: add it to the measure's `items`",
                            );
                        }
                        sub_ok = false;
                    }
                }
            }
            if sub_ok {
                self.bands(&s.bands, sub, integral, &format!("{sp}/bands"));
            }
        }
    }

    /// Bands must run from the lowest to the highest possible total without gaps or overlaps.
    fn bands(&mut self, bands: &[Band], (lo, hi): (f64, f64), integral: bool, p: &str) {
        if bands.is_empty() {
            return;
        }
        for (i, b) in bands.iter().enumerate() {
            if b.min > b.max {
                self.err(
                    &format!("{p}/{i}"),
                    format!("the band `{}` starts ({}) above where it ends ({})", b.label, b.min, b.max),
                    "swap `min` and `max`",
                );
                return;
            }
            if let Some(level) = &b.level
                && !self.t.scales.iter().any(|s| s.levels.iter().any(|l| &l.id == level))
            {
                self.err(
                    &format!("{p}/{i}/level"),
                    format!("`{level}` is not a level of any scale"),
                    "name a level defined under `scales:`",
                );
            }
        }
        let step: f64 = if integral { 1.0 } else { 0.0 };
        if bands[0].min > lo {
            self.err(
                &format!("{p}/0/min"),
                format!("the first band starts at {} but the lowest possible total is {lo}", bands[0].min),
                format!("start the first band at {lo}"),
            );
        }
        for i in 1..bands.len() {
            let (prev, b) = (&bands[i - 1], &bands[i]);
            if b.min <= prev.max {
                self.err(
                    &format!("{p}/{i}/min"),
                    format!("the band `{}` overlaps `{}`: both include {}", b.label, prev.label, b.min),
                    if integral {
                        format!("start `{}` at {}", b.label, prev.max + step)
                    } else {
                        format!("start `{}` above {}", b.label, prev.max)
                    },
                );
            } else if integral && b.min > prev.max + step {
                self.err(
                    &format!("{p}/{i}/min"),
                    format!(
                        "there is a gap between `{}` (ends {}) and `{}` (starts {})",
                        prev.label, prev.max, b.label, b.min
                    ),
                    format!("start `{}` at {}, or end `{}` at {}", b.label, prev.max + step, prev.label, b.min - step),
                );
            }
        }
        if let Some(last) = bands.last()
            && last.max < hi
        {
            self.err(
                &format!("{p}/{}/max", bands.len() - 1),
                format!("the last band ends at {} but the highest possible total is {hi}", last.max),
                format!("end the last band at {hi}"),
            );
        }
    }

    fn unknown_item(&mut self, id: &str, pointer: &str) {
        if self.full() {
            return;
        }
        let known: Vec<&str> = self.items.iter().map(|r| r.item.id.as_str()).collect();
        self.err(
            pointer,
            format!("there is no item called `{id}`"),
            format!("check the item id{}", suggestion(id, &known)),
        );
    }

    /// Checks one expression, reporting errors at their place inside the YAML string.
    fn expression(&mut self, source: &str, pointer: &str, scope: Scope) {
        if self.full() {
            return;
        }
        let node = self.root.at_pointer(pointer);
        let result = expr::compile_check(source, &|name| self.resolve_name(name, scope));
        if let Err(errors) = result {
            for e in errors {
                let start = node.pos_in_string(e.offset);
                let end = node.pos_in_string(e.offset + e.len);
                let end = if end.offset > start.offset { end } else { start };
                let range = crate::yaml::Range { start, end };
                self.push(Diagnostic::error(self.file, Some(range), e.message).with_hint(e.hint));
            }
        }
    }

    /// Whether an expression in `scope` may use the dotted `name`; `Err((message, hint))` if not.
    fn resolve_name(&self, name: &str, scope: Scope) -> Result<(), (String, String)> {
        let parts: Vec<&str> = name.split('.').collect();
        let roots: &[&str] = match scope {
            Scope::ShowIf { .. } => &["answers", "case", "carer"],
            Scope::Adaptation | Scope::Flag => &["answers"],
            Scope::Rate => &["value"],
        };
        let root = parts[0];
        if BUILTIN_FUNCTIONS.contains(&root) {
            return Ok(());
        }
        if !roots.contains(&root) {
            return Err((
                format!("`{root}` is not a name this expression can use"),
                format!("here you can use: {}{}", roots.join(", "), suggestion(root, roots)),
            ));
        }
        match root {
            "value" => Ok(()),
            "case" | "carer" => {
                let facts = if root == "case" { CASE_FACTS } else { CARER_FACTS };
                match parts.get(1) {
                    Some(f) if facts.contains(f) => Ok(()),
                    Some(f) => {
                        let full: Vec<String> = facts.iter().map(|x| format!("{root}.{x}")).collect();
                        let full: Vec<&str> = full.iter().map(String::as_str).collect();
                        Err((
                            format!("`{root}.{f}` is not a known fact"),
                            format!("known facts: {}{}", full.join(", "), suggestion(&format!("{root}.{f}"), &full)),
                        ))
                    }
                    None => {
                        Err((format!("`{root}` must be followed by a fact"), format!("e.g. `{root}.{}`", facts[0])))
                    }
                }
            }
            _ => self.resolve_answer(&parts, scope),
        }
    }

    fn resolve_answer(&self, parts: &[&str], scope: Scope) -> Result<(), (String, String)> {
        let Some(id) = parts.get(1) else {
            return Err((
                "`answers` must be followed by an item id".into(),
                "e.g. `answers.scr_reading == 'no'`".into(),
            ));
        };
        let Some(r) = self.by_id.get(id).map(|&k| &self.items[k]) else {
            let known: Vec<&str> = self.items.iter().map(|r| r.item.id.as_str()).collect();
            return Err((
                format!("`answers.{id}` names no item"),
                format!("check the item id{}", suggestion(id, &known)),
            ));
        };
        match scope {
            Scope::ShowIf { order } if r.order == order => {
                return Err((
                    format!("the condition of `{id}` refers to its own answer"),
                    "a condition can only look at answers to earlier items".into(),
                ));
            }
            Scope::ShowIf { order } if r.order > order => {
                return Err((
                    format!("this condition refers to `{id}`, which comes later in the template"),
                    "conditions may only look at earlier items (otherwise items could wait on each other for ever): move the item, or change the condition".into(),
                ));
            }
            Scope::Adaptation if !r.screening => {
                return Err((
                    format!("`{id}` is not a screening item"),
                    "adaptations are decided by the screening: use a screening item's answer".into(),
                ));
            }
            _ => {}
        }
        match (&r.item.aspects, parts.get(2)) {
            (Some(aspects), Some(a)) => {
                if aspects.keys().any(|x| x.as_str() == *a) {
                    Ok(())
                } else {
                    let have: Vec<&str> = aspects.keys().map(|x| x.as_str()).collect();
                    Err((format!("the item `{id}` has no aspect `{a}`"), format!("it has: {}", have.join(", "))))
                }
            }
            (Some(aspects), None) => Err((
                format!("`{id}` is a skill item: name one of its aspects"),
                format!("e.g. `answers.{id}.{}`", aspects.keys().next().map_or("knowledge", |a| a.as_str())),
            )),
            (None, _) => Ok(()),
        }
    }

    fn report_files(&mut self) {
        let Some(report) = &self.t.report else { return };
        let files = [("court", Some(&report.court)), ("easy_read", report.easy_read.as_ref())];
        for (field, path) in files {
            let Some(path) = path else { continue };
            let pointer = format!("/report/{field}");
            match self.base.read(path) {
                None => self.err(
                    &pointer,
                    format!("the report template `{path}` does not exist"),
                    format!(
                        "create it at {} or correct the path (it is relative to the template file)",
                        self.base.describe(path)
                    ),
                ),
                Some(bytes) if bytes.len() > crate::yaml::Limits::default().max_bytes => self.err(
                    &pointer,
                    format!(
                        "the report template `{path}` is {} bytes long, too big to be a report template",
                        bytes.len()
                    ),
                    "check that this is the file you meant",
                ),
                Some(bytes) => match String::from_utf8(bytes) {
                    Err(_) => self.err(
                        &pointer,
                        format!("the report template `{path}` is not UTF-8 text"),
                        "save it as UTF-8",
                    ),
                    Ok(text) => {
                        if let Some((offset, len)) = long_tag(&text) {
                            self.report_long_tag(path, &pointer, &text, offset, len);
                            continue;
                        }
                        let mut env = minijinja::Environment::new();
                        if let Err(e) = env.add_template_owned(path.to_string(), text.clone()) {
                            self.report_syntax_error(path, &pointer, &text, &e);
                        }
                    }
                },
            }
        }
    }
}

/// Longest `{{ … }}` or `{% … %}` accepted in a report template, in bytes: minijinja compiles
/// long chains (`a or b or …`, `x|f|f|…`) recursively, so a tag of many thousand terms could
/// overflow the stack. Real tags are a line long.
const MAX_TAG_LEN: usize = 2_000;

/// The first tag of a report template longer than [`MAX_TAG_LEN`] (or never closed and
/// followed by more than that), as its byte offset and length.
fn long_tag(text: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(i) = text[from..].find(['{']).map(|i| from + i) {
        let close = match text.as_bytes().get(i + 1) {
            Some(b'{') => "}}",
            Some(b'%') => "%}",
            Some(b'#') => "#}",
            _ => {
                from = i + 1;
                continue;
            }
        };
        let end = text[i + 2..].find(close).map_or(text.len(), |j| i + 2 + j + 2);
        // Comments are skipped by the lexer, whatever their length.
        if close != "#}" && end - i > MAX_TAG_LEN {
            return Some((i, end - i));
        }
        from = end;
    }
    None
}

impl Checker<'_> {
    /// A report template tag too long to compile safely.
    fn report_long_tag(&mut self, path: &str, pointer: &str, text: &str, offset: usize, len: usize) {
        let start = crate::yaml::pos_at(text.as_bytes(), offset);
        let mut d = Diagnostic::error(
            &self.base.path_of(path),
            Some(crate::yaml::Range { start, end: start }),
            format!("this tag is {len} characters long; report templates allow at most {MAX_TAG_LEN} in one tag"),
        )
        .with_hint("shorten it, or split it into several tags (`{% set … %}` can name a part)");
        d.related.push((self.root.at_pointer(pointer).range, "the report template named here".into()));
        d.file_text = Some(text.to_string());
        self.push(d);
    }

    /// A Jinja syntax error in a report template: reported in the report template itself, at
    /// the line and column minijinja gives, with a note at the `report:` entry naming it.
    fn report_syntax_error(&mut self, path: &str, pointer: &str, text: &str, e: &minijinja::Error) {
        let detail = e.detail().unwrap_or("syntax error");
        let named_at = self.root.at_pointer(pointer).range;
        let at = match (e.range(), e.line()) {
            (Some(r), _) => Some(crate::yaml::pos_at(text.as_bytes(), r.start)),
            (None, Some(line)) => {
                let offset: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
                Some(crate::yaml::pos_at(text.as_bytes(), offset))
            }
            (None, None) => None,
        };
        let Some(start) = at else {
            self.err(
                pointer,
                format!("the report template `{path}` does not compile: {detail}"),
                "fix the Jinja syntax in the report template",
            );
            return;
        };
        let end = e.range().map_or(start, |r| crate::yaml::pos_at(text.as_bytes(), r.end));
        let mut d = Diagnostic::error(
            &self.base.path_of(path),
            Some(crate::yaml::Range { start, end }),
            format!("this report template does not compile: {detail}"),
        )
        .with_hint("fix the Jinja syntax here: `{{ … }}` shows a value, `{% … %}` is a tag such as `for` or `if`");
        d.related.push((named_at, "the report template named here".into()));
        d.file_text = Some(text.to_string());
        self.push(d);
    }
}

/// ` (did you mean `x`?)` when a known name is close to `name`.
/// ", did you mean `x`?" when a known name is close to `name`, else nothing.
pub fn suggestion(name: &str, known: &[&str]) -> String {
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(name, k), *k))
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| format!(" (did you mean `{k}`?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_report_template_tags_are_found() {
        assert_eq!(long_tag("{{ a }} {% if b %}{# c #}{% endif %}"), None);
        let long = format!("x {{{{ {} }}}}", vec!["a"; 1_000].join(" or "));
        assert_eq!(long_tag(&long).map(|(offset, _)| offset), Some(2));
        let comment = format!("{{# {} #}}", "a ".repeat(2_000));
        assert_eq!(long_tag(&comment), None);
        let unclosed = format!("{{{{ {}", "a ".repeat(2_000));
        assert_eq!(long_tag(&unclosed).map(|(offset, _)| offset), Some(0));
    }
}
