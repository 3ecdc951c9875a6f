//! The bundle's entry point: it only mounts. Everything else lives in the library.

fn main() {
    tinychat::boot();
}
