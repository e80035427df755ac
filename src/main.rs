//! The `treaty` command line: parses arguments, calls the library, prints, and picks the
//! exit code (0 no finding, 1 findings, 2 input or usage error, 3 the solver gave up).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use treaty::report;

#[derive(Parser)]
#[command(name = "treaty", version = treaty::version_text(), about = "Checks whether a treaty draft can work")]
struct Cli {
    /// When to colour diagnostics.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    color: Color,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Human,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Load the files and run every analysis.
    Check {
        /// Clause files (`.treaty`); their `use` imports are loaded too.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
}

/// Where output goes; a closed pipe (`treaty check x | head`) ends the run quietly.
fn emit(text: &str) -> Result<(), ExitCode> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(ExitCode::SUCCESS),
        Err(_) => Err(ExitCode::from(2)),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    match run(cli.command, color) {
        Ok(code) | Err(code) => code,
    }
}

fn run(command: Command, color: bool) -> Result<ExitCode, ExitCode> {
    match command {
        Command::Check { files, format } => {
            let model = load(&files, color)?;
            let text = match format {
                Format::Human => report::loaded::human(&model),
                Format::Json => json(&serde_json::json!({
                    "version": 1,
                    "loaded": report::loaded::loaded(&model),
                })),
            };
            emit(&text)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn json(value: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(value).unwrap_or_else(|_| "{}".into());
    s.push('\n');
    s
}

/// Loads and resolves, or prints every diagnostic and gives exit code 2.
fn load(files: &[PathBuf], color: bool) -> Result<treaty::model::Model, ExitCode> {
    treaty::load(files).map_err(|(sources, diags)| {
        let text = report::diagnostics::render_all(&sources, &diags, color);
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
        ExitCode::from(2)
    })
}
