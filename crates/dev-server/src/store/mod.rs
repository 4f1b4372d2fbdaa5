//! Every SQL statement of the server, and the mapping between rows and wire types: one module
//! per table (or close family of tables). Handlers, routing and the realtime endpoint call
//! these with the connection they hold; nothing here publishes, awaits, or decides who may do
//! what.
//!
//! * [`visitors`] — `visitors` and the `guest-N` counter; forgetting a visitor and all it left.
//! * [`rooms`] — `rooms`, read with their visitor and department; the agents' room list.
//! * [`messages`] — `messages`, and the room counters a message moves.
//! * [`users`] — `users` and `login_tokens`: agents, their presence and logins.
//! * [`departments`] — `departments` and `department_agents`.
//! * [`inquiries`] — `inquiries`, the routing queue.
//! * [`pages`] — `navigation_history` and `offline_messages`: what visitors leave behind.
//! * [`uploads`] — `uploads`: what each uploaded file is and whose (its bytes: [`crate::files`]).
//! * [`transcripts`] — `transcript_requests`: the transcripts visitors asked for.
//! * [`seed`](mod@seed) — the configured agents and departments written at start.

pub mod departments;
pub mod inquiries;
pub mod messages;
pub mod pages;
pub mod rooms;
pub mod seed;
pub mod transcripts;
pub mod uploads;
pub mod users;
pub mod visitors;

pub use departments::*;
pub use inquiries::*;
pub use messages::*;
pub use pages::*;
pub use rooms::*;
pub use seed::*;
pub use transcripts::*;
pub use uploads::*;
pub use users::*;
pub use visitors::*;

use livechat_wire::Timestamp;

fn ts(v: Option<i64>) -> Option<Timestamp> {
    v.map(Timestamp)
}

fn json_or_default<T: serde::de::DeserializeOwned + Default>(text: Option<String>) -> T {
    text.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
}

/// A sort key a list asks for: a field of the wire type, ascending or descending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortKey {
    pub field: String,
    pub ascending: bool,
}

/// `ORDER BY` for `keys` over `columns` (`(field, column)`), then `default`. A field no column
/// maps changes nothing, as sorting by a field no document has in MongoDB.
fn order_by(keys: &[SortKey], columns: &[(&str, &str)], default: &str) -> String {
    let mut parts: Vec<String> = keys
        .iter()
        .filter_map(|key| {
            let (_, column) = columns.iter().find(|(f, _)| *f == key.field)?;
            Some(format!("{column} {}", if key.ascending { "ASC" } else { "DESC" }))
        })
        .collect();
    parts.push(default.to_owned());
    parts.join(", ")
}

/// `LIMIT … OFFSET …`, no limit for `None`.
fn limit_offset(limit: Option<u64>, offset: u64) -> String {
    format!("LIMIT {} OFFSET {offset}", limit.map_or(-1, |l| l as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_by_maps_known_fields_in_order_then_the_default() {
        let key = |field: &str, ascending| SortKey { field: field.into(), ascending };
        let columns = [("ts", "r.ts"), ("fname", "r.fname")];
        assert_eq!(order_by(&[], &columns, "r.ts DESC"), "r.ts DESC");
        assert_eq!(
            order_by(&[key("fname", false), key("unknown", true), key("ts", true)], &columns, "r.ts DESC"),
            "r.fname DESC, r.ts ASC, r.ts DESC"
        );
        assert_eq!(limit_offset(None, 5), "LIMIT -1 OFFSET 5");
        assert_eq!(limit_offset(Some(20), 0), "LIMIT 20 OFFSET 0");
    }
}
