use super::*;
use serde_json::json;

/// JavaScript's `new RegExp(pattern).test(text)`, by `regress` (JavaScript's syntax and meaning).
fn js(pattern: &str, text: &str) -> Option<bool> {
    regress::Regex::new(pattern).ok().map(|r| r.find(text).is_some())
}
const JS: Matcher<'static> = &js;

fn input(id: &str, required: bool, regexp: &str) -> CustomFieldDef {
    CustomFieldDef {
        id: id.into(),
        label: id.to_uppercase(),
        kind: "input".into(),
        required,
        regexp: regexp.into(),
        ..CustomFieldDef::default()
    }
}
fn select(id: &str, required: bool, options: &[&str]) -> CustomFieldDef {
    CustomFieldDef {
        id: id.into(),
        label: id.to_uppercase(),
        kind: "select".into(),
        required,
        options: options.iter().map(|o| o.to_string()).collect(),
        ..CustomFieldDef::default()
    }
}
fn sent(key: &str, value: &str) -> CustomField {
    CustomField { key: key.into(), value: value.into(), overwrite: true }
}

// ---- required ----

#[test]
fn required_empty_or_blank() {
    let f = input("company", true, "");
    assert_eq!(check(&f, "", JS), Some(Problem::Required));
    assert_eq!(check(&f, "   ", JS), Some(Problem::Required));
    assert_eq!(check(&f, "\t\n\u{a0}\u{3000}\u{feff}", JS), Some(Problem::Required), "JavaScript's white space");
    assert_eq!(check(&f, "Acme", JS), None);
    assert_eq!(check(&f, " Acme ", JS), None);
}

#[test]
fn optional_empty_is_fine_even_with_a_pattern() {
    assert_eq!(check(&input("zip", false, "^[0-9]{5}$"), "", JS), None);
    assert_eq!(check(&input("zip", false, "^[0-9]{5}$"), "  ", JS), None);
    assert_eq!(check(&select("plan", false, &["Free"]), "", JS), None);
}

#[test]
fn trim_is_javascripts() {
    assert_eq!(trim("\u{feff} a b \u{2028}"), "a b");
    assert_eq!(trim("\u{85}a\u{85}"), "\u{85}a\u{85}", "NEL is not white space to JavaScript");
    assert_eq!(trim("\u{200b}a"), "\u{200b}a", "nor is a zero-width space");
}

// ---- patterns ----

#[test]
fn pattern_ok_and_ko() {
    let f = input("zip", true, "^[0-9]{5}$");
    assert_eq!(check(&f, "12345", JS), None);
    assert_eq!(check(&f, " 12345 ", JS), None, "tested trimmed, as the server does");
    assert_eq!(check(&f, "1234", JS), Some(Problem::Invalid));
    assert_eq!(check(&f, "123456", JS), Some(Problem::Invalid));
    assert_eq!(check(&f, "abcde", JS), Some(Problem::Invalid));
}

#[test]
fn a_pattern_is_not_anchored() {
    // Rocket.Chat tests `new RegExp(regexp).test(value)`: an HTML `pattern` would anchor it.
    let f = input("code", false, "[0-9]+");
    assert_eq!(check(&f, "abc1", JS), None);
    assert_eq!(check(&f, "abc", JS), Some(Problem::Invalid));
}

#[test]
fn a_pattern_is_case_sensitive() {
    let f = input("code", false, "^ab$");
    assert_eq!(check(&f, "ab", JS), None);
    assert_eq!(check(&f, "AB", JS), Some(Problem::Invalid));
}

#[test]
fn an_invalid_pattern_is_no_constraint() {
    let f = input("x", true, "([0-9]");
    assert_eq!(js("([0-9]", "1"), None);
    assert_eq!(check(&f, "anything", JS), None);
    assert_eq!(check(&f, "", JS), Some(Problem::Required), "required still holds");
}

#[test]
fn the_matcher_sees_the_pattern_and_the_trimmed_value() {
    let seen = std::cell::RefCell::new(Vec::new());
    let spy = |p: &str, t: &str| {
        seen.borrow_mut().push((p.to_owned(), t.to_owned()));
        Some(true)
    };
    assert_eq!(check(&input("x", false, " a+ "), "  aa  ", &spy), None);
    assert_eq!(check(&input("y", false, ""), "b", &spy), None, "no pattern: not called");
    assert_eq!(check(&input("z", false, "c"), "   ", &spy), None, "blank: not called");
    assert_eq!(*seen.borrow(), [(" a+ ".to_string(), "aa".to_string())]);
}

// ---- selects ----

#[test]
fn a_select_value_must_be_an_option() {
    let f = select("plan", true, &["Free", "Gold"]);
    assert_eq!(check(&f, "Gold", JS), None);
    assert_eq!(check(&f, " Gold ", JS), None);
    assert_eq!(check(&f, "gold", JS), Some(Problem::NotAnOption));
    assert_eq!(check(&f, "Platinum", JS), Some(Problem::NotAnOption));
    assert_eq!(check(&f, "", JS), Some(Problem::Required));
}

#[test]
fn a_select_ignores_its_pattern() {
    let f = CustomFieldDef { regexp: "^x$".into(), ..select("plan", false, &["Free"]) };
    assert_eq!(check(&f, "Free", JS), None);
}

#[test]
fn a_select_without_options_takes_no_value() {
    let f = select("plan", false, &[]);
    assert_eq!(check(&f, "x", JS), Some(Problem::NotAnOption));
    assert_eq!(check(&f, "", JS), None);
}

#[test]
fn an_unknown_type_is_an_input() {
    for kind in ["", "textarea", "Select"] {
        let f = CustomFieldDef { kind: kind.into(), ..input("x", true, "^[a-z]+$") };
        assert!(!is_select(&f));
        assert_eq!(check(&f, "abc", JS), None, "{kind:?}");
        assert_eq!(check(&f, "ABC", JS), Some(Problem::Invalid), "{kind:?}");
    }
}

// ---- initial values ----

#[test]
fn defaults_prefill() {
    let i = CustomFieldDef { default_value: Some("Acme".into()), ..input("company", false, "") };
    assert_eq!(initial(&i), "Acme");
    let s = CustomFieldDef { default_value: Some("Gold".into()), ..select("plan", false, &["Free", "Gold"]) };
    assert_eq!(initial(&s), "Gold");
    let stray = CustomFieldDef { default_value: Some("Platinum".into()), ..select("plan", false, &["Free", "Gold"]) };
    assert_eq!(initial(&stray), "", "a select's default must be one of its options");
    assert_eq!(initial(&input("none", false, "")), "");
}

#[test]
fn a_default_failing_the_pattern_shows_as_invalid() {
    let f = CustomFieldDef { default_value: Some("abc".into()), ..input("zip", false, "^[0-9]+$") };
    let form = Form::new(&[f], &[]);
    assert_eq!(form.problems(JS), [Some(Problem::Invalid)]);
}

// ---- the form ----

#[test]
fn fields_the_site_set_are_not_asked() {
    let defs =
        [input("company", true, ""), select("plan", true, &["Free"]), input("zip", false, ""), input("", false, "")];
    let site = [
        CustomField { key: "company".into(), value: "Acme".into(), overwrite: false },
        CustomField { key: "zip".into(), value: "  ".into(), overwrite: true },
        CustomField { key: "unrelated".into(), value: "x".into(), overwrite: true },
    ];
    let form = Form::new(&defs, &site);
    let asked: Vec<&str> = form.fields.iter().map(|f| f.def.id.as_str()).collect();
    assert_eq!(asked, ["plan", "zip"], "a blank value from the site is asked again; a field without id is not asked");
}

#[test]
fn a_whole_form() {
    let defs = [
        CustomFieldDef { default_value: Some("Acme".into()), ..input("company", true, "") },
        select("plan", true, &["Free", "Gold"]),
        input("zip", false, "^[0-9]{5}$"),
        input("note", false, ""),
    ];
    let mut form = Form::new(&defs, &[]);
    assert_eq!(form.fields.iter().map(|f| f.value.as_str()).collect::<Vec<_>>(), ["Acme", "", "", ""]);
    assert_eq!(form.problems(JS), [None, Some(Problem::Required), None, None]);
    assert!(!form.is_valid(JS));

    form.set("plan", "Gold".into());
    form.set("zip", "123".into());
    form.set("nowhere", "x".into());
    assert_eq!(form.problems(JS), [None, None, Some(Problem::Invalid), None]);

    form.set("zip", " 75001 ".into());
    form.set("note", "   ".into());
    assert!(form.is_valid(JS));
    assert_eq!(form.to_send(), [sent("company", "Acme"), sent("plan", "Gold"), sent("zip", "75001")]);
}

#[test]
fn nothing_to_send_from_an_empty_form() {
    let form = Form::new(&[input("a", false, ""), select("b", false, &["x"])], &[]);
    assert!(form.is_valid(JS));
    assert_eq!(form.to_send(), []);
    assert_eq!(Form::new(&[], &[]), Form::default());
}

#[test]
fn fields_as_rocket_chat_sends_them() {
    // `config.customFields` of a Rocket.Chat Enterprise server (options already split).
    let defs: Vec<CustomFieldDef> = serde_json::from_value(json!([
        {"_id": "cpf", "label": "CPF", "regexp": "^[0-9]{11}$", "required": true, "type": "input", "defaultValue": ""},
        {"_id": "plan", "label": "Plan", "regexp": "", "required": false, "type": "select",
         "defaultValue": "Basic", "options": ["Basic", "Pro"]}
    ]))
    .unwrap();
    let mut form = Form::new(&defs, &[]);
    assert_eq!(form.fields[1].value, "Basic");
    assert_eq!(form.problems(JS), [Some(Problem::Required), None]);
    form.set("cpf", "123.456.789-01".into());
    assert_eq!(form.problems(JS), [Some(Problem::Invalid), None]);
    form.set("cpf", "12345678901".into());
    assert!(form.is_valid(JS));
    assert_eq!(form.to_send(), [sent("cpf", "12345678901"), sent("plan", "Basic")]);
}
