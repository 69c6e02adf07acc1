//! Reports.

pub mod compose;
pub mod context;

pub use compose::{ComposeError, Kind, report_markdown};
