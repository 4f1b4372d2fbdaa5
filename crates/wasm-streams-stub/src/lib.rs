//! Leptos always enables its server functions' browser client, which converts request and
//! response bodies with `wasm-streams`. That crate's JavaScript-facing classes
//! (`IntoUnderlyingSource`, `IntoUnderlyingByteSource`, `IntoUnderlyingSink`) are
//! `#[wasm_bindgen]` exports, and exports are kept in every build, used or not: about 9 KB of
//! the widget's brotli-compressed wasm and glue, for code it never runs (it has no server
//! functions, and neither has the agent console).
//!
//! This crate has the one type and four methods `server_fn` 0.8 names, with the same
//! signatures. Wrapping a raw stream and unwrapping it work; turning a Rust stream into a
//! JavaScript one, or reading one as a Rust stream, is a streaming server function's business
//! and fails clearly here.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::Stream;
use wasm_bindgen::JsValue;

const UNSUPPORTED: &str = "streaming server-function bodies are not supported in this build";

/// A JavaScript `ReadableStream`.
pub struct ReadableStream {
    raw: web_sys::ReadableStream,
}

impl ReadableStream {
    /// Wraps a JavaScript stream.
    pub fn from_raw(raw: web_sys::ReadableStream) -> Self {
        Self { raw }
    }

    /// Not supported: throws a JavaScript error.
    pub fn from_stream<St>(_stream: St) -> Self
    where
        St: Stream<Item = Result<JsValue, JsValue>> + 'static,
    {
        wasm_bindgen::throw_str(UNSUPPORTED)
    }

    /// The JavaScript stream.
    pub fn into_raw(self) -> web_sys::ReadableStream {
        self.raw
    }

    /// Not supported: a stream whose one item is an error saying so.
    pub fn into_stream(self) -> IntoStream<'static> {
        IntoStream { done: false, _raw: std::marker::PhantomData }
    }
}

/// What [`ReadableStream::into_stream`] answers.
pub struct IntoStream<'reader> {
    done: bool,
    _raw: std::marker::PhantomData<&'reader ()>,
}

impl Stream for IntoStream<'_> {
    type Item = Result<JsValue, JsValue>;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if std::mem::replace(&mut self.done, true) {
            Poll::Ready(None)
        } else {
            Poll::Ready(Some(Err(JsValue::from_str(UNSUPPORTED))))
        }
    }
}
