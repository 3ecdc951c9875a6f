//! Writes the language files the widget loads on demand: `DIR/fr.json`, `de.json`, `es.json`,
//! `it.json` and `ar.json`, each every string of `core/src/i18n.rs` in that language.
//! `scripts/lib.sh` (`build_dist`) runs it into `dist/i18n/`.
//!
//! ```sh
//! cargo run -p tinychat-core --example i18n_json -- dist/i18n
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use tinychat_core::i18n::Strings;

fn main() -> ExitCode {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: i18n_json DIR");
        return ExitCode::from(2);
    };
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("i18n_json: cannot create {}: {e}", dir.display());
        return ExitCode::FAILURE;
    }
    for lang in Strings::LANGUAGE_FILES {
        let path = dir.join(format!("{lang}.json"));
        if let Err(e) = std::fs::write(&path, Strings::for_locale(lang).to_json()) {
            eprintln!("i18n_json: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
