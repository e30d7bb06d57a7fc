//! JSON merge patch (RFC 7396).

use serde_json::Value;

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
