//! Error reporting on arbitrary text: when the load fails, every diagnostic is rendered
//! like the CLI does (no colour). Run with `-max_len=140000` so that lines and offsets
//! past 64 KiB are reachable.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Err((files, diags)) = treaty::load_str(treaty_fuzz::NAME, &text) {
        treaty_fuzz::render_diagnostics(&files, &diags);
    }
});
