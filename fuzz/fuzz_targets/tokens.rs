//! Structure-aware: bytes pick tokens of the grammar's vocabulary (see
//! `treaty_fuzz::VOCABULARY`), joined by spaces and newlines; the text is loaded, its
//! diagnostics rendered when it fails, and it is analysed with the small budget when it
//! loads. Far more inputs get past the parser than with random bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.len() > 2048 {
        return;
    }
    let text = treaty_fuzz::tokens_text(data);
    match treaty::load_str(treaty_fuzz::NAME, &text) {
        Ok(model) => treaty_fuzz::check_model(&model),
        Err((files, diags)) => {
            treaty_fuzz::render_diagnostics(&files, &diags);
        }
    }
});
