//! The pre-chat form's own fields (`config.customFields`, Rocket.Chat Enterprise): which are
//! asked, what they start with, whether a value will do, and what goes with the registration.
//! Pure: patterns run through the caller's [`Matcher`] (JavaScript's `RegExp` in the widget).
//!
//! # The rules, and where they come from
//!
//! Rocket.Chat's widget gives an `input` field `required` and `pattern: regexp` rules and a
//! `select` field only `required` (`Form/CustomFields`), pre-fills `defaultValue`, and after
//! registering sends each non-empty value as `{key, value, overwrite: true}`. Its form library
//! (react-hook-form) applies a pattern only when it is a `RegExp` object, and the configuration's
//! `regexp` is a string, so today's widget checks no pattern at all; its earlier widget tested
//! `new RegExp(regexp, 'i')` unanchored. The server is what accepts or refuses: it trims the value
//! and tests `new RegExp(regexp).test(value)` — unanchored (not an HTML `pattern`, which is
//! implicitly `^(?:…)$`), case-sensitive — and refuses a blank required field. This module checks
//! as the server does, so the visitor learns of a refusal before sending:
//!
//! - a value is taken trimmed (JavaScript's `trim`), for every check and for sending;
//! - [`Problem::Required`]: a required field left blank (spaces only count as blank);
//! - [`Problem::Invalid`]: an `input`'s non-blank value that its non-empty `regexp` does not
//!   match anywhere (`^…$` in the pattern anchors it). A pattern that does not compile is no
//!   constraint here (the server would fail on it whatever the visitor typed);
//! - [`Problem::NotAnOption`]: a `select`'s non-blank value that is none of its options;
//! - a `type` other than `select` is an `input`;
//! - an `input` starts with its `defaultValue`; a `select` with it only when it is one of the
//!   options (as Rocket.Chat's earlier widget did), else empty;
//! - a field the site already set (`setCustomField`, a non-blank value) is not asked again: the
//!   site's value goes with the registration instead;
//! - sent: every non-blank value, trimmed, `overwrite: true`.

use livechat_wire::config::CustomFieldDef;
use livechat_wire::visitor::CustomField;

pub use super::triggers::Matcher;

/// Why a value will not do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// Required, and blank.
    Required,
    /// Does not match the field's pattern.
    Invalid,
    /// Not one of the field's options.
    NotAnOption,
}

/// JavaScript's `String.prototype.trim`: white space and line terminators (not U+0085, which
/// Rust's `trim` takes; U+FEFF, which it leaves).
pub fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c == '\u{feff}' || (c != '\u{85}' && c.is_whitespace()))
}

/// Whether the field is a choice among its options (else a text input).
pub fn is_select(def: &CustomFieldDef) -> bool {
    def.kind == "select"
}

fn is_option(def: &CustomFieldDef, value: &str) -> bool {
    def.options.iter().any(|o| trim(o) == value)
}

/// What the field starts with.
pub fn initial(def: &CustomFieldDef) -> &str {
    let d = def.default_value.as_deref().unwrap_or_default();
    if !is_select(def) || is_option(def, trim(d)) { d } else { "" }
}

/// Whether `value` will do for the field.
pub fn check(def: &CustomFieldDef, value: &str, test: Matcher) -> Option<Problem> {
    let value = trim(value);
    if value.is_empty() {
        return def.required.then_some(Problem::Required);
    }
    if is_select(def) {
        return (!is_option(def, value)).then_some(Problem::NotAnOption);
    }
    let p = def.regexp.as_str();
    (!p.is_empty() && test(p, value) == Some(false)).then_some(Problem::Invalid)
}

/// One asked field and what the visitor typed or chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub def: CustomFieldDef,
    pub value: String,
}

/// The form's own fields, in the configuration's order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Form {
    pub fields: Vec<Field>,
}

impl Form {
    /// The fields to ask: the configuration's, less those the site already set (the custom
    /// fields waiting to go with the registration), each with its [`initial`] value.
    pub fn new(defs: &[CustomFieldDef], set_by_site: &[CustomField]) -> Form {
        let fields = defs
            .iter()
            .filter(|d| !d.id.is_empty() && !set_by_site.iter().any(|f| f.key == d.id && !trim(&f.value).is_empty()))
            .map(|d| Field { def: d.clone(), value: initial(d).to_owned() })
            .collect();
        Form { fields }
    }

    /// The visitor changed field `id` (an unknown id changes nothing).
    pub fn set(&mut self, id: &str, value: String) {
        if let Some(f) = self.fields.iter_mut().find(|f| f.def.id == id) {
            f.value = value;
        }
    }

    /// The [`check`] of every field, in order.
    pub fn problems(&self, test: Matcher) -> Vec<Option<Problem>> {
        self.fields.iter().map(|f| check(&f.def, &f.value, test)).collect()
    }

    /// No field has a problem.
    pub fn is_valid(&self, test: Matcher) -> bool {
        self.fields.iter().all(|f| check(&f.def, &f.value, test).is_none())
    }

    /// What goes with the registration (`visitor.customFields`): every non-blank value, trimmed,
    /// to overwrite. (Check first: this sends what it is given.)
    pub fn to_send(&self) -> Vec<CustomField> {
        self.fields
            .iter()
            .filter(|f| !trim(&f.value).is_empty())
            .map(|f| CustomField { key: f.def.id.clone(), value: trim(&f.value).to_owned(), overwrite: true })
            .collect()
    }
}

#[cfg(test)]
mod tests;
