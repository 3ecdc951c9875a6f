//! `--static-dir`: nothing outside the directory is served, precompressed `.br` / `.gz` siblings
//! are chosen by `Accept-Encoding`, and the headers every static response carries.

mod common;

use std::path::{Path, PathBuf};

use common::{config, request, start, Response};
use tinychat_server::Config;

/// A fresh `outer/` holding `secret.txt`, and `outer/site/`, the directory that is served.
fn outer(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "tinychat-server-static-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("site/sub")).expect("mkdir");
    std::fs::write(dir.join("secret.txt"), "SECRET outside the site").expect("write");
    dir
}

fn write(dir: &Path, name: &str, contents: &str) {
    std::fs::write(dir.join(name), contents).expect("write");
}

/// Every `Vary` header's values, lower case.
fn vary(response: &Response) -> Vec<String> {
    response
        .headers
        .iter()
        .filter(|(name, _)| name == "vary")
        .flat_map(|(_, value)| value.split(',').map(|v| v.trim().to_ascii_lowercase()))
        .collect()
}

async fn serve(site: &Path) -> std::net::SocketAddr {
    start(Config {
        static_dir: Some(site.to_path_buf()),
        ..config()
    })
    .await
}

#[tokio::test]
async fn paths_cannot_escape_the_directory() {
    let dir = outer("traversal");
    let site = dir.join("site");
    write(&site, "index.html", "<p>site</p>");
    write(&site.join("sub"), "page.html", "sub page");
    let server = serve(&site).await;
    for path in [
        "/../secret.txt",
        "/../../secret.txt",
        "/sub/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/..%2fsecret.txt",
        "/sub/%2e%2e/%2e%2e/secret.txt",
        "/.%2e/secret.txt",
        "/..%5csecret.txt",
        "/%2fetc%2fpasswd",
        "/%2F..%2Fsecret.txt",
        "/sub/..%00/secret.txt",
        "/bad%zz",
    ] {
        let response = request(server, "GET", path, &[], b"").await;
        assert!(
            response.status == 404 || response.status == 400,
            "{path}: {}",
            response.status
        );
        assert!(
            !String::from_utf8_lossy(&response.body).contains("SECRET"),
            "{path}"
        );
    }
    // `..` is refused even where it would land back inside the directory.
    let back_inside = request(server, "GET", "/sub/../index.html", &[], b"").await;
    assert_eq!(back_inside.status, 404);
    // Percent-encoded names inside the directory still work.
    write(&site, "café.html", "accents");
    let encoded = request(server, "GET", "/caf%C3%A9.html", &[], b"").await;
    assert_eq!((encoded.status, encoded.text()), (200, "accents"));
    let nested = request(server, "GET", "/sub/./page.html", &[], b"").await;
    assert_eq!((nested.status, nested.text()), (200, "sub page"));
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_precompressed_sibling_is_served_when_accept_encoding_allows_it() {
    let dir = outer("precompressed");
    let site = dir.join("site");
    // The "compressed" files are not real compressions: the contents only tell which was sent.
    write(&site, "x.js", "raw js");
    write(&site, "x.js.br", "brotli js");
    write(&site, "x.js.gz", "gzip js");
    write(&site, "y.css", "raw css");
    write(&site, "y.css.gz", "gzip css");
    write(&site, "index.html", "raw html");
    write(&site, "index.html.br", "brotli html");
    let server = serve(&site).await;
    for (path, accept, body, encoding) in [
        ("/x.js", None, "raw js", None),
        ("/x.js", Some("identity"), "raw js", None),
        ("/x.js", Some("deflate"), "raw js", None),
        ("/x.js", Some("gzip"), "gzip js", Some("gzip")),
        ("/x.js", Some("br"), "brotli js", Some("br")),
        ("/x.js", Some("gzip, deflate, br"), "brotli js", Some("br")),
        (
            "/x.js",
            Some("gzip, deflate, br, zstd"),
            "brotli js",
            Some("br"),
        ),
        ("/x.js", Some("br;q=0.5, gzip"), "gzip js", Some("gzip")),
        ("/x.js", Some("br;q=0, gzip;q=0"), "raw js", None),
        ("/y.css", Some("br, gzip"), "gzip css", Some("gzip")),
        ("/y.css", Some("br"), "raw css", None),
        ("/", Some("gzip, br"), "brotli html", Some("br")),
        ("/", Some("gzip"), "raw html", None),
    ] {
        let headers: Vec<(&str, &str)> =
            accept.map(|a| ("Accept-Encoding", a)).into_iter().collect();
        let response = request(server, "GET", path, &headers, b"").await;
        let case = format!("{path} with {accept:?}");
        assert_eq!(response.status, 200, "{case}");
        assert_eq!(response.text(), body, "{case}");
        assert_eq!(response.header("content-encoding"), encoding, "{case}");
        assert_eq!(
            response.header("content-length"),
            Some(body.len().to_string().as_str()),
            "{case}"
        );
        assert!(
            vary(&response).contains(&"accept-encoding".to_owned()),
            "{case}"
        );
    }
    // The type is the original file's, whichever variant is sent.
    for (path, content_type) in [
        ("/x.js", "text/javascript; charset=utf-8"),
        ("/y.css", "text/css; charset=utf-8"),
        ("/", "text/html; charset=utf-8"),
    ] {
        let response = request(server, "GET", path, &[("Accept-Encoding", "br, gzip")], b"").await;
        assert_eq!(
            response.header("content-type"),
            Some(content_type),
            "{path}"
        );
    }
    // HEAD names the variant and its length, without a body.
    let head = request(server, "HEAD", "/x.js", &[("Accept-Encoding", "br")], b"").await;
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-encoding"), Some("br"));
    assert_eq!(head.header("content-length"), Some("9"));
    assert!(head.body.is_empty());
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn every_file_response_carries_the_caching_and_security_headers() {
    let dir = outer("headers");
    let site = dir.join("site");
    write(&site, "index.html", "<p>site</p>");
    write(&site, "a.js", "1");
    write(&site, "a.js.br", "2");
    let server = start(Config {
        static_dir: Some(site.clone()),
        csp: Some("default-src 'none'".into()),
        ..config()
    })
    .await;
    for (path, accept) in [("/", ""), ("/a.js", "br"), ("/a.js", "")] {
        let response = request(server, "GET", path, &[("Accept-Encoding", accept)], b"").await;
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.header("cache-control"), Some("no-cache"), "{path}");
        assert_eq!(
            response.header("x-content-type-options"),
            Some("nosniff"),
            "{path}"
        );
        assert_eq!(
            response.header("content-security-policy"),
            Some("default-src 'none'"),
            "{path}"
        );
        assert!(response.header("last-modified").is_some(), "{path}");
    }
    // Without --csp there is no policy header.
    let plain = serve(&site).await;
    let response = request(plain, "GET", "/", &[], b"").await;
    assert_eq!(response.header("content-security-policy"), None);
    assert_eq!(response.header("cache-control"), Some("no-cache"));
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_directory_without_its_slash_is_redirected_and_methods_other_than_get_head_refused() {
    let dir = outer("redirect");
    let site = dir.join("site");
    write(&site.join("sub"), "index.html", "sub");
    let server = serve(&site).await;
    let redirect = request(server, "GET", "/sub?x=1", &[], b"").await;
    assert_eq!(redirect.status, 301);
    assert_eq!(redirect.header("location"), Some("/sub/?x=1"));
    let page = request(server, "GET", "/sub/", &[], b"").await;
    assert_eq!((page.status, page.text()), (200, "sub"));
    for method in ["POST", "PUT", "DELETE"] {
        let refused = request(server, method, "/sub/", &[], b"").await;
        assert_eq!(refused.status, 405, "{method}");
        assert!(refused.header("allow").is_some_and(|a| a.contains("GET")));
    }
    let _ = std::fs::remove_dir_all(dir);
}
