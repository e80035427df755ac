//! The `treaty` command line: parses arguments, calls the library, prints, and picks the
//! exit code (0 no finding, 1 findings, 2 input or usage error, 3 the solver gave up).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;

use clap::{Parser, Subcommand, ValueEnum};

use treaty::diag::{Code, Diagnostic};
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
    /// How to print errors and warnings on stderr: `human`, or `json` (one document, after
    /// the run: docs/json.md, "Errors").
    #[arg(long, value_enum, default_value_t = ErrorFormat::Human, global = true)]
    error_format: ErrorFormat,
}

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
        #[command(flatten)]
        variant: Variant,
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
    },
    /// Check every `expect` in the files (directories are searched for `.treaty` files).
    Test {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        budget: Budget,
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
    /// Explain an error code (`treaty explain E0104`); without a code, list them all.
    Explain { code: Option<String> },
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
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    if cli.error_format == ErrorFormat::Json {
        if let Ok(mut sink) = JSON_ERRORS.lock() {
            *sink = Some(Vec::new());
        }
    }
    let code = match run(cli.command, color) {
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

fn run(command: Command, color: bool) -> Result<ExitCode, ExitCode> {
    match command {
        Command::Check {
            files,
            format,
            list,
            verify,
            budget,
            variant,
        } => check(&files, format, list, verify, budget, &variant, color),
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
                Format::Json => json(&doc),
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
                Format::Json => json(&doc),
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
            };
            let wire = report::power::for_body(&model, b, r, budget).map_err(|e| {
                let d = Diagnostic::bare(
                    Code::PowerTooLarge,
                    format!("cannot compute power indices: {e}"),
                );
                fail(&d, color, 2)
            })?;
            emit(&match format {
                Format::Human => report::power::render_power_text(&wire),
                Format::Json => json(&wire),
            })?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Test { paths, budget } => test(&paths, budget, color),
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
        Command::Explain { code } => explain(code.as_deref(), color),
    }
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
        Format::Json => json(&doc),
    })?;
    Ok(if doc.worse {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn check(
    files: &[PathBuf],
    format: Format,
    list: bool,
    verify: bool,
    budget: Budget,
    variant: &Variant,
    color: bool,
) -> Result<ExitCode, ExitCode> {
    let model = variant_of(load(files, color)?, variant, color)?;
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
            format!("{listing}\n{preface}{}", report::check::human(&doc))
        }
        Format::Human => format!("{preface}{}", report::check::human(&doc)),
        Format::Json => json(&doc),
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
        Format::Json => json(&doc),
    })?;
    let findings = all.iter().any(|r| !r.none_needed() || !r.complete);
    Ok(if findings {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
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
        // `expect in scenario S ...`: checked in S's model.
        for sc in &model.scenarios {
            let results = expect::check_file(&sc.model, &budget.options())
                .map_err(|e| analysis_error(&e, color))?;
            tally.add(&results);
            emit(&report::test::results(&results))?;
        }
    }
    emit(&report::test::summary(&tally))?;
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
