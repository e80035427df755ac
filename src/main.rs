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
    },
    /// Veto players, smallest blocking coalitions and blockers of every decision.
    Vetoes {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        #[command(flatten)]
        budget: Budget,
        #[command(flatten)]
        variant: Variant,
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
    },
    /// Check every `expect` in the files (directories are searched for `.treaty` files).
    Test {
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
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        #[command(flatten)]
        budget: Budget,
    },
    /// The files as written and every scenario they declare, in one table: verdict, blocked
    /// clauses, conflicts, parties that do not sign.
    Scenarios {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        #[command(flatten)]
        budget: Budget,
    },
    /// Every minimal correction set: the smallest sets of clauses to drop or red lines to
    /// give up after which the content holds and no party rejects, each re-checked.
    Repair {
        file: PathBuf,
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
        paths: Vec<PathBuf>,
    },
    /// The JSON Schema of a JSON document the tool prints (docs/schema/DOC.json).
    Schema {
        #[arg(value_parser = clap::builder::PossibleValuesParser::new(report::schema::DOCS.map(|(n, _)| n)))]
        doc: String,
    },
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
    let cli = Cli::parse();
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    match run(cli.command, color, cli.color) {
        Ok(code) | Err(code) => code,
    }
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
        } => {
            let shown = Shown {
                list,
                style: report::check::Style {
                    verbose,
                    color: stdout_color(cli_color),
                },
            };
            check(&files, format, shown, verify, budget, &variant, color)
        }
        Command::Vetoes {
            files,
            format,
            budget,
            variant,
        } => {
            let model = variant_of(load(&files, color)?, &variant, color)?;
            let analyses = analyse_all(&model, budget, color)?;
            let mut doc = report::wire::vetoes(&model, &analyses);
            doc.scenario = variant.scenario.clone();
            doc.given = given(&model, &analyses, &variant, color)?;
            emit(&match format {
                Format::Human => format!(
                    "{}{}",
                    preface(&variant, &doc.given),
                    report::check::vetoes_human(&doc)
                ),
                // html, dot and sarif: refused before (`only_check_formats`).
                Format::Json | Format::Html | Format::Dot | Format::Sarif => json(&doc),
            })?;
            Ok(findings_code(&model, &analyses, color))
        }
        Command::Scenarios {
            files,
            format,
            budget,
        } => {
            let model = load(&files, color)?;
            let (base, runs) = analysis::reuse::analyse_scenarios(&model, &budget.options())
                .map_err(|e| analysis_error(&e, color))?;
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
            let wire = report::power::for_body(&model, b, r, budget).map_err(|e| {
                let d = Diagnostic::bare(format!("cannot compute power indices: {e}"));
                fail(&d, color, 2)
            })?;
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
                &Diagnostic::bare(format!("the language server stopped: {e}")),
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
    }
}

/// `treaty fmt`: exit 2 if a file does not parse (it is left alone), else 1 with `--check`
/// if a file is not formatted, else 0.
fn fmt(paths: &[PathBuf], check: bool, stdin: bool, color: bool) -> Result<ExitCode, ExitCode> {
    use treaty::fmt::Outcome;
    let from_stdin = stdin || paths.iter().any(|p| p.as_os_str() == "-");
    if from_stdin && (paths.len() > usize::from(!stdin)) {
        return Err(fail(
            &Diagnostic::bare("`treaty fmt -` (or `--stdin`) takes no other path"),
            color,
            2,
        ));
    }
    if !from_stdin && paths.is_empty() {
        return Err(fail(
            &Diagnostic::bare("`treaty fmt` needs a file or directory (or `-` for standard input)"),
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
                &Diagnostic::bare("standard input is not UTF-8 text"),
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
        let text = report::diagnostics::render(&nm.files, d.as_ref(), color);
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
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

fn check(
    files: &[PathBuf],
    format: Format,
    shown: Shown,
    verify: bool,
    budget: Budget,
    variant: &Variant,
    color: bool,
) -> Result<ExitCode, ExitCode> {
    let Shown { list, style } = shown;
    let loaded = if format == Format::Sarif {
        load_sarif(files, color)?
    } else {
        load(files, color)?
    };
    let model = variant_of(loaded, variant, color)?;
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
    emit(&match format {
        Format::Human if list => {
            let listing = report::loaded::human(&model);
            format!(
                "{listing}\n{preface}{}",
                report::check::human_with(&doc, style)
            )
        }
        Format::Human => format!("{preface}{}", report::check::human_with(&doc, style)),
        Format::Json => json(&doc),
        Format::Html => report::html::page(&model, &doc),
        Format::Dot => report::dot::graph(&doc),
        Format::Sarif => json(&report::sarif::check(&doc, sarif_cwd().as_deref())),
    })?;
    Ok(findings_code(&model, &analyses, color))
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
    for t in ids {
        let r = analysis::repair::repairs(&model, t, &budget.options(), Some(max_repairs))
            .map_err(|e| analysis_error(&e, color))?;
        all.push(r);
    }
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
    let mut files = Vec::new();
    for file in expect::treaty_files(paths) {
        let Ok(model) = load(std::slice::from_ref(&file), color) else {
            tally.broken += 1;
            files.push((file.display().to_string(), None));
            continue;
        };
        let mut all =
            expect::check_file_with(&model, &budget.options(), power).map_err(|e| analysis_error(&e, color))?;
        tally.add(&all);
        if human {
            emit(&report::test::results(&all))?;
        }
        // `expect in scenario S ...`: checked in S's model.
        for sc in &model.scenarios {
            let results = expect::check_file_with(&sc.model, &budget.options(), power)
                .map_err(|e| analysis_error(&e, color))?;
            tally.add(&results);
            if human {
                emit(&report::test::results(&results))?;
            }
            all.extend(results);
        }
        files.push((file.display().to_string(), Some(all)));
    }
    let doc = report::test_doc::doc(&files, &tally);
    emit(&match format {
        TestFormat::Human => report::test::summary(&tally),
        TestFormat::Json => json(&doc),
        TestFormat::Junit => report::test_doc::junit(&doc),
    })?;
    Ok(match tally {
        t if t.broken > 0 => ExitCode::from(2),
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
                    Diagnostic::bare(format!("unknown scenario `{name}`")).with_help(match hint {
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
            Err(message) => Err(fail(&Diagnostic::bare(message), color, 2)),
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
        let d = Diagnostic::bare(format!(
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

/// Loads and resolves, or prints every diagnostic and gives exit code 2.
fn load(files: &[PathBuf], color: bool) -> Result<Model, ExitCode> {
    treaty::load(files).map_err(|(sources, diags)| {
        let text = report::diagnostics::render_all(&sources, &diags, color);
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
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
            let d = Diagnostic::bare(format!("`--format {name}` is only for `treaty check`"))
                .with_help("use `--format human` or `--format json` here");
            Err(fail(&d, color, 2))
        }
        Format::Human | Format::Json => Ok(()),
    }
}
