//! An agent's calls: log in, see the queue and the rooms, take, reply, forward, close.

use livechat_wire::Empty;
use livechat_wire::auth::{Login, LoginResponse, LogoutResponse, Me};
use livechat_wire::inquiries::{
    GetInquiryResponse, InquiriesQuery, InquiriesResponse, Inquiry, TakeInquiry, TakeInquiryResponse,
};
use livechat_wire::json::{JsonWriter, ToJson};
use livechat_wire::message::{
    ChatSendMessage, HistoryQuery, HistoryResponse, Message, MessageResponse, OutgoingMessage,
};
use livechat_wire::room::{CloseRoomByUser, ForwardRoom, Room};
use livechat_wire::rooms::{RoomsQuery, RoomsResponse};
use livechat_wire::upload::{FILE_FIELD, MediaConfirm, MediaResponse};

use super::visitor::history_call;
use super::{Call, Credentials, Error, Transport};

/// A logged-in agent (or manager).
#[derive(Debug, Clone, PartialEq)]
pub struct AgentClient {
    transport: Transport,
    credentials: Credentials,
    me: Me,
}

impl AgentClient {
    /// `POST login` with a username (or e-mail) and password.
    pub async fn login(transport: Transport, user: &str, password: &str) -> Result<AgentClient, Error> {
        let body = Login { user: user.into(), password: password.into() };
        let answer: LoginResponse = transport.send(Call::new("POST login", "login").body(&body)).await?;
        let credentials = Credentials { user_id: answer.data.user_id, auth_token: answer.data.auth_token };
        Ok(AgentClient { transport, credentials, me: answer.data.me })
    }

    /// An agent client from credentials kept earlier (`user_id()` / `auth_token()`).
    pub fn resume(transport: Transport, user_id: &str, auth_token: &str) -> AgentClient {
        let credentials = Credentials { user_id: user_id.into(), auth_token: auth_token.into() };
        AgentClient { transport, credentials, me: Me { id: user_id.into(), ..Me::default() } }
    }

    pub fn user_id(&self) -> &str {
        &self.credentials.user_id
    }

    pub fn auth_token(&self) -> &str {
        &self.credentials.auth_token
    }

    /// Who logged in (as the login answer said).
    pub fn me(&self) -> &Me {
        &self.me
    }

    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    fn call(&self, endpoint: &'static str, path: impl Into<String>) -> Call<'_> {
        Call::new(endpoint, path).auth(&self.credentials)
    }

    /// `POST logout`: the login token stops working.
    pub async fn logout(&self) -> Result<(), Error> {
        self.transport.send::<LogoutResponse>(self.call("POST logout", "logout")).await.map(drop)
    }

    /// `GET me`: the user as the server knows it now.
    pub async fn whoami(&self) -> Result<Me, Error> {
        self.transport.send(self.call("GET me", "me")).await
    }

    /// `POST users.setStatus`: `online`, `away`, `busy` or `offline`.
    pub async fn set_status(&self, status: &str) -> Result<(), Error> {
        let call = self.call("POST users.setStatus", "users.setStatus").body(&Status(status));
        self.transport.send::<Empty>(call).await.map(drop)
    }

    /// `POST livechat/agent.status`: `available` or `not-available` for Livechat.
    pub async fn set_livechat_status(&self, status: &str) -> Result<(), Error> {
        let call = self.call("POST livechat/agent.status", "livechat/agent.status").body(&Status(status));
        self.transport.send::<()>(call).await
    }

    /// `GET livechat/rooms` with filters and paging.
    pub async fn rooms(&self, q: &RoomsQuery) -> Result<RoomsResponse, Error> {
        let mut call = self
            .call("GET livechat/rooms", "livechat/rooms")
            .query_opt("roomName", q.room_name.as_deref())
            .query_opt("departmentId", q.department_id.as_deref())
            .query_opt("open", q.open)
            .query_opt("queued", q.queued)
            .query_opt("count", q.count)
            .query_opt("offset", q.offset)
            .query_opt("sort", q.sort.as_deref());
        for agent in &q.agents {
            call = call.query("agents[]", agent);
        }
        self.transport.send(call).await
    }

    /// `GET livechat/inquiries.list`: queued inquiries.
    pub async fn inquiries(&self, q: &InquiriesQuery) -> Result<InquiriesResponse, Error> {
        let call = self
            .call("GET livechat/inquiries.list", "livechat/inquiries.list")
            .query_opt("department", q.department.as_deref())
            .query_opt("count", q.count)
            .query_opt("offset", q.offset)
            .query_opt("sort", q.sort.as_deref());
        self.transport.send(call).await
    }

    /// `POST livechat/inquiries.take`: serve the inquiry's room (as `user_id`, or oneself).
    /// Old servers answer with the inquiry, new ones with nothing.
    pub async fn take_inquiry(&self, inquiry_id: &str, user_id: Option<&str>) -> Result<Option<Inquiry>, Error> {
        let body = TakeInquiry { inquiry_id: inquiry_id.into(), user_id: user_id.map(str::to_owned) };
        let call = self.call("POST livechat/inquiries.take", "livechat/inquiries.take").body(&body);
        Ok(self.transport.send::<TakeInquiryResponse>(call).await?.inquiry)
    }

    /// `GET livechat/inquiries.getOne`: the room's inquiry, if it has one.
    pub async fn inquiry(&self, room_id: &str) -> Result<Option<Inquiry>, Error> {
        let call = self.call("GET livechat/inquiries.getOne", "livechat/inquiries.getOne").query("roomId", room_id);
        Ok(self.transport.send::<GetInquiryResponse>(call).await?.inquiry)
    }

    /// `POST livechat/room.forward`: to another agent (`user_id`) or department.
    pub async fn forward(&self, forward: &ForwardRoom) -> Result<(), Error> {
        let call = self.call("POST livechat/room.forward", "livechat/room.forward").body(forward);
        self.transport.send::<Empty>(call).await.map(drop)
    }

    /// `POST livechat/room.closeByUser`.
    pub async fn close_room(&self, rid: &str, comment: Option<&str>) -> Result<(), Error> {
        let body = CloseRoomByUser { rid: rid.into(), comment: comment.map(str::to_owned), tags: Vec::new() };
        let call = self.call("POST livechat/room.closeByUser", "livechat/room.closeByUser").body(&body);
        self.transport.send::<Empty>(call).await.map(drop)
    }

    /// `POST chat.sendMessage`: a reply in a room the agent serves.
    pub async fn send_message(&self, rid: &str, msg: &str, id: Option<&str>) -> Result<Message, Error> {
        let body = ChatSendMessage {
            message: OutgoingMessage {
                id: id.map(str::to_owned),
                rid: rid.into(),
                msg: msg.into(),
                ..Default::default()
            },
        };
        let call = self.call("POST chat.sendMessage", "chat.sendMessage").body(&body);
        Ok(self.transport.send::<MessageResponse>(call).await?.message)
    }

    /// Sends `file` in room `rid` as Rocket.Chat 7 and 8 take an agent's file: `rooms.media/:rid`
    /// (kept, temporarily), then `rooms.mediaConfirm/:rid/:fileId` with the message's text and
    /// the file's description. The message that carries it.
    pub async fn send_file(
        &self,
        rid: &str,
        file: &web_sys::File,
        msg: Option<String>,
        description: Option<String>,
    ) -> Result<Message, Error> {
        let endpoint = "POST rooms.media/:rid";
        let form = web_sys::FormData::new()
            .and_then(|form| form.append_with_blob_and_filename(FILE_FIELD, file, &file.name()).map(|()| form))
            .map_err(|e| Error::Network { endpoint, detail: format!("{e:?}") })?;
        let call = self.call(endpoint, format!("rooms.media/{}", super::segment(rid))).form(form);
        let media: MediaResponse = self.transport.send(call).await?;
        let path = format!("rooms.mediaConfirm/{}/{}", super::segment(rid), super::segment(&media.file.id));
        let call = self.call("POST rooms.mediaConfirm/:rid/:fileId", path).body(&MediaConfirm { msg, description });
        Ok(self.transport.send::<MessageResponse>(call).await?.message)
    }

    /// A room's history, newest first, read with the visitor token the room carries.
    pub async fn room_history(&self, room: &Room, query: &HistoryQuery) -> Result<Vec<Message>, Error> {
        let token = room.v.as_ref().map(|v| v.token.as_str()).unwrap_or_default();
        let call = history_call(&room.id, token, query);
        Ok(self.transport.send::<HistoryResponse>(call).await?.messages)
    }
}

/// `{"status": …}`, the body of both status calls.
struct Status<'a>(&'a str);

impl ToJson for Status<'_> {
    fn to_json(&self, w: &mut JsonWriter) {
        w.object(|w| w.field("status", self.0));
    }
}
