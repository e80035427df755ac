//! Random treaty sources for the differential tests of the analysis (voting_differential.rs,
//! winover_brute.rs).

use treaty::model::synth::Rng;

/// Writes a random treaty source: a few actors, a weighted and an unweighted body with
/// random rules of the new forms, domestic procedures with preconditions, clauses whose
/// requirements have one or several routes (bodies under named rules, consents, `each
/// of`, lapses, preconditions), and positions with red lines and every kind of stance.
/// Some texts do not load (a rule that never passes or always passes); they are skipped.
pub fn random_text(seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let r = &mut rng;
    let n_actors = 3 + r.below(4);
    let actor = |i: usize| format!("A{i}");
    let mut s = String::new();
    s.push_str("actors { ");
    s.push_str(
        &(0..n_actors)
            .map(|i| format!("{} \"actor {i}\"", actor(i)))
            .collect::<Vec<_>>()
            .join(", "),
    );
    s.push_str(" }\nvar x: int\nvar y: bool\nfact x >= 0\n");
    if r.below(4) == 0 {
        s.push_str("fact x <= 6\n");
    }
    let formula = |r: &mut Rng| -> String {
        let atoms = [
            "x > 2", "x <= 5", "y", "not y", "x == 3", "x >= 8", "x < 1", "x != 4",
        ];
        let a = atoms[r.below(atoms.len())];
        match r.below(4) {
            0 => format!("{a} and {}", atoms[r.below(atoms.len())]),
            1 => format!("{a} or {}", atoms[r.below(atoms.len())]),
            _ => a.to_string(),
        }
    };
    // Bodies: members (a random subset of the actors, at least one), weights in `w` for B0.
    let mut bodies: Vec<(String, Vec<usize>, Option<Vec<usize>>)> = Vec::new();
    for b in 0..2 {
        let mut members: Vec<usize> = (0..n_actors).filter(|_| r.below(3) != 0).collect();
        if members.is_empty() {
            members.push(r.below(n_actors));
        }
        let weights = (b == 0).then(|| members.iter().map(|_| r.below(5)).collect());
        bodies.push((format!("B{b}"), members, weights));
    }
    let rule_text = |r: &mut Rng, members: &[usize], weights: &Option<Vec<usize>>| -> String {
        let n = members.len();
        let atom = |r: &mut Rng| -> String {
            let (dim, total) = match weights {
                Some(ws) if r.below(2) == 0 => ("w", ws.iter().sum()),
                _ => ("members", n),
            };
            let quota = ["at least", "more than"][r.below(2)];
            let upper = ["at most", "less than"][r.below(2)];
            let ratios = [
                "1/2", "2/3", "1/3", "50%", "66.7%", "25%", "3/4", "1/1", "0/1",
            ];
            let ratio = ratios[r.below(ratios.len())];
            // Below the total, so that no count is out of reach or always met.
            let count = r.below(total);
            match r.below(12) {
                0 => "unanimity".into(),
                1 => "majority".into(),
                2 => format!("{quota} {ratio} of {dim}"),
                3 => format!("{quota} {ratio} of {dim} cast"),
                4 => format!("{quota} {ratio} of {dim} present"),
                5 => format!("{quota} {count} {dim}"),
                6 => {
                    let what = ["against", "abstaining", "absent", "not in favour"][r.below(4)];
                    if r.below(2) == 0 {
                        format!("{upper} {count} {dim} {what}")
                    } else {
                        format!("{upper} {ratio} of {dim} {what}")
                    }
                }
                7 => {
                    if r.below(2) == 0 {
                        format!("quorum {quota} {count} {dim}")
                    } else {
                        format!("quorum {quota} {ratio} of {dim}")
                    }
                }
                8 => format!("no veto from {}", actor(members[r.below(members.len())])),
                9 => format!("all of {}", actor(members[r.below(members.len())])),
                10 => format!("at most {} members against", r.below(n)),
                _ => format!("{quota} {ratio} of {dim} cast and quorum {quota} 1/2 of {dim}"),
            }
        };
        match r.below(4) {
            0 => format!("{} or {}", atom(r), atom(r)),
            1 => format!("({} or {}) and {}", atom(r), atom(r), atom(r)),
            _ => atom(r),
        }
    };
    for (id, members, weights) in &bodies {
        s.push_str(&format!("body {id} {{\n  members "));
        if let Some(ws) = weights {
            let ms: Vec<String> = members
                .iter()
                .zip(ws)
                .map(|(&m, w)| format!("{} w {w}", actor(m)))
                .collect();
            s.push_str(&format!("{{ {} }}", ms.join(", ")));
        } else {
            let ms: Vec<String> = members.iter().map(|&m| actor(m)).collect();
            s.push_str(&ms.join(", "));
        }
        s.push_str(&format!(
            "\n  decides by {}\n  rule r1: {}\n}}\n",
            rule_text(r, members, weights),
            rule_text(r, members, weights)
        ));
    }
    // Domestic procedures: some actors consent through a body.
    for a in 0..n_actors {
        for _ in 0..r.below(3).saturating_sub(1) {
            let b = r.below(2);
            let by_rule = if r.below(2) == 0 { " by r1" } else { "" };
            let when = if r.below(3) == 0 {
                format!(" when {}", formula(r))
            } else {
                String::new()
            };
            s.push_str(&format!("consent {} by B{b}{by_rule}{when}\n", actor(a)));
        }
    }
    let route = |r: &mut Rng| -> String {
        let (lapse, target) = match r.below(5) {
            0 => (r.below(3) == 0, "B0".to_string()),
            1 => (r.below(3) == 0, "B1 by r1".to_string()),
            // A lapse needs one decision: never `each of`.
            2 => (false, format!("each of B{}", r.below(2))),
            _ => (r.below(4) == 0, actor(r.below(n_actors))),
        };
        let lapse = if lapse { "lapse of " } else { "" };
        let when = if r.below(4) == 0 {
            format!(" when {}", formula(r))
        } else {
            String::new()
        };
        format!("{lapse}{target}{when}")
    };
    let n_clauses = 1 + r.below(3);
    let parties: Vec<String> = (0..n_actors)
        .filter(|_| r.below(3) == 0)
        .map(actor)
        .collect();
    s.push_str("treaty T {\n");
    if !parties.is_empty() {
        s.push_str(&format!("  parties {}\n", parties.join(", ")));
    }
    for c in 0..n_clauses {
        s.push_str(&format!("  clause c{c} {{\n"));
        if r.below(2) == 0 {
            s.push_str(&format!("    {}\n", formula(r)));
        }
        for _ in 0..1 + r.below(2) {
            if r.below(3) == 0 {
                let routes: Vec<String> = (0..1 + r.below(3)).map(|_| route(r)).collect();
                s.push_str(&format!(
                    "    requires any of {{ {} }}\n",
                    routes.join(", ")
                ));
            } else {
                s.push_str(&format!("    requires {}\n", route(r)));
            }
        }
        s.push_str("  }\n");
    }
    s.push_str("}\n");
    for p in 0..r.below(4) {
        let holders = if r.below(4) == 0 {
            format!("each of B{}", r.below(2))
        } else {
            let mut hs: Vec<String> = (0..n_actors)
                .filter(|_| r.below(3) == 0)
                .map(actor)
                .collect();
            if hs.is_empty() {
                hs.push(actor(r.below(n_actors)));
            }
            hs.join(", ")
        };
        s.push_str(&format!("position P{p} {{\n  held by {holders}\n"));
        if r.below(2) == 0 {
            let possible = if r.below(3) == 0 { "possible " } else { "" };
            s.push_str(&format!("  red line \"l\": {possible}{}\n", formula(r)));
        }
        for c in 0..n_clauses {
            let stance = ["supports", "opposes", "abstains on", "", ""][r.below(5)];
            if !stance.is_empty() {
                s.push_str(&format!("  {stance} clause c{c}\n"));
            }
        }
        s.push_str("}\n");
    }
    s
}
