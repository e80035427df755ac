//! Colour for the human report of `treaty check`: ANSI styles (anstyle) around the verdict,
//! the section headings and the findings, or nothing at all. Whether to colour is decided
//! by the caller (the CLI asks anstream, which honours `NO_COLOR`, `CLICOLOR_FORCE`,
//! `CLICOLOR`, `TERM=dumb` and whether stdout is a terminal); the text is the same either
//! way once the escapes are stripped.

use anstyle::{AnsiColor, Style};

/// Paints text when `on`; otherwise returns it unchanged.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Paint {
    pub on: bool,
}

impl Paint {
    fn with(self, style: Style, text: &str) -> String {
        if self.on {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    /// A bad finding: `INFEASIBLE`, `blocked`, `impossible`.
    pub fn bad(self, text: &str) -> String {
        self.with(
            Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
            text,
        )
    }

    /// A good one: `feasible`, `can pass`.
    pub fn good(self, text: &str) -> String {
        self.with(
            Style::new().bold().fg_color(Some(AnsiColor::Green.into())),
            text,
        )
    }

    /// Something to weigh: a warning, a conflict's id, an objecting actor.
    pub fn warn(self, text: &str) -> String {
        self.with(Style::new().fg_color(Some(AnsiColor::Yellow.into())), text)
    }

    /// A section heading.
    pub fn head(self, text: &str) -> String {
        self.with(Style::new().bold(), text)
    }
}

#[cfg(test)]
mod tests {
    use super::Paint;

    #[test]
    fn plain_when_off_and_escaped_when_on() {
        assert_eq!(Paint { on: false }.bad("blocked"), "blocked");
        let on = Paint { on: true }.bad("blocked");
        assert!(on.starts_with("\u{1b}[") && on.contains("blocked") && on.ends_with("\u{1b}[0m"));
    }
}
