//! The agents `POST /v1/agents/completions` knows (listed in `--help`): each answers with its
//! model, its name before the reply; the citing agent also streams sources.

/// One agent.
#[derive(Clone, Copy, Debug)]
pub struct Agent {
    /// The id a request names.
    pub id: &'static str,
    /// Its name, before every reply.
    pub name: &'static str,
    /// The model behind it.
    pub model: &'static str,
    /// Whether its replies cite sources (like an agent with web search).
    pub cites: bool,
}

/// The known agents.
pub const AGENTS: [Agent; 2] = [
    Agent {
        id: "ag:tinychat:shop",
        name: "Shop assistant",
        model: "mistral-small-latest",
        cites: false,
    },
    Agent {
        id: "ag:tinychat:search",
        name: "Search assistant",
        model: "mistral-medium-latest",
        cites: true,
    },
];

/// The agent `id` names.
pub fn find(id: &str) -> Option<&'static Agent> {
    AGENTS.iter().find(|a| a.id == id)
}
