//! A turn: the user's message, then the assistant's reply streamed into the conversation, with
//! automatic retries before the first byte and Stop at any time.

use std::time::Duration;

use crate::prelude::*;
use tinychat_core::chat::Role;
use tinychat_core::i18n::Strings;
use tinychat_core::mistral::{
    backoff, takes_reasoning_effort, ChatRequest, Source, ToolChoice, ToolInvocation, ToolOutcome,
};
use web_sys::AbortController;

use super::{Chat, MessageView};
use crate::browser::now_ms;
use crate::channel::Change;
use crate::events::Detail;
use crate::tools;
use crate::transport::{self, Endpoint, Started, StreamEvent, TransportError};
use wasm_bindgen::JsValue;

/// How often a tab streaming a reply tells the others (they believe it for 6 s).
const HEARTBEAT: Duration = Duration::from_secs(2);
/// Automatic retries of a retryable error before the first byte.
const MAX_AUTO_RETRIES: u32 = 3;
/// While streaming, the conversation is saved at most this often (a reload or a crash keeps the
/// partial reply, marked interrupted).
const SAVE_EVERY_MS: f64 = 1500.0;

impl Chat {
    /// Sends `text` as the next user message. Returns whether it was accepted (the composer
    /// clears only then).
    pub fn send(&self, text: &str) -> bool {
        let text = text.trim();
        let has_images = self.pending_images.with_untracked(|p| !p.is_empty());
        if (text.is_empty() && !has_images) || self.busy.get_untracked() {
            return false;
        }
        if self.refuse_images() {
            return false;
        }
        if self.key_missing() {
            self.show_notice(self.strings().key_needed().clone());
            self.open_settings();
            return false;
        }
        if self.refused_elsewhere() {
            return false;
        }
        // The page may say no (cancelable `tinychat:send`): the text stays in the composer.
        let (conv_id, message_id) = self.library.with_value(|lib| {
            let c = lib.current();
            (c.id().to_string(), c.next_message_id())
        });
        let detail = Detail::new()
            .set("conversationId", conv_id)
            .set("messageId", message_id as f64)
            .set("text", text);
        if !self.emit("send", detail, true) {
            return false;
        }
        let now = now_ms();
        let chat = *self;
        let images = self
            .pending_images
            .try_update(std::mem::take)
            .unwrap_or_default();
        let view = self.library.try_update_value(|lib| {
            let conv = lib.current_mut();
            let id = conv.push_user_with_images(text, images, now);
            conv.message(id).map(|m| chat.view_of(conv.id(), m))
        });
        if let Some(Some(view)) = view {
            self.messages.update(|m| m.push(view));
        }
        self.refresh_list();
        self.dismiss_notice();
        if !self.loaded.get_value() {
            self.sent_before_load.set_value(true);
        }
        self.run_turn();
        true
    }

    /// Another tab streams a reply into the current conversation: say so, change nothing.
    fn refused_elsewhere(&self) -> bool {
        let refused = self.streaming_elsewhere(&self.current_id.get_untracked());
        if refused {
            self.show_notice(self.strings().reply_elsewhere().clone());
        }
        refused
    }

    /// Saves the conversation a reply streams into (pagehide, periodic saves).
    pub(super) fn save_streaming(&self) {
        let streaming = self.library.with_value(|lib| {
            lib.iter()
                .find(|c| c.streaming_id().is_some())
                .map(|c| c.id().to_string())
        });
        match streaming {
            Some(id) => self.save_conversation(&id),
            None => self.save(),
        }
    }

    /// Asks again for the last reply (after an error, a stop, or just to get another answer).
    pub fn retry(&self) {
        if self.busy.get_untracked() || self.refused_elsewhere() {
            return;
        }
        let ok = self
            .library
            .try_update_value(|lib| lib.current_mut().retry())
            .unwrap_or(false);
        if ok {
            self.refresh_views();
            self.run_turn();
            self.request_focus();
        }
    }

    /// Replaces user message `id` with `text`, drops every later turn, and resends.
    pub fn edit(&self, id: u64, text: &str) {
        let text = text.trim();
        if text.is_empty() || self.busy.get_untracked() || self.refused_elsewhere() {
            return;
        }
        let now = now_ms();
        let ok = self
            .library
            .try_update_value(|lib| lib.current_mut().edit_user(id, text, now))
            .unwrap_or(false);
        if ok {
            self.refresh_views();
            self.run_turn();
            self.request_focus();
        }
    }

    /// Stops the streaming reply, keeping what arrived.
    pub fn stop(&self) {
        self.abort();
        self.request_focus();
    }

    pub(super) fn abort(&self) {
        if let Some(Some(controller)) = self.controller.try_get_value() {
            controller.abort();
        }
    }

    pub(super) fn endpoint(&self) -> Endpoint {
        let settings = self.settings.get_untracked();
        let timeout = self.options.with_value(|o| o.timeout_ms);
        Endpoint {
            api_base: settings.api_base.clone(),
            api_key: Some(self.api_key.get_untracked()),
            idle_timeout: Duration::from_millis(u64::from(timeout)),
        }
    }

    /// The request for conversation `conv` as it stands, offering the page's tools (and
    /// forbidding them once the rounds of `tool-rounds` are spent).
    fn build_request(&self, conv: &str) -> Option<ChatRequest> {
        let settings = self.settings.get_untracked();
        let (messages, rounds) = self.library.with_value(|lib| {
            lib.get(conv).map(|c| {
                (
                    c.request_messages(settings.system_prompt.as_deref()),
                    c.tool_rounds(),
                )
            })
        })?;
        let mut request = ChatRequest::new(settings.model.clone(), messages);
        request.temperature = settings.temperature;
        request.max_tokens = settings.max_tokens;
        request.stream = true;
        request.agent_id = settings.agent_id.clone();
        if !untrack(|| self.can_see()) {
            // Images earlier in the conversation would make a model that cannot see refuse
            // every request: their messages go as text only.
            for m in &mut request.messages {
                m.images.clear();
            }
        }
        if request.agent_id.is_none()
            && takes_reasoning_effort(
                &settings.model,
                self.caps_untracked(&settings.model).as_ref(),
            )
        {
            request.reasoning_effort = settings.reasoning_effort.clone();
        }
        let specs = self
            .host
            .with_value(|h| h.as_ref().map(tools::specs))
            .unwrap_or_default();
        let max_rounds = self.options.with_value(|o| o.tool_rounds) as usize;
        request.offer_tools(specs, rounds >= max_rounds);
        Some(request)
    }

    /// Adds a message made by `start` to conversation `conv`, and its view to the list when
    /// that conversation is shown.
    fn start_message(
        &self,
        conv: &str,
        start: impl FnOnce(&mut tinychat_core::chat::Conversation) -> u64,
    ) -> Option<MessageView> {
        let chat = *self;
        let view = self
            .library
            .try_update_value(|lib| {
                let c = lib.get_mut(conv)?;
                let id = start(c);
                c.message(id).map(|m| chat.view_of(conv, m))
            })
            .flatten()?;
        if self.current_id.get_untracked() == conv {
            self.messages.update(|m| m.push(view));
        }
        Some(view)
    }

    /// Streams the assistant's answer to the current conversation as it stands.
    fn run_turn(&self) {
        let chat = *self;
        let conv = self.current_id.get_untracked();
        let Some(request) = self.build_request(&conv) else {
            return;
        };
        let now = now_ms();
        let Some(view) = self.start_message(&conv, |c| c.start_assistant(&request.model, now))
        else {
            return;
        };
        self.busy.set(true);
        // The request first, on the wire now: before the save, which serializes the
        // conversation and reads it back from the store (the save writes the conversation as it
        // is when it runs, by id, so the order loses nothing), and, for a message queued in the
        // loader's frame, before the mount builds the widget's views (bench/load: it left about
        // 100 ms after the widget was ready when its task waited for the mount).
        let first = AbortController::new().ok().map(|controller| {
            self.controller.set_value(Some(controller.clone()));
            let started = transport::start_chat(&self.endpoint(), &request, &controller);
            (controller, started)
        });
        spawn_local(async move { chat.converse(view, request, first).await });
        self.save_conversation(&conv);
        self.heartbeat(conv);
    }

    /// Streams `request` into `view`; when the reply asks for the page's tools, runs them and
    /// streams the continuation, round after round, until a reply answers in text, fails or
    /// is stopped.
    async fn converse(
        self,
        mut view: MessageView,
        mut request: ChatRequest,
        mut first: Option<(AbortController, Started)>,
    ) {
        loop {
            let mut calls = Vec::new();
            let result =
                Box::pin(self.stream_with_retries(view, &request, first.take(), &mut calls)).await;
            if !self.alive() {
                return;
            }
            self.retry_note.set(None);
            // Tools run only when this request offered them with `tool_choice: "auto"`: a reply
            // that asks anyway (no tools offered, the last round, an agent's own tools) ends
            // here, so no server can make the widget loop.
            let may_run = request.tool_choice == Some(ToolChoice::Auto);
            if result.is_err() || calls.is_empty() || !may_run || self.unloading.get_value() {
                self.controller.set_value(None);
                self.finish_turn(view, result);
                return;
            }
            let conv = view.conversation.get_value();
            self.end_tool_request(view, calls.clone());
            if let Err(stopped) = Box::pin(self.run_tools(&conv, calls)).await {
                if self.alive() {
                    self.controller.set_value(None);
                    self.finish_turn(stopped, Err(TransportError::Aborted));
                }
                return;
            }
            let next = self.build_request(&conv).and_then(|next| {
                let now = now_ms();
                let model = next.model.clone();
                self.start_message(&conv, |c| c.start_assistant(&model, now))
                    .map(|v| (v, next))
            });
            let Some((next_view, next_request)) = next else {
                // The conversation is gone (deleted meanwhile): end the turn everywhere.
                self.controller.set_value(None);
                self.busy.set(false);
                self.drop_retired();
                self.announce_change(Change::Streaming {
                    id: conv,
                    done: true,
                });
                return;
            };
            self.save_conversation(&conv);
            view = next_view;
            request = next_request;
        }
    }

    /// Ends a reply that asked for tools: the calls are kept with it, and it is done.
    fn end_tool_request(&self, view: MessageView, calls: Vec<ToolInvocation>) {
        let conv = view.conversation.get_value();
        let now = now_ms();
        let usage = view.usage.get_untracked();
        let state = self.library.try_update_value(|lib| {
            let c = lib.get_mut(&conv)?;
            c.set_tool_calls(view.id, calls);
            c.finish(view.id, usage, now);
            c.message(view.id)
                .map(|m| (m.state, m.is_tool_request(), m.thought_ms))
        });
        if let Some(Some((state, tool_request, thought))) = state {
            view.tool_request.set(tool_request);
            view.thought_ms.set(thought);
            view.state.set(state);
        }
    }

    /// Runs each call with the page's handler, in order, each result a tool message. Stop
    /// aborts the handler running: that message is returned, to be marked stopped.
    async fn run_tools(&self, conv: &str, calls: Vec<ToolInvocation>) -> Result<(), MessageView> {
        let Ok(controller) = AbortController::new() else {
            return Ok(());
        };
        self.controller.set_value(Some(controller.clone()));
        let host = self.host.with_value(Clone::clone);
        for call in calls {
            let now = now_ms();
            let Some(view) = self.start_message(conv, |c| c.start_tool(call.clone(), now)) else {
                continue;
            };
            self.save_conversation(conv);
            let outcome = match &host {
                Some(host) => tools::run(host, &call, &controller.signal()).await,
                None => ToolOutcome::error("the page offers no tools"),
            };
            if !self.alive() || controller.signal().aborted() || view.disposed() {
                return Err(view);
            }
            let now = now_ms();
            let ended = self.library.try_update_value(|lib| {
                let c = lib.get_mut(conv)?;
                c.finish_tool(view.id, outcome, now);
                c.message(view.id).map(|m| (m.state, m.text.len()))
            });
            if let Some(Some((state, len))) = ended {
                view.text_len.set(len);
                view.state.set(state);
            }
            self.save_conversation(conv);
        }
        Ok(())
    }

    /// Streams `request` into `view`, retrying a retryable failure before the first byte. The
    /// first attempt is `first` when the request already left (`run_turn`). The tool calls a
    /// completed reply asks for land in `calls`.
    async fn stream_with_retries(
        &self,
        view: MessageView,
        request: &ChatRequest,
        first: Option<(AbortController, Started)>,
        calls: &mut Vec<ToolInvocation>,
    ) -> Result<(), TransportError> {
        let chat = *self;
        let endpoint = self.endpoint();
        let (mut controller, mut started) = match first {
            Some((controller, started)) => (controller, Some(started)),
            None => (
                AbortController::new()
                    .map_err(|_| TransportError::Internal("AbortController unavailable".into()))?,
                None,
            ),
        };
        let mut attempt = 0;
        loop {
            if !self.alive() || self.unloading.get_value() {
                controller.abort();
                return Err(TransportError::Aborted);
            }
            self.controller.set_value(Some(controller.clone()));
            let started = started
                .take()
                .unwrap_or_else(|| transport::start_chat(&endpoint, request, &controller));
            let mut got_bytes = false;
            let result =
                transport::stream_chat(&endpoint, started, &controller, |event| match event {
                    StreamEvent::FirstByte => got_bytes = true,
                    StreamEvent::Delta(delta) => chat.on_delta(view, &delta),
                    StreamEvent::Usage(usage) => {
                        view.usage.try_set(Some(usage));
                    }
                    StreamEvent::ToolCalls(asked) => *calls = asked,
                    StreamEvent::Thinking(delta) => chat.on_thinking(view, &delta),
                    StreamEvent::Source(source) => chat.on_source(view, source),
                    StreamEvent::Reference(ids) => chat.on_reference(view, &ids),
                })
                .await;
            match result {
                Err(err) if !got_bytes && err.is_retryable() && attempt < MAX_AUTO_RETRIES => {
                    let wait = backoff(attempt, err.retry_after());
                    attempt += 1;
                    // The next attempt's controller exists before the wait, so Stop during the
                    // countdown cancels it (the last one may be aborted by a timeout).
                    let Ok(next) = AbortController::new() else {
                        return Err(err);
                    };
                    if !self.alive() {
                        return Err(TransportError::Aborted);
                    }
                    self.controller.set_value(Some(next.clone()));
                    if !self.wait_before_retry(wait, &next).await {
                        return Err(TransportError::Aborted);
                    }
                    controller = next;
                }
                other => return other,
            }
        }
    }

    /// Tells the other tabs, every 2 s while this reply runs (deltas or not), that it streams
    /// into conversation `conv`, so they do not send into it.
    fn heartbeat(&self, conv: String) {
        let chat = *self;
        spawn_local(async move {
            while chat.alive() && chat.busy.get_untracked() {
                chat.announce_change(Change::Streaming {
                    id: conv.clone(),
                    done: false,
                });
                gloo_timers::future::sleep(HEARTBEAT).await;
            }
        });
    }

    /// `tinychat:reply` for a reply that ended, and `tinychat:error` when it failed.
    fn emit_reply(&self, conv_id: &str, id: u64, result: &Result<(), TransportError>) {
        let message = self
            .library
            .with_value(|lib| lib.get(conv_id).and_then(|c| c.message(id)).cloned());
        let Some(m) = message.filter(|m| m.role == Role::Assistant) else {
            return;
        };
        let usage = m.usage.map_or(JsValue::NULL, |u| {
            Detail::new()
                .set("prompt_tokens", u.prompt_tokens)
                .set("completion_tokens", u.completion_tokens)
                .set("total_tokens", u.total_tokens)
                .into_value()
        });
        let detail = Detail::new()
            .set("conversationId", conv_id)
            .set("messageId", id as f64)
            .set("text", m.text.as_str())
            .set(
                "model",
                m.model.as_deref().map_or(JsValue::NULL, JsValue::from),
            )
            .set("usage", usage)
            .set("state", m.state.as_str());
        self.emit("reply", detail, false);
        if let (Err(err), Some(info)) = (result, m.error.as_ref()) {
            let status = match err {
                TransportError::Http(e) => JsValue::from(e.status),
                _ => JsValue::NULL,
            };
            let detail = Detail::new()
                .set("kind", info.kind.as_str())
                .set("message", info.message.as_str())
                .set("status", status);
            self.emit("error", detail, false);
        }
    }

    /// Shows a countdown and waits; returns false if the user stopped meanwhile.
    async fn wait_before_retry(&self, wait: Duration, controller: &AbortController) -> bool {
        let template = self.strings().retrying_in().clone();
        let mut left = wait.as_millis() as u64;
        while left > 0 {
            if controller.signal().aborted() || !self.alive() {
                return false;
            }
            let secs = left.div_ceil(1000);
            self.retry_note.set(Some(Strings::fill(&template, secs)));
            let step = left.min(250);
            gloo_timers::future::sleep(Duration::from_millis(step)).await;
            left -= step;
        }
        !controller.signal().aborted() && self.alive()
    }

    /// O(delta): the text goes to the conversation, the view learns its new length.
    fn on_delta(&self, view: MessageView, delta: &str) {
        if !self.alive() || view.disposed() {
            return;
        }
        // O(delta): no copy of the conversation id, the current conversation found first.
        let appended = view
            .conversation
            .try_with_value(|conv| {
                self.library
                    .try_update_value(|lib| {
                        lib.get_mut(conv)
                            .is_some_and(|c| c.append_delta(view.id, delta))
                    })
                    .unwrap_or(false)
            })
            .unwrap_or(false);
        if appended {
            if view.text_len.get_untracked() == 0 && view.thinking_len.get_untracked() > 0 {
                self.end_thinking(view);
            }
            view.text_len.update(|n| *n += delta.len());
        }
        if now_ms() - self.last_save.get_value() > SAVE_EVERY_MS {
            let conv = view.conversation.get_value();
            // At most a couple of seconds are lost if the tab crashes.
            self.save_conversation(&conv);
        }
    }

    /// Runs `f` on the conversation `view` streams into; false if it is gone.
    fn with_streaming_conv(
        &self,
        view: MessageView,
        f: impl FnOnce(&mut tinychat_core::chat::Conversation) -> bool,
    ) -> bool {
        view.conversation
            .try_with_value(|conv| {
                self.library
                    .try_update_value(|lib| lib.get_mut(conv).is_some_and(f))
                    .unwrap_or(false)
            })
            .unwrap_or(false)
    }

    /// O(delta), like the answer: the thinking goes to the conversation, the view learns its
    /// length.
    fn on_thinking(&self, view: MessageView, delta: &str) {
        if !self.alive() || view.disposed() {
            return;
        }
        if self.with_streaming_conv(view, |c| c.append_thinking(view.id, delta)) {
            view.thinking_len.update(|n| *n += delta.len());
        }
    }

    /// The answer started: the thinking's time is known.
    fn end_thinking(&self, view: MessageView) {
        let now = now_ms();
        let mut thought = None;
        self.with_streaming_conv(view, |c| {
            c.end_thinking(view.id, now);
            thought = c.message(view.id).and_then(|m| m.thought_ms);
            true
        });
        view.thought_ms.set(thought);
    }

    fn on_source(&self, view: MessageView, source: Source) {
        if !self.alive() || view.disposed() {
            return;
        }
        if self.with_streaming_conv(view, |c| c.add_source(view.id, source)) {
            view.source_count.update(|n| *n += 1);
        }
    }

    /// A citation: the cited documents of the page's tools become sources.
    fn on_reference(&self, view: MessageView, ids: &[String]) {
        if !self.alive() || view.disposed() {
            return;
        }
        let mut added = 0;
        self.with_streaming_conv(view, |c| {
            added = c.cite(view.id, ids);
            true
        });
        if added > 0 {
            view.source_count.update(|n| *n += added);
        }
    }

    fn finish_turn(&self, view: MessageView, result: Result<(), TransportError>) {
        if !self.alive() || self.unloading.get_value() || view.disposed() {
            // Unmounted or unloading mid-stream: what was saved last stays, and comes back
            // "interrupted".
            return;
        }
        let now = now_ms();
        let usage = view.usage.get_untracked();
        let strings = self.strings();
        let conv_id = view.conversation.get_value();
        let ended = self.library.try_update_value(|lib| {
            let conv = lib.get_mut(&conv_id)?;
            if let Err(TransportError::Stream(e)) = &result {
                // The mapper may hold text the deltas did not deliver: keep every byte.
                let have = conv.message(view.id).map_or(0, |m| m.text.len());
                if let Some(rest) = e.partial().get(have..) {
                    conv.append_delta(view.id, rest);
                }
            }
            match &result {
                Ok(()) => conv.finish(view.id, usage, now),
                Err(TransportError::Aborted) => conv.stop(view.id, now),
                Err(err) => conv.fail(view.id, err.info(&strings), now),
            };
            conv.message(view.id)
                .map(|m| (m.state, m.error.clone(), m.text.len(), m.thought_ms))
        });
        if let Some(Some((state, error, len, thought))) = ended {
            if len != view.text_len.get_untracked() {
                view.text_len.set(len);
            }
            if thought != view.thought_ms.get_untracked() {
                view.thought_ms.set(thought);
            }
            view.error.set(error);
            view.state.set(state);
        }
        self.busy.set(false);
        self.drop_retired();
        self.emit_reply(&conv_id, view.id, &result);
        if result.is_ok() {
            self.announce.set(strings.reply_done().clone());
        }
        self.refresh_list();
        self.save_conversation(&conv_id);
        self.announce_change(Change::Streaming {
            id: conv_id,
            done: true,
        });
    }
}
