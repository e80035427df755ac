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
use crate::model::{
    ActorId, Ballot, BodyId, ClauseRef, Formula, Loc, Model, RuleId, Target, TreatyId,
};
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
    /// Actors who can alone close every possible route (all votes free), and for each
    /// (`veto_ballots[i]`) the ways of withholding that close every one of them.
    pub vetoes: Vec<ActorId>,
    pub veto_ballots: Vec<Vec<Ballot>>,
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
    /// For a lapse: the fewest whose yes votes renew it (`None`: not computed). Asked the
    /// first time a lapse route needs it.
    passing: Option<Option<Vec<usize>>>,
}

/// The value of `key` in `map`, computed by `compute` the first time it is asked for.
fn memo<K: Ord, V, E>(
    map: &mut BTreeMap<K, V>,
    key: K,
    compute: impl FnOnce() -> Result<V, E>,
) -> Result<&mut V, E> {
    Ok(match map.entry(key) {
        Entry::Occupied(e) => e.into_mut(),
        Entry::Vacant(e) => e.insert(compute()?),
    })
}

/// Answers to preconditions, by clause and place of the formula.
pub(crate) type Preconditions = BTreeMap<(ClauseRef, Loc), solve::PreconditionCheck>;

/// The precondition answers `decisions` hold, to be reused for a model with the same facts
/// and clauses.
pub(crate) fn preconditions_of(decisions: &[Decision]) -> Preconditions {
    let mut out = Preconditions::new();
    for d in decisions {
        for p in &d.preconditions {
            out.insert(
                (d.clause, p.formula.loc),
                solve::PreconditionCheck {
                    possible: p.possible,
                    facts: p.facts.clone(),
                },
            );
        }
    }
    out
}

/// Every decision of `treaty`, clause by clause, requirement by requirement, route by
/// route.
pub(crate) fn all(
    model: &Model,
    treaty: TreatyId,
    votes: &VoteTable<'_>,
    options: &solve::Options,
    known: Preconditions,
) -> Result<Vec<Decision>, AnalysisError> {
    let mut structural: BTreeMap<Decider, Structural> = BTreeMap::new();
    // Preconditions by (clause, place of the formula): `each of` repeats a route's; those
    // `known` were answered for a model with the same facts and clauses (a scenario's base).
    let mut asked = known;
    let mut out = Vec::new();
    for (ci, clause) in model.treaties[treaty].clauses.iter().enumerate() {
        let cref = ClauseRef { treaty, clause: ci };
        for (requirement, req) in clause.requires.iter().enumerate() {
            for (route_index, route) in req.routes.iter().enumerate() {
                for (decider, consent_of, proc_when) in steps(model, route.target) {
                    let mut preconditions = Vec::new();
                    for f in route.when.iter().chain(proc_when) {
                        let check = memo(&mut asked, (cref, f.loc), || {
                            solve::precondition_holds(model, cref, &f.expr, options)
                        })?;
                        preconditions.push(Precondition {
                            formula: f.clone(),
                            possible: check.possible,
                            facts: check.facts.clone(),
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
                    let s = memo(&mut structural, decider, || {
                        let all_free = vec![Vote::Free; voters.len()];
                        Ok::<_, AnalysisError>(Structural {
                            free: answer(model, decider, &all_free, cref)?,
                            sole_passers: sole_passers(model, decider, cref)?,
                            passing: None,
                        })
                    })?;
                    let to_actors =
                        |ms: &[usize]| ms.iter().map(|&m| voters[m]).collect::<Vec<_>>();
                    let outcome = if route.lapse {
                        // The clause's way is failure: those who can alone make it pass
                        // stop the clause, its veto players force it, and the fewest who
                        // can stop it together are the fewest whose yes renews it.
                        if s.passing.is_none() {
                            s.passing = Some(smallest_passing(model, decider, cref)?);
                        }
                        let passing = s.passing.clone().flatten();
                        let renewing: Vec<ActorId> = voters
                            .iter()
                            .zip(&fixed)
                            .filter(|(_, v)| **v == Vote::Yes)
                            .map(|(a, _)| *a)
                            .collect();
                        Outcome {
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
                        }
                    } else {
                        Outcome {
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
                        }
                    };
                    out.push(Decision {
                        clause: cref,
                        requirement,
                        route: route_index,
                        decider,
                        consent_of,
                        lapse: route.lapse,
                        preconditions,
                        can_pass: outcome.can_pass,
                        blockers: outcome.blockers,
                        structural_vetoes: outcome.structural_vetoes,
                        veto_ballots: outcome.veto_ballots,
                        forcers: outcome.forcers,
                        smallest_blocking_coalition: outcome.smallest_blocking_coalition,
                        coalition_ballots: outcome.coalition_ballots,
                        coalition_known: outcome.coalition_known,
                        voters,
                        votes: fixed,
                        no_reasons,
                    });
                }
            }
        }
    }
    Ok(out)
}

/// What differs between a decision that must pass and one that must fail (a lapse).
struct Outcome {
    can_pass: bool,
    blockers: Vec<ActorId>,
    structural_vetoes: Vec<ActorId>,
    veto_ballots: Vec<Vec<Ballot>>,
    forcers: Vec<ActorId>,
    smallest_blocking_coalition: Option<Vec<ActorId>>,
    coalition_ballots: Vec<Ballot>,
    coalition_known: bool,
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
pub(crate) fn answer(
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

/// Budget of the search for the smallest coalition that closes every route, in candidate
/// sets checked.
const ROUTE_SEARCH_LIMIT: u64 = 2_000_000;

/// The fewest actors who close every possible route of a requirement: sets of the routes'
/// voters, in actor order, by increasing size from the largest of the routes' own minimum
/// sizes (`voting::first_subset`); a set closes a route when it stops one of its decisions
/// (for a decision, its withholding makes it fail; for a lapse, its yes votes renew it),
/// asked of `voting` on each decision's rule prepared once.
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
    let gave_up = |e: VotingError| match e {
        VotingError::SearchLimit { .. } => AnalysisError::GaveUp(GaveUp::new(
            format!(
                "the smallest coalition that closes every route of a requirement of clause {}",
                model.clause(clause).id
            ),
            e.to_string(),
        )),
        other => AnalysisError::Voting(other),
    };
    // Each decision's rule, prepared once for the whole search.
    let mut prepared: BTreeMap<usize, voting::PreparedRule> = BTreeMap::new();
    for &i in possible.iter().flat_map(|r| &r.decisions) {
        if let Decider::Body { body, rule } = decisions[i].decider {
            let b = &model.bodies[body];
            let p = voting::PreparedRule::new(b, &b.rule(rule).rule).map_err(gave_up)?;
            prepared.insert(i, p);
        }
    }
    // Does `set` stop decision `i` going the clause's way, everyone else free?
    let stops = |i: usize, set: &[ActorId]| -> Result<bool, VotingError> {
        let d = &decisions[i];
        let members: Vec<usize> = (0..d.voters.len())
            .filter(|&m| set.contains(&d.voters[m]))
            .collect();
        match prepared.get(&i) {
            Some(p) => p.set_blocks(&members, d.lapse),
            // A consent: stopped by its one voter.
            None => Ok(!members.is_empty()),
        }
    };
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
    let mut checked = 0u64;
    let mut closes_all = |set: &[ActorId]| -> Result<bool, VotingError> {
        checked += 1;
        if checked > ROUTE_SEARCH_LIMIT {
            return Err(VotingError::SearchLimit {
                nodes: ROUTE_SEARCH_LIMIT,
            });
        }
        for r in &possible {
            let mut closed = false;
            for &i in &r.decisions {
                if stops(i, set)? {
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
    for k in lower..=candidates.len() {
        if let Some(set) = voting::first_subset(&candidates, k, &mut closes_all).map_err(gave_up)? {
            return Ok(Some(set));
        }
    }
    Ok(None)
}

impl ClauseStatus {
    /// Some requirement has no possible route (a precondition fails on every one).
    pub fn impossible(&self) -> bool {
        self.requirements.iter().any(|r| r.impossible)
    }
}

/// The keys present in every one of `maps` (none when there is no map), each with its
/// values merged by `merge`.
fn common<K: Ord, V>(
    maps: impl IntoIterator<Item = BTreeMap<K, V>>,
    merge: impl Fn(&mut V, V),
) -> BTreeMap<K, V> {
    let mut maps = maps.into_iter();
    let mut out = maps.next().unwrap_or_default();
    for mut m in maps {
        out.retain(|k, _| m.contains_key(k));
        for (k, v) in out.iter_mut() {
            if let Some(other) = m.remove(k) {
                merge(v, other);
            }
        }
    }
    out
}

/// Each clause's status, from its decisions and the conflicts.
pub(crate) fn clause_statuses(
    model: &Model,
    treaty: TreatyId,
    decisions: &[Decision],
    consistency: &ConsistencyReport,
) -> Result<Vec<ClauseStatus>, AnalysisError> {
    let t = &model.treaties[treaty];
    // The decisions of each (clause, requirement, route), found in one pass.
    let mut by_route: BTreeMap<(usize, usize, usize), Vec<usize>> = BTreeMap::new();
    for (i, d) in decisions.iter().enumerate() {
        by_route
            .entry((d.clause.clause, d.requirement, d.route))
            .or_default()
            .push(i);
    }
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
                    let ds = by_route.remove(&(ci, ri, k)).unwrap_or_default();
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
            // Who closes a route alone, and how: a veto player of any of its decisions,
            // with every way that works on one of them.
            let closers = |r: &&RouteStatus| -> BTreeMap<ActorId, BTreeSet<Ballot>> {
                let mut ways: BTreeMap<ActorId, BTreeSet<Ballot>> = BTreeMap::new();
                for &i in &r.decisions {
                    let d = &decisions[i];
                    for (&a, by) in d.structural_vetoes.iter().zip(&d.veto_ballots) {
                        ways.entry(a).or_default().extend(by.iter().copied());
                    }
                }
                ways
            };
            // A veto of the requirement closes every possible route; a way of it works on
            // every one.
            let vetoes = common(possible.iter().map(closers), |w, other| {
                w.retain(|b| other.contains(b))
            });
            // Who opens a route alone: forces every one of its decisions.
            let forcers: BTreeSet<ActorId> = possible
                .iter()
                .flat_map(|r| {
                    let each = r.decisions.iter().map(|&i| {
                        decisions[i]
                            .forcers
                            .iter()
                            .map(|&a| (a, ()))
                            .collect::<BTreeMap<_, _>>()
                    });
                    common(each, |_, _| {}).into_keys()
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
            let (vetoes, veto_ballots) = vetoes
                .into_iter()
                .map(|(a, w)| (a, w.into_iter().collect::<Vec<_>>()))
                .unzip();
            requirements.push(RequirementStatus {
                coalition_known,
                met: routes.iter().any(|r| r.open),
                impossible: possible.is_empty(),
                vetoes,
                veto_ballots,
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
        let each = requirements.iter().map(|r| {
            r.forcers
                .iter()
                .map(|&a| (a, ()))
                .collect::<BTreeMap<_, _>>()
        });
        let forcers: Vec<ActorId> = common(each, |_, _| {}).into_keys().collect();
        let needs: BTreeSet<ActorId> = requirements
            .iter()
            .flat_map(|r| &r.routes)
            .flat_map(|r| &r.decisions)
            .flat_map(|&i| decisions[i].voters.iter().copied())
            .collect();
        out.push(ClauseStatus {
            clause: cref,
            contradictory,
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
