//! The models the server knows, listed by `GET /v1/models` in Mistral's shape.
//!
//! A chat request must name one of them, by id or by alias; any other id is answered with
//! Mistral's 400 `invalid_model` error.

use serde_json::{json, Value};

/// One entry of the model list.
#[derive(Clone, Copy, Debug)]
pub struct Model {
    /// The id a request names, e.g. `mistral-small-latest`.
    pub id: &'static str,
    /// The dated model the id points at; also accepted as an id.
    pub name: &'static str,
    /// A one-line description.
    pub description: &'static str,
    /// When the model was created (Unix seconds; fixed, so the list is deterministic).
    pub created: u64,
    /// The context window, in tokens.
    pub max_context_length: u64,
    /// Whether the model takes images.
    pub vision: bool,
    /// Whether the model does fill-in-the-middle (code models).
    pub fim: bool,
    /// Whether the model reasons: `magistral-*` always think (streamed `thinking` chunks);
    /// others take `reasoning_effort` and think when it is `high`.
    pub reasoning: bool,
}

/// The known models, in the order `GET /v1/models` lists them.
pub const MODELS: [Model; 9] = [
    Model {
        id: "mistral-small-latest",
        name: "mistral-small-2503",
        description: "Mistral Small: a fast, efficient model for everyday tasks.",
        created: 1_741_651_200,
        max_context_length: 131_072,
        vision: true,
        fim: false,
        reasoning: true,
    },
    Model {
        id: "mistral-medium-latest",
        name: "mistral-medium-2505",
        description: "Mistral Medium: frontier-class performance at a lower cost.",
        created: 1_746_576_000,
        max_context_length: 131_072,
        vision: true,
        fim: false,
        reasoning: false,
    },
    Model {
        id: "mistral-large-latest",
        name: "mistral-large-2411",
        description: "Mistral Large: the top-tier reasoning model for complex tasks.",
        created: 1_731_542_400,
        max_context_length: 131_072,
        vision: false,
        fim: false,
        reasoning: false,
    },
    Model {
        id: "open-mistral-nemo",
        name: "open-mistral-nemo-2407",
        description: "Mistral NeMo: a 12B open model built with NVIDIA.",
        created: 1_721_260_800,
        max_context_length: 131_072,
        vision: false,
        fim: false,
        reasoning: false,
    },
    Model {
        id: "codestral-latest",
        name: "codestral-2501",
        description: "Codestral: a model for code completion and generation.",
        created: 1_736_899_200,
        max_context_length: 262_144,
        vision: false,
        fim: true,
        reasoning: false,
    },
    Model {
        id: "ministral-8b-latest",
        name: "ministral-8b-2410",
        description: "Ministral 8B: a small model for on-device and edge use.",
        created: 1_729_036_800,
        max_context_length: 131_072,
        vision: false,
        fim: false,
        reasoning: false,
    },
    Model {
        id: "ministral-3b-latest",
        name: "ministral-3b-2410",
        description: "Ministral 3B: the smallest model, for the edge.",
        created: 1_729_036_800,
        max_context_length: 131_072,
        vision: false,
        fim: false,
        reasoning: false,
    },
    Model {
        id: "magistral-small-latest",
        name: "magistral-small-2509",
        description: "Magistral Small: a reasoning model that thinks before it answers.",
        created: 1_758_240_000,
        max_context_length: 131_072,
        vision: true,
        fim: false,
        reasoning: true,
    },
    Model {
        id: "magistral-medium-latest",
        name: "magistral-medium-2509",
        description: "Magistral Medium: the larger reasoning model.",
        created: 1_758_240_000,
        max_context_length: 131_072,
        vision: true,
        fim: false,
        reasoning: true,
    },
];

/// The model `id` names, by id or by dated name.
pub fn find(id: &str) -> Option<&'static Model> {
    MODELS.iter().find(|m| m.id == id || m.name == id)
}

/// Whether `id` names a known model, by id or by dated name.
pub fn is_known(id: &str) -> bool {
    MODELS.iter().any(|m| m.id == id || m.name == id)
}

impl Model {
    /// The model as `GET /v1/models` shows it.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "object": "model",
            "created": self.created,
            "owned_by": "mistralai",
            "capabilities": {
                "completion_chat": true,
                "completion_fim": self.fim,
                "function_calling": true,
                "fine_tuning": false,
                "vision": self.vision,
                "reasoning": self.reasoning,
                "classification": false,
            },
            "name": self.name,
            "description": self.description,
            "max_context_length": self.max_context_length,
            "aliases": [self.name],
            "deprecation": null,
            "default_model_temperature": 0.3,
            "type": "base",
        })
    }
}

/// The body of `GET /v1/models`.
pub fn list() -> Value {
    json!({
        "object": "list",
        "data": MODELS.iter().map(Model::to_json).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_dated_names_are_known_and_others_are_not() {
        assert!(is_known("mistral-small-latest"));
        assert!(is_known("mistral-small-2503"));
        assert!(!is_known("gpt-4"));
        assert!(!is_known(""));
    }
}
