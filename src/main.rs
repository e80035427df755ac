//! The `treaty` command line: parses arguments, calls the library, prints, and picks the
//! exit code (0 no finding, 1 findings, 2 input or usage error, 3 the solver gave up).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use treaty::diag::Diagnostic;
use treaty::model::Model;
use treaty::{analysis, expect, report};

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
        /// Also list what was loaded (actors, bodies, clauses, positions) before the report.
        #[arg(long)]
        list: bool,
        /// Re-answer feasibility and every clause with Z3's joint encoding and stop with an
        /// internal error if it disagrees (slower: a cross-check, not a second opinion).
        #[arg(long)]
        verify: bool,
        #[command(flatten)]
        budget: Budget,
    },
    /// Veto players, smallest blocking coalitions and blockers of every decision.
    Vetoes {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        #[command(flatten)]
        budget: Budget,
    },
    /// Exact Banzhaf and Shapley-Shubik power of every member of a body.
    Power {
        file: PathBuf,
        /// The body's id.
        #[arg(long)]
        body: String,
        /// A named rule of the body (default: its `decides by` rule).
        #[arg(long)]
        rule: Option<String>,
        /// Memory the counting tables may take, in GiB; a table over it is never built
        /// (Banzhaf is then computed alone, or the run says how much is needed).
        #[arg(long, default_value_t = treaty::voting::DEFAULT_MAX_MEMORY >> 30)]
        max_memory: u64,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Check every `expect` in the files (directories are searched for `.treaty` files).
    Test {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        budget: Budget,
    },
}

#[derive(clap::Args, Clone, Copy)]
struct Budget {
    /// List at most this many conflicts per treaty (the verdict never depends on it).
    #[arg(long, default_value_t = 100)]
    max_conflicts: usize,
    /// Give the solver at most this many seconds per treaty; past it, the treaty is
    /// reported as not decided, with what was found, and the run exits 3. 0: no limit.
    #[arg(long, default_value_t = DEFAULT_TIMEOUT_SECONDS)]
    timeout: u64,
    /// Z3's deterministic resource limit per query (reproducible "gave up" for tests).
    #[arg(long, hide = true)]
    rlimit: Option<u64>,
}

/// The default `--timeout`: long enough for every shipped treaty by a wide margin, short
/// enough that no run hangs silently.
const DEFAULT_TIMEOUT_SECONDS: u64 = 120;

impl Budget {
    fn options(self) -> treaty::solve::Options {
        treaty::solve::Options {
            max_conflicts: Some(self.max_conflicts),
            timeout_ms: (self.timeout > 0).then(|| self.timeout.saturating_mul(1000)),
            rlimit: self.rlimit,
            margins: true,
        }
    }
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
        Command::Check {
            files,
            format,
            list,
            verify,
            budget,
        } => check(&files, format, list, verify, budget, color),
        Command::Vetoes {
            files,
            format,
            budget,
        } => {
            let model = load(&files, color)?;
            let analyses = analyse_all(&model, budget, color)?;
            let doc = report::wire::vetoes(&model, &analyses);
            emit(&match format {
                Format::Human => report::check::vetoes_human(&doc),
                Format::Json => json(&doc),
            })?;
            Ok(findings_code(&analyses))
        }
        Command::Power {
            file,
            body,
            rule,
            max_memory,
            format,
        } => {
            let model = load(&[file], color)?;
            let b = model.find_body(&body).map_err(|d| fail(&d, color, 2))?;
            let bd = &model.bodies[b];
            let r = bd
                .find_rule(rule.as_deref())
                .map_err(|d| fail(&d, color, 2))?;
            let budget = treaty::voting::PowerBudget {
                max_memory: max_memory.saturating_mul(1 << 30),
            };
            let wire = report::power::for_body(&model, b, r, budget).map_err(|e| {
                let d = Diagnostic::bare(format!("cannot compute power indices: {e}"));
                fail(&d, color, 2)
            })?;
            emit(&match format {
                Format::Human => report::power::render_power_text(&wire),
                Format::Json => json(&wire),
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Test { paths, budget } => test(&paths, budget, color),
    }
}

fn check(
    files: &[PathBuf],
    format: Format,
    list: bool,
    verify: bool,
    budget: Budget,
    color: bool,
) -> Result<ExitCode, ExitCode> {
    let model = load(files, color)?;
    let analyses = analyse_all(&model, budget, color)?;
    if verify {
        let lines = analysis::verify_all(&model, &analyses.decided, &budget.options())
            .map_err(|e| analysis_error(&e, color))?;
        let mut err = std::io::stderr().lock();
        for line in lines {
            let _ = writeln!(err, "{line}");
        }
    }
    let doc = report::wire::check(&model, &analyses);
    emit(&match format {
        Format::Human if list => {
            let listing = report::loaded::human(&model);
            format!("{listing}\n{}", report::check::human(&doc))
        }
        Format::Human => report::check::human(&doc),
        Format::Json => json(&doc),
    })?;
    Ok(findings_code(&analyses))
}

/// `treaty test`: each file on its own; a file that does not load is counted, not fatal.
fn test(paths: &[PathBuf], budget: Budget, color: bool) -> Result<ExitCode, ExitCode> {
    let mut tally = expect::Tally::default();
    for file in expect::treaty_files(paths) {
        let Ok(model) = load(std::slice::from_ref(&file), color) else {
            tally.broken += 1;
            continue;
        };
        let results =
            expect::check_file(&model, &budget.options()).map_err(|e| analysis_error(&e, color))?;
        tally.add(&results);
        emit(&report::test::results(&results))?;
    }
    emit(&report::test::summary(&tally))?;
    Ok(match tally {
        t if t.broken > 0 => ExitCode::from(2),
        t if t.failed > 0 => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}

/// Prints one diagnostic (with no source) on stderr.
fn print_diagnostic(d: &Diagnostic, color: bool) {
    let text = report::diagnostics::render(&[], d, color);
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Prints one diagnostic on stderr and gives `code` as the exit code.
fn fail(d: &Diagnostic, color: bool, code: u8) -> ExitCode {
    print_diagnostic(d, color);
    ExitCode::from(code)
}

/// Exit 3 when the solver or a search gave up (nothing is concluded), else 2.
fn analysis_error(e: &analysis::AnalysisError, color: bool) -> ExitCode {
    fail(&e.diagnostic(), color, if e.gave_up() { 3 } else { 2 })
}

/// Every treaty's analysis; for each one the solver gave up on, its diagnostic on stderr
/// (the report still shows the others, and what was found before it gave up).
fn analyse_all(model: &Model, budget: Budget, color: bool) -> Result<analysis::Analyses, ExitCode> {
    let analyses =
        analysis::analyse_all(model, &budget.options()).map_err(|e| analysis_error(&e, color))?;
    for (_, g) in &analyses.undecided {
        print_diagnostic(
            &analysis::AnalysisError::GaveUp(g.clone()).diagnostic(),
            color,
        );
    }
    Ok(analyses)
}

/// 3 when a treaty was not decided, else 1 for findings, else 0.
fn findings_code(analyses: &analysis::Analyses) -> ExitCode {
    if !analyses.undecided.is_empty() {
        ExitCode::from(3)
    } else if analyses.decided.iter().any(|a| a.has_findings()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Pretty JSON with a final newline. Serialising the wire types cannot fail (string keys,
/// no non-finite floats); if it ever did, the error is reported as JSON rather than lost.
fn json<T: serde::Serialize>(value: &T) -> String {
    let mut s =
        serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// Loads and resolves, or prints every diagnostic and gives exit code 2.
fn load(files: &[PathBuf], color: bool) -> Result<Model, ExitCode> {
    treaty::load(files).map_err(|(sources, diags)| {
        let text = report::diagnostics::render_all(&sources, &diags, color);
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
        ExitCode::from(2)
    })
}
