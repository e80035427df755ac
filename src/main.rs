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
    /// Stop listing conflicts after this many.
    #[arg(long, default_value_t = 100)]
    max_conflicts: usize,
    /// Give the solver at most this many seconds in all; past it, exit 3.
    #[arg(long)]
    timeout: Option<u64>,
}

impl Budget {
    fn options(self) -> treaty::solve::Options {
        treaty::solve::Options {
            max_conflicts: Some(self.max_conflicts),
            timeout_ms: self.timeout.map(|s| s.saturating_mul(1000)),
            rlimit: None,
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
        } => {
            let model = load(&files, color)?;
            let analyses = analyse_all(&model, budget)?;
            if verify {
                verify_all(&model, &analyses, budget)?;
            }
            let text = match format {
                Format::Human => {
                    let mut t = String::new();
                    if list {
                        t.push_str(&report::loaded::human(&model));
                        t.push('\n');
                    }
                    t.push_str(&report::check::human(&model, &analyses));
                    t
                }
                Format::Json => json(&report::wire::check(&model, &analyses)),
            };
            emit(&text)?;
            Ok(findings_code(&analyses))
        }
        Command::Vetoes {
            files,
            format,
            budget,
        } => {
            let model = load(&files, color)?;
            let analyses = analyse_all(&model, budget)?;
            let text = match format {
                Format::Human => report::check::vetoes_human(&model, &analyses),
                Format::Json => json(&report::wire::vetoes(&model, &analyses)),
            };
            emit(&text)?;
            Ok(findings_code(&analyses))
        }
        Command::Power {
            file,
            body,
            rule,
            format,
        } => {
            let model = load(&[file], color)?;
            let Some(b) = model.body_id(&body) else {
                let known: Vec<&str> = model.bodies.iter().map(|b| b.id.as_str()).collect();
                return Err(usage(&format!(
                    "no body `{body}` in the loaded files (bodies: {})",
                    if known.is_empty() {
                        "none".into()
                    } else {
                        known.join(", ")
                    }
                )));
            };
            let bd = &model.bodies[b];
            let Some(named) = bd.rule(rule.as_deref()) else {
                let known: Vec<&str> = bd.rules.iter().map(|r| r.name.as_str()).collect();
                return Err(usage(&format!(
                    "body `{body}` has no rule `{}` (its named rules: {})",
                    rule.unwrap_or_default(),
                    if known.is_empty() {
                        "none".into()
                    } else {
                        known.join(", ")
                    }
                )));
            };
            let p = treaty::voting::power(bd, &named.rule)
                .map_err(|e| usage(&format!("cannot compute power indices: {e}")))?;
            let names: Vec<String> = bd
                .members
                .iter()
                .map(|m| model.actors[m.actor].id.clone())
                .collect();
            let wire = report::power::power_report(bd, &named.name, &named.rule, &p, &names);
            let text = match format {
                Format::Human => report::power::render_power_text(&wire),
                Format::Json => json(&wire),
            };
            emit(&text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Test { paths, budget } => run_tests(&paths, budget, color),
    }
}

fn usage(message: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr().lock(), "error: {message}");
    ExitCode::from(2)
}

fn findings_code(analyses: &[treaty::analysis::TreatyAnalysis]) -> ExitCode {
    if analyses.iter().any(|a| a.has_findings()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn analyse_all(
    model: &treaty::model::Model,
    budget: Budget,
) -> Result<Vec<treaty::analysis::TreatyAnalysis>, ExitCode> {
    (0..model.treaties.len())
        .map(|t| treaty::analysis::analyse(model, t, &budget.options()).map_err(analysis_error))
        .collect()
}

/// `check --verify`: Z3's joint answer must match the analysis, treaty by treaty.
fn verify_all(
    model: &treaty::model::Model,
    analyses: &[treaty::analysis::TreatyAnalysis],
    budget: Budget,
) -> Result<(), ExitCode> {
    for a in analyses {
        let diffs = treaty::analysis::verify_with_z3(model, a, &budget.options())
            .map_err(analysis_error)?;
        let id = &model.treaties[a.treaty].id;
        let mut err = std::io::stderr().lock();
        if diffs.is_empty() {
            let _ = writeln!(
                err,
                "verified: Z3's joint encoding agrees on treaty {id} (feasibility and {} clauses)",
                a.clauses.len()
            );
        } else {
            let _ = writeln!(
                err,
                "error: internal error: Z3's joint encoding disagrees with the analysis of treaty {id}:"
            );
            for d in diffs {
                let _ = writeln!(err, "  {d}");
            }
            let _ = writeln!(
                err,
                "  help: this is a bug in treaty; please report it with the input files"
            );
            return Err(ExitCode::from(2));
        }
    }
    Ok(())
}

fn analysis_error(e: treaty::analysis::AnalysisError) -> ExitCode {
    match e {
        treaty::analysis::AnalysisError::Unknown { query, reason } => {
            let _ = writeln!(
                std::io::stderr().lock(),
                "error: the solver gave up ({reason}) on: {query}\n  help: nothing is concluded; raise --timeout or simplify the formulas"
            );
            ExitCode::from(3)
        }
        treaty::analysis::AnalysisError::Failed(m) => {
            let _ = writeln!(std::io::stderr().lock(), "error: {m}");
            ExitCode::from(2)
        }
    }
}

/// `.treaty` files under `path` (itself if a file), sorted for a stable order.
fn treaty_files(path: &std::path::Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        entries.sort();
        for e in entries {
            if e.is_dir() || e.extension().is_some_and(|x| x == "treaty") {
                treaty_files(&e, out);
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
}

fn run_tests(paths: &[PathBuf], budget: Budget, color: bool) -> Result<ExitCode, ExitCode> {
    let mut files = Vec::new();
    for p in paths {
        treaty_files(p, &mut files);
    }
    let (mut passed, mut failed, mut broken) = (0usize, 0usize, 0usize);
    for f in &files {
        let Ok(model) = load(std::slice::from_ref(f), color) else {
            broken += 1;
            continue;
        };
        // Only the file's own expectations: imported files are tested on their own.
        let own: Vec<&treaty::model::Expect> =
            model.expects.iter().filter(|e| e.loc.file == 0).collect();
        if own.is_empty() {
            continue;
        }
        let needs_analysis = own
            .iter()
            .any(|e| !matches!(e.expectation, treaty::model::Expectation::Power { .. }));
        let mut analyses = std::collections::BTreeMap::new();
        if needs_analysis {
            for t in 0..model.treaties.len() {
                analyses.insert(
                    t,
                    treaty::analysis::analyse(&model, t, &budget.options())
                        .map_err(analysis_error)?,
                );
            }
        }
        let mut out = String::new();
        for e in own {
            let o = treaty::expect::check(&model, &analyses, e);
            let at = model.describe_loc(e.loc);
            if o.passed {
                passed += 1;
                out.push_str(&format!("pass  {at}  {}\n", e.text));
            } else {
                failed += 1;
                out.push_str(&format!("FAIL  {at}  {}\n", e.text));
                if let Some(d) = o.detail {
                    out.push_str(&format!("        found: {d}\n"));
                }
            }
        }
        emit(&out)?;
    }
    let mut summary = format!("{passed} passed, {failed} failed\n");
    if broken > 0 {
        summary = format!("{broken} file(s) could not be loaded\n{summary}");
    }
    emit(&summary)?;
    Ok(if broken > 0 {
        ExitCode::from(2)
    } else if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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
fn load(files: &[PathBuf], color: bool) -> Result<treaty::model::Model, ExitCode> {
    treaty::load(files).map_err(|(sources, diags)| {
        let text = report::diagnostics::render_all(&sources, &diags, color);
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
        ExitCode::from(2)
    })
}
