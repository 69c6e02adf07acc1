//! Cases: the events that record an assessment, the folder store that keeps them, and the
//! state replayed from them. Knows nothing of templates' YAML or of PDF.

pub mod event;
mod parallel;
pub mod state;
pub mod store;

pub use event::{EventBody, Phase, QuestionRef, Record};
pub use state::{CaseState, ReplayError};
pub use store::{CaseDir, DataDir, Stamp, StoreError};
