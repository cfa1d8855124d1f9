//! The object model: what kinds exist, how objects are read and defaulted, and how the API
//! reports errors. Objects are `serde_json::Value`s, the wire form, as a client sees them.

pub mod base64;
pub mod conditions;
pub mod crd_schema;
pub mod crds;
pub mod cron;
pub mod defaults;
pub mod error;
pub mod field_labels;
pub mod fields;
pub mod kinds;
pub mod labels;
pub mod meta;
pub mod openapi;
pub mod pdb;
pub mod quantity;
pub mod selector;
pub mod strict;
pub mod validation;
pub mod versions;
pub mod yaml;

pub use error::{Cause, Reason, Result, Status};
pub use kinds::Kind;
