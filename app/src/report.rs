//! Tells the team when the app crashes on a resident's phone, where nobody
//! can open a console: a panic is logged and sent to
//! `POST /api/v1/client-errors`.

use api_types::API_PREFIX;
use api_types::client_errors::{ClientErrorKind, MESSAGE_MAX, NewClientError};
use wasm_bindgen::JsValue;

/// Replaces the panic hook with one that logs and reports the panic.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        web_sys::console::error_1(&JsValue::from_str(&message));
        send(&message);
    }));
}

/// Starts the report's request at once: the module aborts right after a
/// panic, so nothing may wait for a later tick; the browser carries the
/// request on by itself.
fn send(message: &str) {
    let window = leptos::prelude::window();
    let report = NewClientError {
        kind: ClientErrorKind::Panic,
        message: message.chars().take(MESSAGE_MAX).collect(),
        page: window.location().pathname().ok(),
    };
    let Ok(body) = serde_json::to_string(&report) else {
        return;
    };
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(&body));
    let headers = web_sys::Headers::new().ok();
    if let Some(headers) = &headers {
        let _ = headers.set("Content-Type", "application/json");
        init.set_headers(headers);
    }
    let _ = window.fetch_with_str_and_init(&format!("{API_PREFIX}/client-errors"), &init);
}
