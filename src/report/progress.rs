//! A progress indicator on stderr for work that takes over about a second: drawn only
//! when stderr is a terminal (and `TERM` is not `dumb`), and only once the work has run
//! for `DELAY`, so short runs, pipes and tests print nothing. The CLI feeds it as it
//! iterates (treaties, files, scenarios); no analysis knows about it.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long work runs before the indicator appears.
pub const DELAY: Duration = Duration::from_secs(1);

/// A bar of `len` steps (or a spinner when the length is unknown); cleared when dropped.
pub struct Progress {
    bar: ProgressBar,
}

/// Whether an indicator may be drawn at all.
fn drawable() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
}

impl Progress {
    /// `len` steps of `what` (e.g. "treaties"); `None`: a spinner.
    pub fn new(len: Option<u64>, what: &str) -> Progress {
        let bar = match len {
            Some(n) => ProgressBar::with_draw_target(Some(n), ProgressDrawTarget::hidden()),
            None => ProgressBar::hidden(),
        };
        let style = match len {
            Some(_) => ProgressStyle::with_template(&format!(
                "{{spinner}} {{elapsed}} [{{bar:30}}] {{pos}}/{{len}} {what} {{msg}}"
            )),
            None => {
                ProgressStyle::with_template(&format!("{{spinner}} {{elapsed}} {what} {{msg}}"))
            }
        };
        if let Ok(style) = style {
            bar.set_style(style.progress_chars("=> "));
        }
        if drawable() {
            let shown = bar.clone();
            std::thread::spawn(move || {
                std::thread::sleep(DELAY);
                if !shown.is_finished() {
                    shown.set_draw_target(ProgressDrawTarget::stderr());
                    shown.enable_steady_tick(Duration::from_millis(120));
                }
            });
        }
        Progress { bar }
    }

    /// What is being worked on now.
    pub fn message(&self, msg: &str) {
        self.bar.set_message(msg.to_string());
    }

    /// One step done.
    pub fn inc(&self) {
        self.bar.inc(1);
    }

    /// Runs `f` (printing to stdout, say) with the indicator out of the way.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
