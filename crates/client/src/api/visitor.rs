//! The visitor's calls. No login: every call carries the visitor's token.

use std::rc::Rc;

use livechat_wire::Empty;
use livechat_wire::agent::{Agent, AgentInfoResponse, AgentNextResponse};
use livechat_wire::config::{Config, ConfigResponse};
use livechat_wire::custom_field::{
    CustomField, CustomFieldResponse, CustomFieldsResponse, SavedField, SetCustomField, SetCustomFields,
};
use livechat_wire::message::{
    DeleteMessage, EditMessage, HistoryQuery, HistoryResponse, Message, MessageResponse, SendMessage,
};
use livechat_wire::offline_message::{OfflineMessage, OfflineMessageResponse};
use livechat_wire::page::{Location, NavigationMessage, PageInfo, PageVisited, PageVisitedResponse};
use livechat_wire::room::{
    CloseRoom, CloseRoomResponse, Room, RoomResponse, Survey, SurveyItem, SurveyResponse, TransferResponse,
    TransferRoom,
};
use livechat_wire::transcript::{SendTranscript, TranscriptResponse};
use livechat_wire::visitor::{DeleteVisitorResponse, NewVisitor, RegisterVisitor, Visitor, VisitorResponse};

use super::{Call, Error, Transport, segment};

/// How long the configuration call waits for an answer (see [`VisitorClient::config`]).
pub const CONFIG_DEADLINE_MS: i32 = 10_000;

/// The visitor's side of the API, bound to one visitor token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitorClient {
    transport: Transport,
    token: Rc<str>,
}

impl VisitorClient {
    pub fn new(transport: Transport, token: &str) -> VisitorClient {
        VisitorClient { transport, token: token.into() }
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// `POST livechat/visitor`: creates the visitor or updates it. `visitor.token` is replaced
    /// by this client's token. The answer may carry another token when the server matched an
    /// existing visitor by phone.
    pub async fn register(&self, mut visitor: NewVisitor) -> Result<Visitor, Error> {
        visitor.token = self.token.to_string();
        let call = Call::new("POST livechat/visitor", "livechat/visitor").body(&RegisterVisitor { visitor });
        Ok(self.transport.send::<VisitorResponse>(call).await?.visitor)
    }

    /// `GET livechat/visitor/:token`.
    pub async fn visitor(&self) -> Result<Visitor, Error> {
        let call = Call::new("GET livechat/visitor/:token", format!("livechat/visitor/{}", segment(&self.token)));
        Ok(self.transport.send::<VisitorResponse>(call).await?.visitor)
    }

    /// `GET livechat/config`, with this visitor's state (`guest`, `room`, `agent`); no answer
    /// within [`CONFIG_DEADLINE_MS`] is a network error.
    pub async fn config(&self, department: Option<&str>) -> Result<Config, Error> {
        self.config_with(department, false).await
    }

    /// [`VisitorClient::config`], with the token also in the `x-visitor-token` header. From
    /// another origin that makes the browser ask the server's CORS permission first (a
    /// preflight), as it does for every `POST` the widget makes: a server that refuses
    /// cross-origin calls fails this one, while the plain [`VisitorClient::config`] (a "simple"
    /// request, which Rocket.Chat answers even with CORS off) may still get through — which is
    /// how the widget tells a CORS refusal from an unreachable server.
    pub async fn config_preflighted(&self, department: Option<&str>) -> Result<Config, Error> {
        self.config_with(department, true).await
    }

    async fn config_with(&self, department: Option<&str>, preflight: bool) -> Result<Config, Error> {
        let mut call = Call::new("GET livechat/config", "livechat/config")
            .query("token", &*self.token)
            .query_opt("department", department);
        if preflight {
            call.visitor_token = Some(&self.token);
        }
        // A server that drops packets would hold the widget's start for minutes.
        call.deadline = Some(CONFIG_DEADLINE_MS);
        Ok(self.transport.send::<ConfigResponse>(call).await?.config)
    }

    /// `GET livechat/room`: the visitor's open room (`rid` to ask for one), or a new one.
    pub async fn room(&self, rid: Option<&str>) -> Result<RoomResponse, Error> {
        let call = Call::new("GET livechat/room", "livechat/room").query("token", &*self.token).query_opt("rid", rid);
        self.transport.send(call).await
    }

    /// `GET livechat/room` asking for a preferred agent.
    pub async fn room_with_agent(&self, agent_id: &str) -> Result<RoomResponse, Error> {
        let call =
            Call::new("GET livechat/room", "livechat/room").query("token", &*self.token).query("agentId", agent_id);
        self.transport.send(call).await
    }

    /// `POST livechat/room.close`.
    pub async fn close_room(&self, rid: &str) -> Result<CloseRoomResponse, Error> {
        let body = CloseRoom { token: self.token.to_string(), rid: rid.into() };
        self.transport.send(Call::new("POST livechat/room.close", "livechat/room.close").body(&body)).await
    }

    /// Moves the room to another department: `POST livechat/visitor/department.transfer`
    /// (Rocket.Chat 8), or `POST livechat/room.transfer` when the server answers 404 (7.x).
    /// Returns the room when the server sends it (7.x does).
    pub async fn transfer(&self, rid: &str, department: &str) -> Result<Option<Room>, Error> {
        let body = TransferRoom { token: self.token.to_string(), rid: rid.into(), department: department.into() };
        let v8 =
            Call::new("POST livechat/visitor/department.transfer", "livechat/visitor/department.transfer").body(&body);
        match self.transport.send::<Empty>(v8).await {
            Ok(Empty {}) => Ok(None),
            Err(Error::Http { status: 404, .. }) => {
                let v7 = Call::new("POST livechat/room.transfer", "livechat/room.transfer").body(&body);
                Ok(self.transport.send::<TransferResponse>(v7).await?.room)
            }
            Err(e) => Err(e),
        }
    }

    /// `POST livechat/room.survey`. Item names are Rocket.Chat's
    /// ([`livechat_wire::room::survey`]); values of rated items are `"1"`–`"5"`.
    pub async fn survey(&self, rid: &str, data: Vec<SurveyItem>) -> Result<SurveyResponse, Error> {
        let body = Survey { token: self.token.to_string(), rid: rid.into(), data };
        self.transport.send(Call::new("POST livechat/room.survey", "livechat/room.survey").body(&body)).await
    }

    /// `POST livechat/message`. Give `id` to make a retry safe: the server never stores one
    /// `_id` twice, and answers a repeat with a 400 (Rocket.Chat's handler fails on the message
    /// it did not insert again). On such a 400 this asks the server for the message `id`; if the
    /// visitor's message with that id is there, it was delivered, and it is returned as sent.
    pub async fn send_message(&self, rid: &str, msg: &str, id: Option<&str>) -> Result<Message, Error> {
        let body = SendMessage {
            token: self.token.to_string(),
            rid: rid.into(),
            msg: msg.into(),
            id: id.map(str::to_owned),
            agent: None,
        };
        let call = Call::new("POST livechat/message", "livechat/message").body(&body);
        match self.transport.send::<MessageResponse>(call).await {
            Ok(answer) => Ok(answer.message),
            Err(e @ Error::Http { status: 400, .. }) => match id {
                Some(id) => match self.message(rid, id).await {
                    Ok(stored) if stored.token.as_deref() == Some(&*self.token) => Ok(stored),
                    _ => Err(e),
                },
                None => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    /// `GET livechat/message/:_id`.
    pub async fn message(&self, rid: &str, id: &str) -> Result<Message, Error> {
        let call = Call::new("GET livechat/message/:_id", format!("livechat/message/{}", segment(id)))
            .query("token", &*self.token)
            .query("rid", rid);
        Ok(self.transport.send::<MessageResponse>(call).await?.message)
    }

    /// `PUT livechat/message/:_id`: the visitor edits its own message.
    pub async fn edit_message(&self, rid: &str, id: &str, msg: &str) -> Result<Message, Error> {
        let body = EditMessage { token: self.token.to_string(), rid: rid.into(), msg: msg.into() };
        let call = Call::new("PUT livechat/message/:_id", format!("livechat/message/{}", segment(id))).body(&body);
        Ok(self.transport.send::<MessageResponse>(call).await?.message)
    }

    /// `DELETE livechat/message/:_id`: the visitor deletes its own message. The answer has
    /// only `_id` and `ts`.
    pub async fn delete_message(&self, rid: &str, id: &str) -> Result<Message, Error> {
        let body = DeleteMessage { token: self.token.to_string(), rid: rid.into() };
        let call = Call::new("DELETE livechat/message/:_id", format!("livechat/message/{}", segment(id))).body(&body);
        Ok(self.transport.send::<MessageResponse>(call).await?.message)
    }

    /// `GET livechat/messages.history/:rid`: **newest first**. `query.token` is ignored (this
    /// client's is used).
    pub async fn history(&self, rid: &str, query: &HistoryQuery) -> Result<Vec<Message>, Error> {
        let call = history_call(rid, &self.token, query);
        Ok(self.transport.send::<HistoryResponse>(call).await?.messages)
    }

    /// `POST livechat/offline.message`: the server's confirmation text.
    pub async fn offline_message(&self, message: &OfflineMessage) -> Result<String, Error> {
        let call = Call::new("POST livechat/offline.message", "livechat/offline.message").body(message);
        Ok(self.transport.send::<OfflineMessageResponse>(call).await?.message)
    }

    /// `POST livechat/page.visited`: the visitor is on `href` (titled `title`). `change` is
    /// what changed ([`livechat_wire::page::change`]); the server keeps the visit only when it
    /// tracks that kind of change, and then answers with the navigation message.
    pub async fn page_visited(
        &self,
        rid: Option<&str>,
        title: &str,
        href: &str,
        change: &str,
    ) -> Result<Option<NavigationMessage>, Error> {
        let body = PageVisited {
            token: self.token.to_string(),
            rid: rid.map(str::to_owned),
            page_info: PageInfo {
                title: title.into(),
                change: change.into(),
                location: Location { href: href.into() },
            },
        };
        let call = Call::new("POST livechat/page.visited", "livechat/page.visited").body(&body);
        Ok(self.transport.send::<PageVisitedResponse>(call).await?.page)
    }

    /// `POST livechat/custom.field`: one custom field of the (registered) visitor. Without
    /// `overwrite` a value already set is kept.
    pub async fn set_custom_field(&self, key: &str, value: &str, overwrite: bool) -> Result<CustomField, Error> {
        let body = SetCustomField { token: self.token.to_string(), key: key.into(), value: value.into(), overwrite };
        let call = Call::new("POST livechat/custom.field", "livechat/custom.field").body(&body);
        Ok(self.transport.send::<CustomFieldResponse>(call).await?.field)
    }

    /// `POST livechat/custom.fields`: several at once (all must be defined on the server).
    pub async fn set_custom_fields(&self, fields: Vec<CustomField>) -> Result<Vec<SavedField>, Error> {
        let body = SetCustomFields { token: self.token.to_string(), custom_fields: fields };
        let call = Call::new("POST livechat/custom.fields", "livechat/custom.fields").body(&body);
        Ok(self.transport.send::<CustomFieldsResponse>(call).await?.fields)
    }

    /// `GET livechat/agent.next/:token`: the agent routing would pick for a new chat (in
    /// `department`); `None` when the server hides agents or the visitor has an open room.
    pub async fn agent_next(&self, department: Option<&str>) -> Result<Option<Agent>, Error> {
        let path = format!("livechat/agent.next/{}", segment(&self.token));
        let call = Call::new("GET livechat/agent.next/:token", path).query_opt("department", department);
        Ok(self.transport.send::<AgentNextResponse>(call).await?.agent.filter(|a| !a.id.is_empty()))
    }

    /// `POST livechat/transcript`: asks the server to e-mail the room's conversation to `email`;
    /// its answer (`Omnichannel transcript sent`, in the server's language).
    pub async fn transcript(&self, rid: &str, email: &str) -> Result<String, Error> {
        let body = SendTranscript { token: self.token.to_string(), rid: rid.into(), email: email.into() };
        let call = Call::new("POST livechat/transcript", "livechat/transcript").body(&body);
        Ok(self.transport.send::<TranscriptResponse>(call).await?.message)
    }

    /// `DELETE livechat/visitor/:token`: the server forgets the visitor (Rocket.Chat refuses
    /// while they have an open room: `visitor-has-open-rooms`).
    pub async fn forget(&self) -> Result<DeleteVisitorResponse, Error> {
        let path = format!("livechat/visitor/{}", segment(&self.token));
        self.transport.send(Call::new("DELETE livechat/visitor/:token", path)).await
    }

    /// `GET livechat/agent.info/:rid/:token`: the agent serving the room.
    pub async fn agent_info(&self, rid: &str) -> Result<Agent, Error> {
        let path = format!("livechat/agent.info/{}/{}", segment(rid), segment(&self.token));
        let call = Call::new("GET livechat/agent.info/:rid/:token", path);
        Ok(self.transport.send::<AgentInfoResponse>(call).await?.agent)
    }
}

/// The server's message for a file, or why it was not sent (an aborted attempt is a network
/// error).
pub type Sent = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Message, Error>>>>;

/// A file on its way to `livechat/upload/:rid` ([`VisitorClient::upload`]).
pub struct Sending {
    xhr: web_sys::XmlHttpRequest,
    pub done: Sent,
}

impl Sending {
    /// What stops it, apart from what it answers.
    pub fn split(self) -> (Abort, Sent) {
        (Abort(self.xhr), self.done)
    }
}

/// Stops a file on its way ([`Sending::split`]).
#[derive(Debug, Clone)]
pub struct Abort(web_sys::XmlHttpRequest);

impl Abort {
    pub fn abort(&self) {
        let _ = self.0.abort();
    }
}

impl VisitorClient {
    /// `POST livechat/upload/:rid`: `file` as the form's `file` field, with the visitor's token in
    /// `x-visitor-token`. Sent with `XMLHttpRequest`, whose upload reports `progress` (the share
    /// sent, 0 to 1) as it goes; `fetch` does not.
    pub fn upload(&self, rid: &str, file: &web_sys::File, progress: Box<dyn Fn(f64)>) -> Result<Sending, Error> {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;
        const ENDPOINT: &str = "POST livechat/upload/:rid";
        let network =
            |e: wasm_bindgen::JsValue| Error::Network { endpoint: ENDPOINT, detail: crate::json::describe(&e) };
        let url = [self.transport.server_url(), "/api/v1/livechat/upload/", &segment(rid)].concat();
        let xhr = web_sys::XmlHttpRequest::new().map_err(network)?;
        xhr.open("POST", &url).map_err(network)?;
        xhr.set_request_header(livechat_wire::auth::VISITOR_TOKEN_HEADER, &self.token).map_err(network)?;
        let form = web_sys::FormData::new().map_err(network)?;
        form.append_with_blob_and_filename(livechat_wire::upload::FILE_FIELD, file, &file.name()).map_err(network)?;
        let on_progress = Closure::<dyn Fn(web_sys::ProgressEvent)>::new(move |e: web_sys::ProgressEvent| {
            if e.length_computable() && e.total() > 0.0 {
                progress(e.loaded() / e.total());
            }
        });
        xhr.upload().map_err(network)?.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
        // `loadend` comes once, after success, failure or abort alike.
        let ended = js_sys::Promise::new(&mut |resolve, _| xhr.set_onloadend(Some(&resolve)));
        xhr.send_with_opt_form_data(Some(&form)).map_err(network)?;
        let answer = xhr.clone();
        let done = Box::pin(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(ended).await;
            drop(on_progress);
            let status = answer.status().unwrap_or(0);
            if status == 0 {
                return Err(Error::Network { endpoint: ENDPOINT, detail: "no answer".into() });
            }
            let text = answer.response_text().ok().flatten().unwrap_or_default();
            let text =
                super::answer(ENDPOINT, status, text, || answer.get_response_header("retry-after").ok().flatten())?;
            crate::json::from_str::<Message>(&text).map_err(|detail| Error::Decode { endpoint: ENDPOINT, detail })
        });
        Ok(Sending { xhr, done })
    }
}

/// The history request, shared with the agent client (agents read a room's history with the
/// visitor token the room carries).
pub(crate) fn history_call<'a>(rid: &str, token: &str, q: &HistoryQuery) -> Call<'a> {
    Call::new("GET livechat/messages.history/:rid", format!("livechat/messages.history/{}", segment(rid)))
        .query("token", token)
        .query_opt("ls", q.ls.map(|t| t.to_iso()))
        .query_opt("end", q.end.map(|t| t.to_iso()))
        .query_opt("limit", q.limit)
        .query_opt("offset", q.offset)
}
