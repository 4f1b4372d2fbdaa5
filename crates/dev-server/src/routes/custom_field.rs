//! `livechat/custom.field` and `livechat/custom.fields`: a visitor's custom field values.

use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use livechat_wire::Success;
use livechat_wire::custom_field::{
    CustomField, CustomFieldResponse, CustomFieldsResponse, SavedField, SetCustomField, SetCustomFields,
};
use livechat_wire::error::code;

use crate::AppState;
use crate::config::ServerConfig;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Body, Params, ok};
use crate::guest::{self, Kept};
use crate::validate::{Kind, Schema, Style, req};

pub fn router() -> Router<AppState> {
    Router::new().route("/livechat/custom.field", post(set_one)).route("/livechat/custom.fields", post(set_many))
}

static FIELD: Schema = Schema {
    fields: &[req("key", Kind::Str), req("value", Kind::Str), req("overwrite", Kind::Bool)],
    additional: false,
};
static FIELD_KIND: Kind = Kind::Obj(&FIELD);

impl Params for SetCustomField {
    const SCHEMA: &'static Schema = &Schema {
        fields: &[
            req("token", Kind::Str),
            req("key", Kind::Str),
            req("value", Kind::Str),
            req("overwrite", Kind::Bool),
        ],
        additional: false,
    };
    const STYLE: Style = Style::Legacy;
}

impl Params for SetCustomFields {
    const SCHEMA: &'static Schema = &Schema {
        fields: &[req("token", Kind::Str), req("customFields", Kind::Arr { of: &FIELD_KIND, min: 0 })],
        additional: false,
    };
    const STYLE: Style = Style::Legacy;
}

/// Checks `field` against its definition: an unknown key is `invalid-custom-field`, a value
/// that does not match the field's pattern is Rocket.Chat's `error-invalid-custom-field-value`
/// text. With no definitions configured every key is a visitor field.
fn check(config: &ServerConfig, field: &CustomField) -> ApiResult<()> {
    if config.custom_fields.is_empty() {
        return Ok(());
    }
    let def = config
        .custom_fields
        .iter()
        .find(|d| d.id == field.key)
        .ok_or_else(|| ApiError::plain(code::INVALID_CUSTOM_FIELD))?;
    if let Some(pattern) = def.regexp.as_deref().filter(|p| !p.is_empty()) {
        // `new RegExp(pattern).test(value)`, as Rocket.Chat checks it (JavaScript's syntax and
        // meaning: `\d` is ASCII, lookahead is fine).
        let re = regress::Regex::new(pattern).map_err(|e| ApiError::Internal(format!("custom field pattern: {e}")))?;
        if re.find(&field.value).is_none() {
            return Err(ApiError::plain(format!("Invalid value for {} field", field.key)));
        }
    }
    Ok(())
}

/// One field. Without `overwrite` a value already set (even an empty one) is kept.
async fn set_one(
    State(state): State<AppState>,
    Body(q): Body<SetCustomField>,
) -> ApiResult<Json<Success<CustomFieldResponse>>> {
    let field = CustomField { key: q.key, value: q.value, overwrite: q.overwrite };
    {
        let conn = state.db.conn();
        let visitor = guest::find(&conn, &q.token)?;
        check(&state.config, &field)?;
        guest::set_custom_fields(&conn, &visitor, std::slice::from_ref(&field), Kept::Set)?;
    }
    Ok(ok(CustomFieldResponse { field }))
}

/// Several fields at once: all or none. Every key must be defined; without `overwrite` a
/// field keeps a non-empty value it has.
async fn set_many(
    State(state): State<AppState>,
    Body(q): Body<SetCustomFields>,
) -> ApiResult<Json<Success<CustomFieldsResponse>>> {
    let conn = state.db.conn();
    let visitor = guest::find(&conn, &q.token)?;
    // Rocket.Chat finds no definition for an empty list either.
    if q.custom_fields.is_empty() {
        return Err(ApiError::plain(code::INVALID_CUSTOM_FIELD));
    }
    for field in &q.custom_fields {
        check(&state.config, field)?;
    }
    guest::set_custom_fields(&conn, &visitor, &q.custom_fields, Kept::NonEmpty)?;
    drop(conn);
    let fields = q
        .custom_fields
        .into_iter()
        .map(|f| SavedField { key: f.key, value: f.value, overwrite: f.overwrite })
        .collect();
    Ok(ok(CustomFieldsResponse { fields }))
}
