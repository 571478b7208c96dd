//! `/me/sms`: which notices also come by SMS, as a page the server writes
//! (a form of boxes to tick and one button), linked from 我的 and from the
//! inbox. Written here rather than in a bundle: the choices would add
//! about 5 KiB brotli to whichever bundle carried them (measured with
//! twiggy on the affairs bundle), and a form needs no WebAssembly at all.
//! The same choices are in the API at `/api/v1/me/sms-notices`.

use crate::AppState;
use crate::auth::MaybePerson;
use crate::error::AppError;
use crate::routes::people::{save_sms_choice, sms_settings};
use api_types::Lang;
use api_types::sms::{SmsNotice, SmsNoticeSetting};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Redirect, Response};

/// The page's only style block; its hash is in the Content-Security-Policy
/// (see [`crate::web::AppShell::load`]). Large type for elderly readers,
/// boxes and the button a thumb's width; the colours of
/// `style/main.css`.
pub const STYLE: &str = "body{margin:0;font:20px/1.6 system-ui,sans-serif;color:#1f1b16;background:#f6f3ee}\
main{max-width:36rem;margin:0 auto;padding:16px}h1{font-size:28px;margin:8px 0}\
label{display:flex;gap:12px;align-items:center;min-height:56px;padding:8px 12px;margin:8px 0;\
background:#fff;border-radius:12px}input{width:28px;height:28px;flex:none;accent-color:#b3261e}\
button{width:100%;min-height:56px;margin-top:12px;font-size:22px;border:0;border-radius:12px;\
background:#b3261e;color:#fff;font-weight:700}p.said{padding:12px;border-radius:12px;background:#e6f2ea;color:#1b6e3a}\
a{color:#0b57d0}";

fn lang(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map_or(Lang::Zh, Lang::from_accept_language)
}

fn sign_in() -> Response {
    Redirect::to("/sign-in?next=/me/sms").into_response()
}

/// `GET /me/sms`: the form; after saving, `?saved=1` says so. Signed out:
/// to sign-in, and back here after.
pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: MaybePerson,
    RawQuery(query): RawQuery,
) -> Result<Response, AppError> {
    let Some(person) = person.0 else {
        return Ok(sign_in());
    };
    let lang = lang(&headers);
    let zh = lang == Lang::Zh;
    let settings = sms_settings(&state, person.id).await?;
    let mut html = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{} · 邻里</title><style>{STYLE}</style></head><body><main>\
         <p><a href=\"/me\">‹ {}</a></p><h1>{}</h1><p>{}</p>",
        lang.tag(),
        if zh { "短信提醒" } else { "SMS notices" },
        if zh { "返回我的" } else { "Back to Me" },
        if zh { "短信提醒" } else { "SMS notices" },
        if zh {
            "消息里总能看到全部。勾选的几类也会发短信到您的手机：晚上9点到早上8点不发（紧急的事除外），每天最多3条，多的合成一条。"
        } else {
            "Every notice is always in the inbox. The kinds ticked also come to your phone: none between 21:00 and 08:00 (urgent affairs excepted), at most 3 a day, the rest in one message."
        },
    );
    if query.as_deref() == Some("saved=1") {
        html.push_str(if zh {
            "<p class=\"said\" role=\"status\">已保存。</p>"
        } else {
            "<p class=\"said\" role=\"status\">Saved.</p>"
        });
    }
    if settings.items.is_empty() {
        html.push_str(if zh {
            "<p>这里还没有开通短信提醒。</p>"
        } else {
            "<p>SMS notices are not set up here yet.</p>"
        });
    } else {
        html.push_str("<form method=\"post\" action=\"/me/sms\">");
        for item in &settings.items {
            html.push_str(&format!(
                "<label><input type=\"checkbox\" name=\"on\" value=\"{}\"{}>{}</label>",
                item.kind.as_str(),
                if item.enabled { " checked" } else { "" },
                item.kind.label(lang)
            ));
        }
        html.push_str(&format!(
            "<button type=\"submit\">{}</button></form>",
            if zh { "保存" } else { "Save" }
        ));
    }
    html.push_str(&format!(
        "<p><a href=\"/notices\">{}</a></p></main></body></html>",
        if zh { "看全部消息" } else { "All notices" }
    ));
    Ok(([(header::CACHE_CONTROL, "no-store")], Html(html)).into_response())
}

/// `POST /me/sms` (a form, `on=KIND` for each box ticked): every kind the
/// page offered is saved on or off; names it did not offer are ignored.
/// Then back to the page, which says it saved. 415 unless the body is
/// `application/x-www-form-urlencoded`, what a form sends.
pub async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    person: MaybePerson,
    body: Bytes,
) -> Result<Response, AppError> {
    let Some(person) = person.0 else {
        return Ok(sign_in());
    };
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !form {
        let said = match lang(&headers) {
            Lang::Zh => "请用本页的表单保存（application/x-www-form-urlencoded）",
            Lang::En => "Save with this page's form (application/x-www-form-urlencoded)",
        };
        return Err(
            AppError::new(api_types::ErrorCode::UnsupportedMediaType).with_message(said.to_owned())
        );
    }
    let ticked: Vec<SmsNotice> = form_urlencoded::parse(&body)
        .filter(|(name, _)| name == "on")
        .filter_map(|(_, kind)| SmsNotice::parse(&kind))
        .collect();
    let offered = sms_settings(&state, person.id).await?;
    for item in offered.items {
        let choice = SmsNoticeSetting {
            kind: item.kind,
            enabled: ticked.contains(&item.kind),
        };
        save_sms_choice(&state, person.id, choice).await?;
    }
    Ok(Redirect::to("/me/sms?saved=1").into_response())
}
