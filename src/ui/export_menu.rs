//! The Export menu: download the conversation as Markdown, text or JSON; import a JSON export.
//! Its items ([`export_items`]) also appear in the header's More menu on narrow widgets, and
//! both share one hidden file input ([`import_input`]).

use crate::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement};

use crate::browser::read_picked_file;
use crate::chat::{Chat, ExportFormat};
use crate::dom::{self, append, attr, el};
use crate::ui::menu_button::{menu_button, menu_item};

/// The hidden file input that "Import JSON…" opens; a picked file is imported.
pub fn import_input() -> Element {
    let chat = expect_context::<Chat>();
    let input = el("input", "");
    attr(&input, "type", "file");
    attr(&input, "accept", "application/json,.json");
    attr(&input, "hidden", "");
    attr(&input, "aria-label", &chat.t(|s| s.import()));
    let picked = input.clone();
    dom::on(&input, "change", move |_| {
        let el: HtmlInputElement = picked.clone().unchecked_into();
        spawn_local(async move {
            if let Some((_name, text)) = read_picked_file(&el).await.filter(|_| chat.alive()) {
                chat.import(text);
            }
            el.set_value("");
        });
    });
    input
}

/// Appends the three export formats and "Import JSON…" (which opens `input`) to `menu`.
pub fn export_items(menu: &Element, input: &Element) {
    let chat = expect_context::<Chat>();
    let s = chat.strings();
    for (label, format) in [
        (&s.export_markdown(), ExportFormat::Markdown),
        (&s.export_text(), ExportFormat::Text),
        (&s.export_json(), ExportFormat::Json),
    ] {
        append(menu, &menu_item(label, move || chat.export(format)));
    }
    let input = input.clone();
    append(
        menu,
        &menu_item(s.import(), move || {
            input.unchecked_ref::<HtmlElement>().click()
        }),
    );
}

/// The "Export" button and its menu.
pub fn export_menu(input: &Element) -> Element {
    let chat = expect_context::<Chat>();
    let input = input.clone();
    menu_button(&chat.t(|s| s.export()), "tc-export-menu", "", move |menu| {
        export_items(menu, &input)
    })
}
