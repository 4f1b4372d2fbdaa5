//! Every client method and the token store, exported to JavaScript, so that `cargo xtask bench`
//! can measure what the whole client costs in a page (nothing here is dead code to the linker).

use livechat_widget::api::{AgentClient, Transport, VisitorClient};
use livechat_widget::storage::{StoreOptions, TokenStore};
use livechat_widget::wire::message::HistoryQuery;
use livechat_widget::wire::offline_message::OfflineMessage;
use livechat_widget::wire::room::{ForwardRoom, SurveyItem};
use livechat_widget::wire::visitor::NewVisitor;
use wasm_bindgen::prelude::*;

fn err(e: impl std::fmt::Display) -> JsValue {
    JsValue::from_str(&e.to_string())
}

/// Runs a visitor's and an agent's whole conversation against `server`.
#[wasm_bindgen]
pub async fn exercise(server: String, agent_user: String, agent_password: String) -> Result<String, JsValue> {
    let store = TokenStore::open(&server, StoreOptions { require_consent: true, ..StoreOptions::default() });
    store.consent();
    let visitor = VisitorClient::new(Transport::new(&server), &store.token());
    visitor.register(NewVisitor { name: Some("Size".into()), ..NewVisitor::default() }).await.map_err(err)?;
    visitor.visitor().await.map_err(err)?;
    let config = visitor.config(None).await.map_err(err)?;
    let room = visitor.room(store.room_id().as_deref()).await.map_err(err)?.room;
    store.set_room_id(Some(&room.id));
    let sent = visitor.send_message(&room.id, "hello", None).await.map_err(err)?;
    visitor.edit_message(&room.id, &sent.id, "hello!").await.map_err(err)?;
    visitor.message(&room.id, &sent.id).await.map_err(err)?;
    visitor.history(&room.id, &HistoryQuery::default()).await.map_err(err)?;
    visitor.agent_info(&room.id).await.map_err(err)?;
    if let Some(d) = config.departments.first() {
        visitor.transfer(&room.id, &d.id).await.map_err(err)?;
    }
    visitor.delete_message(&room.id, &sent.id).await.map_err(err)?;
    let _ = visitor.room_with_agent("none").await;

    let agent = AgentClient::login(Transport::new(&server), &agent_user, &agent_password).await.map_err(err)?;
    agent.whoami().await.map_err(err)?;
    agent.set_status("online").await.map_err(err)?;
    agent.set_livechat_status("available").await.map_err(err)?;
    agent.rooms(&Default::default()).await.map_err(err)?;
    agent.inquiries(&Default::default()).await.map_err(err)?;
    let _ = agent.inquiry(&room.id).await.map_err(err)?;
    let _ = agent.take_inquiry("none", None).await;
    let _ = agent.forward(&ForwardRoom { room_id: room.id.clone(), ..ForwardRoom::default() }).await;
    let _ = agent.send_message(&room.id, "hi", None).await;
    let _ = agent.room_history(&room, &HistoryQuery::default()).await;
    agent.close_room(&room.id, Some("done")).await.map_err(err)?;
    visitor.survey(&room.id, vec![SurveyItem { name: "satisfaction".into(), value: "5".into() }]).await.map_err(err)?;
    let _ = visitor.close_room(&room.id).await;
    let note = OfflineMessage {
        name: "n".into(),
        email: "n@example.com".into(),
        message: "m".into(),
        department: None,
        host: None,
    };
    let answer = visitor.offline_message(&note).await.map_err(err)?;
    agent.logout().await.map_err(err)?;
    store.reset();
    Ok(format!("{answer} ({:?})", store.persistence()))
}
