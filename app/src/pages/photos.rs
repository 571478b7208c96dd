//! Choosing photos: each is shrunk on the phone and uploaded at once, so
//! submitting the form sends only their ids.

use crate::affair_text::{W, w};
use crate::api;
use crate::components::ui;
use crate::photo::shrink;
use crate::prefs::use_lang;
use api_types::affairs::PHOTOS_MAX;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::pages::affair_style as style;

/// The URL of a stored photo.
pub fn photo_url(id: i64) -> String {
    format!("{}/photos/{id}", api_types::API_PREFIX)
}

/// Thumbnails of the chosen photos, a remove button on each, and a tile to
/// add more (camera or album).
#[component]
pub fn PhotoPicker(
    /// The uploaded photos' ids.
    ids: RwSignal<Vec<i64>>,
) -> impl IntoView {
    let lang = use_lang();
    let uploading = RwSignal::new(0_usize);
    let error = RwSignal::new(None::<String>);
    let pick = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(files) = input.files() else { return };
        let room = PHOTOS_MAX.saturating_sub(ids.get_untracked().len() + uploading.get_untracked());
        let chosen: Vec<web_sys::File> = (0..files.length())
            .filter_map(|i| files.get(i))
            .take(room)
            .collect();
        input.set_value("");
        error.set(None);
        for file in chosen {
            uploading.update(|n| *n += 1);
            spawn_local(async move {
                let small = shrink(file).await;
                match api::upload_photo(&small, lang).await {
                    Ok(photo) => ids.update(|all| all.push(photo.id)),
                    Err(e) => error.set(Some(e.text(lang))),
                }
                uploading.update(|n| *n -= 1);
            });
        }
    };
    view! {
        <fieldset class=style::group>
            <legend class=ui::label>{w(lang, W::Photos)}</legend>
            <div class=style::photos>
                {move || ids.get().into_iter().map(|id| view! {
                    <div class=style::photo>
                        <img src=photo_url(id) alt="" />
                        <button type="button" on:click=move |_| ids.update(|all| all.retain(|x| *x != id))>
                            {w(lang, W::Remove)}
                        </button>
                    </div>
                }).collect_view()}
                <Show when=move || ids.with(Vec::len) + uploading.get() < PHOTOS_MAX>
                    <label class=style::add_photo>
                        <input type="file" accept="image/*" multiple on:change=pick />
                        {w(lang, W::AddPhoto)}
                    </label>
                </Show>
            </div>
            {move || (uploading.get() > 0).then(|| view! { <p class=ui::hint role="status">{w(lang, W::Uploading)}</p> })}
            {move || error.get().map(|m| view! { <p class=ui::error role="alert">{m}</p> })}
            <p class=ui::hint>{w(lang, W::PhotosHint)}</p>
        </fieldset>
    }
}
