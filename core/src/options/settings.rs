//! [`Settings`]: what the user saved in the settings dialog, read back with the same validation
//! as the page's options ([`super::validate`]).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::validate::{
    is_model_id, parse_agent_id, parse_api_base, parse_max_tokens, parse_reasoning_effort,
    parse_temperature,
};
use super::{WidgetOptions, MAX_TEMPERATURE};

/// The user's saved settings. The API key is deliberately not here: the widget stores it
/// separately, and only when [`remember_key`](Self::remember_key) is set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    /// API base URL (no trailing slash), as for [`WidgetOptions::api_base`].
    pub api_base: String,
    /// Selected model.
    pub model: String,
    /// Sampling temperature (0 to 1.5); `None` for the model's default.
    pub temperature: Option<f32>,
    /// Maximum reply tokens; `None` for the model's default.
    pub max_tokens: Option<u32>,
    /// System prompt for new requests.
    pub system_prompt: Option<String>,
    /// Keep the API key across browser sessions (local storage) rather than for the tab only.
    pub remember_key: bool,
    /// `reasoning_effort` for the models that take it (`none` or `high`); `None`: the
    /// model's default.
    #[serde(default)]
    pub reasoning_effort: Option<String>,
    /// Talk to this agent (`/v1/agents/completions`) instead of a model.
    #[serde(default)]
    pub agent_id: Option<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings::from_options(&WidgetOptions::default())
    }
}

impl Settings {
    /// The initial settings given by the page's options.
    pub fn from_options(options: &WidgetOptions) -> Self {
        Settings {
            api_base: options.api_base.clone(),
            model: options.model.clone(),
            temperature: options.temperature,
            max_tokens: options.max_tokens,
            system_prompt: options.system_prompt.clone(),
            remember_key: false,
            reasoning_effort: options.reasoning_effort.clone(),
            agent_id: options.agent_id.clone(),
        }
    }

    /// As JSON for storage.
    pub fn to_json(&self) -> String {
        // Cannot fail; a non-finite temperature (never produced here) would become null.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Read stored settings. Never fails: a missing field, or one with an unusable value,
    /// takes its value from `defaults` (typically [`Settings::from_options`]); unreadable JSON
    /// gives `defaults`. A `null` temperature, token limit or system prompt is kept as
    /// "unset".
    pub fn from_json(json: &str, defaults: &Settings) -> Settings {
        let mut settings = defaults.clone();
        let Ok(Value::Object(obj)) = serde_json::from_str::<Value>(json) else {
            return settings;
        };
        if let Some(base) = obj
            .get("api_base")
            .and_then(Value::as_str)
            .and_then(parse_api_base)
        {
            settings.api_base = base;
        }
        if let Some(model) = obj
            .get("model")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|m| is_model_id(m))
        {
            settings.model = model.to_owned();
        }
        match obj.get("temperature") {
            Some(Value::Null) => settings.temperature = None,
            Some(v) => {
                if let Some(t) = v
                    .as_f64()
                    .filter(|t| (0.0..=f64::from(MAX_TEMPERATURE)).contains(t))
                {
                    settings.temperature = Some(t as f32);
                }
            }
            None => {}
        }
        match obj.get("max_tokens") {
            Some(Value::Null) => settings.max_tokens = None,
            Some(v) => {
                if let Some(n) = v
                    .as_u64()
                    .filter(|n| *n > 0)
                    .and_then(|n| u32::try_from(n).ok())
                {
                    settings.max_tokens = Some(n);
                }
            }
            None => {}
        }
        match obj.get("system_prompt") {
            Some(Value::Null) => settings.system_prompt = None,
            Some(Value::String(s)) => {
                settings.system_prompt = Some(s.trim().to_owned()).filter(|s| !s.is_empty())
            }
            _ => {}
        }
        if let Some(remember) = obj.get("remember_key").and_then(Value::as_bool) {
            settings.remember_key = remember;
        }
        match obj.get("reasoning_effort") {
            Some(Value::Null) => settings.reasoning_effort = None,
            Some(Value::String(e)) => {
                if let Some(e) = parse_reasoning_effort(e) {
                    settings.reasoning_effort = Some(e);
                }
            }
            _ => {}
        }
        match obj.get("agent_id") {
            Some(Value::Null) => settings.agent_id = None,
            Some(Value::String(a)) => {
                if let Some(a) = parse_agent_id(a) {
                    settings.agent_id = Some(a);
                }
            }
            _ => {}
        }
        settings
    }
}

/// The settings dialog's fields as the user typed them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SettingsForm {
    /// API base URL field.
    pub api_base: String,
    /// Selected model.
    pub model: String,
    /// Temperature field ("" for the model's default).
    pub temperature: String,
    /// Max tokens field ("" for the model's default).
    pub max_tokens: String,
    /// System prompt field.
    pub system_prompt: String,
    /// "Remember on this device".
    pub remember_key: bool,
    /// `""` (the model's default), `none` or `high`.
    pub reasoning_effort: String,
    /// An agent id, or `""` for none.
    pub agent_id: String,
}

/// A settings field whose value cannot be used (the dialog names it and keeps it open).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SettingsError {
    /// Not an `http(s)://` URL or a path starting with `/`.
    ApiBase,
    /// Not a model id.
    Model,
    /// Not a number from 0 to [`MAX_TEMPERATURE`].
    Temperature,
    /// Not a whole number greater than 0.
    MaxTokens,
    /// Not an agent id (letters, digits, `_`, `-`, `:` and `.`, at most 128).
    AgentId,
}

impl SettingsForm {
    /// The form showing `settings`.
    pub fn from_settings(settings: &Settings) -> Self {
        SettingsForm {
            api_base: if settings.api_base.is_empty() {
                "/".to_owned()
            } else {
                settings.api_base.clone()
            },
            model: settings.model.clone(),
            temperature: settings
                .temperature
                .map(crate::decimal::f32_to_string)
                .unwrap_or_default(),
            max_tokens: settings
                .max_tokens
                .map(|t| t.to_string())
                .unwrap_or_default(),
            system_prompt: settings.system_prompt.clone().unwrap_or_default(),
            remember_key: settings.remember_key,
            reasoning_effort: settings.reasoning_effort.clone().unwrap_or_default(),
            agent_id: settings.agent_id.clone().unwrap_or_default(),
        }
    }

    /// Validates every field with the same functions that read options and stored settings.
    /// Empty temperature and max tokens mean "the model's default"; an empty system prompt
    /// means none.
    ///
    /// ```
    /// use tinychat_core::options::{SettingsError, SettingsForm};
    /// let mut form = SettingsForm { api_base: "/llm/".into(), model: "m".into(), ..Default::default() };
    /// assert_eq!(form.validate().unwrap().api_base, "/llm");
    /// form.temperature = "3".into();
    /// assert_eq!(form.validate(), Err(vec![SettingsError::Temperature]));
    /// ```
    pub fn validate(&self) -> Result<Settings, Vec<SettingsError>> {
        let mut errors = Vec::new();
        let api_base = parse_api_base(self.api_base.trim());
        if api_base.is_none() {
            errors.push(SettingsError::ApiBase);
        }
        let model = self.model.trim();
        if !is_model_id(model) {
            errors.push(SettingsError::Model);
        }
        fn optional(text: &str) -> Option<&str> {
            (!text.trim().is_empty()).then_some(text)
        }
        let temperature = optional(&self.temperature).map(parse_temperature);
        if temperature == Some(None) {
            errors.push(SettingsError::Temperature);
        }
        let max_tokens = optional(&self.max_tokens).map(parse_max_tokens);
        if max_tokens == Some(None) {
            errors.push(SettingsError::MaxTokens);
        }
        let agent_id = optional(&self.agent_id).map(parse_agent_id);
        if agent_id == Some(None) {
            errors.push(SettingsError::AgentId);
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Settings {
            api_base: api_base.unwrap_or_default(),
            model: model.to_owned(),
            temperature: temperature.flatten(),
            max_tokens: max_tokens.flatten(),
            system_prompt: Some(self.system_prompt.trim().to_owned()).filter(|s| !s.is_empty()),
            remember_key: self.remember_key,
            reasoning_effort: parse_reasoning_effort(&self.reasoning_effort),
            agent_id: agent_id.flatten(),
        })
    }
}
