//! The authored model of an assessment template: what a template author writes in YAML.
//!
//! These types are the single source of truth for the format: serde reads them, and
//! `schemars` derives `schemas/assessment-template.schema.json` from them (a test keeps the
//! committed file in step). Doc comments here become the schema's descriptions, which editors
//! show as hover help, so they are written for template authors.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// An assessment template: a framework (areas of parenting rated by priority of need) or a
/// standardised questionnaire, with its screening, adaptations, scoring rules and report.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Assessment template", extend("$id" = "https://assess.invalid/schemas/assessment-template.schema.json"))]
pub struct Template {
    /// Stable identifier, used by cases to pin the template (lower case, digits, `-` and `_`).
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_-]*$"))]
    pub id: String,
    /// Semantic version (`MAJOR.MINOR.PATCH`): bump it whenever wording or rules change.
    #[schemars(regex(
        pattern = r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$"
    ))]
    pub version: String,
    /// Title shown to assessors and in the report.
    #[schemars(length(min = 1))]
    pub title: String,
    /// What the template assesses and when to use it.
    #[schemars(length(min = 1))]
    pub description: String,
    /// Who wrote the template.
    #[schemars(length(min = 1))]
    pub authors: Vec<String>,
    /// The licence of the template's text and pictures, e.g. `CC-BY-4.0`.
    #[schemars(length(min = 1))]
    pub licence: String,
    /// Where the methods come from (e.g. the published scoring algorithm of a questionnaire).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// Rating scales used by responses, aspect results and priorities, each ordered from
    /// least to most need (or lowest to highest).
    #[schemars(length(min = 1))]
    pub scales: Vec<Scale>,
    /// Named response types that questions can refer to by name instead of repeating them.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub response_types: IndexMap<String, ResponseSpec>,
    /// The learning-needs screening, asked of each carer before anything else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screening: Option<Section>,
    /// The areas (sections) of the assessment, in the order they are asked.
    #[schemars(length(min = 1))]
    pub areas: Vec<Section>,
    /// Learning-needs adaptations (reasonable adjustments) switched on by screening answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adaptations: Vec<Adaptation>,
    /// Evidence each item needs before the case can go to review, unless the item says otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence_defaults: Option<EvidenceDefaults>,
    /// How answers become ratings, priorities, totals, bands and flags.
    pub scoring: Scoring,
    /// The report templates (Markdown with Jinja) that go with this framework.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<ReportFiles>,
}

/// An ordered rating scale, e.g. priority of need: none, low, medium, high.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    /// Identifier used by responses and scoring rules.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    /// Name shown in the report.
    pub title: String,
    /// Levels in order, from least need (or lowest) to most need (or highest).
    #[schemars(length(min = 2))]
    pub levels: Vec<Level>,
}

/// One level of a rating scale.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// Identifier used in answers and rules, e.g. `high`.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    /// Label shown in the report, e.g. `High priority`.
    pub label: String,
    /// Colour for charts, as `#rrggbb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^#[0-9a-fA-F]{6}$"))]
    pub colour: Option<String>,
    /// What the level means, for assessors and the report's methodology.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A section of the assessment: the screening or an area of parenting.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Identifier, unique across the template.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    /// Title shown to assessors and in the report.
    pub title: String,
    /// Title in easy-read form, for the parent's summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub easy_read_title: Option<String>,
    /// What the section covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The items, in the order they are asked.
    #[schemars(length(min = 1))]
    pub items: Vec<Item>,
}

/// The three ways an item of parenting is looked at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Aspect {
    /// What the parent knows (asked, with pictures where needed).
    Knowledge,
    /// What the parent can do (observed).
    Skills,
    /// What the parent actually does, over time (seen or reported).
    Practice,
}

impl Aspect {
    /// All aspects in report order.
    pub const ALL: [Aspect; 3] = [Aspect::Knowledge, Aspect::Skills, Aspect::Practice];

    /// The identifier used in YAML and expressions.
    pub fn as_str(self) -> &'static str {
        match self {
            Aspect::Knowledge => "knowledge",
            Aspect::Skills => "skills",
            Aspect::Practice => "practice",
        }
    }
}

/// Who an item is asked of when a case assesses more than one carer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AskedOf {
    /// Each carer answers separately (the default).
    #[default]
    Each,
    /// Carers are assessed together and share one answer.
    Joint,
}

/// An item: one thing the assessment looks at. Either a single question (`text` and
/// `response`) or a skill looked at through its aspects (`aspects`).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Identifier, unique across the template; expressions use it as `answers.<id>`.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    /// Short title, e.g. `Bathing the baby`.
    pub title: String,
    /// The question in standard wording (for single-question items).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The question in easy-read wording: short sentences, everyday words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub easy_read: Option<String>,
    /// A picture shown with the question when cue cards are on (path relative to the template).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cue_card: Option<String>,
    /// Guidance for the assessor: what to look for, how to ask.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The response (for single-question items): a named response type or an inline one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<ResponseRef>,
    /// The aspects of a skill item, each a question of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("propertyNames" = {"enum": ["knowledge", "skills", "practice"]}, "minProperties" = 1))]
    pub aspects: Option<IndexMap<Aspect, Question>>,
    /// Whether the item must be answered (or skipped with a reason) before review.
    #[serde(default = "default_true")]
    pub required: bool,
    /// Ask only when this expression is true, e.g. `case.youngest_child_age_months < 24`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<String>,
    /// Who the item is asked of when there is more than one carer.
    #[serde(default)]
    pub asked_of: AskedOf,
    /// Evidence needed before review (overrides `evidence_defaults`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<EvidenceRequirement>,
}

fn default_true() -> bool {
    true
}

/// One aspect of a skill item: a question with its own wording and response.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// The question in standard wording.
    pub text: String,
    /// The question in easy-read wording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub easy_read: Option<String>,
    /// A picture shown with the question when cue cards are on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cue_card: Option<String>,
    /// Guidance for the assessor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The response: a named response type or an inline one.
    pub response: ResponseRef,
}

/// A response given by name (from `response_types`) or written inline.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ResponseRef {
    /// The name of an entry in `response_types`.
    Named(String),
    /// A response written in place.
    Inline(ResponseSpec),
}

/// What kind of answer a question takes, and how the answer is rated.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseSpec {
    /// The kind of answer.
    #[serde(rename = "type")]
    pub kind: ResponseKind,
    /// Options for `single_choice` and `multiple_choice`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<Choice>,
    /// The scale a `rating` response rates on, and that option ratings and `rate` rules name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<String>,
    /// Lowest value for `scale` and `number`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Highest value for `scale` and `number`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Labels for points of a numeric `scale`, e.g. 0 = `Not at all`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub anchors: Vec<Anchor>,
    /// Unit of a `number`, e.g. `hours`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Things to observe, for an `observation_checklist`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checklist: Vec<ChecklistEntry>,
    /// Score of `yes` and `no` for a `yes_no` question, e.g. `{yes: 1, no: 0}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scores: Option<YesNoScores>,
    /// Ordered rules turning the answer (`value`) into a level of `scale`; the first true one wins.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rate: Vec<RateRule>,
}

/// The kinds of answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResponseKind {
    /// One of a list of options.
    SingleChoice,
    /// Any number of a list of options.
    MultipleChoice,
    /// `yes` or `no`.
    YesNo,
    /// A whole number between `min` and `max`, with labelled anchors.
    Scale,
    /// A number, optionally between `min` and `max`.
    Number,
    /// A date, written `YYYY-MM-DD`.
    Date,
    /// Free text.
    Text,
    /// A checklist of things the assessor observed (`observed`, `not_observed`, `not_applicable`).
    ObservationChecklist,
    /// The assessor's rating on a scale (`scale` names it).
    Rating,
}

impl ResponseKind {
    /// The identifier used in YAML.
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseKind::SingleChoice => "single_choice",
            ResponseKind::MultipleChoice => "multiple_choice",
            ResponseKind::YesNo => "yes_no",
            ResponseKind::Scale => "scale",
            ResponseKind::Number => "number",
            ResponseKind::Date => "date",
            ResponseKind::Text => "text",
            ResponseKind::ObservationChecklist => "observation_checklist",
            ResponseKind::Rating => "rating",
        }
    }
}

/// One option of a choice question.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// The value stored in the answer and used in expressions.
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9_]*$"))]
    pub value: String,
    /// The option as shown to the assessor.
    pub label: String,
    /// The option in easy-read wording.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub easy_read: Option<String>,
    /// Score of the option, for totals of standardised measures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Level (of the response's `scale`) that this option rates the item at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<String>,
}

/// A labelled point of a numeric scale.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Anchor {
    /// The point on the scale.
    pub value: f64,
    /// What it means, e.g. `Most days`.
    pub label: String,
}

/// One thing to look for in an observation checklist.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChecklistEntry {
    /// Identifier, used in expressions as `value.<id>`.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    /// What the assessor looks for.
    pub label: String,
}

/// Scores of a yes/no answer.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct YesNoScores {
    /// Score of `yes`.
    pub yes: f64,
    /// Score of `no`.
    pub no: f64,
}

/// A rule of a `rate` list: when the expression is true, the answer rates at `level`.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RateRule {
    /// Expression on `value` (the answer), e.g. `value >= 3` or `value.not_observed >= 2`.
    pub when: String,
    /// Level of the response's scale.
    pub level: String,
}

/// A learning-needs adaptation: a reasonable adjustment and the rule that switches it on.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Adaptation {
    /// Identifier, unique among adaptations.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    /// The adjustment as the report names it, e.g. `Easy-read wording and pictures`.
    pub title: String,
    /// Why it is made, in words for the report.
    pub reason: String,
    /// Expression on screening answers that switches the adaptation on.
    pub when: String,
    /// What the adaptation changes.
    pub effects: Effects,
}

/// The effects of an adaptation on how the assessment is run.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Effects {
    /// Ask questions in their easy-read wording.
    #[serde(default)]
    pub easy_read: bool,
    /// Show cue-card pictures with questions that have them.
    #[serde(default)]
    pub cue_cards: bool,
    /// Suggest ending a session after this many items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1))]
    pub max_items_per_session: Option<u32>,
    /// After each knowledge question, ask the parent to explain back in their own words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check_understanding: Option<String>,
    /// Aspects taught in one session and assessed again in a later one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reassess: Vec<Aspect>,
    /// Other adjustments to record in the report (e.g. `An advocate may attend`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// Kinds of evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// What the assessor saw directly.
    Observation,
    /// The parent's own account, in their words.
    ParentAccount,
    /// A report from someone else (who, role, agency).
    ThirdParty,
    /// A document (title, date).
    Document,
}

impl EvidenceKind {
    /// The identifier used in YAML and events.
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Observation => "observation",
            EvidenceKind::ParentAccount => "parent_account",
            EvidenceKind::ThirdParty => "third_party",
            EvidenceKind::Document => "document",
        }
    }
}

/// How much evidence an item needs, and of which kinds.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceRequirement {
    /// How many entries at least (0 means none needed).
    pub min: u32,
    /// Which kinds count (empty: any kind).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<EvidenceKind>,
}

/// Default evidence requirements: for every item, or per aspect of skill items.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceDefaults {
    /// For every item without a more specific requirement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all: Option<EvidenceRequirement>,
    /// For the knowledge aspect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub knowledge: Option<EvidenceRequirement>,
    /// For the skills aspect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skills: Option<EvidenceRequirement>,
    /// For the practice aspect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub practice: Option<EvidenceRequirement>,
}

/// How answers become ratings, priorities, totals, bands and flags.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    /// Priority of need per area from its aspect results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_priority: Option<AreaPriority>,
    /// Standardised measures: totals, subscales and bands.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub measures: Vec<Measure>,
    /// Single-item flags that must be shown prominently.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flags: Vec<Flag>,
}

/// How an area's aspect results are formed and turned into its priority of need.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaPriority {
    /// The scale item ratings are given on (the decision table's inputs).
    pub rating_scale: String,
    /// The scale of the resulting priority (the decision table's outcomes).
    pub priority_scale: String,
    /// How the ratings of an area's items combine into one result per aspect.
    #[serde(default)]
    pub combine: Combine,
    /// Ordered decision table: the first rule whose `when` matches gives the priority.
    #[schemars(length(min = 1))]
    pub rules: Vec<DecisionRule>,
}

/// How item ratings combine into an aspect result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Combine {
    /// The level of most need among the items (the default).
    #[default]
    Worst,
    /// The middle level (rounded towards more need).
    Median,
}

/// A row of a decision table. Aspects left out of `when` match any level.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRule {
    /// Levels each aspect must have: one level, or a list of levels.
    #[serde(default)]
    #[schemars(extend("propertyNames" = {"enum": ["knowledge", "skills", "practice"]}))]
    pub when: IndexMap<Aspect, LevelMatch>,
    /// The priority (a level of `priority_scale`) when the rule matches.
    pub then: String,
}

/// One level or a list of levels.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum LevelMatch {
    /// Exactly this level.
    One(String),
    /// Any of these levels.
    Any(Vec<String>),
}

impl LevelMatch {
    /// The levels named.
    pub fn levels(&self) -> Vec<&str> {
        match self {
            LevelMatch::One(l) => vec![l.as_str()],
            LevelMatch::Any(ls) => ls.iter().map(String::as_str).collect(),
        }
    }
}

/// A standardised measure: a total of item scores with subscales and cut-off bands.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// Identifier.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    /// Name shown in the report.
    pub title: String,
    /// Items whose scores are added up.
    #[schemars(length(min = 1))]
    pub items: Vec<String>,
    /// Items scored in reverse (`min + max - score`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reverse: Vec<String>,
    /// What to do when items are unanswered.
    #[serde(default)]
    pub missing: MissingRule,
    /// Parts of the measure scored on their own.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subscales: Vec<Subscale>,
    /// Cut-off bands of the total, lowest first; together they cover every possible total.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bands: Vec<Band>,
}

/// A subscale of a measure.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Subscale {
    /// Identifier.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    /// Name shown in the report.
    pub title: String,
    /// Items of the subscale (all must be items of the measure).
    #[schemars(length(min = 1))]
    pub items: Vec<String>,
    /// Cut-off bands of the subscale total, lowest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bands: Vec<Band>,
}

/// What to do with unanswered items of a measure.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MissingRule {
    /// Up to this many unanswered items are filled in with the mean of the answered ones
    /// (prorating); with more, the measure is "not scorable".
    #[serde(default)]
    pub prorate_up_to: u32,
}

/// A cut-off band: totals from `min` to `max` (both included).
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// Lowest total in the band.
    pub min: f64,
    /// Highest total in the band.
    pub max: f64,
    /// Label, e.g. `Borderline`.
    pub label: String,
    /// A level (of any scale) the band corresponds to, for colours in charts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
}

/// A single-item flag: a condition that must be shown prominently when true.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Flag {
    /// Identifier.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub id: String,
    /// Expression on `answers`, e.g. `answers.q9 > 0`.
    pub when: String,
    /// What the report and the assessor are told.
    pub message: String,
}

/// The report templates of a framework, relative to the template file.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportFiles {
    /// The court report (Markdown with Jinja).
    pub court: String,
    /// The parent's easy-read summary (Markdown with Jinja).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub easy_read: Option<String>,
}
