//! The one table of error codes: every diagnostic carries a `Code`, shown as `E0101` in
//! the human rendering and in `--error-format json`, and explained by `treaty explain`.
//!
//! Codes are stable: a code once given keeps its meaning; a retired code stays in the
//! table. They are grouped by hundreds: `E00xx` files, `E01xx` syntax, `E02xx` names,
//! `E03xx` bodies and voting rules, `E04xx` formulas, `E05xx` treaties, positions and
//! routes, `E06xx` expectations, `E07xx` scenarios and `--assume`, `E08xx` the command
//! line, `E09xx` the analysis. Each explanation (`explain/EXXXX.md`) says what is wrong,
//! with a wrong example and a fixed one; `docs/errors.md` is generated from this table
//! (`errors_doc`) and a test keeps it equal.

/// How bad a diagnostic is: an error stops the run (or the treaty's analysis); a warning
/// is said alongside a complete report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

macro_rules! codes {
    ($( $id:ident $variant:ident $severity:ident $title:literal; )*) => {
        /// An error code; `Code::ALL` lists them in table order.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $( #[doc = $title] $variant, )*
        }

        impl Code {
            /// Every code, in table order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// `E0101`.
            pub fn id(self) -> &'static str {
                match self {
                    $(Code::$variant => stringify!($id),)*
                }
            }

            /// One line: what the code is about.
            pub fn title(self) -> &'static str {
                match self {
                    $(Code::$variant => $title,)*
                }
            }

            /// The long explanation (Markdown), with a wrong and a fixed example.
            pub fn explanation(self) -> &'static str {
                match self {
                    $(Code::$variant => include_str!(concat!("explain/", stringify!($id), ".md")),)*
                }
            }

            pub fn severity(self) -> Severity {
                match self {
                    $(Code::$variant => Severity::$severity,)*
                }
            }
        }
    };
}

codes! {
    // ------------------------------------------------------------ files
    E0001 Unreadable Error "a file cannot be read";
    E0002 NotUtf8 Error "a file is not valid UTF-8";
    E0003 ImportCycle Error "files import each other in a cycle";
    E0004 ImportTooDeep Error "imports nested too deep";
    E0005 EmptyUsePath Error "`use` with an empty path";
    E0006 DeclaresNothing Error "a file declares nothing";
    // ------------------------------------------------------------ syntax
    E0101 Syntax Error "unexpected text";
    E0102 TooDeep Error "nesting too deep";
    E0103 KeywordTypo Error "a misspelt keyword";
    E0104 SingleEquals Error "`=` where a comparison `==` is meant";
    E0105 SymbolOperator Error "`&&`, `||` or `!` where `and`, `or` or `not` is meant";
    E0106 ArrowImplication Error "`=>` or `->` where `implies` is meant";
    E0107 DecimalNumber Error "a decimal number in a formula";
    E0108 BareFraction Error "a share of a body without `at least` or `more than`";
    E0109 HyphenInName Error "a hyphen in a name";
    // ------------------------------------------------------------ names
    E0201 UnknownName Error "a name that is not declared";
    E0202 DeclaredTwice Error "a name declared twice";
    E0203 GivenTwice Error "the same thing said twice";
    E0204 WrongKind Error "a name of the wrong kind (an actor for a body, a body for an actor)";
    E0205 NotAMember Error "an actor that is not a member of the body";
    E0206 WhichTreaty Error "a clause or expectation that does not say which treaty";
    // ------------------------------------------------------------ bodies and voting rules
    E0301 NoMembers Error "a body without members";
    E0302 BadWeight Error "a member's weights are missing or misnamed";
    E0303 DecidesNothing Error "a voting rule that always passes or never passes";
    E0304 RuleNamedDefault Error "a rule named `default`";
    E0305 BadProportion Error "a percentage or fraction that cannot be used";
    E0306 NumberTooLarge Error "a number past the 64-bit range";
    // ------------------------------------------------------------ formulas
    E0401 TypeMismatch Error "a number where true/false is expected, or the reverse";
    E0402 NonLinear Error "a product of two variables";
    E0403 BadDate Error "a date that does not exist";
    // ------------------------------------------------------------ treaties, positions, routes
    E0501 NoHolders Error "a position held by no one";
    E0502 BadLapse Error "`lapse of` that is not one decision";
    // ------------------------------------------------------------ expectations
    E0601 BadMargin Error "an `expect margin` that cannot be checked";
    E0602 RedLineKind Error "an expectation on the wrong kind of red line";
    E0603 ExpectationMismatch Error "an expectation about something the treaty does not have";
    // ------------------------------------------------------------ scenarios and --assume
    E0701 MembershipChange Error "a scenario's membership change that cannot be made";
    E0702 BadAssume Error "`--assume` that cannot be read";
    // ------------------------------------------------------------ the command line
    E0801 UnknownArgument Error "a name on the command line that the files do not declare";
    E0802 WhichDraft Error "`treaty diff` cannot tell which treaty to compare";
    E0803 BadMatches Error "a `matches` that `treaty diff` cannot follow";
    E0804 PowerTooLarge Error "power indices too large to compute";
    E0805 Usage Error "the command line cannot be read";
    // ------------------------------------------------------------ the analysis
    E0901 GaveUp Error "the solver gave up";
    E0902 WinOverCut Warning "the search for who must be won over stopped at its budget";
    E0903 Internal Error "an internal error";
}

impl Code {
    /// The code named `id` (`E0101`, any case; `0101` and `101` too).
    pub fn parse(id: &str) -> Option<Code> {
        let id = id.trim();
        let digits = id
            .strip_prefix('E')
            .or_else(|| id.strip_prefix('e'))
            .unwrap_or(id);
        let n: u32 = digits.parse().ok()?;
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.id()[1..].parse::<u32>().ok() == Some(n))
    }

    /// The codes nearest to `id` (by number, else by spelling), for "did you mean".
    pub fn nearest(id: &str) -> Vec<Code> {
        let digits: String = id.chars().filter(char::is_ascii_digit).collect();
        let mut all: Vec<(u64, Code)> = match digits.parse::<u64>() {
            Ok(n) => Code::ALL
                .iter()
                .map(|c| {
                    let m: u64 = c.id()[1..].parse().unwrap_or(0);
                    (m.abs_diff(n), *c)
                })
                .collect(),
            Err(_) => Code::ALL
                .iter()
                .map(|c| (super::edit_distance(&id.to_uppercase(), c.id()) as u64, *c))
                .collect(),
        };
        all.sort();
        all.into_iter().take(3).map(|(_, c)| c).collect()
    }
}

/// `treaty explain CODE`: the title and the explanation.
pub fn explain(code: Code) -> String {
    let mut out = format!("{}: {}\n\n", code.id(), code.title());
    out.push_str(code.explanation().trim_end());
    out.push('\n');
    out
}

/// docs/errors.md: every code with its explanation, in table order.
pub fn errors_doc() -> String {
    let mut out = String::from(
        "# Error codes\n\n\
         <!-- Generated from src/diag/codes.rs and src/diag/explain/*.md; a test keeps this \
         file equal to them (regenerate with `TREATY_UPDATE_ERRORS_DOC=1 cargo test --test \
         error_codes`). -->\n\n\
         Every diagnostic `treaty` prints carries a code, e.g. `error[E0104]: ...`; \
         `treaty explain E0104` prints its explanation. Codes keep their meaning from one \
         version to the next. They are grouped by hundreds: `E00xx` files, `E01xx` syntax, \
         `E02xx` names, `E03xx` bodies and voting rules, `E04xx` formulas, `E05xx` \
         treaties, positions and routes, `E06xx` expectations, `E07xx` scenarios and \
         `--assume`, `E08xx` the command line, `E09xx` the analysis.\n\n\
         | code | severity | title |\n|---|---|---|\n",
    );
    for c in Code::ALL {
        out.push_str(&format!(
            "| [{}](#{}) | {} | {} |\n",
            c.id(),
            c.id().to_lowercase(),
            c.severity().as_str(),
            c.title().replace('|', "\\|")
        ));
    }
    for c in Code::ALL {
        out.push_str(&format!("\n## {}\n\n{}\n\n", c.id(), c.title()));
        out.push_str(c.explanation().trim_end());
        out.push('\n');
    }
    out
}
