//! Images the visitor attaches to the next message (vision models): pending until sent,
//! refused in words past Mistral's limits, and the larger view of a sent one.

use crate::prelude::*;
use tinychat_core::chat::{Image, MAX_IMAGES_PER_REQUEST};
use tinychat_core::i18n::Strings;
use tinychat_core::mistral::sees_images;
use web_sys::File;

use super::Chat;
use crate::images::{self, ImageError};

impl Chat {
    /// The images waiting to be sent with the next message.
    pub fn pending_images(&self) -> ReadSignal<Vec<Image>> {
        self.pending_images.read_only()
    }

    /// Whether the selected model sees images (its `/v1/models` card, else the known vision
    /// models); never in agent mode, whose model the widget does not know. Tracked.
    pub fn can_see(&self) -> bool {
        let (model, agent) = self
            .settings
            .with(|s| (s.model.clone(), s.agent_id.is_some()));
        !agent && sees_images(&model, self.caps_of(&model).as_ref())
    }

    /// Reads, checks and downscales `files`, adding them to the pending images; each refusal
    /// is said in words.
    pub fn attach_files(&self, files: Vec<File>) {
        if files.is_empty() {
            return;
        }
        let chat = *self;
        self.with_extras(move || chat.extra_attach(files));
    }

    /// [`Chat::attach_files`], in the extras module.
    #[inline(never)] // scripts/split.mjs moves it (by its name) to the extras module
    fn extra_attach(&self, files: Vec<File>) {
        // Queued, and read one after another by one reader: images attach in the order they
        // came, whichever decodes first (a paste then a drop, two picks in a row).
        if files.is_empty() {
            return;
        }
        let start = self
            .attach_queue
            .try_update_value(|(queue, running)| {
                queue.extend(files);
                !std::mem::replace(running, true)
            })
            .unwrap_or(false);
        if !start {
            return; // the reader running now takes them in turn
        }
        let chat = *self;
        spawn_local(async move {
            while let Some(Some(file)) = chat.attach_queue.try_update_value(|(queue, running)| {
                let next = queue.pop_front();
                *running = next.is_some();
                next
            }) {
                if !chat.alive() {
                    return;
                }
                if !chat.attach_one(file).await {
                    // The message is full: what is still queued is refused with it.
                    chat.attach_queue.try_update_value(|(queue, running)| {
                        queue.clear();
                        *running = false;
                    });
                    return;
                }
            }
        });
    }

    /// Reads and attaches `file`, or says in words why not; false when the message already has
    /// the most images it may carry.
    async fn attach_one(&self, file: File) -> bool {
        let strings = self.strings();
        if self.pending_images.with_untracked(Vec::len) >= MAX_IMAGES_PER_REQUEST {
            self.show_notice(Strings::fill(strings.image_limit(), MAX_IMAGES_PER_REQUEST));
            return false;
        }
        let name = file.name();
        match images::prepare(&file).await {
            Ok(image) if self.alive() => {
                self.pending_images.update(|p| p.push(image));
                self.dismiss_notice();
                true
            }
            Ok(_) => false,
            Err(e) => {
                let template = match e {
                    ImageError::Type => &strings.image_type(),
                    ImageError::TooBig => &strings.image_too_big(),
                    ImageError::TooWide => &strings.image_too_wide(),
                    ImageError::Unreadable => &strings.image_unreadable(),
                };
                self.show_notice(Strings::fill_named(template, &[("name", &name)]));
                true
            }
        }
    }

    /// Removes pending image `index`.
    pub fn remove_pending(&self, index: usize) {
        self.pending_images.update(|p| {
            if index < p.len() {
                p.remove(index);
            }
        });
        self.request_focus();
    }

    /// Whether sending the pending images is refused: the model cannot see them (said in
    /// words).
    pub(super) fn refuse_images(&self) -> bool {
        let pending = self.pending_images.with_untracked(|p| !p.is_empty());
        let refused = pending && !untrack(|| self.can_see());
        if refused {
            self.say_model_blind();
        }
        refused
    }

    /// Says that the selected model cannot see images.
    pub fn say_model_blind(&self) {
        let model = self.settings.with_untracked(|s| s.model.clone());
        let sentence = Strings::fill_named(self.strings().model_blind(), &[("model", &model)]);
        self.show_notice(sentence);
    }

    /// The sent image shown larger, if any.
    pub fn viewed_image(&self) -> ReadSignal<Option<Image>> {
        self.viewed_image.read_only()
    }

    /// Shows `image` larger (or closes the view with `None`); the viewer's code is in the
    /// extras module.
    pub fn view_image(&self, image: Option<Image>) {
        if image.is_none() {
            self.viewed_image.set(None);
        } else {
            let viewed = self.viewed_image;
            self.with_extras(move || viewed.set(image));
        }
    }
}
