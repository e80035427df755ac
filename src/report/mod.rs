pub mod power;
