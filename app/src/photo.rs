//! Shrinking a photo on the phone before it is sent: a 12-megapixel camera
//! JPEG of 4 MB becomes a 1600-pixel one of about 300 KB, which an elderly
//! resident's 4G sends in seconds. The server re-encodes it anyway.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, ImageBitmap, ImageEncodeOptions, OffscreenCanvas};

/// The longest side sent, as the server keeps.
const MAX_SIDE: u32 = 1600;

/// The photo shrunk to [`MAX_SIDE`] as JPEG, turned upright as the camera
/// recorded it; the original if this browser cannot (the server shrinks it).
pub async fn shrink(file: web_sys::File) -> Blob {
    let original: Blob = file.into();
    match try_shrink(&original).await {
        Some(small) => small,
        None => original,
    }
}

async fn try_shrink(original: &Blob) -> Option<Blob> {
    let window = leptos::prelude::window();
    let bitmap: ImageBitmap = JsFuture::from(window.create_image_bitmap_with_blob(original).ok()?)
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    let (w, h) = (bitmap.width(), bitmap.height());
    let longest = w.max(h).max(1);
    let (tw, th) = if longest > MAX_SIDE {
        (
            (u64::from(w) * u64::from(MAX_SIDE) / u64::from(longest)) as u32,
            (u64::from(h) * u64::from(MAX_SIDE) / u64::from(longest)) as u32,
        )
    } else {
        (w, h)
    };
    let canvas = OffscreenCanvas::new(tw.max(1), th.max(1)).ok()?;
    let context: web_sys::OffscreenCanvasRenderingContext2d =
        canvas.get_context("2d").ok()??.dyn_into().ok()?;
    context
        .draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, f64::from(tw), f64::from(th))
        .ok()?;
    bitmap.close();
    let options = ImageEncodeOptions::new();
    options.set_type("image/jpeg");
    options.set_quality(0.8);
    let blob = JsFuture::from(canvas.convert_to_blob_with_options(&options).ok()?)
        .await
        .ok()?;
    blob.dyn_into().ok()
}
