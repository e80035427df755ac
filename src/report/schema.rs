//! JSON Schemas (draft 2020-12) of every JSON document the tool prints, derived with
//! `schemars` from the same wire types that `serde` prints, so a schema cannot say other
//! than the output does. `treaty schema DOC` prints one; `docs/schema/DOC.json` are the
//! committed copies, kept equal to these by `tests/schema.rs`. SARIF (`check --format
//! sarif`) follows the external SARIF 2.1.0 schema instead.

use schemars::generate::SchemaSettings;
use schemars::JsonSchema;

/// Each document with a schema: its name (`treaty schema NAME`, `docs/schema/NAME.json`),
/// and what prints it.
pub const DOCS: [(&str, &str); 8] = [
    ("check", "treaty check --format json (version 2)"),
    ("vetoes", "treaty vetoes --format json (version 2)"),
    ("power", "treaty power --format json (version 1)"),
    ("repair", "treaty repair --format json (version 1)"),
    ("diff", "treaty diff --format json (version 1)"),
    ("scenarios", "treaty scenarios --format json"),
    (
        "loaded",
        "what was loaded: the \"loaded\" member of the check document",
    ),
    ("test", "treaty test --format json (version 1)"),
];

/// The schema of document `name` (one of `DOCS`), as pretty JSON with a final newline.
pub fn schema(name: &str) -> Option<String> {
    let value = match name {
        "check" => of::<super::wire::CheckDoc>(name),
        "vetoes" => of::<super::wire::VetoesDoc>(name),
        "power" => of::<super::power::PowerReport>(name),
        "repair" => of::<super::repair::RepairDoc>(name),
        "diff" => of::<super::diff::DiffDoc>(name),
        "scenarios" => of::<super::scenarios::ScenariosDoc>(name),
        "loaded" => of::<super::loaded::LoadedOut>(name),
        "test" => of::<super::test_doc::TestDoc>(name),
        _ => return None,
    };
    let mut text = serde_json::to_string_pretty(&value).ok()?;
    text.push('\n');
    Some(text)
}

/// The schema of `T` as it is printed (a field skipped when empty is not required), with
/// the document's name as `$id` and what prints it as description.
fn of<T: JsonSchema>(name: &str) -> serde_json::Value {
    let mut value = SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<T>()
        .to_value();
    if let Some(obj) = value.as_object_mut() {
        let what = DOCS
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, w)| *w);
        obj.insert(
            "$id".to_string(),
            serde_json::Value::String(format!("treaty/{name}.json")),
        );
        obj.insert(
            "description".to_string(),
            serde_json::Value::String(format!("The JSON document of {what}.")),
        );
    }
    value
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_document_has_a_schema_with_its_version_or_members() {
        for (name, _) in super::DOCS {
            let text = super::schema(name).unwrap_or_default();
            assert!(text.contains("\"properties\""), "{name}");
        }
        assert!(super::schema("nothing").is_none());
    }
}
