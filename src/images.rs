//! Images in: a file the visitor attached (button, paste or drop) becomes an [`Image`] ready to
//! send: its type and size checked against Mistral's documented limits, decoded with
//! `createImageBitmap`, drawn on a canvas no larger than [`MAX_IMAGE_SIDE`] on its longest side,
//! and encoded as a `data:` URL (PNG stays PNG, WebP stays WebP, JPEG stays JPEG at quality
//! 0.9; a GIF becomes a PNG of its first frame, as Mistral takes still images only).

use tinychat_core::chat::{
    Image, IMAGE_TYPES, MAX_IMAGE_BYTES, MAX_IMAGE_SIDE, MAX_IMAGE_SOURCE_SIDE,
};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CanvasRenderingContext2d, File, HtmlCanvasElement, ImageBitmap};

/// Why a file cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImageError {
    /// Not PNG, JPEG, WebP or GIF.
    Type,
    /// Over 10 MB.
    TooBig,
    /// Over 10000 pixels on a side.
    TooWide,
    /// The browser could not decode or encode it.
    Unreadable,
}

/// The longest side, scaled down to at most `max`: `(width, height)` keeping the ratio.
pub fn fit(width: u32, height: u32, max: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= max || longest == 0 {
        return (width.max(1), height.max(1));
    }
    let scale = f64::from(max) / f64::from(longest);
    let w = (f64::from(width) * scale).round().max(1.0) as u32;
    let h = (f64::from(height) * scale).round().max(1.0) as u32;
    (w, h)
}

/// Reads, checks and downscales `file`.
pub async fn prepare(file: &File) -> Result<Image, ImageError> {
    let kind = file.type_();
    if !IMAGE_TYPES.contains(&kind.as_str()) {
        return Err(ImageError::Type);
    }
    if file.size() > MAX_IMAGE_BYTES {
        return Err(ImageError::TooBig);
    }
    let window = web_sys::window().ok_or(ImageError::Unreadable)?;
    let promise = window
        .create_image_bitmap_with_blob(file)
        .map_err(|_| ImageError::Unreadable)?;
    let bitmap: ImageBitmap = JsFuture::from(promise)
        .await
        .ok()
        .and_then(|b| b.dyn_into().ok())
        .ok_or(ImageError::Unreadable)?;
    let (width, height) = (bitmap.width(), bitmap.height());
    if width.max(height) > MAX_IMAGE_SOURCE_SIDE {
        bitmap.close();
        return Err(ImageError::TooWide);
    }
    let (w, h) = fit(width, height, MAX_IMAGE_SIDE);
    let encoded = encode(&bitmap, w, h, &kind);
    bitmap.close();
    let data_url = encoded.ok_or(ImageError::Unreadable)?;
    Ok(Image {
        name: file.name(),
        data_url,
        width: w,
        height: h,
    })
}

fn encode(bitmap: &ImageBitmap, w: u32, h: u32, kind: &str) -> Option<String> {
    let document = web_sys::window()?.document()?;
    let canvas: HtmlCanvasElement = document.create_element("canvas").ok()?.dyn_into().ok()?;
    canvas.set_width(w);
    canvas.set_height(h);
    let context: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    context
        .draw_image_with_image_bitmap_and_dw_and_dh(bitmap, 0.0, 0.0, f64::from(w), f64::from(h))
        .ok()?;
    let out = match kind {
        "image/jpeg" | "image/webp" => kind,
        _ => "image/png",
    };
    canvas
        .to_data_url_with_type_and_encoder_options(out, &JsValue::from_f64(0.9))
        .ok()
        .filter(|url| url.starts_with("data:image/"))
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn fit_keeps_the_ratio_and_small_images() {
        assert_eq!(fit(800, 600, 1540), (800, 600));
        assert_eq!(fit(3080, 1540, 1540), (1540, 770));
        assert_eq!(fit(1000, 4000, 1540), (385, 1540));
        assert_eq!(fit(10_000, 1, 1540), (1540, 1));
    }
}
