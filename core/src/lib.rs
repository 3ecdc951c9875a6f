//! Pure-Rust heart of TinyChat: no browser code, tested natively.
#![deny(missing_docs)]
pub mod chat;
pub mod decimal;
pub mod error;
pub mod highlight;
pub mod i18n;
#[cfg(test)]
mod json_gen;
pub mod json_pretty;
pub mod markdown;
pub mod mistral;
pub mod options;
pub mod sse;
pub mod text;
