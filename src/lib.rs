//! # assess
//!
//! A workflow engine for PAMS-style parenting assessments in family court.
//!
//! Data flows one way:
//!
//! ```text
//! assessment-templates/*/template.yaml ──yaml+schema+check──▶ Template
//! Template + case events ──engine──▶ new events ──▶ case store
//! Template + case state ──▶ scores ──▶ report context ──▶ Markdown ──▶ PDF
//! ```
//!
//! - [`yaml`]: YAML with source positions and limits for hostile input.
//! - [`diag`]: diagnostics with a position and a hint.
//! - [`expr`]: the expression language (Jinja expressions) with static name checks.
//! - [`template`]: the template model, loading and semantic checks.
//! - [`case`]: events, the hash-chained case log and its folder store, replay into state.
//! - [`engine`]: the questionnaire state machine: phases, guards, next-item choice, answer checks.
//! - [`scoring`]: ratings, priorities by decision table, measures, flags, change over time.
//! - [`report`]: the report context and templates, and Markdown to a court-ready PDF (numbering,
//!   contents, charts, fonts, layout).
//! - [`cli`]: the command line (the only module that prints).

pub mod case;
pub mod cli;
pub mod diag;
pub mod engine;
pub mod expr;
pub mod fuzzing;
pub mod report;
pub mod scoring;
pub mod template;
pub mod yaml;
