//! Benchmarks of error reporting: loading a file with many errors and rendering them.
//!
//! Run: `cargo bench --bench errors`
//! (about half a minute; criterion prints the median of each benchmark as the middle value
//! of `time: [low median high]`).
//!
//! - `syntax/N`: N lines of `actor 1 "x"`, each a syntax error (parsing resumes after
//!   each), then `render_all` (the first 100 rendered, the rest counted). Near-linear in N:
//!   a tenfold N should cost about tenfold time, not a hundredfold.
//! - `resolve/N`: N actors and N bodies, each body with an undeclared member: N resolution
//!   errors with their "did you mean" searches (only for the 100 shown).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use treaty::report::diagnostics::render_all;

/// Loads `text` and renders its diagnostics; the length of the rendering.
fn load_and_render(text: &str) -> usize {
    match treaty::load_str("bench.treaty", text) {
        Ok(_) => 0,
        Err((files, diags)) => render_all(&files, &diags, false).len(),
    }
}

fn syntax_errors(n: usize) -> String {
    "actor 1 \"x\"\n".repeat(n)
}

fn resolution_errors(n: usize) -> String {
    (0..n)
        .map(|i| format!("actor A{i} \"x\"\nbody B{i} \"b\" {{ members Z{i} }}\n"))
        .collect()
}

fn bench_errors(c: &mut Criterion) {
    let mut g = c.benchmark_group("errors");
    g.sample_size(10);
    g.warm_up_time(Duration::from_millis(500));
    g.measurement_time(Duration::from_secs(3));
    for n in [1_000, 8_000, 100_000] {
        let text = syntax_errors(n);
        g.bench_with_input(BenchmarkId::new("syntax", n), &text, |b, text| {
            b.iter(|| load_and_render(black_box(text)))
        });
    }
    for n in [1_000, 8_000] {
        let text = resolution_errors(n);
        g.bench_with_input(BenchmarkId::new("resolve", n), &text, |b, text| {
            b.iter(|| load_and_render(black_box(text)))
        });
    }
    g.finish();
}

criterion_group!(benches, bench_errors);
criterion_main!(benches);
