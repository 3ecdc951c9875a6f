//! Static files (e.g. the built `dist/`), for `--static-dir`: [`tower_http::services::ServeDir`]
//! with a few layers.
//!
//! What `ServeDir` does: `GET` and `HEAD` only (405 otherwise); `/` and directories serve their
//! `index.html`; paths are percent-decoded and any `..`, root or drive component is refused (404),
//! so nothing outside the directory is served; `Last-Modified` / `If-Modified-Since` and ranges;
//! and a precompressed sibling (`x.js.br`, then `x.js.gz`) is sent instead of `x.js`, with its
//! `Content-Encoding`, when the request's `Accept-Encoding` allows it (the highest q-value wins;
//! on a tie brotli beats gzip). `scripts/build` writes these siblings.
//!
//! What the layers add: the [`content_type`] of the file name (with `charset=utf-8` for text),
//! `Cache-Control: no-cache` (the names carry no hash, so browsers revalidate),
//! `X-Content-Type-Options: nosniff`, `Vary: Accept-Encoding`, with `--csp` a
//! `Content-Security-Policy`, and `301 Moved Permanently` (not `ServeDir`'s 307) for a directory
//! asked for without its trailing `/`, so relative links work.

use std::path::Path;

use axum::{
    extract::Request,
    http::{header, HeaderValue, StatusCode},
    middleware::{self, Next},
    response::Response,
    Router,
};
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

/// A router that serves the files under `root` for every path.
pub fn router(root: impl AsRef<Path>, csp: Option<String>) -> Router {
    // A policy that is not a valid header value is dropped rather than sent mangled; the CLI
    // refuses such a policy before it gets here.
    let csp = csp.and_then(|policy| HeaderValue::from_str(&policy).ok());
    let files = ServeDir::new(root).precompressed_br().precompressed_gzip();
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(name_the_type_and_redirect_permanently))
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::appending(
            header::VARY,
            HeaderValue::from_static("accept-encoding"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            csp,
        ))
}

/// Replaces the `Content-Type` that `ServeDir` guessed (`mime_guess` has no charset, and calls
/// `.mjs` `application/javascript`, `.map` `text/plain` and `.ts` a video) with
/// [`content_type`] of the file the URL names, and turns its `307` directory redirect into a
/// `301`.
async fn name_the_type_and_redirect_permanently(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    if response.status() == StatusCode::TEMPORARY_REDIRECT {
        *response.status_mut() = StatusCode::MOVED_PERMANENTLY;
    }
    if response.headers().contains_key(header::CONTENT_TYPE) {
        let name = match path.rsplit_once('/') {
            Some((_, "")) | None => "index.html",
            Some((_, name)) => name,
        };
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(content_type(Path::new(name))),
        );
    }
    response
}

/// The content type for a file name, by extension.
pub fn content_type(path: &Path) -> &'static str {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css; charset=utf-8",
        Some("json" | "map") => "application/json",
        Some("webmanifest") => "application/manifest+json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("woff2") => "font/woff2",
        Some("woff") => "font/woff",
        // `.d.ts` type declarations are read as text.
        Some("txt" | "md" | "ts") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_cover_the_bundle() {
        assert_eq!(content_type(Path::new("a.wasm")), "application/wasm");
        assert_eq!(
            content_type(Path::new("index.HTML")),
            "text/html; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("a.js")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(content_type(Path::new("a.css")), "text/css; charset=utf-8");
        assert_eq!(content_type(Path::new("a.png")), "image/png");
        assert_eq!(content_type(Path::new("a.svg")), "image/svg+xml");
        assert_eq!(content_type(Path::new("a.json")), "application/json");
        assert_eq!(
            content_type(Path::new("a.d.ts")),
            "text/plain; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("LICENSE")),
            "application/octet-stream"
        );
    }
}
