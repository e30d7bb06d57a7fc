//! The committed contract must be what the code generates, and complete.

use std::collections::HashMap;

use serde_json::Value;

const COMMITTED: &str = "openapi/openapi.json";

#[test]
fn committed_openapi_document_matches_the_code() {
    let generated = serde_json::to_string_pretty(&cus_api::startup::openapi()).unwrap() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(COMMITTED);
    if std::env::var("UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{COMMITTED} is out of date with the code: regenerate it with `cargo run -- openapi > {COMMITTED}` \
         (or `UPDATE_OPENAPI=1 cargo test --test api openapi`) and commit it"
    );
}

#[test]
fn every_operation_has_a_summary_a_tag_examples_and_problem_responses() {
    let document = serde_json::to_value(cus_api::startup::openapi()).unwrap();
    let mut operations = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            operations += 1;
            let name = format!("{method} {path}");
            assert!(operation["summary"].as_str().is_some_and(|s| !s.is_empty()), "{name}: summary");
            assert!(operation["tags"].as_array().is_some_and(|t| !t.is_empty()), "{name}: tags");
            let responses = operation["responses"].as_object().unwrap();
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    assert!(
                        response["content"]["application/problem+json"].is_object(),
                        "{name}: {status} must be documented as application/problem+json"
                    );
                }
            }
            if path.starts_with("/api/") {
                assert!(responses.contains_key("503"), "{name}: documents 503");
                if let Some(body) = operation.get("requestBody") {
                    let has_example =
                        body["content"].as_object().unwrap().values().any(|media| {
                            media.get("example").is_some() || schema_has_example(&document, &media["schema"])
                        });
                    assert!(has_example, "{name}: request example");
                }
            }
        }
    }
    assert!(operations >= 9, "found only {operations} operations");
}

fn schema_has_example(document: &Value, schema: &Value) -> bool {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.rsplit('/').next().unwrap();
            document["components"]["schemas"][name].get("example").is_some()
        }
        None => schema.get("example").is_some() || schema.get("examples").is_some(),
    }
}

#[test]
fn shared_parameters_and_required_fields_say_what_the_server_enforces() {
    let document = serde_json::to_value(cus_api::startup::openapi()).unwrap();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let (name, schema) = (parameter["name"].as_str().unwrap(), &parameter["schema"]);
                let at = format!("{method} {path} {name}");
                match (parameter["in"].as_str().unwrap(), name) {
                    ("query", "limit") => {
                        assert_eq!((&schema["minimum"], &schema["maximum"]), (&1.into(), &200.into()), "{at}")
                    }
                    ("header", "If-Match" | "Idempotency-Key") | ("query", "cursor" | "q") => {
                        assert_eq!(schema["minLength"], 1, "{at}");
                        assert!(schema["pattern"].is_string(), "{at}");
                    }
                    ("query", _)
                        if schema["type"] == "string"
                            && schema.get("enum").is_none()
                            && schema.get("format").is_none() =>
                    {
                        assert!(schema["pattern"].is_string(), "{at}: free text excludes U+0000")
                    }
                    _ => {}
                }
            }
        }
    }
    for (name, schema) in document["components"]["schemas"].as_object().unwrap() {
        for required in schema["required"].as_array().into_iter().flatten() {
            let property = &schema["properties"][required.as_str().unwrap()];
            let nullable = property["type"].as_array().is_some_and(|types| types.contains(&"null".into()))
                || property["oneOf"].as_array().is_some_and(|one| one.iter().any(|s| s["type"] == "null"));
            assert!(!nullable, "{name}.{required} is required, so null is not a value for it");
        }
    }
}

/// utoipa keeps one schema per name, so two Rust types of one name would silently share it (a
/// provider's offer was once documented as a small grant's offer publication): every type the
/// contract documents, by `derive(ToSchema)` or `text_enum!`, has a name of its own.
#[test]
fn types_the_contract_documents_have_names_of_their_own() {
    let mut files = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    let mut first_seen: HashMap<String, String> = HashMap::new();
    let mut twins = Vec::new();
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|entry| entry.unwrap().path()));
            continue;
        }
        if path.extension().is_none_or(|extension| extension != "rs") {
            continue;
        }
        let mut documented = false;
        for line in std::fs::read_to_string(&path).unwrap().lines().map(str::trim) {
            if line.contains("ToSchema") && !line.starts_with("use ") || line.starts_with("crate::text_enum!") {
                documented = true;
            }
            let Some(rest) = ["pub struct ", "pub enum "].iter().find_map(|prefix| line.strip_prefix(prefix)) else {
                continue;
            };
            let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            let place = format!("{}", path.display());
            if std::mem::take(&mut documented) {
                if let Some(first) = first_seen.insert(name.clone(), place.clone()) {
                    twins.push(format!("{name}: {first} and {place}"));
                }
            }
        }
    }
    assert!(twins.is_empty(), "types documented under one schema name: {twins:#?}");
    assert!(
        first_seen.contains_key("Offer") && first_seen.contains_key("ServicePlan"),
        "the scan found {first_seen:?}"
    );
}
