//! The life of a room: creation, assignment to an agent, the queue, transfers and closing.
//!
//! Each function does its database work and returns the [`Event`]s subscribers must hear. The
//! caller runs it inside the handler's one transaction (so a failure part-way writes nothing),
//! commits, and emits the events while it still holds the connection, so events follow commit
//! order.

use livechat_wire::UserRef;
use livechat_wire::ddp::LivechatRoomEvent;
use livechat_wire::error::code;
use livechat_wire::message::{DepartmentName, TransferData, types};
use livechat_wire::room::Room;
use livechat_wire::transcript::PROMPT_TRANSCRIPT;
use livechat_wire::visitor::Visitor;
use rusqlite::Connection;

use crate::config::{Routing, ServerConfig};
use crate::error::{ApiError, ApiResult};
use crate::hub::Event;
use crate::ids::{self, Clock};
use crate::store::{self, NewMessage, User};

/// Everything routing needs besides the connection.
pub struct Ctx<'a> {
    pub config: &'a ServerConfig,
    pub clock: &'a Clock,
}

impl Ctx<'_> {
    /// Stores a system message and returns its event.
    fn system(&self, conn: &Connection, new: NewMessage) -> ApiResult<Event> {
        let message = store::insert_message(conn, self.clock.now(), NewMessage { groupable: Some(false), ..new })?
            .ok_or_else(|| ApiError::Internal("system message id collided".into()))?;
        Ok(Event::Message(Box::new(message)))
    }

    /// The `livechat_transfer_history` message for a transfer made by `by`.
    fn transfer_message(&self, conn: &Connection, rid: &str, by: UserRef, data: TransferData) -> ApiResult<Event> {
        let transfer_data = Some(TransferData { transferred_by: Some(by.clone()), ..data });
        self.system(
            conn,
            NewMessage {
                rid: rid.into(),
                t: Some(types::TRANSFER_HISTORY),
                u: by,
                transfer_data,
                ..NewMessage::default()
            },
        )
    }

    /// Creates the visitor's room, routes it, and returns it re-read.
    ///
    /// With a `preferred` agent (`agentId`, as the widget sends after a trigger's `queue`
    /// sender), Rocket.Chat's `requestRoom`: the department is the visitor's own (no required
    /// department is picked), nobody need be online, and the agent serves the room when it is
    /// online and available; otherwise routing picks as usual, and with nobody the room waits
    /// in the queue. Whether the agent is in the department is not checked, as in Rocket.Chat.
    pub fn create_room(
        &self,
        conn: &Connection,
        visitor: &Visitor,
        preferred: Option<User>,
    ) -> ApiResult<(Room, Vec<Event>)> {
        let own_department = match visitor.department.as_deref() {
            Some(d) => store::department(conn, d)?.map(|d| d.id),
            None => None,
        };
        let department = if own_department.is_some() || preferred.is_some() {
            own_department
        } else {
            self.required_department(conn)?
        };
        let had_preferred = preferred.is_some();
        let candidates = match preferred.filter(User::is_online_agent) {
            Some(agent) => vec![agent],
            None => store::online_agents(conn, department.as_deref())?,
        };
        if candidates.is_empty() && !had_preferred && !self.config.accept_chats_with_no_agents {
            return Err(ApiError::meteor(code::NO_AGENT_ONLINE, "Sorry, no online agents"));
        }
        let now = self.clock.now();
        let rid = ids::random_id();
        let fname = visitor.name.clone().unwrap_or_else(|| visitor.username.clone());
        store::insert_room(conn, now, &rid, visitor, &fname, department.as_deref())?;
        store::insert_inquiry(conn, now, &rid, department.as_deref(), &fname)?;
        let mut events = vec![self.system(
            conn,
            NewMessage {
                rid: rid.clone(),
                t: Some(types::LIVECHAT_STARTED),
                u: store::visitor_ref(visitor),
                token: Some(visitor.token.clone()),
                ..NewMessage::default()
            },
        )?];
        if self.config.routing == Routing::Auto
            && let Some(agent) = candidates.first()
        {
            events.extend(self.assign(conn, &rid, agent)?);
        }
        let room = store::room_by_id(conn, &rid)?.ok_or_else(|| ApiError::Internal("room vanished".into()))?;
        Ok((room, events))
    }

    /// The agent routing would give a new room of `department` now (`RoutingManager.getNextAgent`):
    /// the least busy online agent with auto routing, nobody with manual routing.
    pub fn next_agent(&self, conn: &Connection, department: Option<&str>) -> ApiResult<Option<User>> {
        if self.config.routing == Routing::Manual {
            return Ok(None);
        }
        Ok(store::online_agents(conn, department)?.into_iter().next())
    }

    /// `getRequiredDepartment`: the first department shown on registration with an online agent.
    pub fn required_department(&self, conn: &Connection) -> ApiResult<Option<String>> {
        for dept in store::departments_with_agents(conn)? {
            if dept.show_on_registration && !store::online_agents(conn, Some(&dept.id))?.is_empty() {
                return Ok(Some(dept.id));
            }
        }
        Ok(None)
    }

    /// Makes `agent` serve the room: `servedBy`, the inquiry taken, a join message, `agentData`.
    pub fn assign(&self, conn: &Connection, rid: &str, agent: &User) -> ApiResult<Vec<Event>> {
        let now = self.clock.now();
        store::set_served_by(conn, rid, Some(agent), now)?;
        store::set_inquiry_taken(conn, rid, true, now)?;
        Ok(vec![
            self.system(
                conn,
                NewMessage {
                    rid: rid.into(),
                    t: Some(types::USER_JOINED),
                    msg: agent.username.clone(),
                    u: agent.user_ref(),
                    ..NewMessage::default()
                },
            )?,
            Event::Room {
                rid: rid.into(),
                event: LivechatRoomEvent::AgentData { data: Some(store::agent_public(self.config, agent)) },
            },
        ])
    }

    /// Puts the room back in the queue with no agent.
    fn requeue(&self, conn: &Connection, rid: &str) -> ApiResult<Vec<Event>> {
        let now = self.clock.now();
        store::set_served_by(conn, rid, None, now)?;
        store::set_inquiry_taken(conn, rid, false, now)?;
        Ok(vec![Event::Room { rid: rid.into(), event: LivechatRoomEvent::AgentData { data: None } }])
    }

    /// Moves an open room to another department and routes it there. With auto routing the
    /// serving agent stays when it belongs to the department, else the least busy one there
    /// takes over; with manual routing (or nobody online but chats accepted) it is queued.
    pub fn transfer_to_department(
        &self,
        conn: &Connection,
        room: &Room,
        department: &DepartmentName,
        by: UserRef,
        comment: Option<String>,
    ) -> ApiResult<Vec<Event>> {
        let candidates = store::online_agents(conn, Some(&department.id))?;
        if candidates.is_empty() && !self.config.accept_chats_with_no_agents {
            return Err(ApiError::plain(code::ERROR_TRANSFERING_CHAT));
        }
        let now = self.clock.now();
        store::set_room_department(conn, &room.id, &department.id, now)?;
        store::set_inquiry_department(conn, &room.id, &department.id, now)?;
        let data = TransferData {
            scope: "department".into(),
            next_department: Some(department.clone()),
            comment,
            ..TransferData::default()
        };
        let mut events = vec![self.transfer_message(conn, &room.id, by, data)?];
        let current = room.served_by.as_ref().map(|s| s.id.as_str());
        match candidates.first() {
            _ if self.config.routing == Routing::Manual => events.extend(self.requeue(conn, &room.id)?),
            Some(_) if candidates.iter().any(|a| Some(a.id.as_str()) == current) => {}
            Some(agent) => events.extend(self.assign(conn, &room.id, agent)?),
            None => events.extend(self.requeue(conn, &room.id)?),
        }
        Ok(events)
    }

    /// Hands an open room to another (online) agent.
    pub fn forward_to_agent(
        &self,
        conn: &Connection,
        room: &Room,
        agent: &User,
        by: UserRef,
        comment: Option<String>,
    ) -> ApiResult<Vec<Event>> {
        if !agent.is_online_agent() {
            return Err(ApiError::meteor(code::ERROR_USER_IS_OFFLINE, "User is offline"));
        }
        if room.is_served_by(&agent.id) {
            return Err(ApiError::meteor(
                code::ERROR_SELECTED_AGENT_ROOM_AGENT_ARE_SAME,
                "The selected agent and the room agent are the same",
            ));
        }
        let data = TransferData {
            scope: "agent".into(),
            transferred_to: Some(agent.user_ref()),
            comment,
            ..TransferData::default()
        };
        let mut events = vec![self.transfer_message(conn, &room.id, by, data)?];
        events.extend(self.assign(conn, &room.id, agent)?);
        Ok(events)
    }

    /// Closes an open room: closing fields, `open` removed, inquiry gone, a `livechat-close`
    /// message with `comment` from `closer` (with `transcriptRequested` when transcripts are sent
    /// always and not offered), then, when transcripts are offered, the `promptTranscript`
    /// command from the closer (Rocket.Chat's `afterRoomClosed`, for visitors' and agents'
    /// closes alike).
    pub fn close(
        &self,
        conn: &Connection,
        room: &Room,
        closer: &UserRef,
        by_visitor: bool,
        comment: &str,
    ) -> ApiResult<Vec<Event>> {
        let now = self.clock.now();
        store::close_room(conn, &room.id, closer, by_visitor, now)?;
        store::delete_inquiry(conn, &room.id)?;
        // The visitor's token only on a visitor's close, as Rocket.Chat writes it.
        let token = room.v.as_ref().filter(|_| by_visitor).map(|v| v.token.clone());
        let (offered, always) = (self.config.transcript, self.config.transcript_send_always);
        let mut events = vec![self.system(
            conn,
            NewMessage {
                rid: room.id.clone(),
                t: Some(types::LIVECHAT_CLOSE),
                msg: comment.to_owned(),
                u: closer.clone(),
                token,
                transcript_requested: Some(!offered && always),
                ..NewMessage::default()
            },
        )?];
        if offered && !always {
            events.push(self.system(
                conn,
                NewMessage {
                    rid: room.id.clone(),
                    t: Some(types::COMMAND),
                    msg: PROMPT_TRANSCRIPT.to_owned(),
                    u: closer.clone(),
                    ..NewMessage::default()
                },
            )?);
        }
        Ok(events)
    }
}
