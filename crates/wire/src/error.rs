//! The failure body every endpoint answers with, and the error codes in it ([`code`]).

use serde::{Deserialize, Serialize};

use crate::wire_type;

wire_type! {
    /// `{"success": false, "error": "...", "errorType": "..."}`.
    ///
    /// * Business errors (400) carry `error`, and `errorType` when the server raised a typed
    ///   `Meteor.Error` (`"Sorry, no online agents [no-agent-online]"` / `"no-agent-online"`).
    /// * A missing login (401) also carries `status: "error"` and `message`.
    /// * Parameter validation: `errorType` is `invalid-params` (legacy routes) or
    ///   `error-invalid-params` (typed routes).
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct ErrorBody {
        #[serde(default)]
        pub success: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub error: Option<String>,
        #[serde(default, rename = "errorType", skip_serializing_if = "Option::is_none")]
        pub error_type: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub status: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub message: Option<String>,
        /// What `failure({reason})` answers carry instead of `error` (the visitor's upload).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub reason: Option<String>,
    }
    impl FromJson;
}

impl ErrorBody {
    /// The most specific text the body has.
    pub fn text(&self) -> Option<&str> {
        self.error.as_deref().or(self.reason.as_deref()).or(self.message.as_deref())
    }
}

/// Rocket.Chat's error codes: what `error` holds for `throw new Error(code)`, or `errorType`
/// for `throw new Meteor.Error(code, reason)`. Both sides name them from here: the dev server
/// when it fails, the widget and the console when they tell one failure from another. Each
/// constant is its text in capitals, `-` as `_` (Rocket.Chat has both `invalid-room` and
/// `error-invalid-room`, for different endpoints).
pub mod code {
    // The visitor and the room.
    /// No visitor has this token.
    pub const INVALID_TOKEN: &str = "invalid-token";
    /// `POST livechat/visitor` with a blank token.
    pub const ERROR_INVALID_TOKEN: &str = "error-invalid-token";
    /// `POST livechat/visitor` with an address that is not an e-mail.
    pub const ERROR_INVALID_EMAIL: &str = "error-invalid-email";
    /// The room is not the visitor's (visitor endpoints).
    pub const INVALID_ROOM: &str = "invalid-room";
    /// No such room (transfer and agent endpoints).
    pub const ERROR_INVALID_ROOM: &str = "error-invalid-room";
    /// A visitor wrote into (or closed) a closed room.
    pub const ROOM_CLOSED: &str = "room-closed";
    /// A transfer or forward of a closed room (an i18n key used as the error).
    pub const THIS_CONVERSATION_IS_ALREADY_CLOSED: &str = "This_conversation_is_already_closed";
    /// `room.closeByUser` on a closed room.
    pub const ERROR_ROOM_ALREADY_CLOSED: &str = "error-room-already-closed";
    /// Visitors may not close chats (`Livechat_allow_visitor_closing_chat` off).
    pub const ERROR_NOT_ALLOWED_TO_CLOSE_CONVERSATION: &str = "error-not-allowed-to-close-conversation";
    /// A room starts while no agent is online and chats are not accepted without one.
    pub const NO_AGENT_ONLINE: &str = "no-agent-online";
    /// A survey with no answer Rocket.Chat keeps.
    pub const INVALID_DATA: &str = "invalid-data";
    /// A department given by id or name does not exist (or is disabled).
    pub const ERROR_INVALID_DEPARTMENT: &str = "error-invalid-department";
    /// A transfer to a department with nobody online (sic: Rocket.Chat's spelling).
    pub const ERROR_TRANSFERING_CHAT: &str = "error-transfering-chat";
    /// `DELETE livechat/visitor/:token` while the visitor has an open room.
    pub const VISITOR_HAS_OPEN_ROOMS: &str = "visitor-has-open-rooms";
    /// `DELETE livechat/visitor/:token` failed on the server's side.
    pub const ERROR_REMOVING_VISITOR: &str = "error-removing-visitor";
    /// `livechat/transcript`: the token is not the room's visitor's.
    pub const ERROR_INVALID_VISITOR: &str = "error-invalid-visitor";
    /// `livechat/transcript`: the address is not an e-mail (Rocket.Chat's mailer's code, with
    /// its space: the text is `[invalid email]`).
    pub const INVALID_EMAIL: &str = "invalid email";

    // Messages.
    /// No such message in the room.
    pub const INVALID_MESSAGE: &str = "invalid-message";
    /// Editing or deleting a message that is not the visitor's own.
    pub const ERROR_ACTION_NOT_ALLOWED: &str = "error-action-not-allowed";
    /// Longer than the Livechat character limit.
    pub const MESSAGE_LENGTH_EXCEEDS_CHARACTER_LIMIT: &str = "message-length-exceeds-character-limit";
    /// Longer than `Message_MaxAllowedSize`.
    pub const ERROR_MESSAGE_SIZE_EXCEEDED: &str = "error-message-size-exceeded";

    // Custom fields.
    /// A key no custom field is defined for (or an empty list of fields).
    pub const INVALID_CUSTOM_FIELD: &str = "invalid-custom-field";

    // Agents.
    /// The room has no serving agent, or it is gone (`agent.info`).
    pub const INVALID_AGENT: &str = "invalid-agent";
    /// `agent.next`: routing has nobody to offer (no agent online, or manual routing).
    pub const AGENT_NOT_FOUND: &str = "agent-not-found";
    /// No agent with that id.
    pub const ERROR_INVALID_AGENT: &str = "error-invalid-agent";
    /// A forward to an agent who is offline or not available.
    pub const ERROR_USER_IS_OFFLINE: &str = "error-user-is-offline";
    /// A forward to the agent already serving the room.
    pub const ERROR_SELECTED_AGENT_ROOM_AGENT_ARE_SAME: &str = "error-selected-agent-room-agent-are-same";
    /// Taking an inquiry while not available.
    pub const ERROR_AGENT_STATUS_SERVICE_OFFLINE: &str = "error-agent-status-service-offline";
    /// No such inquiry.
    pub const ERROR_NOT_FOUND: &str = "error-not-found";
    /// The inquiry was taken already.
    pub const ERROR_INQUIRY_TAKEN: &str = "error-inquiry-taken";
    /// An agent writes into a room it does not serve.
    pub const ERROR_NOT_ALLOWED: &str = "error-not-allowed";
    /// An agent closes a room it neither serves nor may close for others.
    pub const ERROR_NOT_AUTHORIZED: &str = "error-not-authorized";
    /// Closing without the comment the server requires.
    pub const ERROR_COMMENT_IS_REQUIRED: &str = "error-comment-is-required";
    /// `users.setStatus` with a status that is not online, away, busy or offline.
    pub const ERROR_INVALID_STATUS: &str = "error-invalid-status";
    /// A list's `sort` that is not a JSON object of `field: 1 | -1`.
    pub const ERROR_INVALID_SORT: &str = "error-invalid-sort";

    // Requests.
    /// Parameter validation on a legacy route (Ajv, `validateParams`).
    pub const INVALID_PARAMS: &str = "invalid-params";
    /// Parameter validation on a typed route.
    pub const ERROR_INVALID_PARAMS: &str = "error-invalid-params";
    /// A body larger than the server takes.
    pub const ERROR_PAYLOAD_TOO_LARGE: &str = "error-payload-too-large";
    /// A missing permission (403).
    pub const ERROR_UNAUTHORIZED: &str = "error-unauthorized";
    /// `forbidden()`'s text (403): the visitor's token, room or upload refused.
    pub const UNAUTHORIZED: &str = "unauthorized";

    // Uploads (`livechat/upload/:rid`, `rooms.media/:rid`).
    /// Uploads are off (`FileUpload_Enabled`, `Livechat_fileupload_enabled`).
    pub const ERROR_FILE_UPLOAD_DISABLED: &str = "error-file-upload-disabled";
    /// The file's media type is blocked or not allowed.
    pub const ERROR_TYPE_NOT_ALLOWED: &str = "error-type-not-allowed";
    /// Larger than `FileUpload_MaxFileSize`.
    pub const ERROR_FILE_TOO_LARGE: &str = "error-file-too-large";
    /// A request without a file part.
    pub const ERROR_NO_FILE: &str = "error-no-file";
    /// A part under another name than `file`, or a field not taken.
    pub const INVALID_FIELD: &str = "invalid-field";
    /// More than one file.
    pub const ERROR_TOO_MANY_FILES: &str = "error-too-many-files";
    /// The agent confirms a file that is not theirs, or not there.
    pub const INVALID_FILE: &str = "invalid-file";

    // DDP.
    /// A subscription or method the connection may not use.
    pub const NOT_ALLOWED: &str = "not-allowed";
    /// A connection's subscriptions are at their limit.
    pub const TOO_MANY_SUBSCRIPTIONS: &str = "too-many-subscriptions";
}
