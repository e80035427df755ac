pub mod conflicts;
