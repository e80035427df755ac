//! Arbitrary bytes as a treaty file: parse and resolve must never panic. When the text
//! loads, the `--list` listing (human and JSON) is built too, as it needs no solver.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(model) = treaty::load_str(treaty_fuzz::NAME, &text) {
        let _ = treaty::report::loaded::human(&model);
        serde_json::to_string(&treaty::report::loaded::loaded(&model))
            .expect("the listing serialises");
    }
});
