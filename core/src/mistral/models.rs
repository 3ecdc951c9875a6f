//! What a model can do: from its `/v1/models` card's `capabilities` when the API listed it,
//! else from the model families Mistral documents.

use super::response::ModelCapabilities;

/// Model id prefixes that see images when `/v1/models` does not say (Mistral's vision guide:
/// Pixtral, Mistral Small 3.x, Medium 3, Large 3, Ministral 3).
pub const KNOWN_VISION: &[&str] = &[
    "pixtral-",
    "mistral-small-latest",
    "mistral-small-25",
    "mistral-small-26",
    "mistral-medium-",
    "mistral-large-latest",
    "mistral-large-25",
    "ministral-3",
];

/// Model id prefixes that take `reasoning_effort` when `/v1/models` does not say (Mistral's
/// reasoning guide: Mistral Small 4, Medium 3.5).
pub const KNOWN_REASONING_EFFORT: &[&str] = &[
    "mistral-small-latest",
    "mistral-small-2603",
    "mistral-medium-3-5",
    "mistral-medium-3.5",
];

/// Whether `model` accepts images (`capabilities.vision`, else [`KNOWN_VISION`]).
pub fn sees_images(model: &str, caps: Option<&ModelCapabilities>) -> bool {
    match caps {
        Some(c) => c.vision,
        None => KNOWN_VISION.iter().any(|p| model.starts_with(p)),
    }
}

/// Whether `model` takes `reasoning_effort`. Magistral models reason natively and are sent
/// none (their `prompt_mode` is deprecated for reasoning models); others by
/// `capabilities.reasoning`, else [`KNOWN_REASONING_EFFORT`].
pub fn takes_reasoning_effort(model: &str, caps: Option<&ModelCapabilities>) -> bool {
    if model.starts_with("magistral-") {
        return false;
    }
    match caps {
        Some(c) => c.reasoning,
        None => KNOWN_REASONING_EFFORT.iter().any(|p| model.starts_with(p)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_card_wins_over_the_fallback_lists() {
        let seeing = ModelCapabilities {
            vision: true,
            ..Default::default()
        };
        assert!(sees_images("my-fine-tune", Some(&seeing)));
        assert!(!sees_images(
            "pixtral-12b-2409",
            Some(&ModelCapabilities::default())
        ));
        assert!(sees_images("pixtral-12b-2409", None));
        assert!(!sees_images("open-mistral-nemo", None));
        assert!(takes_reasoning_effort("mistral-small-latest", None));
        assert!(!takes_reasoning_effort("open-mistral-nemo", None));
        let reasoning = ModelCapabilities {
            reasoning: true,
            ..Default::default()
        };
        assert!(!takes_reasoning_effort(
            "magistral-small-latest",
            Some(&reasoning)
        ));
        assert!(takes_reasoning_effort("x", Some(&reasoning)));
    }
}
