//! The margins of a conflict (`solve::margins`) as wire types, and their human lines.
//! JSON: `margins`, `joint_margins` and the cut flags of each conflict (docs/json.md).

use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::Serialize;

use super::loaded::{place, Place};
use super::wire::ConflictOut;
use crate::model::names::item_name;
use crate::model::Model;
use crate::solve::margins::{Margin, Margins, Outcome, Owner, Weakens};

/// One integer literal of a conflict and the values of it that resolve the conflict.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct MarginOut {
    /// The item (`clause 6`, `EU."no limits"`) or `fact` that holds the literal.
    pub owner: String,
    /// The formula the literal is in, as written (whitespace normalised).
    pub formula: String,
    /// The literal's value as written (a decimal string, as integers of formulas are).
    pub literal: String,
    /// Where the literal is written; absent only if its text could not be read again.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub at: Option<Place>,
    /// `up` (raising it weakens its formula), `down`, or `none` (`==`, `!=`, under `iff`).
    pub weakens: &'static str,
    pub resolves: ResolvesOut,
}

/// Which values of the literal resolve the conflict.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ResolvesOut {
    /// Exactly the values `>= value`.
    AtLeast { value: String },
    /// Exactly the values `<= value`.
    AtMost { value: String },
    /// No range: the nearest resolving values below and above the literal (absent on a
    /// side where none resolves); none between them and the literal does.
    Nearest {
        #[serde(skip_serializing_if = "Option::is_none")]
        below: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        above: Option<String>,
    },
    /// No value of this literal resolves the conflict.
    Never,
    /// The solver gave up: nothing is concluded.
    Unknown { reason: String },
}

/// Pareto-optimal joint moves of two literals of the conflict.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct JointMarginOut {
    /// Indices into the conflict's `margins`.
    pub first: usize,
    pub second: usize,
    /// New values (first, second), the first literal's move ascending.
    pub moves: Vec<[String; 2]>,
    /// The Pareto front has other points than `moves`.
    pub more: bool,
}

/// The wire form of a conflict's margins: (literals, joint moves, literals cut, joint cut,
/// joint gave up on).
pub fn margins(
    model: &Model,
    m: &Margins,
) -> (
    Vec<MarginOut>,
    Vec<JointMarginOut>,
    bool,
    bool,
    Option<String>,
) {
    (
        m.literals.iter().map(|x| margin(model, x)).collect(),
        m.joint
            .iter()
            .map(|j| JointMarginOut {
                first: j.first,
                second: j.second,
                moves: j
                    .moves
                    .iter()
                    .map(|&(a, b)| [a.to_string(), b.to_string()])
                    .collect(),
                more: j.more,
            })
            .collect(),
        m.literals_cut,
        m.joint_cut,
        m.joint_gave_up.clone(),
    )
}

fn margin(model: &Model, m: &Margin) -> MarginOut {
    let l = &m.literal;
    let (owner, formula) = match &l.owner {
        Owner::Item(item) => {
            let f = match item {
                crate::model::ConflictItem::Clause(c) => model
                    .clause(*c)
                    .formulas
                    .get(l.formula)
                    .map(|f| f.text.clone()),
                crate::model::ConflictItem::RedLine { position, index } => Some(
                    model.positions[*position].red_lines[*index]
                        .formula
                        .text
                        .clone(),
                ),
            };
            (item_name(model, item), f.unwrap_or_default())
        }
        Owner::Fact(f) => ("fact".to_string(), model.facts[*f].formula.text.clone()),
    };
    MarginOut {
        owner,
        formula,
        literal: l.value.to_string(),
        at: l.loc.map(|loc| place(model, loc)),
        weakens: match l.weakens {
            Weakens::Up => "up",
            Weakens::Down => "down",
            Weakens::Neither => "none",
        },
        resolves: match &m.outcome {
            Outcome::AtLeast(v) => ResolvesOut::AtLeast {
                value: v.to_string(),
            },
            Outcome::AtMost(v) => ResolvesOut::AtMost {
                value: v.to_string(),
            },
            Outcome::Nearest { below, above } => ResolvesOut::Nearest {
                below: below.map(|v| v.to_string()),
                above: above.map(|v| v.to_string()),
            },
            Outcome::Never => ResolvesOut::Never,
            Outcome::Unknown(r) => ResolvesOut::Unknown { reason: r.clone() },
        },
    }
}

/// `clause 6's 600000 (file:68:24)`, or `fact `x >= 3`'s 3 (...)`.
fn literal_name(m: &MarginOut) -> String {
    let owner = if m.owner == "fact" {
        format!("fact `{}`", m.formula)
    } else {
        m.owner.clone()
    };
    match &m.at {
        Some(at) => format!("{owner}'s {} ({at})", m.literal),
        None => format!("{owner}'s {} (in `{}`)", m.literal, m.formula),
    }
}

/// The human lines of a conflict's margins, each indented by four spaces.
pub fn human(o: &mut String, c: &ConflictOut) {
    let (id, list, joint) = (c.id.as_str(), &c.margins, &c.joint_margins);
    let (literals_cut, joint_cut) = (c.margins_cut, c.joint_margins_cut);
    let joint_gave_up = c.joint_margins_gave_up.as_deref();
    for m in list {
        let what = match &m.resolves {
            ResolvesOut::AtLeast { value } => {
                format!("resolves {id} at >= {value} (and at no smaller value)")
            }
            ResolvesOut::AtMost { value } => {
                format!("resolves {id} at <= {value} (and at no larger value)")
            }
            ResolvesOut::Nearest { below, above } => {
                let side = |v: &Option<String>, word: &str| match v {
                    Some(v) => format!("{v} {word}"),
                    None => format!("none {word}"),
                };
                format!(
                    "has no range (not a bound of <=, <, >=, >); the nearest values that resolve {id}: {}, {}",
                    side(below, "below"),
                    side(above, "above")
                )
            }
            ResolvesOut::Never => format!("cannot resolve {id}: no value of it does"),
            ResolvesOut::Unknown { reason } => format!("is unknown: {reason}"),
        };
        let _ = writeln!(o, "    margin: {} {what}", literal_name(m));
    }
    if literals_cut {
        let _ = writeln!(
            o,
            "    ... more literals: only the first {} have margins",
            list.len()
        );
    }
    for j in joint {
        let (Some(a), Some(b)) = (list.get(j.first), list.get(j.second)) else {
            continue;
        };
        let moves: Vec<String> = j
            .moves
            .iter()
            .map(|[x, y]| format!("{x} and {y}"))
            .collect();
        let _ = writeln!(
            o,
            "    margin together: {} with {} resolve {id} at {}{}",
            literal_name(a),
            literal_name(b),
            moves.join("; "),
            if j.more {
                " (Pareto-optimal; other pairs in between too)"
            } else {
                " (every Pareto-optimal pair)"
            }
        );
    }
    if joint_cut {
        let why = match joint_gave_up {
            Some(r) => format!("the solver gave up: {r}"),
            None => "too many pairs".to_string(),
        };
        let _ = writeln!(o, "    ... joint margins cut ({why})");
    }
}
