//! Stage 4: every decision a treaty needs, with the votes of stage 3, and what follows for
//! each clause (adoptable, impossible, vetoes, who can force it, dependencies).
//!
//! A clause's `requires` is met by any one of its routes (`any of { ... }`; a plain
//! `requires` has one). A route asks for a decision of a body under one of its rules, for
//! an actor's consent, or for the consent of each member of a body (`each of`). A consent
//! is a one-member decision (`voting::consent`), unless the actor gives it through domestic
//! procedures (`consent ACTOR by BODY ...`): then it is those bodies' decisions, all of
//! them, and the report shows the chain (clause -> consent -> procedure). A route may ask
//! for the decision to fail (`lapse of`), and may carry a precondition (`when F`), asked of
//! the solver against the facts and the clause's content.
//!
//! Each decision is answered twice by `voting`: with the fixed votes (can it go the
//! clause's way, who stops it) and with every vote free (who can stop it alone and how,
//! who can force it alone, the fewest who can stop it together). The second answer depends
//! only on the decider, so decisions that share a body and rule share it.
//!
//! `voting` speaks of member indices; they are converted to actors here, once, so nothing
//! after this stage sees a member index.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet};

use super::rejections::NoReason;
use super::votes::VoteTable;
use super::AnalysisError;
use crate::budget::GaveUp;
use crate::model::{ActorId, Ballot, BodyId, ClauseRef, Formula, Model, RuleId, Target, TreatyId};
use crate::solve::{self, ConsistencyReport};
use crate::voting::{self, DecisionAnalysis, Vote, VotingError};

/// Who takes a decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Decider {
    /// `body` voting under its rule `rule`.
    Body { body: BodyId, rule: RuleId },
    /// The consent of one actor (with no domestic procedure).
    Consent { actor: ActorId },
}

impl Decider {
    /// The voters, in member order (one for a consent).
    pub fn voters(self, model: &Model) -> Vec<ActorId> {
        match self {
            Decider::Body { body, .. } => model.bodies[body].member_actors(),
            Decider::Consent { actor } => vec![actor],
        }
    }
}

/// A precondition of a decision, and whether it can hold.
#[derive(Clone, Debug)]
pub struct Precondition {
    pub formula: Formula,
    pub possible: bool,
    /// When impossible: the facts (indices into `Model::facts`) that rule it out with the
    /// clause's content (empty: the content alone does).
    pub facts: Vec<usize>,
}

/// One decision of one route of one requirement of a clause.
#[derive(Clone, Debug)]
pub struct Decision {
    pub clause: ClauseRef,
    /// Index of the requirement in the clause, and of the route in the requirement.
    pub requirement: usize,
    pub route: usize,
    pub decider: Decider,
    /// The actor whose consent this decision gives (a domestic procedure, or one member of
    /// `each of`), if any.
    pub consent_of: Option<ActorId>,
    /// The clause needs this decision to fail (`lapse of`).
    pub lapse: bool,
    /// The route's precondition and the procedure's, in that order.
    pub preconditions: Vec<Precondition>,
    /// The voters, in member order, and each one's ballot on the decision itself
    /// (`votes[i]` is `voters[i]`'s; for a lapse, those against the clause vote yes and its
    /// supporters are free).
    pub voters: Vec<ActorId>,
    pub votes: Vec<Vote>,
    /// With the fixed votes, the decision can go the clause's way: pass, or for a lapse
    /// fail (the preconditions aside).
    pub can_pass: bool,
    /// When it cannot: who stops it. For a decision, a smallest group of the withholding
    /// voters that blocks it on its own; for a lapse, the voters who renew it.
    pub blockers: Vec<ActorId>,
    /// With every vote free: who can stop it alone (`veto_ballots[i]`: the ways that work
    /// for `structural_vetoes[i]`; for a lapse, voting yes), who can make it go the
    /// clause's way alone, and the fewest who can stop it together with their ballots
    /// (`None`: nobody can; see `coalition_known`). For a lapse, stopping it is voting
    /// yes to renew it: the fewest whose yes votes renew it whatever the others cast.
    pub structural_vetoes: Vec<ActorId>,
    pub veto_ballots: Vec<Vec<Ballot>>,
    pub forcers: Vec<ActorId>,
    pub smallest_blocking_coalition: Option<Vec<ActorId>>,
    pub coalition_ballots: Vec<Ballot>,
    /// False only for a lapse whose preventing coalition was not computed (members can
    /// withhold in several incomparable ways and the exact search ran past its budget):
    /// then `smallest_blocking_coalition` is `None` for that reason, not because nobody can.
    pub coalition_known: bool,
    /// Why each voter against the clause (a fixed no on the clause; for a lapse, a vote to
    /// renew) is against it.
    pub no_reasons: BTreeMap<ActorId, Vec<NoReason>>,
}

/// One route of a requirement.
#[derive(Clone, Debug)]
pub struct RouteStatus {
    pub target: Target,
    pub lapse: bool,
    /// Every precondition can hold.
    pub possible: bool,
    /// Possible, and every decision can go the clause's way with the fixed votes.
    pub open: bool,
    /// Indices into `TreatyAnalysis::decisions`.
    pub decisions: Vec<usize>,
}

/// One requirement of a clause.
#[derive(Clone, Debug)]
pub struct RequirementStatus {
    pub routes: Vec<RouteStatus>,
    /// Some route is open.
    pub met: bool,
    /// No route is possible: every one has a precondition that cannot hold.
    pub impossible: bool,
    /// Actors who can alone close every possible route (all votes free).
    pub vetoes: Vec<ActorId>,
    /// Actors who can alone open some possible route.
    pub forcers: Vec<ActorId>,
    /// The fewest actors who together close every possible route (exact, across routes
    /// and bodies); `None` when nobody can (or no route is possible), or when it was not
    /// computed (`coalition_known` false: a lapse route whose preventing coalition is not
    /// known).
    pub smallest_blocking_coalition: Option<Vec<ActorId>>,
    pub coalition_known: bool,
}

#[derive(Clone, Debug)]
pub struct ClauseStatus {
    pub clause: ClauseRef,
    /// The clause's content contradicts the facts on its own (a one-clause conflict).
    pub contradictory: bool,
    /// Some requirement has no possible route (a precondition fails on every one).
    pub impossible: bool,
    /// Every requirement is met (and the content is not contradictory).
    pub adoptable: bool,
    pub requirements: Vec<RequirementStatus>,
    /// Actors who can alone stop one of its requirements (all other votes free).
    pub vetoes: Vec<ActorId>,
    /// Actors who can alone meet every requirement.
    pub forcers: Vec<ActorId>,
    /// Actors whose action it needs (voters of every decision of every route).
    pub needs: Vec<ActorId>,
    /// Those of `needs` who are not parties.
    pub non_parties: Vec<ActorId>,
}

/// The steps a route expands to: (decider, consent given, procedure precondition).
fn steps(model: &Model, target: Target) -> Vec<(Decider, Option<ActorId>, Option<&Formula>)> {
    let consent = |actor: ActorId| -> Vec<(Decider, Option<ActorId>, Option<&Formula>)> {
        let procs: Vec<_> = model
            .procedures
            .iter()
            .filter(|p| p.actor == actor)
            .map(|p| {
                (
                    Decider::Body {
                        body: p.body,
                        rule: p.rule,
                    },
                    Some(actor),
                    p.when.as_ref(),
                )
            })
            .collect();
        if procs.is_empty() {
            vec![(Decider::Consent { actor }, None, None)]
        } else {
            procs
        }
    };
    match target {
        Target::Body { body, rule } => vec![(Decider::Body { body, rule }, None, None)],
        Target::Actor(actor) => consent(actor),
        Target::EachOf(body) => model.bodies[body]
            .members
            .iter()
            .flat_map(|m| {
                consent(m.actor)
                    .into_iter()
                    .map(move |(d, via, when)| (d, via.or(Some(m.actor)), when))
            })
            .collect(),
    }
}

/// The structural answers for one decider, shared by every decision it takes.
struct Structural {
    free: DecisionAnalysis,
    /// Members who can alone make it pass whatever the others cast.
    sole_passers: Vec<usize>,
}

/// Every decision of `treaty`, clause by clause, requirement by requirement, route by
/// route.
pub(crate) fn all(
    model: &Model,
    treaty: TreatyId,
    votes: &VoteTable<'_>,
    options: &solve::Options,
) -> Result<Vec<Decision>, AnalysisError> {
    let mut structural: BTreeMap<Decider, Structural> = BTreeMap::new();
    let mut passing_cache: BTreeMap<Decider, Option<Vec<usize>>> = BTreeMap::new();
    let mut asked: BTreeMap<(ClauseRef, usize, usize, usize), solve::PreconditionCheck> =
        BTreeMap::new();
    let mut out = Vec::new();
    for (ci, clause) in model.treaties[treaty].clauses.iter().enumerate() {
        let cref = ClauseRef { treaty, clause: ci };
        for (requirement, req) in clause.requires.iter().enumerate() {
            for (route_index, route) in req.routes.iter().enumerate() {
                for (decider, consent_of, proc_when) in steps(model, route.target) {
                    let mut preconditions = Vec::new();
                    for f in route.when.iter().chain(proc_when) {
                        // Asked once per (clause, precondition): `each of` repeats a route's.
                        let key = (cref, f.loc.file, f.loc.span.start, f.loc.span.end);
                        let check = match asked.get(&key) {
                            Some(c) => c.clone(),
                            None => {
                                let c = solve::precondition_holds(model, cref, &f.expr, options)?;
                                asked.insert(key, c.clone());
                                c
                            }
                        };
                        preconditions.push(Precondition {
                            formula: f.clone(),
                            possible: check.possible,
                            facts: check.facts,
                        });
                    }
                    let voters = decider.voters(model);
                    // Voters of a domestic procedure follow their state's vote on the
                    // clause unless they have one of their own.
                    let inherited = consent_of.map(|a| votes.vote(a, cref));
                    let mut fixed = Vec::with_capacity(voters.len());
                    let mut no_reasons = BTreeMap::new();
                    for &a in &voters {
                        let (mut vote, mut why) = votes.vote(a, cref);
                        if vote == Vote::Free {
                            if let Some((v, w)) = &inherited {
                                vote = *v;
                                why = w.clone();
                            }
                        }
                        if vote == Vote::No {
                            no_reasons.insert(a, why);
                        }
                        // For a lapse, being against the clause is voting to renew, and
                        // supporting it is being free to withhold; an abstention on the
                        // clause is an abstention in the vote.
                        fixed.push(if route.lapse {
                            match vote {
                                Vote::No => Vote::Yes,
                                Vote::Yes => Vote::Free,
                                other => other,
                            }
                        } else {
                            vote
                        });
                    }
                    let now = answer(model, decider, &fixed, cref)?;
                    if let Entry::Vacant(e) = structural.entry(decider) {
                        let all_free = vec![Vote::Free; voters.len()];
                        let free = answer(model, decider, &all_free, cref)?;
                        let sole_passers = sole_passers(model, decider, cref)?;
                        e.insert(Structural { free, sole_passers });
                    }
                    let Some(s) = structural.get(&decider) else {
                        continue;
                    };
                    let to_actors =
                        |ms: &[usize]| ms.iter().map(|&m| voters[m]).collect::<Vec<_>>();
                    // For a lapse, the fewest who can prevent it together (asked only then).
                    let passing = if route.lapse {
                        match passing_cache.get(&decider) {
                            Some(p) => p.clone(),
                            None => {
                                let p = smallest_passing(model, decider, cref)?;
                                passing_cache.insert(decider, p.clone());
                                p
                            }
                        }
                    } else {
                        None
                    };
                    let d = if route.lapse {
                        // The clause's way is failure: those who can alone make it pass
                        // stop the clause; its veto players force it.
                        let renewing: Vec<ActorId> = voters
                            .iter()
                            .zip(&fixed)
                            .filter(|(_, v)| **v == Vote::Yes)
                            .map(|(a, _)| *a)
                            .collect();
                        Decision {
                            clause: cref,
                            requirement,
                            route: route_index,
                            decider,
                            consent_of,
                            lapse: true,
                            preconditions,
                            can_pass: now.can_fail,
                            blockers: if now.can_fail { Vec::new() } else { renewing },
                            structural_vetoes: to_actors(&s.sole_passers),
                            veto_ballots: vec![vec![Ballot::Yes]; s.sole_passers.len()],
                            forcers: to_actors(&s.free.veto_players),
                            coalition_ballots: vec![
                                Ballot::Yes;
                                passing.as_ref().map_or(0, Vec::len)
                            ],
                            coalition_known: passing.is_some(),
                            smallest_blocking_coalition: passing.as_deref().map(to_actors),
                            voters: voters.clone(),
                            votes: fixed,
                            no_reasons,
                        }
                    } else {
                        Decision {
                            clause: cref,
                            requirement,
                            route: route_index,
                            decider,
                            consent_of,
                            lapse: false,
                            preconditions,
                            can_pass: now.can_pass,
                            blockers: to_actors(&now.blockers),
                            structural_vetoes: to_actors(&s.free.veto_players),
                            veto_ballots: s.free.veto_ballots.clone(),
                            forcers: to_actors(&s.sole_passers),
                            smallest_blocking_coalition: s
                                .free
                                .smallest_blocking_coalition
                                .as_deref()
                                .map(to_actors),
                            coalition_ballots: s.free.coalition_ballots.clone(),
                            coalition_known: true,
                            voters: voters.clone(),
                            votes: fixed,
                            no_reasons,
                        }
                    };
                    out.push(d);
                }
            }
        }
    }
    Ok(out)
}

fn gave_up(model: &Model, clause: ClauseRef, decider: Decider, e: VotingError) -> AnalysisError {
    match e {
        // An exact search past its budget is "gave up" (exit 3), not an input error.
        VotingError::SearchLimit { .. } => {
            let who = match decider {
                Decider::Body { body, .. } => model.bodies[body].id.clone(),
                Decider::Consent { actor } => model.actors[actor].id.clone(),
            };
            AnalysisError::GaveUp(GaveUp::new(
                format!(
                    "the smallest blocking coalition of clause {}'s decision in `{who}`",
                    model.clause(clause).id,
                ),
                e.to_string(),
            ))
        }
        other => AnalysisError::Voting(other),
    }
}

/// `voting`'s answer for one decision with these votes (one per voter, in member order).
fn answer(
    model: &Model,
    decider: Decider,
    votes: &[Vote],
    clause: ClauseRef,
) -> Result<DecisionAnalysis, AnalysisError> {
    match decider {
        Decider::Body { body, rule } => {
            let b = &model.bodies[body];
            voting::analyse_decision(b, &b.rule(rule).rule, votes)
                .map_err(|e| gave_up(model, clause, decider, e))
        }
        Decider::Consent { .. } => match votes {
            [vote] => Ok(voting::consent(*vote)),
            _ => Err(AnalysisError::Voting(VotingError::VoteCount {
                expected: 1,
                got: votes.len(),
            })),
        },
    }
}

fn smallest_passing(
    model: &Model,
    decider: Decider,
    clause: ClauseRef,
) -> Result<Option<Vec<usize>>, AnalysisError> {
    match decider {
        Decider::Body { body, rule } => {
            let b = &model.bodies[body];
            voting::smallest_passing_coalition(b, &b.rule(rule).rule)
                .map_err(|e| gave_up(model, clause, decider, e))
        }
        Decider::Consent { .. } => Ok(Some(vec![0])),
    }
}

fn sole_passers(
    model: &Model,
    decider: Decider,
    clause: ClauseRef,
) -> Result<Vec<usize>, AnalysisError> {
    match decider {
        Decider::Body { body, rule } => {
            let b = &model.bodies[body];
            voting::sole_passers(b, &b.rule(rule).rule)
                .map_err(|e| gave_up(model, clause, decider, e))
        }
        Decider::Consent { .. } => Ok(vec![0]),
    }
}

/// Can the actors of `set` stop decision `d` going the clause's way, with everyone else
/// free (for a decision: they withhold in their best ways, the rest vote yes; for a lapse:
/// they vote yes, the rest withhold in their best ways)?
fn set_stops(model: &Model, d: &Decision, set: &BTreeSet<ActorId>) -> Result<bool, VotingError> {
    let members: Vec<usize> = d
        .voters
        .iter()
        .enumerate()
        .filter(|(_, a)| set.contains(a))
        .map(|(i, _)| i)
        .collect();
    match d.decider {
        Decider::Consent { .. } => Ok(!members.is_empty()),
        Decider::Body { body, rule } => {
            let b = &model.bodies[body];
            voting::set_blocks(b, &b.rule(rule).rule, &members, d.lapse)
        }
    }
}

/// Node budget of the search for the smallest coalition that closes every route.
const ROUTE_SEARCH_LIMIT: u64 = 2_000_000;

/// The fewest actors who close every possible route of a requirement: iterative deepening
/// over sets of the routes' voters (in actor order), from the largest of the routes' own
/// minimum sizes up; each set is checked decision by decision with `voting`.
fn smallest_across_routes(
    model: &Model,
    decisions: &[Decision],
    routes: &[RouteStatus],
    clause: ClauseRef,
) -> Result<Option<Vec<ActorId>>, AnalysisError> {
    let possible: Vec<&RouteStatus> = routes.iter().filter(|r| r.possible).collect();
    if possible.is_empty() {
        return Ok(None);
    }
    // The fewest who close route `r`: the fewest who stop one of its decisions (`None`
    // when nobody can, or when a decision's coalition is not known).
    let route_min = |r: &RouteStatus| -> Option<Vec<ActorId>> {
        if r.decisions.iter().any(|&i| !decisions[i].coalition_known) {
            return None;
        }
        r.decisions
            .iter()
            .filter_map(|&i| decisions[i].smallest_blocking_coalition.clone())
            .min_by_key(Vec::len)
    };
    if let [only] = possible.as_slice() {
        return Ok(route_min(only));
    }
    let candidates: Vec<ActorId> = possible
        .iter()
        .flat_map(|r| {
            r.decisions
                .iter()
                .flat_map(|&i| decisions[i].voters.iter().copied())
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let lower = possible
        .iter()
        .filter_map(|r| route_min(r).map(|c| c.len()))
        .max()
        .unwrap_or(1)
        .max(1);
    let mut nodes = 0u64;
    let closes = |set: &BTreeSet<ActorId>| -> Result<bool, VotingError> {
        for r in &possible {
            let mut closed = false;
            for &i in &r.decisions {
                if set_stops(model, &decisions[i], set)? {
                    closed = true;
                    break;
                }
            }
            if !closed {
                return Ok(false);
            }
        }
        Ok(true)
    };
    // Depth-first over combinations of size k, in candidate order.
    fn combos(
        candidates: &[ActorId],
        start: usize,
        k: usize,
        set: &mut BTreeSet<ActorId>,
        nodes: &mut u64,
        closes: &dyn Fn(&BTreeSet<ActorId>) -> Result<bool, VotingError>,
    ) -> Result<bool, VotingError> {
        *nodes += 1;
        if *nodes > ROUTE_SEARCH_LIMIT {
            return Err(VotingError::SearchLimit {
                nodes: ROUTE_SEARCH_LIMIT,
            });
        }
        if k == 0 {
            return closes(set);
        }
        for i in start..candidates.len() {
            if candidates.len() - i < k {
                break;
            }
            set.insert(candidates[i]);
            if combos(candidates, i + 1, k - 1, set, nodes, closes)? {
                return Ok(true);
            }
            set.remove(&candidates[i]);
        }
        Ok(false)
    }
    let route_gave_up = |e: VotingError| match e {
        VotingError::SearchLimit { .. } => AnalysisError::GaveUp(GaveUp::new(
            format!(
                "the smallest coalition that closes every route of a requirement of clause {}",
                model.clause(clause).id
            ),
            e.to_string(),
        )),
        other => AnalysisError::Voting(other),
    };
    for k in lower..=candidates.len() {
        let mut set = BTreeSet::new();
        if combos(&candidates, 0, k, &mut set, &mut nodes, &closes).map_err(route_gave_up)? {
            return Ok(Some(set.into_iter().collect()));
        }
    }
    Ok(None)
}

/// Each clause's status, from its decisions and the conflicts.
pub(crate) fn clause_statuses(
    model: &Model,
    treaty: TreatyId,
    decisions: &[Decision],
    consistency: &ConsistencyReport,
) -> Result<Vec<ClauseStatus>, AnalysisError> {
    let t = &model.treaties[treaty];
    let mut out = Vec::with_capacity(t.clauses.len());
    for (ci, clause) in t.clauses.iter().enumerate() {
        let cref = ClauseRef { treaty, clause: ci };
        let mut requirements = Vec::with_capacity(clause.requires.len());
        for (ri, req) in clause.requires.iter().enumerate() {
            let routes: Vec<RouteStatus> = req
                .routes
                .iter()
                .enumerate()
                .map(|(k, route)| {
                    let ds: Vec<usize> = decisions
                        .iter()
                        .enumerate()
                        .filter(|(_, d)| d.clause == cref && d.requirement == ri && d.route == k)
                        .map(|(i, _)| i)
                        .collect();
                    let possible = ds
                        .iter()
                        .all(|&i| decisions[i].preconditions.iter().all(|p| p.possible));
                    RouteStatus {
                        target: route.target,
                        lapse: route.lapse,
                        possible,
                        open: possible && ds.iter().all(|&i| decisions[i].can_pass),
                        decisions: ds,
                    }
                })
                .collect();
            let possible: Vec<&RouteStatus> = routes.iter().filter(|r| r.possible).collect();
            // Who closes a route alone: a veto player of any of its decisions.
            let closers = |r: &RouteStatus| -> BTreeSet<ActorId> {
                r.decisions
                    .iter()
                    .flat_map(|&i| decisions[i].structural_vetoes.iter().copied())
                    .collect()
            };
            let vetoes: Vec<ActorId> = match possible.split_first() {
                None => Vec::new(),
                Some((first, rest)) => {
                    let mut v = closers(first);
                    for r in rest {
                        let c = closers(r);
                        v.retain(|a| c.contains(a));
                    }
                    v.into_iter().collect()
                }
            };
            // Who opens a route alone: forces every one of its decisions.
            let forcers: BTreeSet<ActorId> = possible
                .iter()
                .flat_map(|r| {
                    let mut f: Option<BTreeSet<ActorId>> = None;
                    for &i in &r.decisions {
                        let mine: BTreeSet<ActorId> =
                            decisions[i].forcers.iter().copied().collect();
                        f = Some(match f {
                            None => mine,
                            Some(prev) => prev.intersection(&mine).copied().collect(),
                        });
                    }
                    f.unwrap_or_default()
                })
                .collect();
            let coalition_known = possible
                .iter()
                .all(|r| r.decisions.iter().all(|&i| decisions[i].coalition_known));
            let smallest = if coalition_known || possible.len() > 1 {
                smallest_across_routes(model, decisions, &routes, cref)?
            } else {
                None
            };
            // Several routes are searched exactly whatever each decision's own answer.
            let coalition_known = coalition_known || possible.len() > 1;
            requirements.push(RequirementStatus {
                coalition_known,
                met: routes.iter().any(|r| r.open),
                impossible: possible.is_empty(),
                vetoes,
                forcers: forcers.into_iter().collect(),
                smallest_blocking_coalition: smallest,
                routes,
            });
        }
        let contradictory = consistency.contradictory.contains(&cref);
        let vetoes: BTreeSet<ActorId> = requirements
            .iter()
            .flat_map(|r| r.vetoes.iter().copied())
            .collect();
        let forcers: Vec<ActorId> = match requirements.split_first() {
            None => Vec::new(),
            Some((first, rest)) => first
                .forcers
                .iter()
                .copied()
                .filter(|a| rest.iter().all(|r| r.forcers.contains(a)))
                .collect(),
        };
        let needs: BTreeSet<ActorId> = decisions
            .iter()
            .filter(|d| d.clause == cref)
            .flat_map(|d| d.voters.iter().copied())
            .collect();
        out.push(ClauseStatus {
            clause: cref,
            contradictory,
            impossible: requirements.iter().any(|r| r.impossible),
            // With contradictory facts nothing can hold, so no clause can be adopted.
            adoptable: consistency.facts_contradiction.is_none()
                && !contradictory
                && requirements.iter().all(|r| r.met),
            vetoes: vetoes.into_iter().collect(),
            forcers,
            non_parties: needs
                .iter()
                .copied()
                .filter(|a| !t.parties.contains(a))
                .collect(),
            needs: needs.into_iter().collect(),
            requirements,
        });
    }
    Ok(out)
}
