//! Stage 5 (optional, `check --verify`): the whole question put to Z3's joint encoding at
//! once, with the same fixed votes, and compared with the staged answer; then each body's
//! structural answers (veto players and their ballots, smallest blocking coalition size,
//! who can make it pass alone) asked of Z3's one-decision encoding. A disagreement is a bug
//! in one of the two, never a finding about the treaty.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

use super::decisions::Decider;
use super::{AnalysisError, TreatyAnalysis};
use crate::model::{ActorId, Ballot, BodyId, Model, RuleId, StanceKind};
use crate::solve::{self, JointInput, JointOutcome};
use crate::voting::Vote;

impl TreatyAnalysis {
    /// The fixed votes of this analysis, for Z3's joint encoding: the actors that vote no
    /// everywhere (they reject the package, or hold a guaranteed red line left open), each
    /// objection (no on the clause), and every holder's stance on each clause.
    ///
    /// `JointInput::rejecting` also makes a party refuse to sign; a party whose red lines
    /// are violated but that does not reject the package refuses too, which `verify_with_z3`
    /// adds to Z3's answer (signing depends on the consistency analysis only).
    pub fn joint_input(&self, model: &Model) -> JointInput {
        if !model.assumed.is_empty() {
            return self.joint_input_assumed(model);
        }
        let mut fixed = Vec::new();
        for o in &self.objections {
            fixed.extend(o.clauses.iter().map(|(c, _)| (o.actor, *c, Vote::No)));
        }
        for p in &model.positions {
            for s in &p.stances {
                let v = match s.kind {
                    StanceKind::Supports => Vote::Yes,
                    StanceKind::Opposes => Vote::No,
                    StanceKind::Abstains => Vote::Abstain,
                };
                fixed.extend(p.held_by.iter().map(|&actor| (actor, s.clause, v)));
            }
        }
        JointInput {
            rejecting: self
                .objections
                .iter()
                .filter(|o| o.no_everywhere())
                .map(|o| o.actor)
                .collect(),
            fixed,
        }
    }
}

impl TreatyAnalysis {
    /// With assumed ballots (a scenario's `A votes`, `--assume`), which win over red lines
    /// and stances: every actor's vote on each clause as the vote table decides it, one per
    /// actor and clause, and as rejecting only the actors who vote no everywhere with no
    /// assumed ballot (signing is added from the objections by `verify_with_z3`).
    fn joint_input_assumed(&self, model: &Model) -> JointInput {
        let votes = super::votes::VoteTable::new(model, &self.objections);
        let mut fixed = Vec::new();
        for actor in (0..model.actors.len()).map(ActorId) {
            for clause in 0..model.treaties[self.treaty].clauses.len() {
                let c = crate::model::ClauseRef {
                    treaty: self.treaty,
                    clause,
                };
                let (v, _) = votes.vote(actor, c);
                if v != Vote::Free {
                    fixed.push((actor, c, v));
                }
            }
        }
        JointInput {
            rejecting: self
                .objections
                .iter()
                .filter(|o| o.no_everywhere() && !model.assumed.iter().any(|a| a.actor == o.actor))
                .map(|o| o.actor)
                .collect(),
            fixed,
        }
    }
}

/// Asks Z3 the whole question at once (every clause's content, requirements, routes,
/// preconditions and decisions, with the same fixed votes), and each body's structural
/// questions, and lists where it disagrees with this analysis; empty when it agrees.
pub fn verify_with_z3(
    model: &Model,
    a: &TreatyAnalysis,
    options: &solve::Options,
) -> Result<Vec<String>, AnalysisError> {
    let joint = solve::treaty_feasibility(model, a.treaty, &a.joint_input(model), options)?;
    let mut diffs = compare_joint(model, a, &joint);
    diffs.extend(compare_structural(model, a, options)?);
    Ok(diffs)
}

/// Where the joint answer and the staged analysis differ, level by level: treaty, clause,
/// requirement, route, decision.
fn compare_joint(model: &Model, a: &TreatyAnalysis, joint: &JointOutcome) -> Vec<String> {
    let mut diffs = Vec::new();
    let mut differ = |what: String, ours: &dyn std::fmt::Debug, z3: &dyn std::fmt::Debug| {
        diffs.push(format!("{what}: analysis says {ours:?}, Z3 says {z3:?}"));
    };
    // Parties that refuse without voting no everywhere are not in Z3's input as refusing
    // (signing depends on the consistency analysis only): add them to Z3's answer.
    let also_refusing = a
        .refusing_parties
        .iter()
        .any(|p| !joint.refusing_parties.contains(p));
    let z3_feasible = joint.feasible && !also_refusing;
    if z3_feasible != a.feasible {
        differ("feasible".into(), &a.feasible, &z3_feasible);
    }
    let extra: Vec<&ActorId> = joint
        .refusing_parties
        .iter()
        .filter(|p| !a.refusing_parties.contains(p))
        .collect();
    if !extra.is_empty() {
        differ(
            "parties refusing to sign".into(),
            &a.refusing_parties,
            &joint.refusing_parties,
        );
    }
    if joint.clauses.len() != a.clauses.len() {
        differ(
            "number of clauses".into(),
            &a.clauses.len(),
            &joint.clauses.len(),
        );
    }
    // With contradictory facts `analysis` blames no clause (`contradictory` stays false),
    // so the content of each clause is compared only when the facts hold.
    let facts_ok = a.consistency.facts_contradiction.is_none();
    for (jc, ac) in joint.clauses.iter().zip(&a.clauses) {
        let id = &model.clause(ac.clause).id;
        if jc.adoptable != ac.adoptable {
            differ(
                format!("clause {id}: adoptable"),
                &ac.adoptable,
                &jc.adoptable,
            );
        }
        if facts_ok && jc.content_holds == ac.contradictory {
            differ(
                format!("clause {id}: content holds with the facts"),
                &!ac.contradictory,
                &jc.content_holds,
            );
        }
        if jc.requirements.len() != ac.requirements.len() {
            differ(
                format!("clause {id}: number of requirements"),
                &ac.requirements.len(),
                &jc.requirements.len(),
            );
        }
        for (ri, (jr, ar)) in jc.requirements.iter().zip(&ac.requirements).enumerate() {
            let req = format!("clause {id}, requirement {}", ri + 1);
            if jr.met != ar.met {
                differ(format!("{req}: met"), &ar.met, &jr.met);
            }
            let impossible = !jr.routes.iter().any(|r| r.possible);
            if impossible != ar.impossible {
                differ(format!("{req}: impossible"), &ar.impossible, &impossible);
            }
            if jr.routes.len() != ar.routes.len() {
                differ(
                    format!("{req}: number of routes"),
                    &ar.routes.len(),
                    &jr.routes.len(),
                );
            }
            for (ki, (jk, ak)) in jr.routes.iter().zip(&ar.routes).enumerate() {
                let route = format!("{req}, route {}", ki + 1);
                if (jk.target, jk.lapse) != (ak.target, ak.lapse) {
                    differ(
                        format!("{route}: target"),
                        &(ak.target, ak.lapse),
                        &(jk.target, jk.lapse),
                    );
                }
                if jk.possible != ak.possible {
                    differ(format!("{route}: possible"), &ak.possible, &jk.possible);
                }
                if jk.open != ak.open {
                    differ(format!("{route}: open"), &ak.open, &jk.open);
                }
                if jk.decisions.len() != ak.decisions.len() {
                    differ(
                        format!("{route}: number of decisions"),
                        &ak.decisions.len(),
                        &jk.decisions.len(),
                    );
                }
                for (di, (jd, &i)) in jk.decisions.iter().zip(&ak.decisions).enumerate() {
                    let Some(d) = a.decisions.get(i) else {
                        differ(
                            format!("{route}: decision {}", di + 1),
                            &"missing",
                            &"present",
                        );
                        continue;
                    };
                    let what = format!("{route}, decision {}", di + 1);
                    let body = match d.decider {
                        Decider::Body { body, rule } => Some((body, rule)),
                        Decider::Consent { .. } => None,
                    };
                    if jd.body != body {
                        differ(format!("{what}: decider"), &body, &jd.body);
                    }
                    if jd.voters != d.voters || jd.votes != d.votes {
                        differ(
                            format!("{what}: voters and their fixed votes"),
                            &(&d.voters, &d.votes),
                            &(&jd.voters, &jd.votes),
                        );
                    }
                    if jd.consent_of != d.consent_of {
                        differ(format!("{what}: consent of"), &d.consent_of, &jd.consent_of);
                    }
                    if jd.goes != d.can_pass {
                        differ(
                            format!("{what}: can go the clause's way"),
                            &d.can_pass,
                            &jd.goes,
                        );
                    }
                }
            }
        }
    }
    diffs
}

/// Z3's structural answers for one body and rule (every vote free).
struct Structural {
    vetoes: Vec<(usize, Vec<Ballot>)>,
    min_blocking_size: Option<usize>,
    sole_passers: Vec<usize>,
}

/// Each body decision's structural answers (who can stop it alone and how, the size of the
/// smallest blocking coalition, who can make it go the clause's way alone) against Z3's
/// one-decision encoding, asked once per body and rule.
fn compare_structural(
    model: &Model,
    a: &TreatyAnalysis,
    options: &solve::Options,
) -> Result<Vec<String>, AnalysisError> {
    let mut asked: BTreeMap<(BodyId, RuleId), Structural> = BTreeMap::new();
    let mut diffs = Vec::new();
    for d in &a.decisions {
        let Decider::Body { body, rule } = d.decider else {
            continue;
        };
        let Some(b) = model.bodies.get(body.index()) else {
            continue;
        };
        let s = match asked.entry((body, rule)) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let r = &b.rule(rule).rule;
                let (summary, sole_passers) = solve::decision_structure(b, r, options)?;
                e.insert(Structural {
                    vetoes: summary
                        .veto_players
                        .into_iter()
                        .zip(summary.veto_ballots)
                        .collect(),
                    min_blocking_size: summary.min_blocking_size,
                    sole_passers,
                })
            }
        };
        let actors = |ms: &[usize]| -> Vec<ActorId> {
            ms.iter()
                .filter_map(|&m| d.voters.get(m).copied())
                .collect()
        };
        let veto_players: Vec<usize> = s.vetoes.iter().map(|(i, _)| *i).collect();
        let veto_ballots: Vec<Vec<Ballot>> = s.vetoes.iter().map(|(_, b)| b.clone()).collect();
        let what = format!(
            "clause {}, decision of `{}` under rule `{}`{}",
            model.clause(d.clause).id,
            b.id,
            b.rule(rule).name,
            if d.lapse { " (lapse)" } else { "" }
        );
        let mut differ = |x: &str, ours: &dyn std::fmt::Debug, z3: &dyn std::fmt::Debug| {
            diffs.push(format!(
                "{what}: {x}: analysis says {ours:?}, Z3 says {z3:?}"
            ));
        };
        if d.lapse {
            // The clause's way is failure: who can make it pass alone stops the clause,
            // its veto players force it.
            check_eq(
                &mut differ,
                "vetoes",
                &d.structural_vetoes,
                &actors(&s.sole_passers),
            );
            check_eq(&mut differ, "forcers", &d.forcers, &actors(&veto_players));
        } else {
            check_eq(
                &mut differ,
                "vetoes",
                &d.structural_vetoes,
                &actors(&veto_players),
            );
            check_eq(&mut differ, "veto ballots", &d.veto_ballots, &veto_ballots);
            check_eq(&mut differ, "forcers", &d.forcers, &actors(&s.sole_passers));
            let size = d.smallest_blocking_coalition.as_ref().map(Vec::len);
            check_eq(
                &mut differ,
                "smallest blocking coalition size",
                &size,
                &s.min_blocking_size,
            );
        }
    }
    Ok(diffs)
}

fn check_eq<T: PartialEq + std::fmt::Debug>(
    differ: &mut dyn FnMut(&str, &dyn std::fmt::Debug, &dyn std::fmt::Debug),
    what: &str,
    ours: &T,
    z3: &T,
) {
    if ours != z3 {
        differ(what, ours, z3);
    }
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
