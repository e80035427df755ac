//! `treaty check` on arbitrary text: load, and when it loads, every analysis with a small
//! solver budget, the report document, its human text and its JSON. Inputs are capped at
//! 4 KiB so that iterations stay fast.
#![no_main]

use libfuzzer_sys::fuzz_target;

const MAX_LEN: usize = 4096;

fuzz_target!(|data: &[u8]| {
    if data.len() > MAX_LEN {
        return;
    }
    let text = String::from_utf8_lossy(data);
    if let Ok(model) = treaty::load_str(treaty_fuzz::NAME, &text) {
        treaty_fuzz::check_model(&model);
    }
});
