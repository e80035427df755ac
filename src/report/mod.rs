//! Human and JSON output. Reports read the model and analysis results and never change
//! them; every list is emitted in a stable order so that the same input gives the same
//! bytes. JSON documents are built from wire types defined here, separate from the model.

pub mod check;
pub mod diagnostics;
pub mod loaded;
pub mod power;
pub mod test;
pub mod wire;
