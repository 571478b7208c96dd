//! What the device remembers for the resident: language, large text, and
//! their compound. Kept in `localStorage`, so the choice survives the WeChat
//! web view being closed; applied to `<html>` so CSS and the pre-app
//! skeleton follow it.

use api_types::Lang;
use leptos::prelude::*;

const LANG_KEY: &str = "linli.lang";
const LARGE_TEXT_KEY: &str = "linli.large_text";
const COMPOUND_KEY: &str = "linli.compound";
/// The class on `<html>` that switches the type scale up.
pub const LARGE_TEXT_CLASS: &str = "large-text";

/// The resident's chosen compound, remembered with its name so the top bar
/// can show it before any request returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MyCompound {
    /// The compound's id.
    pub id: i64,
    /// Its name.
    pub name: String,
}

impl MyCompound {
    /// The stored form: `id|name`.
    pub fn encode(&self) -> String {
        format!("{}|{}", self.id, self.name)
    }

    /// Reads the stored form; `None` for anything else.
    pub fn decode(stored: &str) -> Option<MyCompound> {
        let (id, name) = stored.split_once('|')?;
        let id = id.parse().ok().filter(|id: &i64| *id > 0)?;
        (!name.is_empty()).then(|| MyCompound {
            id,
            name: name.to_owned(),
        })
    }
}

/// Reads a stored language: only the values this app writes count.
pub fn decode_lang(stored: Option<&str>) -> Lang {
    match stored {
        Some("en") => Lang::En,
        _ => Lang::Zh,
    }
}

/// The stored form of a language.
pub fn encode_lang(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

/// The device's preferences, shared through context.
#[derive(Debug, Clone, Copy)]
pub struct Prefs {
    /// The UI language.
    pub lang: RwSignal<Lang>,
    /// Elder-friendly large text (适老化).
    pub large_text: RwSignal<bool>,
    /// The resident's compound, if chosen.
    pub compound: RwSignal<Option<MyCompound>>,
}

/// The device's `localStorage`, when the web view allows it.
pub fn storage() -> Option<web_sys::Storage> {
    // WeChat's private mode and some web views refuse storage: then the
    // choices simply last for this visit.
    window().local_storage().ok().flatten()
}

fn load(key: &str) -> Option<String> {
    storage().and_then(|s| s.get_item(key).ok().flatten())
}

fn save(key: &str, value: Option<&str>) {
    if let Some(storage) = storage() {
        let _ = match value {
            Some(value) => storage.set_item(key, value),
            None => storage.remove_item(key),
        };
    }
}

/// Reads the stored preferences, provides them as context, and keeps the
/// store and `<html>` in step with every change.
pub fn provide_prefs() -> Prefs {
    let prefs = Prefs {
        lang: RwSignal::new(decode_lang(load(LANG_KEY).as_deref())),
        large_text: RwSignal::new(load(LARGE_TEXT_KEY).as_deref() == Some("1")),
        compound: RwSignal::new(load(COMPOUND_KEY).as_deref().and_then(MyCompound::decode)),
    };
    Effect::new(move || {
        let lang = prefs.lang.get();
        save(LANG_KEY, Some(encode_lang(lang)));
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", lang.tag());
        }
    });
    Effect::new(move || {
        let on = prefs.large_text.get();
        save(LARGE_TEXT_KEY, Some(if on { "1" } else { "0" }));
        if let Some(html) = document().document_element() {
            let _ = html.class_list().toggle_with_force(LARGE_TEXT_CLASS, on);
        }
    });
    Effect::new(move || {
        let compound = prefs.compound.get();
        save(
            COMPOUND_KEY,
            compound.as_ref().map(MyCompound::encode).as_deref(),
        );
    });
    provide_context(prefs);
    prefs
}

/// The preferences provided by [`provide_prefs`].
pub fn use_prefs() -> Prefs {
    expect_context::<Prefs>()
}

/// The current language. The app renders its whole tree afresh when the
/// language changes (a rare tap), so views read it once as a plain value
/// instead of each text subscribing to it: far less code to ship.
pub fn use_lang() -> Lang {
    use_prefs().lang.get_untracked()
}

/// Keeps `document.title` in step with `title` (what WeChat shows in its
/// title bar and share cards).
pub fn use_title(title: impl Fn() -> String + 'static) {
    Effect::new(move || document().set_title(&title()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compounds_round_trip_and_reject_garbage() {
        let mine = MyCompound {
            id: 3,
            name: "临城佳苑".into(),
        };
        assert_eq!(MyCompound::decode(&mine.encode()), Some(mine));
        assert_eq!(MyCompound::decode("x|名"), None);
        assert_eq!(MyCompound::decode("0|名"), None);
        assert_eq!(MyCompound::decode("4|"), None);
        assert_eq!(MyCompound::decode("4"), None);
    }

    #[test]
    fn languages_default_to_chinese() {
        assert_eq!(decode_lang(None), Lang::Zh);
        assert_eq!(decode_lang(Some("fr")), Lang::Zh);
        assert_eq!(decode_lang(Some(encode_lang(Lang::En))), Lang::En);
    }
}
