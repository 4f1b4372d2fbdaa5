//! `livechat/transcript`: the visitor asks for the conversation by e-mail, and the messages
//! around it (the prompt after a close, the record that it was sent).

use serde::{Deserialize, Serialize};

use crate::wire_type;

/// The `msg` of the `t: "command"` message Rocket.Chat writes after a room closes while
/// transcripts are on (`Livechat_enable_transcript`) and not sent always: the widget offers
/// the transcript.
pub const PROMPT_TRANSCRIPT: &str = "promptTranscript";

/// The system message (`t`) saved in the room once a transcript was sent.
pub const TRANSCRIPT_HISTORY: &str = "livechat_transcript_history";

wire_type! {
    /// `POST livechat/transcript` body: all three required, no other keys.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct SendTranscript {
        pub token: String,
        pub rid: String,
        /// Where to send it (Rocket.Chat checks only that it has one `@` with text either side).
        pub email: String,
    }
    impl ToJson;
}

wire_type! {
    /// Answer: `{"message": "Omnichannel transcript sent"}` (in the server's language).
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct TranscriptResponse {
        pub message: String,
    }
    impl FromJson;
}
