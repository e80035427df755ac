//! Human and JSON rendering of the consistency analysis.

use treaty::model::{CmpOp, Model, RedLineKind};
use treaty::report::conflicts::{render_human, to_json};
use treaty::solve::synth::{ex::*, Builder};
use treaty::solve::{check_consistency, Options};

fn plan() -> Model {
    let mut b = Builder::new("plan.treaty");
    let x = b.int_var("UKR.armed_forces");
    let tc = b.bool_var("territory_changed_by_force");
    b.fact(bound(x, CmpOp::Ge, 0));
    let pol = b.actor("POL", "Poland");
    let deu = b.actor("DEU", "Germany");
    let t = b.treaty("Plan28", None);
    b.clause(
        t,
        "6",
        Some("Ukrainian Armed Forces limited to 600,000 personnel"),
        vec![bound(x, CmpOp::Le, 600_000)],
    );
    b.clause(t, "21a", None, vec![bv(tc)]);
    let p = b.position("EU_three_elements", &[pol, deu]);
    b.red_line(
        p,
        "borders cannot be changed by force",
        RedLineKind::Must,
        not(bv(tc)),
    );
    b.red_line(
        p,
        "no limits on Ukraine's armed forces",
        RedLineKind::Possible,
        bound(x, CmpOp::Gt, 600_000),
    );
    b.build()
}

fn main_out(m: &Model) -> treaty::solve::Consistency {
    check_consistency(m, 0, &Options::default()).expect("no internal error")
}

#[test]
fn human_report_points_at_source_lines() {
    let m = plan();
    let text = render_human(&m, 0, &main_out(&m));
    let expected = r#"treaty Plan28: 2 conflicts

conflict C1: 2 items cannot hold together
  clause 6 "Ukrainian Armed Forces limited to 600,000 personnel" of Plan28
    at plan.treaty:8:5
    | UKR.armed_forces <= 600000
  possible red line "no limits on Ukraine's armed forces" of position EU_three_elements (held by POL, DEU)
    at plan.treaty:15:3
    | red line "no limits on Ukraine's armed forces": possible UKR.armed_forces > 600000
  reason: `UKR.armed_forces` cannot be both at most 600000 and more than 600000

conflict C2: 2 items cannot hold together
  clause 21a of Plan28
    at plan.treaty:11:5
    | territory_changed_by_force
  red line "borders cannot be changed by force" of position EU_three_elements (held by POL, DEU)
    at plan.treaty:14:3
    | red line "borders cannot be changed by force": not territory_changed_by_force
  reason: `territory_changed_by_force` cannot be both true and false
"#;
    assert_eq!(text, expected);
}

#[test]
fn json_report_has_stable_fields() {
    let m = plan();
    let json = serde_json::to_value(to_json(&m, 0, &main_out(&m))).expect("serialisable");
    assert_eq!(json["status"], "conflicts");
    assert_eq!(json["truncated"], false);
    let c1 = &json["conflicts"][0];
    assert_eq!(c1["id"], "C1");
    assert_eq!(
        c1["items"][0],
        serde_json::json!({"kind": "clause", "treaty": "Plan28", "id": "6",
            "title": "Ukrainian Armed Forces limited to 600,000 personnel",
            "file": "plan.treaty", "line": 8, "column": 5, "text": "UKR.armed_forces <= 600000"})
    );
    assert_eq!(c1["items"][1]["kind"], "red_line");
    assert_eq!(c1["items"][1]["strength"], "possible");
    assert_eq!(c1["items"][1]["holders"], serde_json::json!(["POL", "DEU"]));
}

#[test]
fn consistent_treaty_shows_its_witness() {
    let mut b = Builder::new("ok.treaty");
    let x = b.int_var("x");
    let p = b.bool_var("p");
    let t = b.treaty("T", None);
    b.clause(t, "1", None, vec![bound(x, CmpOp::Eq, 3), not(bv(p))]);
    let m = b.build();
    let out = main_out(&m);
    assert_eq!(
        render_human(&m, 0, &out),
        "treaty T: no conflict\n  for example: p = false, x = 3\n"
    );
    let json = serde_json::to_value(to_json(&m, 0, &out)).expect("serialisable");
    assert_eq!(json["status"], "consistent");
    assert_eq!(
        json["witness"],
        serde_json::json!([{"var": "p", "value": false}, {"var": "x", "value": 3}])
    );
}
