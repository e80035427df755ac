//! What one thread and two get from this machine's memory on a loop of the power table's
//! shape (`src/voting/modular.rs`, a fused pair of members): per cell, three source rows
//! read and the destination read and rewritten, additions mod a 31-bit prime by
//! `min(a + b, a + b - p)`. Beside it, a loop that only computes. A plain harness: it
//! prints medians and asserts nothing about time.
//!
//!     cargo bench --bench bandwidth
//!
//! If the streaming loop gains much less than the compute loop from a second thread, the
//! table's scaling from one thread to two is bound by the memory bandwidth the cores share
//! (see the README's benchmark section).

use std::time::{Duration, Instant};

const P: u32 = 2_147_483_629;

fn add(a: u32, b: u32) -> u32 {
    let s = a.wrapping_add(b);
    s.min(s.wrapping_sub(P))
}

/// `dst[x] += a[x] + b[x] + c[x]` mod P over the chunk.
fn stream(dst: &mut [u32], a: &[u32], b: &[u32], c: &[u32]) {
    for (((d, &x), &y), &z) in dst.iter_mut().zip(a).zip(b).zip(c) {
        *d = add(add(add(*d, x), y), z);
    }
}

/// The same additions on eight registers, no memory.
fn compute(rounds: u64, seed: u32) -> u32 {
    let mut acc = [seed; 8];
    for _ in 0..rounds {
        for (i, v) in acc.iter_mut().enumerate() {
            *v = add(add(add(*v, 3 + i as u32), 5), 7);
        }
    }
    acc.iter().fold(0, |s, &v| add(s, v))
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

/// One pass of `stream` over rows of `n` cells with `threads` threads, each on its share.
fn pass(rows: &mut [Vec<u32>; 4], threads: usize) -> Duration {
    let [dst, a, b, c] = rows;
    let share = dst.len().div_ceil(threads);
    let t = Instant::now();
    std::thread::scope(|scope| {
        for (((d, x), y), z) in dst
            .chunks_mut(share)
            .zip(a.chunks(share))
            .zip(b.chunks(share))
            .zip(c.chunks(share))
        {
            scope.spawn(move || stream(d, x, y, z));
        }
    });
    t.elapsed()
}

fn main() {
    // 64 Mi cells of 4 bytes per row: far beyond the caches, like the IMF table's rows
    // streamed over and over.
    let n = 64 << 20;
    let mut rows: [Vec<u32>; 4] =
        std::array::from_fn(|r| (0..n as u32).map(|x| x ^ r as u32).collect());
    let bytes = 5.0 * 4.0 * n as f64; // four rows read, one written
    let mut base = None;
    for threads in [1usize, 2] {
        let times: Vec<Duration> = (0..7).map(|_| pass(&mut rows, threads)).collect();
        let m = median(times);
        let gain = base.map(|b: Duration| b.as_secs_f64() / m.as_secs_f64());
        base.get_or_insert(m);
        println!(
            "stream, {threads} thread(s): median of 7 {:.1?}, {:.1} GB/s{}",
            m,
            bytes / m.as_secs_f64() / 1e9,
            gain.map(|g| format!(", {g:.2}x")).unwrap_or_default()
        );
    }
    let rounds = 200_000_000u64;
    let mut base = None;
    for threads in [1u64, 2] {
        let times: Vec<Duration> = (0..5)
            .map(|_| {
                let t = Instant::now();
                let sum = std::thread::scope(|scope| {
                    let hs: Vec<_> = (0..threads)
                        .map(|i| scope.spawn(move || compute(rounds / threads, i as u32 + 1)))
                        .collect();
                    hs.into_iter().map(|h| h.join().unwrap_or(0)).fold(0, add)
                });
                std::hint::black_box(sum);
                t.elapsed()
            })
            .collect();
        let m = median(times);
        let gain = base.map(|b: Duration| b.as_secs_f64() / m.as_secs_f64());
        base.get_or_insert(m);
        println!(
            "compute, {threads} thread(s): median of 5 {:.1?}{}",
            m,
            gain.map(|g| format!(", {g:.2}x")).unwrap_or_default()
        );
    }
    std::hint::black_box(&rows);
}
