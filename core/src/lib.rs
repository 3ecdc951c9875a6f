//! Pure-Rust heart of TinyChat: no browser code, tested natively.
#![deny(missing_docs)]
