//! The `treaty` command line: parses arguments, calls the library, prints, and picks the
//! exit code (0 no finding, 1 findings, 2 input or usage error, 3 the solver gave up).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;

use clap::{CommandFactory, Parser, Subcommand, ValueEnum};

use treaty::diag::{Code, Diagnostic};
use treaty::model::Model;
use treaty::{analysis, expect, report};

#[derive(Parser)]
#[command(name = "treaty", version = treaty::version_text(), about = "Checks whether a treaty draft can work", after_help = AFTER_HELP)]
struct Cli {
    /// When to colour the report and the diagnostics (auto: on a terminal, unless NO_COLOR
    /// is set or TERM=dumb; CLICOLOR_FORCE forces it).
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    color: Color,
    #[command(subcommand)]
    command: Command,
    /// How to print errors and warnings on stderr: `human`, or `json` (one document, after
    /// the run: docs/json.md, "Errors").
    #[arg(long, value_enum, default_value_t = ErrorFormat::Human, global = true)]
    error_format: ErrorFormat,
}

/// The end of `treaty --help`: exit codes and examples.
const AFTER_HELP: &str = "\
Exit codes:
  0  no finding
  1  findings: a conflict, a blocked clause, an infeasible treaty, a failed expectation, ...
  2  input or usage error (the error says where)
  3  the solver gave up (--timeout): nothing is concluded

Examples:
  treaty check rules/treaties/peace-plan-28.treaty
  treaty power draft.treaty --body EU --sort banzhaf --top 5

A `use \"std/NAME\"` line imports the shipped library (e.g. std/eu-council) from any
directory; other `use` paths not found next to their file are searched in TREATY_PATH.";

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ErrorFormat {
    Human,
    Json,
}

/// With `--error-format json`: the diagnostics of the run, printed as one document when it
/// ends (`None`: human rendering, printed as they come).
static JSON_ERRORS: Mutex<Option<Vec<report::diagnostics::json::DiagnosticOut>>> = Mutex::new(None);

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    /// When stderr is a terminal and NO_COLOR is not set.
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    /// Text for people.
    Human,
    /// One JSON document (docs/json.md).
    Json,
    /// `check` only: one self-contained HTML page.
    Html,
    /// `check` only: the conflict and dependency graph in Graphviz DOT.
    Dot,
    /// SARIF 2.1.0 (`check` only): conflicts, blocked clauses and load errors as results.
    Sarif,
}

/// `treaty power --index`.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum IndexArg {
    Banzhaf,
    Shapley,
    Both,
}

/// The formats of `treaty test`.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum TestFormat {
    Human,
    Json,
    Junit,
}

#[derive(Subcommand)]
enum Command {
    /// Load the files and run every analysis.
    Check {
        /// Clause files (`.treaty`); their `use` imports are loaded too.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output format.
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
        #[command(flatten)]
        variant: Variant,
        /// Show everything: decisions that can pass with no vote against, doc comments,
        /// margins, the objections by red line, and dependencies met by parties alone.
        #[arg(short, long)]
        verbose: bool,
        /// Load all files as one model (one namespace) instead of each file, with its
        /// imports, as a unit of its own.
        #[arg(long)]
        merge: bool,
    },
    /// Veto players, smallest blocking coalitions and blockers of every decision.
    Vetoes {
        /// Clause files (`.treaty`); each with its imports is a unit of its own.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        #[command(flatten)]
        budget: Budget,
        #[command(flatten)]
        variant: Variant,
        /// Load all files as one model (one namespace), as `check --merge`.
        #[arg(long)]
        merge: bool,
    },
    /// Exact Banzhaf and Shapley-Shubik power of every member of a body.
    Power {
        /// The file declaring the body (its imports are loaded too).
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
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Analyse this scenario (`scenario NAME { ... }` in the files): its members.
        #[arg(long)]
        scenario: Option<String>,
        /// Worker threads for the counting tables (default: every core); the results
        /// never depend on it.
        #[arg(long, default_value_t = 0, hide_default_value = true)]
        threads: usize,
        /// Which indices: `banzhaf` alone is much cheaper for a weighted threshold.
        #[arg(long, value_enum, default_value_t = IndexArg::Both)]
        index: IndexArg,
        /// Sort the rows (largest first for banzhaf, shapley and weight; default: the
        /// body's member order).
        #[arg(long, value_enum)]
        sort: Option<PowerSortArg>,
        /// List only the first N rows (after sorting).
        #[arg(long, value_name = "N")]
        top: Option<usize>,
        /// Give up after this many seconds (exit 3). 0: no limit.
        #[arg(long, default_value_t = DEFAULT_TIMEOUT_SECONDS)]
        timeout: u64,
    },
    /// Check every `expect` in the files (directories are searched for `.treaty` files).
    Test {
        /// Files and directories; directories are searched, leaving out hidden and
        /// `target` directories and those holding a `.treaty-test-skip` file.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        budget: Budget,
        /// Worker threads for power indices (default: every core).
        #[arg(long, default_value_t = 0, hide_default_value = true)]
        threads: usize,
        /// `json` (docs/json.md) or `junit` (JUnit XML) print one document at the end.
        #[arg(long, value_enum, default_value_t = TestFormat::Human)]
        format: TestFormat,
    },
    /// The semantic difference between two drafts (exit 1 when NEW is worse).
    Diff {
        /// The older draft.
        old: PathBuf,
        /// The newer draft (its clauses may say `matches ID`).
        new: PathBuf,
        /// The treaty of OLD to compare (needed when it holds several).
        #[arg(long)]
        old_treaty: Option<String>,
        /// The treaty of NEW to compare (needed when it holds several).
        #[arg(long)]
        new_treaty: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        #[command(flatten)]
        budget: Budget,
    },
    /// The files as written and every scenario they declare, in one table: verdict, blocked
    /// clauses, conflicts, parties that do not sign.
    Scenarios {
        /// Clause files (`.treaty`), loaded together with their imports.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        #[command(flatten)]
        budget: Budget,
    },
    /// Every minimal correction set: the smallest sets of clauses to drop or red lines to
    /// give up after which the content holds and no party rejects, each re-checked.
    Repair {
        /// The file holding the treaties (its imports are loaded too).
        file: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Only this treaty (default: every treaty loaded).
        #[arg(long)]
        treaty: Option<String>,
        /// List at most this many repairs per treaty (the smallest; the report says when
        /// more exist).
        #[arg(long, default_value_t = 100)]
        max_repairs: usize,
        #[command(flatten)]
        budget: Budget,
    },
    /// A language server over stdin and stdout (for editors: editors/vscode/README.md).
    Lsp,
    /// Rewrite files in the canonical layout (directories are searched for `.treaty`
    /// files); `-` formats standard input to standard output.
    Fmt {
        /// Rewrite nothing: print a diff of each file not formatted, and exit 1 if any.
        #[arg(long)]
        check: bool,
        /// Format standard input to standard output (the same as the path `-`).
        #[arg(long)]
        stdin: bool,
        /// Files or directories (their `.treaty` files, recursively); `-` for standard input.
        paths: Vec<PathBuf>,
    },
    /// The JSON Schema of a JSON document the tool prints (docs/schema/DOC.json).
    Schema {
        #[arg(value_parser = clap::builder::PossibleValuesParser::new(report::schema::DOCS.map(|(n, _)| n)))]
        /// Which document: check, vetoes, power, repair, diff, scenarios, loaded or test.
        doc: String,
    },
    /// Print a shell completion script to stdout (e.g. `treaty completions bash >
    /// ~/.local/share/bash-completion/completions/treaty`).
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to stdout (e.g. `treaty man > treaty.1`, `treaty man
    /// check > treaty-check.1`).
    Man {
        /// A subcommand whose page to print (default: the page of `treaty` itself).
        command: Option<String>,
    },
    /// Explain an error code (`treaty explain E0104`); without a code, list them all.
    Explain {
        /// An error code such as `E0104` (`e104` and `0104` too); without one, every code.
        code: Option<String>,
    },
}

/// `treaty power --sort`.
#[derive(Clone, Copy, ValueEnum)]
enum PowerSortArg {
    /// By member id.
    Name,
    /// By normalised Banzhaf index.
    Banzhaf,
    /// By Shapley-Shubik index.
    Shapley,
    /// By the body's weights (its dimensions in declared order).
    Weight,
}

/// Which variant of the files to analyse.
#[derive(clap::Args, Clone)]
struct Variant {
    /// Analyse this scenario (`scenario NAME { ... }` in the files) instead of the files as
    /// written.
    #[arg(long)]
    scenario: Option<String>,
    /// Fixed ballots on every decision, e.g. "HUN no, SVK abstain" (yes, no, abstain,
    /// absent); the report adds who else can block each decision they vote in.
    #[arg(long)]
    assume: Option<String>,
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
    treaty::solve::reuse_freed_memory();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        // The same decision as the report's on stdout (`stdout_color`), for stderr.
        Color::Auto => !matches!(
            anstream::AutoStream::choice(&std::io::stderr()),
            anstream::ColorChoice::Never
        ),
    };
    if cli.error_format == ErrorFormat::Json {
        if let Ok(mut sink) = JSON_ERRORS.lock() {
            *sink = Some(Vec::new());
        }
    }
    let code = match run(cli.command, color, cli.color) {
        Ok(code) | Err(code) => code,
    };
    flush_json_errors();
    code
}

/// A command line clap cannot read: clap's own message, or with `--error-format json`
/// (as the arguments say it) a JSON diagnostic; exit 2. Help and version print as usual.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    let args: Vec<String> = std::env::args().collect();
    let as_json = args
        .windows(2)
        .any(|w| w[0] == "--error-format" && w[1] == "json")
        || args.iter().any(|a| a == "--error-format=json");
    if !as_json || matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) {
        e.exit();
    }
    let text = e.render().to_string();
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let message = lines
        .next()
        .unwrap_or("invalid arguments")
        .trim_start_matches("error: ")
        .to_string();
    let rest: Vec<&str> = lines.map(str::trim).collect();
    let mut d = Diagnostic::bare(Code::Usage, message);
    if !rest.is_empty() {
        d = d.with_help(rest.join("\n"));
    }
    let doc = report::diagnostics::json::doc(report::diagnostics::json::diagnostics(&[], &[d]));
    let _ = std::io::stderr().lock().write_all(json(&doc).as_bytes());
    ExitCode::from(2)
}

/// Prints the diagnostics collected under `--error-format json`, if any, as one document.
fn flush_json_errors() {
    let collected = JSON_ERRORS.lock().ok().and_then(|mut s| s.take());
    if let Some(diags) = collected.filter(|d| !d.is_empty()) {
        let doc = report::diagnostics::json::doc(diags);
        let _ = std::io::stderr().lock().write_all(json(&doc).as_bytes());
    }
}

/// Prints diagnostics on stderr: rendered for people (with the closing count when `all`),
/// or kept for the JSON document.
fn report_diagnostics(
    files: &[treaty::source::SourceFile],
    diags: &[Diagnostic],
    color: bool,
    all: bool,
) {
    if let Ok(mut sink) = JSON_ERRORS.lock() {
        if let Some(out) = sink.as_mut() {
            out.extend(report::diagnostics::json::diagnostics(files, diags));
            return;
        }
    }
    let text = if all {
        report::diagnostics::render_all(files, diags, color)
    } else {
        diags
            .iter()
            .map(|d| report::diagnostics::render(files, d, color))
            .collect()
    };
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

/// Whether to colour the human report on stdout: `--color always|never`, else what
/// anstream decides from `NO_COLOR`, `CLICOLOR_FORCE`, `CLICOLOR`, `TERM` and whether
/// stdout is a terminal (so pipes and files stay plain).
fn stdout_color(choice: Color) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => !matches!(
            anstream::AutoStream::choice(&std::io::stdout()),
            anstream::ColorChoice::Never
        ),
    }
}

fn run(command: Command, color: bool, cli_color: Color) -> Result<ExitCode, ExitCode> {
    only_check_formats(&command, color)?;
    match command {
        Command::Check {
            files,
            format,
            list,
            verify,
            budget,
            variant,
            verbose,
            merge,
        } => {
            let shown = Shown {
                list,
                style: report::check::Style {
                    verbose,
                    color: stdout_color(cli_color),
                },
            };
            check(
                &files, format, shown, verify, budget, &variant, merge, color,
            )
        }
        Command::Vetoes {
            files,
            format,
            budget,
            variant,
            merge,
        } => {
            let mut texts = Vec::new();
            let mut docs = Vec::new();
            let mut codes = Vec::new();
            for (name, model) in load_units(&files, merge, &variant, load, color)? {
                let analyses = analyse_all(&model, budget, color)?;
                let mut doc = report::wire::vetoes(&model, &analyses);
                doc.scenario = variant.scenario.clone();
                doc.given = given(&model, &analyses, &variant, color)?;
                if format == Format::Human {
                    let text = report::check::vetoes_human(&doc);
                    texts.push((
                        name.clone(),
                        format!("{}{text}", preface(&variant, &doc.given)),
                    ));
                }
                docs.push((name, doc));
                codes.push(findings_code(&model, &analyses, color));
            }
            emit(&match format {
                Format::Human => report::units::human(&texts),
                // html, dot and sarif: refused before (`only_check_formats`).
                Format::Json | Format::Html | Format::Dot | Format::Sarif => {
                    json(&report::units::vetoes(docs))
                }
            })?;
            Ok(worst(&codes))
        }
        Command::Scenarios {
            files,
            format,
            budget,
        } => {
            let model = load(&files, color)?;
            let progress = report::progress::Progress::new(
                Some(model.scenarios.len() as u64 + 1),
                "scenarios",
            );
            let (base, runs) =
                analysis::reuse::analyse_scenarios_with(&model, &budget.options(), &mut |i| {
                    if i > 0 {
                        progress.inc();
                    }
                })
                .map_err(|e| analysis_error(&e, color))?;
            drop(progress);
            for (_, g) in base
                .undecided
                .iter()
                .chain(runs.iter().flat_map(|r| &r.analyses.undecided))
            {
                print_diagnostic(
                    &analysis::AnalysisError::GaveUp(g.clone()).diagnostic(),
                    color,
                );
            }
            let doc = report::scenarios::doc(&model, &base, &runs);
            emit(&match format {
                Format::Human => report::scenarios::human(&doc),
                // html, dot and sarif: refused before (`only_check_formats`).
                Format::Json | Format::Html | Format::Dot | Format::Sarif => json(&doc),
            })?;
            let undecided =
                !base.undecided.is_empty() || runs.iter().any(|r| !r.analyses.undecided.is_empty());
            Ok(if undecided {
                ExitCode::from(3)
            } else {
                findings_code(&model, &base, color)
            })
        }
        Command::Power {
            file,
            body,
            rule,
            max_memory,
            format,
            scenario,
            threads,
            index,
            sort,
            top,
            timeout,
        } => {
            let variant = Variant {
                scenario,
                assume: None,
            };
            let model = variant_of(load(&[file], color)?, &variant, color)?;
            let b = model.find_body(&body).map_err(|d| fail(&d, color, 2))?;
            let bd = &model.bodies[b];
            let r = bd
                .find_rule(rule.as_deref())
                .map_err(|d| fail(&d, color, 2))?;
            let budget = treaty::voting::PowerBudget {
                max_memory: max_memory.saturating_mul(1 << 30),
                threads,
                index: match index {
                    IndexArg::Banzhaf => treaty::voting::IndexChoice::Banzhaf,
                    IndexArg::Shapley => treaty::voting::IndexChoice::ShapleyShubik,
                    IndexArg::Both => treaty::voting::IndexChoice::Both,
                },
            };
            let body_data = bd.clone();
            let mut wire = power_in_time(model, b, r, budget, timeout, color)?;
            let key = sort.map(|k| match k {
                PowerSortArg::Name => report::power_order::PowerSort::Name,
                PowerSortArg::Banzhaf => report::power_order::PowerSort::Banzhaf,
                PowerSortArg::Shapley => report::power_order::PowerSort::Shapley,
                PowerSortArg::Weight => report::power_order::PowerSort::Weight,
            });
            report::power_order::arrange(&mut wire, &body_data, key, top);
            emit(&match format {
                Format::Human => report::power::render_power_text(&wire),
                // html, dot and sarif: refused before (`only_check_formats`).
                Format::Json | Format::Html | Format::Dot | Format::Sarif => json(&wire),
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Test {
            paths,
            budget,
            threads,
            format,
        } => test(&paths, budget, threads, color, format),
        Command::Diff {
            old,
            new,
            old_treaty,
            new_treaty,
            format,
            budget,
        } => diff(
            [(&old, old_treaty.as_deref()), (&new, new_treaty.as_deref())],
            format,
            budget,
            color,
        ),
        Command::Repair {
            file,
            format,
            treaty,
            max_repairs,
            budget,
        } => repair(&file, format, treaty.as_deref(), max_repairs, budget, color),
        Command::Lsp => match treaty::lsp::run() {
            Ok(()) => Ok(ExitCode::SUCCESS),
            Err(e) => Err(fail(
                &Diagnostic::bare(Code::Internal, format!("the language server stopped: {e}")),
                color,
                2,
            )),
        },
        Command::Fmt {
            check,
            stdin,
            paths,
        } => fmt(&paths, check, stdin, color),
        Command::Schema { doc } => {
            let text = report::schema::schema(&doc).ok_or(ExitCode::from(2))?;
            emit(&text)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "treaty", &mut out);
            emit(&String::from_utf8_lossy(&out))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { command } => {
            let mut out = Vec::new();
            let top = Cli::command();
            let page = match command {
                None => top,
                Some(name) => match top.find_subcommand(&name) {
                    Some(sub) => sub
                        .clone()
                        .name(format!("treaty-{name}"))
                        .version(treaty::version_text()),
                    None => {
                        let names = top.get_subcommands().map(|c| c.get_name().to_string());
                        let d =
                            Diagnostic::bare(Code::Usage, format!("unknown subcommand `{name}`"))
                                .with_help(format!(
                                    "the subcommands are: {}",
                                    names.collect::<Vec<_>>().join(", ")
                                ));
                        return Err(fail(&d, color, 2));
                    }
                },
            };
            clap_mangen::Man::new(page).render(&mut out).map_err(|e| {
                fail(
                    &Diagnostic::bare(Code::Internal, format!("cannot write the manual: {e}")),
                    color,
                    2,
                )
            })?;
            emit(&String::from_utf8_lossy(&out))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { code } => explain(code.as_deref(), color),
    }
}

/// `treaty power`'s computation on a thread of its own, so that `--timeout` can end the
/// run cleanly (exit 3) whatever the kernel is doing: the thread is left to the end of the
/// process. A spinner shows on a terminal after a second.
fn power_in_time(
    model: Model,
    body: treaty::model::BodyId,
    rule: treaty::model::RuleId,
    budget: treaty::voting::PowerBudget,
    timeout: u64,
    color: bool,
) -> Result<report::power::PowerReport, ExitCode> {
    let progress = report::progress::Progress::new(None, "computing power indices");
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(report::power::for_body(&model, body, rule, budget));
    });
    let result = if timeout == 0 {
        receive.recv().map_err(|_| None)
    } else {
        receive
            .recv_timeout(std::time::Duration::from_secs(timeout))
            .map_err(|e| match e {
                std::sync::mpsc::RecvTimeoutError::Timeout => Some(timeout),
                std::sync::mpsc::RecvTimeoutError::Disconnected => None,
            })
    };
    drop(progress);
    match result {
        Ok(Ok(wire)) => Ok(wire),
        Ok(Err(e)) => {
            let d = Diagnostic::bare(
                Code::PowerTooLarge,
                format!("cannot compute power indices: {e}"),
            );
            Err(fail(&d, color, 2))
        }
        Err(Some(secs)) => {
            let d = Diagnostic::bare(
                Code::GaveUp,
                format!("gave up computing power indices after {secs} s (--timeout)"),
            )
            .with_help("nothing is concluded; raise --timeout, or 0 for no limit");
            Err(fail(&d, color, 3))
        }
        Err(None) => {
            let d = Diagnostic::bare(
                Code::Internal,
                "internal error: the power computation stopped",
            )
            .with_help("this is a bug in treaty; please report it with the input files");
            Err(fail(&d, color, 2))
        }
    }
}

/// `treaty fmt`: exit 2 if a file does not parse (it is left alone), else 1 with `--check`
/// if a file is not formatted, else 0.
fn fmt(paths: &[PathBuf], check: bool, stdin: bool, color: bool) -> Result<ExitCode, ExitCode> {
    use treaty::fmt::Outcome;
    let from_stdin = stdin || paths.iter().any(|p| p.as_os_str() == "-");
    if from_stdin && (paths.len() > usize::from(!stdin)) {
        return Err(fail(
            &Diagnostic::bare(
                Code::Usage,
                "`treaty fmt -` (or `--stdin`) takes no other path",
            ),
            color,
            2,
        ));
    }
    if !from_stdin && paths.is_empty() {
        return Err(fail(
            &Diagnostic::bare(
                Code::Usage,
                "`treaty fmt` needs a file or directory (or `-` for standard input)",
            ),
            color,
            2,
        ));
    }
    let (mut broken, mut changed) = (false, false);
    let mut show = |outcome: Outcome, text: Option<&str>| -> Result<(), ExitCode> {
        match outcome {
            Outcome::Formatted => {
                if let Some(t) = text.filter(|_| !check) {
                    emit(t)?;
                }
            }
            Outcome::Changed { formatted, diff } => {
                changed = true;
                if check {
                    emit(&diff)?;
                } else if text.is_some() {
                    emit(&formatted)?;
                }
            }
            Outcome::Broken { file, diags } => {
                broken = true;
                let files = [file];
                let text = report::diagnostics::render_all(&files, &diags, color);
                let _ = std::io::stderr().lock().write_all(text.as_bytes());
            }
        }
        Ok(())
    };
    if from_stdin {
        let mut text = String::new();
        if std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).is_err() {
            return Err(fail(
                &Diagnostic::bare(Code::NotUtf8, "standard input is not UTF-8 text"),
                color,
                2,
            ));
        }
        show(
            treaty::fmt::text_outcome("<stdin>", text.clone()),
            Some(&text),
        )?;
    } else {
        for file in treaty::fmt::files(paths) {
            show(treaty::fmt::file(&file, check), None)?;
        }
    }
    Ok(if broken {
        ExitCode::from(2)
    } else if changed && check {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The directory relative file URIs of SARIF are resolved against.
fn sarif_cwd() -> Option<PathBuf> {
    std::env::current_dir().ok()
}

/// `treaty diff`: each file loaded and its treaty analysed on its own, then compared.
fn diff(
    sides: [(&PathBuf, Option<&str>); 2],
    format: Format,
    budget: Budget,
    color: bool,
) -> Result<ExitCode, ExitCode> {
    let mut models = Vec::new();
    for (file, _) in sides {
        models.push(load(std::slice::from_ref(file), color)?);
    }
    let mut analyses = Vec::new();
    for ((file, name), model) in sides.iter().zip(&models) {
        let t = analysis::diff::pick_treaty(model, *name, &file.display().to_string())
            .map_err(|d| fail(&d, color, 2))?;
        analyses.push(
            analysis::analyse(model, t, &budget.options())
                .map_err(|e| analysis_error(&e, color))?,
        );
    }
    let (Some(om), Some(nm), Some(oa), Some(na)) = (
        models.first(),
        models.get(1),
        analyses.first(),
        analyses.get(1),
    ) else {
        return Err(ExitCode::from(2));
    };
    let old = analysis::diff::Side {
        model: om,
        analysis: oa,
    };
    let new = analysis::diff::Side {
        model: nm,
        analysis: na,
    };
    let d = analysis::diff::diff(old, new).map_err(|d| {
        report_diagnostics(&nm.files, std::slice::from_ref(d.as_ref()), color, false);
        ExitCode::from(2)
    })?;
    let doc = report::diff::doc(old, new, &d);
    emit(&match format {
        Format::Human => report::diff::human(&doc),
        // html, dot and sarif: refused before (`only_check_formats`).
        Format::Json | Format::Html | Format::Dot | Format::Sarif => json(&doc),
    })?;
    Ok(if doc.worse {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// What the human report of `check` shows: the `--list` listing first, and its style.
struct Shown {
    list: bool,
    style: report::check::Style,
}

#[allow(clippy::too_many_arguments)]
fn check(
    files: &[PathBuf],
    format: Format,
    shown: Shown,
    verify: bool,
    budget: Budget,
    variant: &Variant,
    merge: bool,
    color: bool,
) -> Result<ExitCode, ExitCode> {
    let Shown { list, style } = shown;
    // A unit that does not load stops the run; with `--format sarif` its errors are a
    // SARIF log on stdout too.
    let loader = if format == Format::Sarif {
        load_sarif
    } else {
        load
    };
    let units = load_units(files, merge, variant, loader, color)?;
    if units.len() > 1 && matches!(format, Format::Html | Format::Dot) {
        let d = Diagnostic::bare(
            Code::Usage,
            "`--format html` and `--format dot` make one report of one unit",
        )
        .with_help(
            "give one file (with its imports), or `--merge` to check the files as one model",
        );
        return Err(fail(&d, color, 2));
    }
    let mut texts = Vec::new();
    let mut docs = Vec::new();
    let mut codes = Vec::new();
    let mut pages = Vec::new();
    for (name, model) in units {
        let analyses = analyse_all(&model, budget, color)?;
        if verify {
            let lines = analysis::verify_all(&model, &analyses.decided, &budget.options())
                .map_err(|e| analysis_error(&e, color))?;
            let mut err = std::io::stderr().lock();
            for line in lines {
                let _ = writeln!(err, "{line}");
            }
        }
        let mut doc = report::wire::check(&model, &analyses);
        doc.scenario = variant.scenario.clone();
        doc.given = given(&model, &analyses, variant, color)?;
        let preface = preface(variant, &doc.given);
        match format {
            Format::Human if list => {
                let listing = report::loaded::human(&model);
                let text = report::check::human_with(&doc, style);
                texts.push((name.clone(), format!("{listing}\n{preface}{text}")));
            }
            Format::Human => {
                let text = report::check::human_with(&doc, style);
                texts.push((name.clone(), format!("{preface}{text}")));
            }
            Format::Html => pages.push(report::html::page(&model, &doc)),
            Format::Dot => pages.push(report::dot::graph(&doc)),
            Format::Json | Format::Sarif => {}
        }
        docs.push((name, doc));
        codes.push(findings_code(&model, &analyses, color));
    }
    emit(&match format {
        Format::Human => report::units::human(&texts),
        Format::Json => json(&report::units::check(docs)),
        Format::Html | Format::Dot => pages.concat(),
        Format::Sarif => {
            // One log, one run per unit.
            let mut logs = docs
                .iter()
                .map(|(_, doc)| report::sarif::check(doc, sarif_cwd().as_deref()));
            let mut log = logs.next().ok_or(ExitCode::from(2))?;
            for more in logs {
                log.runs.extend(more.runs);
            }
            json(&log)
        }
    })?;
    Ok(worst(&codes))
}

/// The models of a run: each file with its imports a unit of its own, named by the file,
/// or (`merge`) all files as one unit named by the first. Every unit is loaded before any
/// is analysed: a load error in any of them stops the run (exit 2), with every
/// diagnostic shown.
fn load_units(
    files: &[PathBuf],
    merge: bool,
    variant: &Variant,
    loader: fn(&[PathBuf], bool) -> Result<Model, ExitCode>,
    color: bool,
) -> Result<Vec<(String, Model)>, ExitCode> {
    let groups: Vec<Vec<PathBuf>> = if merge || files.len() <= 1 {
        vec![files.to_vec()]
    } else {
        files.iter().map(|f| vec![f.clone()]).collect()
    };
    let mut out = Vec::new();
    let mut failed = None;
    for g in groups {
        let name = g
            .first()
            .map(|f| treaty::model::display_path(f))
            .unwrap_or_default();
        match loader(&g, color) {
            Ok(model) => out.push((name, variant_of(model, variant, color)?)),
            Err(code) => failed = Some(code),
        }
    }
    match failed {
        Some(code) => Err(code),
        None => Ok(out),
    }
}

/// The exit code of several units: 3 if any gave up, else 1 if any has findings, else 0.
fn worst(codes: &[ExitCode]) -> ExitCode {
    [3, 1]
        .into_iter()
        .map(ExitCode::from)
        .find(|c| codes.contains(c))
        .unwrap_or(ExitCode::SUCCESS)
}

/// `treaty repair`: the repairs of every treaty (or the one named), ranked and re-checked.
fn repair(
    file: &std::path::Path,
    format: Format,
    treaty: Option<&str>,
    max_repairs: usize,
    budget: Budget,
    color: bool,
) -> Result<ExitCode, ExitCode> {
    let model = load(&[file.to_path_buf()], color)?;
    let ids: Vec<treaty::model::TreatyId> = match treaty {
        Some(name) => vec![model.find_treaty(name).map_err(|d| fail(&d, color, 2))?],
        None => (0..model.treaties.len())
            .map(treaty::model::TreatyId)
            .collect(),
    };
    let mut all = Vec::with_capacity(ids.len());
    let progress = report::progress::Progress::new(Some(ids.len() as u64), "treaties");
    for t in ids {
        progress.message(&model.treaties[t.0].id);
        let r = analysis::repair::repairs(&model, t, &budget.options(), Some(max_repairs))
            .map_err(|e| analysis_error(&e, color))?;
        all.push(r);
        progress.inc();
    }
    drop(progress);
    let doc = report::repair::doc(&model, &all);
    emit(&match format {
        Format::Human => report::repair::human(&doc),
        // html, dot and sarif: refused before (`only_check_formats`).
        Format::Json | Format::Html | Format::Dot | Format::Sarif => json(&doc),
    })?;
    let findings = all.iter().any(|r| !r.none_needed() || !r.complete);
    Ok(if findings {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `treaty test`: each file on its own; a file that does not load is counted, not fatal.
/// An expectation the solver gives up on is reported and the run goes on (exit 3 at the
/// end unless a file did not load); no expectation at all is warned about on stderr.
fn test(
    paths: &[PathBuf],
    budget: Budget,
    threads: usize,
    color: bool,
    format: TestFormat,
) -> Result<ExitCode, ExitCode> {
    let human = format == TestFormat::Human;
    let mut tally = expect::Tally::default();
    let power = treaty::voting::PowerBudget {
        threads,
        ..Default::default()
    };
    // Each file with its results (`None`: it did not load), for `--format json|junit`.
    let mut docs = Vec::new();
    let files = expect::treaty_files(paths);
    // Each game's power indices computed once per run, whichever files name it.
    let mut powers = expect::PowerCache::default();
    let progress = report::progress::Progress::new(Some(files.len() as u64), "files");
    for file in files {
        progress.message(&treaty::model::display_path(&file));
        let loaded = progress.suspend(|| load(std::slice::from_ref(&file), color));
        let Ok(model) = loaded else {
            tally.broken += 1;
            docs.push((file.display().to_string(), None));
            progress.inc();
            continue;
        };
        let mut all = expect::check_file_with(&model, &budget.options(), power, &mut powers)
            .map_err(|e| analysis_error(&e, color))?;
        tally.add(&all);
        if human {
            progress.suspend(|| emit(&report::test::results(&all)))?;
        }
        // `expect in scenario S ...`: checked in S's model.
        for sc in &model.scenarios {
            let results = expect::check_file_with(&sc.model, &budget.options(), power, &mut powers)
                .map_err(|e| analysis_error(&e, color))?;
            tally.add(&results);
            if human {
                progress.suspend(|| emit(&report::test::results(&results)))?;
            }
            all.extend(results);
        }
        docs.push((file.display().to_string(), Some(all)));
        progress.inc();
    }
    drop(progress);
    let doc = report::test_doc::doc(&docs, &tally);
    emit(&match format {
        TestFormat::Human => report::test::summary(&tally),
        TestFormat::Json => json(&doc),
        TestFormat::Junit => report::test_doc::junit(&doc),
    })?;
    if tally.passed + tally.failed + tally.gave_up + tally.broken == 0 {
        let shown: Vec<String> = paths
            .iter()
            .map(|p| treaty::model::display_path(p))
            .collect();
        let _ = writeln!(
            std::io::stderr().lock(),
            "warning: no `expect` found in {}\n  help: `treaty test` checks `expect` lines; \
             directories holding a `{}` file, hidden directories and `target` are not searched",
            shown.join(", "),
            expect::SKIP_MARKER
        );
    }
    Ok(match tally {
        t if t.broken > 0 => ExitCode::from(2),
        t if t.gave_up > 0 => ExitCode::from(3),
        t if t.failed > 0 => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}

/// The model `variant` asks for: a scenario's (unknown: usage error, exit 2), with the
/// ballots of `--assume` (an unknown actor or ballot: usage error, exit 2).
fn variant_of(model: Model, variant: &Variant, color: bool) -> Result<Model, ExitCode> {
    let model = match &variant.scenario {
        None => model,
        Some(name) => match model.scenario(name) {
            Some(sc) => (*sc.model).clone(),
            None => {
                let hint =
                    treaty::diag::did_you_mean(name, model.scenarios.iter().map(|s| s.id.as_str()));
                let d =
                    Diagnostic::bare(Code::UnknownArgument, format!("unknown scenario `{name}`"))
                        .with_help(match hint {
                            Some(h) => format!("did you mean `{h}`?"),
                            None if model.scenarios.is_empty() => {
                                "the files declare no scenario".to_string()
                            }
                            None => format!(
                                "the files declare: {}",
                                model
                                    .scenarios
                                    .iter()
                                    .map(|s| s.id.as_str())
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            ),
                        });
                return Err(fail(&d, color, 2));
            }
        },
    };
    match &variant.assume {
        None => Ok(model),
        Some(text) => match treaty::model::scenario::parse_assumed(&model, text) {
            Ok(assumed) => Ok(treaty::model::scenario::with_assumed(&model, assumed)),
            Err(message) => Err(fail(&Diagnostic::bare(Code::BadAssume, message), color, 2)),
        },
    }
}

/// With `--assume`: the conditional answer of every decision an assumed ballot is cast in.
fn given(
    model: &Model,
    analyses: &analysis::Analyses,
    variant: &Variant,
    color: bool,
) -> Result<Vec<report::scenarios::GivenOut>, ExitCode> {
    if variant.assume.is_none() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for a in &analyses.decided {
        let g = analysis::given::given(model, a).map_err(|e| analysis_error(&e, color))?;
        out.extend(report::scenarios::given_out(model, a, &g));
    }
    Ok(out)
}

/// The lines a human report starts with in a scenario or with `--assume`.
fn preface(variant: &Variant, given: &[report::scenarios::GivenOut]) -> String {
    let mut out = String::new();
    if let Some(s) = &variant.scenario {
        out.push_str(&format!("Scenario {s}\n\n"));
    }
    out.push_str(&report::scenarios::given_human(given));
    out
}

/// Prints one diagnostic (with no source) on stderr.
fn print_diagnostic(d: &Diagnostic, color: bool) {
    report_diagnostics(&[], std::slice::from_ref(d), color, false);
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
    // `analysis::analyse_all`, one treaty at a time, for the progress indicator.
    let mut analyses = analysis::Analyses::default();
    let progress = report::progress::Progress::new(Some(model.treaties.len() as u64), "treaties");
    for t in (0..model.treaties.len()).map(treaty::model::TreatyId) {
        progress.message(&model.treaties[t.0].id);
        match analysis::analyse(model, t, &budget.options()) {
            Ok(a) => analyses.decided.push(a),
            Err(analysis::AnalysisError::GaveUp(g)) => analyses.undecided.push((t, g)),
            Err(other) => return Err(analysis_error(&other, color)),
        }
        progress.inc();
    }
    drop(progress);
    for (_, g) in &analyses.undecided {
        print_diagnostic(
            &analysis::AnalysisError::GaveUp(g.clone()).diagnostic(),
            color,
        );
    }
    Ok(analyses)
}

/// 3 when a treaty was not decided (or a win-over search was cut, said on stderr), else 1
/// for findings, else 0.
fn findings_code(model: &Model, analyses: &analysis::Analyses, color: bool) -> ExitCode {
    // A win-over search stopped at its budget is "gave up" too, after the full report.
    let cut: Vec<&str> = analyses
        .decided
        .iter()
        .filter(|a| a.win_over.cut())
        .map(|a| model.treaties[a.treaty].id.as_str())
        .collect();
    for id in &cut {
        let d = Diagnostic::bare(Code::WinOverCut, format!(
            "the search for who must be won over stopped at its budget in treaty {id}"
        ))
        .with_help("the report gives what was found: a smallest size as \"at least\", or the sets found so far");
        print_diagnostic(&d, color);
    }
    if !analyses.undecided.is_empty() || !cut.is_empty() {
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

/// As `load`, and when the files do not load, also prints the diagnostics as a SARIF log
/// on stdout (`check --format sarif`).
fn load_sarif(files: &[PathBuf], color: bool) -> Result<Model, ExitCode> {
    treaty::load(files).map_err(|(sources, diags)| {
        let text = report::diagnostics::render_all(&sources, &diags, color);
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
        let log = report::sarif::diagnostics(&sources, &diags, sarif_cwd().as_deref());
        // A closed pipe changes nothing: the files did not load.
        let _ = emit(&json(&log));
        ExitCode::from(2)
    })
}

/// `treaty explain [CODE]`: the code's explanation, or the table of codes; an unknown code
/// is a usage error naming the nearest ones.
fn explain(code: Option<&str>, color: bool) -> Result<ExitCode, ExitCode> {
    use treaty::diag::codes;
    let Some(id) = code else {
        let table: String = Code::ALL
            .iter()
            .map(|c| format!("{}  {}\n", c.id(), c.title()))
            .collect();
        emit(&table)?;
        return Ok(ExitCode::SUCCESS);
    };
    match Code::parse(id) {
        Some(c) => {
            emit(&codes::explain(c))?;
            Ok(ExitCode::SUCCESS)
        }
        None => {
            let near: Vec<String> = Code::nearest(id)
                .iter()
                .map(|c| format!("{} ({})", c.id(), c.title()))
                .collect();
            let d =
                Diagnostic::bare(Code::Usage, format!("no error code `{id}`")).with_help(format!(
                    "the nearest: {}; `treaty explain` lists every code",
                    near.join(", ")
                ));
            Err(fail(&d, color, 2))
        }
    }
}

/// Loads and resolves, or prints every diagnostic and gives exit code 2.
fn load(files: &[PathBuf], color: bool) -> Result<Model, ExitCode> {
    treaty::load(files).map_err(|(sources, diags)| {
        report_diagnostics(&sources, &diags, color, true);
        ExitCode::from(2)
    })
}

/// `--format html`, `dot` and `sarif` are reports of `check`; any other command given them
/// is a usage error (exit 2).
fn only_check_formats(command: &Command, color: bool) -> Result<(), ExitCode> {
    let format = match command {
        Command::Vetoes { format, .. }
        | Command::Power { format, .. }
        | Command::Diff { format, .. }
        | Command::Scenarios { format, .. }
        | Command::Repair { format, .. } => *format,
        // `check` takes every format; the other commands take no `--format` of this kind.
        _ => return Ok(()),
    };
    match format {
        Format::Html | Format::Dot | Format::Sarif => {
            let name = match format {
                Format::Html => "html",
                Format::Dot => "dot",
                _ => "sarif",
            };
            let d = Diagnostic::bare(
                Code::Usage,
                format!("`--format {name}` is only for `treaty check`"),
            )
            .with_help("use `--format human` or `--format json` here");
            Err(fail(&d, color, 2))
        }
        Format::Human | Format::Json => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every subcommand and every argument (but clap's own `--help` and `--version`) says
    /// what it is for, at every level.
    #[test]
    fn every_subcommand_and_argument_has_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if matches!(id, "help" | "version") {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path} {id}"));
                }
            }
            for sub in cmd.get_subcommands() {
                let sub_path = format!("{path} {}", sub.get_name());
                if sub.get_name() != "help" && sub.get_about().is_none() {
                    missing.push(sub_path.clone());
                }
                walk(sub, &sub_path, missing);
            }
        }
        let cmd = Cli::command();
        cmd.clone().debug_assert();
        let mut missing = Vec::new();
        walk(&cmd, "treaty", &mut missing);
        assert!(missing.is_empty(), "without help: {missing:?}");
        // The walk sees every subcommand and their arguments.
        let subs: Vec<&str> = cmd.get_subcommands().map(|c| c.get_name()).collect();
        for name in ["check", "power", "test", "completions", "man"] {
            assert!(subs.contains(&name), "{subs:?}");
        }
        let check = cmd
            .find_subcommand("check")
            .map(|c| c.get_arguments().count());
        assert!(check.is_some_and(|n| n > 5), "{check:?}");
    }
}
