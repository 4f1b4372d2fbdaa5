//! Request validation that fails the way Rocket.Chat fails.
//!
//! Rocket.Chat checks parameters in three ways, each with its own error text:
//! * Ajv inside legacy routes (`validateParams`): `"must have required property 'rid' [invalid-params]"`;
//! * Ajv in typed routes: `"must have required property 'token'"`, `errorType: "error-invalid-params"`;
//! * Meteor `check()`: `"Match error: Missing key 'token'"`.
//!
//! Ajv runs with `coerceTypes: true`, so `"limit": "20"` is a number and `"msg": 5` a string;
//! `check()` coerces nothing. A schema here is a static table; [`check`] coerces the value in
//! place and reports the first failure in Ajv's keyword order (required, additional properties,
//! then each property).

use serde_json::{Map, Value};

use crate::error::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// Ajv in a legacy route: `invalid-params`.
    Legacy,
    /// Ajv in a typed route: `error-invalid-params`.
    Typed,
    /// Meteor `check()`: `Match error: …`.
    Check,
}

#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Str,
    /// A string of at least one character (Ajv `minLength: 1`).
    NonEmptyStr,
    Bool,
    Int,
    Arr {
        of: &'static Kind,
        min: usize,
    },
    Obj(&'static Schema),
    /// `null` or the inner kind (Meteor's `Match.Maybe`).
    Maybe(&'static Kind),
    /// Anything (an opaque JSON value).
    Any,
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
}

#[derive(Debug, Clone, Copy)]
pub struct Schema {
    pub fields: &'static [Field],
    /// Whether keys not listed are allowed.
    pub additional: bool,
}

pub const fn req(name: &'static str, kind: Kind) -> Field {
    Field { name, kind, required: true }
}

pub const fn opt(name: &'static str, kind: Kind) -> Field {
    Field { name, kind, required: false }
}

/// Validates (and, for Ajv styles, coerces) `value` against `schema`.
pub fn check(value: &mut Value, schema: &'static Schema, style: Style) -> Result<(), ApiError> {
    check_kind(value, &Kind::Obj(schema), style, "").map_err(|e| e.into_api(style))
}

/// One validation failure, in both vocabularies.
struct Failure {
    /// Ajv's message.
    ajv: String,
    /// Meteor check's message (without the `Match error: ` prefix).
    check: String,
}

impl Failure {
    fn into_api(self, style: Style) -> ApiError {
        match style {
            Style::Legacy => ApiError::invalid_params(self.ajv),
            Style::Typed => ApiError::error_invalid_params(self.ajv),
            Style::Check => ApiError::match_error(self.check),
        }
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn in_field(path: &str) -> String {
    if path.is_empty() { String::new() } else { format!(" in field {path}") }
}

fn wrong_type(expected: &str, got: &Value, path: &str) -> Failure {
    Failure {
        ajv: format!("must be {expected}"),
        check: format!("Expected {expected}, got {}{}", type_name(got), in_field(path)),
    }
}

fn check_kind(value: &mut Value, kind: &Kind, style: Style, path: &str) -> Result<(), Failure> {
    let coerce = style != Style::Check;
    match kind {
        Kind::Any => Ok(()),
        Kind::Maybe(_) if value.is_null() => Ok(()),
        // Meteor reports a failed `Match.Maybe` as such, not by the inner pattern's message.
        Kind::Maybe(inner) => check_kind(value, inner, style, path).map_err(|f| Failure {
            ajv: f.ajv,
            check: format!("Failed Match.OneOf, Match.Maybe or Match.Optional validation{}", in_field(path)),
        }),
        Kind::Str | Kind::NonEmptyStr => {
            if coerce {
                let coerced = match &*value {
                    Value::Number(n) => Some(n.to_string()),
                    Value::Bool(b) => Some(b.to_string()),
                    Value::Null => Some(String::new()),
                    _ => None,
                };
                if let Some(s) = coerced {
                    *value = Value::String(s);
                }
            }
            match value {
                Value::String(s) if matches!(kind, Kind::NonEmptyStr) && s.is_empty() => Err(Failure {
                    ajv: "must NOT have fewer than 1 characters".into(),
                    check: format!("Expected a non-empty string{}", in_field(path)),
                }),
                Value::String(_) => Ok(()),
                other => Err(wrong_type("string", other, path)),
            }
        }
        Kind::Bool => {
            if coerce {
                let coerced = match &*value {
                    Value::String(s) if s == "true" => Some(true),
                    Value::String(s) if s == "false" => Some(false),
                    Value::Number(n) if n.as_f64() == Some(1.0) => Some(true),
                    Value::Number(n) if n.as_f64() == Some(0.0) => Some(false),
                    Value::Null => Some(false),
                    _ => None,
                };
                if let Some(b) = coerced {
                    *value = Value::Bool(b);
                }
            }
            match value {
                Value::Bool(_) => Ok(()),
                other => Err(wrong_type("boolean", other, path)),
            }
        }
        Kind::Int => {
            if coerce {
                let coerced = match &*value {
                    Value::String(s) => s.trim().parse::<i64>().ok(),
                    Value::Bool(b) => Some(i64::from(*b)),
                    Value::Null => Some(0),
                    Value::Number(n) if n.as_i64().is_none() => {
                        n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9e15).map(|f| f as i64)
                    }
                    _ => None,
                };
                if let Some(i) = coerced {
                    *value = Value::from(i);
                }
            }
            match value {
                Value::Number(n) if n.is_i64() || n.is_u64() => Ok(()),
                other => Err(wrong_type("integer", other, path)),
            }
        }
        Kind::Arr { of, min } => {
            let Value::Array(items) = value else {
                return Err(wrong_type("array", value, path));
            };
            if items.len() < *min {
                return Err(Failure {
                    ajv: format!("must NOT have fewer than {min} items"),
                    check: format!("Expected at least {min} items{}", in_field(path)),
                });
            }
            for (i, item) in items.iter_mut().enumerate() {
                check_kind(item, of, style, &format!("{path}[{i}]"))?;
            }
            Ok(())
        }
        Kind::Obj(schema) => {
            let Value::Object(map) = value else {
                return Err(wrong_type("object", value, path));
            };
            check_object(map, schema, style, path)
        }
    }
}

fn check_object(map: &mut Map<String, Value>, schema: &Schema, style: Style, path: &str) -> Result<(), Failure> {
    let join = |name: &str| if path.is_empty() { name.to_owned() } else { format!("{path}.{name}") };
    if style == Style::Check {
        // Meteor reports unknown keys before missing ones, in key order.
        if !schema.additional
            && let Some(key) = map.keys().find(|k| !schema.fields.iter().any(|f| f.name == k.as_str()))
        {
            return Err(Failure { ajv: String::new(), check: format!("Unknown key{}", in_field(&join(key))) });
        }
    }
    for field in schema.fields.iter().filter(|f| f.required) {
        if !map.contains_key(field.name) {
            let missing = if path.is_empty() {
                format!("Missing key '{}'", field.name)
            } else {
                format!("Missing key '{}' in field {path}", field.name)
            };
            return Err(Failure { ajv: format!("must have required property '{}'", field.name), check: missing });
        }
    }
    if !schema.additional && map.keys().any(|k| !schema.fields.iter().any(|f| f.name == k.as_str())) {
        return Err(Failure { ajv: "must NOT have additional properties".into(), check: String::new() });
    }
    for field in schema.fields {
        if let Some(v) = map.get_mut(field.name) {
            // Meteor's Match.Optional accepts undefined but not null; Ajv coerces null.
            check_kind(v, &field.kind, style, &join(field.name))?;
        }
        // A `Match.Maybe` null means "not given": the handler reads it as absent.
        if matches!(field.kind, Kind::Maybe(_)) && map.get(field.name).is_some_and(Value::is_null) {
            map.remove(field.name);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static SURVEY_ITEM: Schema =
        Schema { fields: &[req("name", Kind::Str), req("value", Kind::Str)], additional: false };
    static SURVEY_ITEM_KIND: Kind = Kind::Obj(&SURVEY_ITEM);
    static SURVEY: Schema = Schema {
        fields: &[
            req("token", Kind::Str),
            req("rid", Kind::Str),
            req("data", Kind::Arr { of: &SURVEY_ITEM_KIND, min: 1 }),
        ],
        additional: false,
    };
    static ROOM: Schema = Schema { fields: &[req("token", Kind::Str), opt("rid", Kind::Str)], additional: false };
    static HISTORY: Schema = Schema { fields: &[req("token", Kind::Str), opt("limit", Kind::Int)], additional: true };

    fn err(mut v: Value, schema: &'static Schema, style: Style) -> String {
        match check(&mut v, schema, style) {
            Ok(()) => panic!("{v} should fail"),
            Err(e) => e.body().error.unwrap(),
        }
    }

    #[test]
    fn ajv_messages_in_keyword_order() {
        assert_eq!(err(json!({}), &SURVEY, Style::Legacy), "must have required property 'token' [invalid-params]");
        assert_eq!(
            err(json!({"token": "t", "rid": "r", "data": [], "x": 1}), &SURVEY, Style::Legacy),
            "must NOT have additional properties [invalid-params]"
        );
        assert_eq!(
            err(json!({"token": "t", "rid": "r", "data": []}), &SURVEY, Style::Legacy),
            "must NOT have fewer than 1 items [invalid-params]"
        );
        assert_eq!(
            err(json!({"token": "t", "rid": "r", "data": [{"name": "a"}]}), &SURVEY, Style::Legacy),
            "must have required property 'value' [invalid-params]"
        );
        assert_eq!(err(json!({"token": {}, "rid": "r", "data": [1]}), &SURVEY, Style::Typed), "must be string");
        assert_eq!(err(json!([1, 2]), &SURVEY, Style::Legacy), "must be object [invalid-params]");
    }

    #[test]
    fn ajv_coerces_scalars() {
        let mut v = json!({"token": 12, "rid": true, "data": [{"name": "satisfaction", "value": 5}]});
        check(&mut v, &SURVEY, Style::Legacy).unwrap();
        assert_eq!(v, json!({"token": "12", "rid": "true", "data": [{"name": "satisfaction", "value": "5"}]}));
        let mut v = json!({"token": "t", "limit": "20", "other": "kept"});
        check(&mut v, &HISTORY, Style::Legacy).unwrap();
        assert_eq!(v["limit"], json!(20));
        assert_eq!(
            err(json!({"token": "t", "limit": "many"}), &HISTORY, Style::Legacy),
            "must be integer [invalid-params]"
        );
    }

    #[test]
    fn meteor_check_messages() {
        assert_eq!(err(json!({}), &ROOM, Style::Check), "Match error: Missing key 'token'");
        assert_eq!(
            err(json!({"token": "t", "foo": "1"}), &ROOM, Style::Check),
            "Match error: Unknown key in field foo"
        );
        assert_eq!(
            err(json!({"token": 5}), &ROOM, Style::Check),
            "Match error: Expected string, got number in field token"
        );
        let e = check(&mut json!({}), &ROOM, Style::Check).unwrap_err();
        assert_eq!(e.body().error_type, None);
    }
}
