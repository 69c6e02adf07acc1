//! Scores, all from the template's rules: item ratings, aspect results per area, priority of
//! need by the ordered decision table, strengths and needs, standardised measures (reverse
//! items, subscales, totals, bands, the missing-item rule), single-item flags, and change
//! between attempts across sessions.
//!
//! Rating scales are ordered from least need to most need (`none, low, medium, high`), so a
//! lower level index is better. Nothing here is specific to one framework.

use crate::case::event::QuestionRef;
use crate::case::state::{Attempt, CarerProgress, CaseState};
use crate::engine::{self, QuestionInfo};
use crate::template::Template;
use crate::template::model::{Aspect, Band, Combine, Measure, ResponseKind, ResponseSpec, Scale};
use serde::Serialize;
use std::collections::BTreeMap;

/// Every score of a case, per carer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scores {
    /// One entry per carer, in the case's order.
    pub carers: Vec<CarerScores>,
}

/// One carer's scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CarerScores {
    /// Carer id.
    pub carer: String,
    /// Per area, in template order.
    pub areas: Vec<AreaScore>,
    /// Ids of areas with the lowest priority level (strengths), in template order.
    pub strengths: Vec<String>,
    /// Ids of areas with a higher priority, most need first (template order within a level).
    pub needs: Vec<String>,
    /// Standardised measures.
    pub measures: Vec<MeasureScore>,
    /// Flags raised.
    pub flags: Vec<RaisedFlag>,
    /// Questions rated in more than one attempt, with the change from the first to the latest.
    pub changes: Vec<QuestionChange>,
}

/// An area's results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaScore {
    /// Area id.
    pub area: String,
    /// Area title.
    pub title: String,
    /// Each rated question's latest rating.
    pub ratings: Vec<Rating>,
    /// Combined level per aspect (absent when the aspect has no rating in the area).
    pub aspects: BTreeMap<Aspect, String>,
    /// Priority of need (a level of the priority scale), when the area was assessed.
    pub priority: Option<String>,
    /// The priority's position on its scale (0 = least need).
    pub priority_index: Option<usize>,
    /// The decision table row that gave the priority (1-based).
    pub rule: Option<usize>,
    /// The priority from first attempts only, when any question was attempted again.
    pub first_priority: Option<String>,
    /// Change from `first_priority` to `priority`.
    pub change: Option<Change>,
}

/// A question's rating.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rating {
    /// Which question.
    pub question: QuestionRef,
    /// The level (of the rating scale).
    pub level: String,
    /// The session of the attempt rated.
    pub session: u32,
}

/// Better, the same, or worse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Less need than before.
    Improved,
    /// The same level.
    Same,
    /// More need than before.
    Worse,
}

impl Change {
    /// The word for people.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Improved => "improved",
            Change::Same => "same",
            Change::Worse => "worse",
        }
    }

    fn between(first: usize, latest: usize) -> Change {
        match latest.cmp(&first) {
            std::cmp::Ordering::Less => Change::Improved,
            std::cmp::Ordering::Equal => Change::Same,
            std::cmp::Ordering::Greater => Change::Worse,
        }
    }
}

/// A question's change between its first and latest attempts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionChange {
    /// Which question.
    pub question: QuestionRef,
    /// Area id.
    pub area: String,
    /// First rating and its session.
    pub first: (String, u32),
    /// Latest rating and its session.
    pub latest: (String, u32),
    /// The change.
    pub change: Change,
}

/// A standardised measure's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasureScore {
    /// Measure id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The total (or why there is none).
    pub total: Total,
    /// Subscale results.
    pub subscales: Vec<SubscaleScore>,
}

/// A subscale's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubscaleScore {
    /// Subscale id.
    pub id: String,
    /// Title.
    pub title: String,
    /// The total (or why there is none).
    pub total: Total,
}

/// A total of item scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Total {
    /// Scored.
    Scored {
        /// The total (prorated and rounded when items were missing).
        value: f64,
        /// Items unanswered and filled in by prorating.
        prorated: usize,
        /// The band the total falls in.
        band: Option<BandResult>,
    },
    /// Too many items unanswered.
    NotScorable {
        /// Items unanswered.
        missing: usize,
        /// Items the rule allows to be missing.
        allowed: usize,
    },
}

impl Total {
    /// For people: "14 — Probable depression (prorated: 1 item(s) unanswered)".
    pub fn text(&self) -> String {
        match self {
            Total::Scored { value, prorated, band } => {
                let band = band.as_ref().map(|b| format!(" — {}", b.label)).unwrap_or_default();
                let pro =
                    if *prorated > 0 { format!(" (prorated: {prorated} item(s) unanswered)") } else { String::new() };
                format!("{value}{band}{pro}")
            }
            Total::NotScorable { missing, allowed } => {
                format!("not scorable: {missing} item(s) unanswered, the rule allows at most {allowed}")
            }
        }
    }
}

/// The band a total falls in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BandResult {
    /// Label.
    pub label: String,
    /// Level, for colours.
    pub level: Option<String>,
    /// The band's range.
    pub min: f64,
    /// The band's range.
    pub max: f64,
}

/// A flag whose condition holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RaisedFlag {
    /// Flag id.
    pub id: String,
    /// What must be shown.
    pub message: String,
}

/// The level an answer is rated at, by its response spec: a rating's level, a choice's
/// `rating`, or the first `rate` rule that holds.
pub fn rate(spec: &ResponseSpec, value: &serde_json::Value) -> Option<String> {
    if spec.kind == ResponseKind::Rating {
        return value.as_str().map(str::to_string);
    }
    if spec.kind == ResponseKind::SingleChoice
        && let Some(level) =
            spec.options.iter().find(|o| value.as_str() == Some(o.value.as_str())).and_then(|o| o.rating.clone())
    {
        return Some(level);
    }
    let ctx = minijinja::Value::from(minijinja::value::Serde(serde_json::json!({ "value": value })));
    spec.rate.iter().find(|r| crate::expr::eval_condition(&r.when, &ctx).unwrap_or(false)).map(|r| r.level.clone())
}

/// The numeric score of an answer: a choice's score, yes/no scores, or the number itself.
pub fn score(spec: &ResponseSpec, value: &serde_json::Value) -> Option<f64> {
    match spec.kind {
        ResponseKind::SingleChoice => {
            spec.options.iter().find(|o| value.as_str() == Some(o.value.as_str())).and_then(|o| o.score)
        }
        ResponseKind::MultipleChoice => value.as_array().map(|vs| {
            vs.iter()
                .filter_map(|v| {
                    spec.options.iter().find(|o| v.as_str() == Some(o.value.as_str())).and_then(|o| o.score)
                })
                .sum()
        }),
        ResponseKind::YesNo => spec.scores.as_ref().and_then(|s| match value.as_str() {
            Some("yes") => Some(s.yes),
            Some("no") => Some(s.no),
            _ => None,
        }),
        ResponseKind::Scale | ResponseKind::Number => value.as_f64(),
        _ => None,
    }
}

/// The lowest and highest score an answer can get (for reverse scoring).
fn score_range(spec: &ResponseSpec) -> Option<(f64, f64)> {
    match spec.kind {
        ResponseKind::SingleChoice => {
            let scores: Vec<f64> = spec.options.iter().filter_map(|o| o.score).collect();
            let min = scores.iter().copied().fold(f64::INFINITY, f64::min);
            let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            (!scores.is_empty()).then_some((min, max))
        }
        ResponseKind::YesNo => spec.scores.as_ref().map(|s| (s.yes.min(s.no), s.yes.max(s.no))),
        ResponseKind::Scale | ResponseKind::Number => Some((spec.min?, spec.max?)),
        _ => None,
    }
}

fn level_index(scale: &Scale, level: &str) -> Option<usize> {
    scale.levels.iter().position(|l| l.id == level)
}

fn scale<'t>(t: &'t Template, id: &str) -> Option<&'t Scale> {
    t.scales.iter().find(|s| s.id == id)
}

/// Computes every score for every carer.
pub fn score_case(t: &Template, state: &CaseState) -> Scores {
    Scores { carers: state.info.carers.iter().map(|c| score_carer(t, state, &c.id)).collect() }
}

fn score_carer(t: &Template, state: &CaseState, carer: &str) -> CarerScores {
    let empty = CarerProgress::default();
    let p = state.carers.get(carer).unwrap_or(&empty);
    let questions = engine::questions(t);
    let mut areas = Vec::new();
    let mut changes = Vec::new();
    for area in &t.areas {
        let qs: Vec<&QuestionInfo> = questions.iter().filter(|q| !q.screening && q.section.id == area.id).collect();
        areas.push(score_area(t, p, area, &qs, &mut changes));
    }
    let (strengths, needs) = strengths_and_needs(&areas);
    let measures = t.scoring.measures.iter().map(|m| score_measure(t, p, m)).collect();
    let ctx = engine::condition_context(t, state, carer, state.sessions.last().map(|s| s.start.date.as_str()));
    let flags = t
        .scoring
        .flags
        .iter()
        .filter(|f| crate::expr::eval_condition(&f.when, &ctx).unwrap_or(false))
        .map(|f| RaisedFlag { id: f.id.clone(), message: f.message.clone() })
        .collect();
    CarerScores { carer: carer.to_string(), areas, strengths, needs, measures, flags, changes }
}

fn score_area(
    t: &Template,
    p: &CarerProgress,
    area: &crate::template::model::Section,
    qs: &[&QuestionInfo],
    changes: &mut Vec<QuestionChange>,
) -> AreaScore {
    let rules = t.scoring.area_priority.as_ref();
    let rating_scale = rules.and_then(|r| scale(t, &r.rating_scale));
    let mut latest: Vec<(Aspect, usize)> = Vec::new();
    let mut first: Vec<(Aspect, usize)> = Vec::new();
    let mut ratings = Vec::new();
    let mut reattempted = false;
    for q in qs {
        let Some(attempts) = p.attempts.get(&q.qref()) else { continue };
        let Some(spec) = q.response(t) else { continue };
        let rated: Vec<(&Attempt, String)> =
            attempts.iter().filter_map(|a| rate(spec, &a.value).map(|l| (a, l))).collect();
        let (Some((fa, fl)), Some((la, ll))) = (rated.first(), rated.last()) else { continue };
        ratings.push(Rating { question: q.qref(), level: ll.clone(), session: la.session });
        let (Some(scale), Some(aspect)) = (rating_scale, q.aspect) else { continue };
        let (Some(fi), Some(li)) = (level_index(scale, fl), level_index(scale, ll)) else { continue };
        latest.push((aspect, li));
        first.push((aspect, fi));
        if rated.len() > 1 {
            reattempted = true;
            changes.push(QuestionChange {
                question: q.qref(),
                area: area.id.clone(),
                first: (fl.clone(), fa.session),
                latest: (ll.clone(), la.session),
                change: Change::between(fi, li),
            });
        }
    }
    let combine = rules.map_or(Combine::Worst, |r| r.combine);
    let aspects_latest = combine_aspects(&latest, combine);
    let aspects_first = combine_aspects(&first, combine);
    let decide = |aspects: &BTreeMap<Aspect, usize>| -> Option<(usize, String, usize)> {
        let rules = rules?;
        let scale = rating_scale?;
        let priority_scale = scale_of(t, &rules.priority_scale)?;
        if aspects.is_empty() {
            return None;
        }
        let (i, rule) = rules.rules.iter().enumerate().find(|(_, rule)| {
            rule.when.iter().all(|(aspect, m)| {
                aspects.get(aspect).is_some_and(|&idx| m.levels().contains(&scale.levels[idx].id.as_str()))
            })
        })?;
        Some((i + 1, rule.then.clone(), level_index(priority_scale, &rule.then).unwrap_or(0)))
    };
    let now = decide(&aspects_latest);
    let before = if reattempted { decide(&aspects_first) } else { None };
    let change = match (&before, &now) {
        (Some((_, _, b)), Some((_, _, n))) => Some(Change::between(*b, *n)),
        _ => None,
    };
    AreaScore {
        area: area.id.clone(),
        title: area.title.clone(),
        ratings,
        aspects: aspects_latest
            .iter()
            .filter_map(|(a, &i)| rating_scale.map(|s| (*a, s.levels[i].id.clone())))
            .collect(),
        priority: now.as_ref().map(|(_, l, _)| l.clone()),
        priority_index: now.as_ref().map(|(_, _, i)| *i),
        rule: now.as_ref().map(|(r, _, _)| *r),
        first_priority: before.map(|(_, l, _)| l),
        change,
    }
}

fn scale_of<'t>(t: &'t Template, id: &str) -> Option<&'t Scale> {
    scale(t, id)
}

/// Combines item level indices per aspect: the worst, or the median rounded towards more need.
fn combine_aspects(levels: &[(Aspect, usize)], how: Combine) -> BTreeMap<Aspect, usize> {
    let mut by: BTreeMap<Aspect, Vec<usize>> = BTreeMap::new();
    for (a, i) in levels {
        by.entry(*a).or_default().push(*i);
    }
    by.into_iter()
        .map(|(a, mut v)| {
            v.sort_unstable();
            let combined = match how {
                Combine::Worst => v[v.len() - 1],
                Combine::Median => v[v.len() / 2],
            };
            (a, combined)
        })
        .collect()
}

fn strengths_and_needs(areas: &[AreaScore]) -> (Vec<String>, Vec<String>) {
    let strengths = areas.iter().filter(|a| a.priority_index == Some(0)).map(|a| a.area.clone()).collect();
    let mut needs: Vec<(usize, usize, String)> = areas
        .iter()
        .enumerate()
        .filter_map(|(order, a)| a.priority_index.filter(|&i| i > 0).map(|i| (i, order, a.area.clone())))
        .collect();
    needs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    (strengths, needs.into_iter().map(|(_, _, id)| id).collect())
}

/// The score of one item of a measure, reversed when listed as reverse-scored.
fn item_score(t: &Template, p: &CarerProgress, item: &str, reverse: bool) -> Option<f64> {
    let q = engine::questions(t).into_iter().find(|q| q.item.id == item && q.aspect.is_none())?;
    let spec = q.response(t)?;
    let value = &p.latest(&q.qref())?.value;
    let s = score(spec, value)?;
    if reverse {
        let (min, max) = score_range(spec)?;
        Some(min + max - s)
    } else {
        Some(s)
    }
}

fn total(
    t: &Template,
    p: &CarerProgress,
    items: &[String],
    reverse: &[String],
    allowed: usize,
    bands: &[Band],
) -> Total {
    let scores: Vec<Option<f64>> = items.iter().map(|i| item_score(t, p, i, reverse.contains(i))).collect();
    let answered: Vec<f64> = scores.iter().flatten().copied().collect();
    let missing = items.len() - answered.len();
    if missing > allowed || answered.is_empty() {
        return Total::NotScorable { missing, allowed };
    }
    let sum: f64 = answered.iter().sum();
    let value = if missing == 0 {
        sum
    } else {
        // Prorate: the mean of the answered items stands in for each missing one; rounded half
        // up to a whole number so the total can be read against whole-number cut-offs.
        (sum * items.len() as f64 / answered.len() as f64 + 0.5).floor()
    };
    let band = bands.iter().find(|b| value >= b.min && value <= b.max).map(|b| BandResult {
        label: b.label.clone(),
        level: b.level.clone(),
        min: b.min,
        max: b.max,
    });
    Total::Scored { value, prorated: missing, band }
}

fn score_measure(t: &Template, p: &CarerProgress, m: &Measure) -> MeasureScore {
    let allowed = m.missing.prorate_up_to as usize;
    MeasureScore {
        id: m.id.clone(),
        title: m.title.clone(),
        total: total(t, p, &m.items, &m.reverse, allowed, &m.bands),
        subscales: m
            .subscales
            .iter()
            .map(|s| SubscaleScore {
                id: s.id.clone(),
                title: s.title.clone(),
                total: total(t, p, &s.items, &m.reverse, allowed, &s.bands),
            })
            .collect(),
    }
}

/// The label of a level, for people.
pub fn level_label<'t>(t: &'t Template, scale_id: &str, level: &'t str) -> &'t str {
    scale(t, scale_id).and_then(|s| s.levels.iter().find(|l| l.id == level)).map_or(level, |l| l.label.as_str())
}
