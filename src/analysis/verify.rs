//! Stage 5 (optional, `check --verify`): the whole question put to Z3's joint encoding at
//! once, with the same fixed votes, and compared with the staged answer. A disagreement is
//! a bug in one of the two, never a finding about the treaty.

use super::{AnalysisError, TreatyAnalysis};
use crate::model::{Model, StanceKind};
use crate::solve::{self, JointInput};
use crate::voting::Vote;

impl TreatyAnalysis {
    /// The fixed votes of this analysis, for Z3's joint encoding: the actors that reject
    /// the package (no everywhere), each objection (no on the clause), and every holder's
    /// stance on each clause.
    ///
    /// `JointInput::rejecting` also makes a party refuse to sign; a party whose red lines
    /// are violated but that does not reject the package refuses too, which `verify_with_z3`
    /// adds to Z3's answer (signing depends on the consistency analysis only).
    pub fn joint_input(&self, model: &Model) -> JointInput {
        let mut fixed = Vec::new();
        for o in &self.objections {
            fixed.extend(o.clauses.iter().map(|(c, _)| (o.actor, *c, Vote::No)));
        }
        for p in &model.positions {
            for s in &p.stances {
                let v = match s.kind {
                    StanceKind::Supports => Vote::Yes,
                    StanceKind::Opposes => Vote::No,
                };
                fixed.extend(p.held_by.iter().map(|&actor| (actor, s.clause, v)));
            }
        }
        JointInput {
            rejecting: self
                .objections
                .iter()
                .filter(|o| o.rejects_package())
                .map(|o| o.actor)
                .collect(),
            fixed,
        }
    }
}

/// Asks Z3 the whole question at once (every clause's content and decisions, with the same
/// fixed votes) and lists where it disagrees with this analysis; empty when it agrees.
pub fn verify_with_z3(
    model: &Model,
    a: &TreatyAnalysis,
    options: &solve::Options,
) -> Result<Vec<String>, AnalysisError> {
    let joint = solve::treaty_feasibility(model, a.treaty, &a.joint_input(model), options)?;
    let mut diffs = Vec::new();
    // Parties that refuse without rejecting the package are not in Z3's input as refusing.
    let also_refusing = a
        .refusing_parties
        .iter()
        .any(|p| !joint.refusing_parties.contains(p));
    let z3_feasible = joint.feasible && !also_refusing;
    if z3_feasible != a.feasible {
        diffs.push(format!(
            "feasible: analysis says {}, Z3 says {}",
            a.feasible, z3_feasible
        ));
    }
    if joint
        .refusing_parties
        .iter()
        .any(|p| !a.refusing_parties.contains(p))
    {
        diffs.push("Z3 has a party refuse to sign that the analysis does not".into());
    }
    for (jc, ac) in joint.clauses.iter().zip(&a.clauses) {
        if jc.adoptable != ac.adoptable {
            diffs.push(format!(
                "clause {}: analysis says adoptable = {}, Z3 says {}",
                model.clause(ac.clause).id,
                ac.adoptable,
                jc.adoptable
            ));
        }
    }
    if joint.clauses.len() != a.clauses.len() {
        diffs.push("the two answers cover different clauses".into());
    }
    Ok(diffs)
}

/// `check --verify`: Z3's joint answer must match each analysis. Gives one line per treaty
/// that agrees; the first disagreement is an error.
pub fn verify_all(
    model: &Model,
    analyses: &[TreatyAnalysis],
    options: &solve::Options,
) -> Result<Vec<String>, AnalysisError> {
    let mut lines = Vec::new();
    for a in analyses {
        let diffs = verify_with_z3(model, a, options)?;
        let treaty = model.treaties[a.treaty].id.clone();
        if !diffs.is_empty() {
            return Err(AnalysisError::Disagreement { treaty, diffs });
        }
        lines.push(format!(
            "verified: Z3's joint encoding agrees on treaty {treaty} (feasibility and {} clauses)",
            a.clauses.len()
        ));
    }
    Ok(lines)
}
