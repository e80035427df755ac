//! Several files in one run, each with its imports a unit of its own (its own model and
//! namespace): their documents joined into one, still version 2. Each treaty (and each
//! treaty the solver gave up on) says which file's unit it came from in `unit`; `units`
//! lists the files; `loaded` holds every unit's lists one after the other (each entry
//! keeps its file and line) and the sum of their expectations. With one unit nothing is
//! added, so a one-file document is unchanged. The human text is each unit's report in
//! turn under a `file NAME` line (`human`).

use super::wire::{CheckDoc, VetoesDoc};

/// The check documents of several units, each with its file, as one.
pub fn check(mut docs: Vec<(String, CheckDoc)>) -> Option<CheckDoc> {
    if docs.len() <= 1 {
        return docs.pop().map(|(_, d)| d);
    }
    let mut parts = docs.into_iter();
    let (first_file, mut out) = parts.next()?;
    mark_check(&mut out, &first_file);
    out.units.push(first_file);
    for (file, mut d) in parts {
        mark_check(&mut d, &file);
        out.treaties.append(&mut d.treaties);
        out.undecided.append(&mut d.undecided);
        out.given.append(&mut d.given);
        let (l, m) = (&mut out.loaded, &mut d.loaded);
        l.files.append(&mut m.files);
        l.actors.append(&mut m.actors);
        l.bodies.append(&mut m.bodies);
        l.variables.append(&mut m.variables);
        l.facts.append(&mut m.facts);
        l.treaties.append(&mut m.treaties);
        l.positions.append(&mut m.positions);
        l.procedures.append(&mut m.procedures);
        l.groups.append(&mut m.groups);
        l.expectations += m.expectations;
        out.units.push(file);
    }
    Some(out)
}

fn mark_check(d: &mut CheckDoc, file: &str) {
    for t in &mut d.treaties {
        t.unit = Some(file.to_string());
    }
    for u in &mut d.undecided {
        u.unit = Some(file.to_string());
    }
}

/// The vetoes documents of several units, each with its file, as one.
pub fn vetoes(mut docs: Vec<(String, VetoesDoc)>) -> Option<VetoesDoc> {
    if docs.len() <= 1 {
        return docs.pop().map(|(_, d)| d);
    }
    let mut out: Option<VetoesDoc> = None;
    for (file, mut d) in docs {
        for t in &mut d.treaties {
            t.unit = Some(file.clone());
        }
        for u in &mut d.undecided {
            u.unit = Some(file.clone());
        }
        match &mut out {
            None => {
                d.units.push(file);
                out = Some(d);
            }
            Some(o) => {
                o.treaties.append(&mut d.treaties);
                o.undecided.append(&mut d.undecided);
                o.given.append(&mut d.given);
                o.units.push(file);
            }
        }
    }
    out
}

/// The human text of several units: each unit's text under `file NAME`, a blank line
/// between; one unit's text as it is.
pub fn human(texts: &[(String, String)]) -> String {
    if let [(_, only)] = texts {
        return only.clone();
    }
    let mut out = String::new();
    for (file, text) in texts {
        if !out.is_empty() && !out.ends_with("\n\n") {
            out.push('\n');
        }
        out.push_str(&format!("file {file}\n\n{text}"));
    }
    out
}
