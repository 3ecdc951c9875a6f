//! Static files (e.g. the built `dist/`), for `--static-dir`.
//!
//! `GET` and `HEAD` only; `/` and directories serve their `index.html` (a directory asked for
//! without its trailing `/` is redirected to it, so relative links work). Paths are
//! percent-decoded, and any `..` segment, backslash or NUL is refused, so nothing outside the
//! directory is served. Responses carry `Cache-Control: no-cache`, `X-Content-Type-Options:
//! nosniff` and, with `--csp`, a `Content-Security-Policy`.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use axum::{
    extract::State,
    http::{header, HeaderValue, Method, StatusCode, Uri},
    response::{IntoResponse, Response},
    Router,
};

struct StaticState {
    root: PathBuf,
    csp: Option<HeaderValue>,
}

/// A router that serves the files under `root` for every path.
pub fn router(root: PathBuf, csp: Option<String>) -> Router {
    // A policy that is not a valid header value is dropped rather than sent mangled; the CLI
    // refuses such a policy before it gets here.
    let csp = csp.and_then(|policy| HeaderValue::from_str(&policy).ok());
    Router::new()
        .fallback(serve)
        .with_state(Arc::new(StaticState { root, csp }))
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
        Some("txt" | "md") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The relative path a URL path names, or `None` if it is not a safe one.
pub fn relative_path(url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path)?;
    let mut relative = PathBuf::new();
    for segment in decoded.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            s if s.contains(['\\', '\0']) => return None,
            s => relative.push(s),
        }
    }
    Some(relative)
}

/// Decodes `%XX` escapes; `None` for a bad escape or a result that is not UTF-8.
fn percent_decode(input: &str) -> Option<String> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = input.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

async fn serve(State(state): State<Arc<StaticState>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "method not allowed\n",
        )
            .into_response();
    }
    let Some(relative) = relative_path(uri.path()) else {
        return not_found();
    };
    let mut path = state.root.join(relative);
    if tokio::fs::metadata(&path).await.is_ok_and(|m| m.is_dir()) {
        if !uri.path().ends_with('/') {
            let location = format!("{}/", uri.path());
            return (
                StatusCode::MOVED_PERMANENTLY,
                [(header::LOCATION, location)],
            )
                .into_response();
        }
        path.push("index.html");
    }
    let Ok(contents) = tokio::fs::read(&path).await else {
        return not_found();
    };
    let length = contents.len();
    let mut response = if method == Method::HEAD {
        ().into_response()
    } else {
        contents.into_response()
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(&path)),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Some(csp) = &state.csp {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp.clone());
    }
    response
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found\n").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_decoded_and_confined_to_the_directory() {
        assert_eq!(relative_path("/"), Some(PathBuf::new()));
        assert_eq!(relative_path("/a/./b.js"), Some(PathBuf::from("a/b.js")));
        assert_eq!(
            relative_path("/caf%C3%A9.html"),
            Some(PathBuf::from("café.html"))
        );
        assert_eq!(relative_path("/../etc/passwd"), None);
        assert_eq!(relative_path("/%2e%2e/etc/passwd"), None);
        assert_eq!(relative_path("/a%5c..%5cb"), None);
        assert_eq!(relative_path("/bad%zz"), None);
        assert_eq!(relative_path("/cut%4"), None);
    }

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
            content_type(Path::new("LICENSE")),
            "application/octet-stream"
        );
    }
}
