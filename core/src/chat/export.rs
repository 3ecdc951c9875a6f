//! Exports of a [`Conversation`]: Markdown, plain text and versioned JSON (read back by
//! [`super::import_json`]).

use serde::Serialize;

use super::conversation::Conversation;
use super::message::{Message, MessageState};
use super::{EXPORT_FORMAT, EXPORT_VERSION, RENAME_MAX_CHARS};
use crate::mistral::Role;
use crate::text::one_line;

impl Conversation {
    fn state_note(m: &Message) -> Option<String> {
        match m.state {
            MessageState::Done => None,
            MessageState::Streaming => Some("incomplete".to_owned()),
            MessageState::Stopped => Some("stopped".to_owned()),
            MessageState::Interrupted => Some("interrupted".to_owned()),
            MessageState::Failed => Some(match &m.error {
                Some(e) if !e.message.is_empty() => format!("error: {}", one_line(&e.message, 500)),
                _ => "error".to_owned(),
            }),
        }
    }

    fn speaker(role: Role) -> &'static str {
        match role {
            Role::User => "You",
            Role::Assistant => "Assistant",
            Role::System => "System",
            Role::Tool => "Tool",
        }
    }

    /// The conversation as Markdown: the title as a heading, the system prompt (if any), then
    /// `**You**` / `**Assistant**` sections with each message's text as-is, and a note such as
    /// `_(stopped)_` under a reply that did not complete. A page tool's result is a
    /// ``**Tool** `name` `arguments` `` section; the greeting and the replies that only asked
    /// for tools are left out.
    pub fn to_markdown(&self) -> String {
        let mut out = format!("# {}\n", one_line(&self.title, RENAME_MAX_CHARS));
        if let Some(system) = &self.system_prompt {
            out.push_str("\n**System prompt**\n\n");
            out.push_str(system);
            out.push('\n');
        }
        for m in self.messages.iter().filter(|m| !m.local_only) {
            if m.is_tool_request() && m.state == MessageState::Done {
                continue;
            }
            out.push_str(&format!("\n**{}**", Self::speaker(m.role)));
            if let Some(model) = m.model.as_deref().filter(|_| m.role == Role::Assistant) {
                out.push_str(&format!(" ({model})"));
            }
            if let Some(call) = &m.tool_call {
                out.push_str(&format!(
                    " `{}` `{}`",
                    call.name,
                    one_line(&call.arguments, 500)
                ));
            }
            out.push('\n');
            if !m.text.is_empty() {
                out.push('\n');
                out.push_str(&m.text);
                if !m.text.ends_with('\n') {
                    out.push('\n');
                }
            }
            for image in &m.images {
                out.push_str(&format!("\n[image: {}]\n", one_line(&image.name, 200)));
            }
            if let Some(note) = Self::state_note(m) {
                out.push_str(&format!("\n_({note})_\n"));
            }
        }
        out
    }

    /// The conversation as plain text: `You: …` and `Assistant: …` turns separated by blank
    /// lines (a note such as `(stopped)` after a reply that did not complete). The greeting is
    /// left out; the system prompt, if any, comes first as `System: …`.
    pub fn to_plain_text(&self) -> String {
        let mut turns = Vec::new();
        if let Some(system) = &self.system_prompt {
            turns.push(format!("System: {system}"));
        }
        for m in self.messages.iter().filter(|m| !m.local_only) {
            if m.is_tool_request() && m.state == MessageState::Done {
                continue;
            }
            let speaker = match &m.tool_call {
                Some(call) => format!("Tool {} {}", call.name, one_line(&call.arguments, 500)),
                None => Self::speaker(m.role).to_owned(),
            };
            let mut turn = format!("{speaker}: {}", m.text.trim_end());
            for image in &m.images {
                turn.push_str(&format!("\n[image: {}]", one_line(&image.name, 200)));
            }
            if let Some(note) = Self::state_note(m) {
                turn.push_str(&format!("\n({note})"));
            }
            turns.push(turn);
        }
        let mut out = turns.join("\n\n");
        out.push('\n');
        out
    }

    /// The conversation as a versioned JSON document,
    /// `{"format":"tinychat.conversation","version":1,"conversation":{…}}`, that
    /// [`import_json`](super::import_json) reads back without loss (a reply that was streaming comes back
    /// interrupted).
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Export<'a> {
            format: &'static str,
            version: u64,
            conversation: &'a Conversation,
        }
        let export = Export {
            format: EXPORT_FORMAT,
            version: EXPORT_VERSION,
            conversation: self,
        };
        // Cannot fail: string keys, finite numbers only. Written compactly (the code storage
        // uses) and indented as `to_string_pretty` would (crate::json_pretty).
        crate::json_pretty::indent(&serde_json::to_string(&export).unwrap_or_default())
    }
}
