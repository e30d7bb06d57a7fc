//! JSON merge patch (RFC 7396).

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::error::{ApiError, ApiResult};
use crate::validation::FieldErrors;

pub use crate::http::extract::Patch;

/// Applies a client's merge patch to the current representation and reads the result back as the
/// resource's input type, which the caller then validates as a whole.
///
/// `read_only` members (identity, metadata, state) may not appear in the patch; `hint` explains
/// how they do change (e.g. through actions).
pub fn patched<I: DeserializeOwned>(
    current: &impl Serialize,
    patch: &Patch,
    read_only: &[&str],
    hint: &str,
) -> ApiResult<I> {
    let mut errors = FieldErrors::new();
    for field in read_only.iter().filter(|field| patch.contains_key(**field)) {
        errors.add(*field, "read_only", format!("{field} cannot be changed by a patch{hint}"));
    }
    if !errors.is_empty() {
        return errors.finish(|| None);
    }
    let mut document = serde_json::to_value(current).map_err(|err| ApiError::internal(err.to_string()))?;
    if let Value::Object(fields) = &mut document {
        for field in read_only {
            fields.remove(*field);
        }
    }
    apply(&mut document, &Value::Object(patch.clone()));
    crate::http::extract::from_json_value(document)
}

/// Applies `patch` to `target`: objects merge member by member, `null` removes a member, and any
/// other value replaces what was there.
pub fn apply(target: &mut Value, patch: &Value) {
    let Value::Object(patch) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    if let Value::Object(target) = target {
        for (name, value) in patch {
            if value.is_null() {
                target.remove(name);
            } else {
                apply(target.entry(name.clone()).or_insert(Value::Null), value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn follows_the_rfc_7396_examples() {
        let mut doc = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        super::apply(&mut doc, &json!({"a": "z", "c": {"f": null}}));
        assert_eq!(doc, json!({"a": "z", "c": {"d": "e"}}));
        let mut doc = json!({"a": ["b"]});
        super::apply(&mut doc, &json!({"a": "c"}));
        assert_eq!(doc, json!({"a": "c"}));
        let mut doc = json!({"e": null});
        super::apply(&mut doc, &json!({"a": 1}));
        assert_eq!(doc, json!({"e": null, "a": 1}));
    }
}
