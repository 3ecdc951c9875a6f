//! What the server answers: scripted replies chosen by keywords, the default reply, and the
//! split of a reply into streamed pieces.
//!
//! The keywords are whole words of the prompt (the last user message without its directives),
//! compared case-insensitively; the first rule that matches wins:
//!
//! 1. `long N`: `N` pieces `tok0 `, `tok1 `, …, `tok{N-1} ` (N is capped at [`MAX_LONG`]);
//! 2. `html`: [`HTML_REPLY`], markup and `javascript:` links that a widget must not run;
//! 3. `code`: [`CODE_REPLY`], fenced blocks (Rust, HTML with markup, diff) then prose;
//! 4. `markdown` or `demo`: [`MARKDOWN_REPLY`];
//! 5. otherwise the default reply, [`default_reply`]: `You said: "<prompt>"`, a blank line,
//!    and a line naming the model and the number of messages in the conversation.

/// The most pieces `long N` streams.
pub const MAX_LONG: usize = 1_000_000;

/// The most characters in one streamed piece.
pub const MAX_PIECE_CHARS: usize = 6;

/// The reply to `markdown` or `demo`: every construct a Markdown renderer must handle, with
/// accents, CJK and emoji.
pub const MARKDOWN_REPLY: &str = r#"# TinyChat demo

Here is **bold**, *italic*, `inline code` and a [link to Mistral](https://mistral.ai/).

## Lists

- Accents: café, naïve, über, Müller (é, ü)
- CJK: 你好, 日本語
- Emoji: 👋 🦀 👩‍💻
  - a nested item

1. First
2. Second

## A table

| Language | Greeting |
| --- | --- |
| French | Bonjour, ça va ? |
| German | Grüß dich |
| Chinese | 你好 |
| Japanese | こんにちは (日本語) |

## Code

```rust
fn main() {
    let greeting = "héllo, 世界 🦀";
    println!("{greeting}");
}
```

> That's all: a blockquote to finish."#;

/// The reply to `html`: markup and links that a widget must show as text, never run.
pub const HTML_REPLY: &str = r#"Here is some HTML that must be shown as text and never run:

<script>alert(1)</script>

<img src=x onerror=alert(1)>

And a Markdown link that must not run script: [click](javascript:alert(1))

Also <b onmouseover="alert(1)">hover</b>, <a href="javascript:alert(1)">a link</a> and <iframe src="javascript:alert(1)"></iframe>."#;

/// The reply to `code`: fenced blocks in several languages, one holding markup a widget must
/// show as text, then prose (so a test can watch a finished block while the reply streams on).
pub const CODE_REPLY: &str = r#"A Rust function:

```rust
fn greet(name: &str) -> String {
    // Say hello.
    format!("Hello, {name}!")
}
```

Some HTML that must stay text:

```html
<script>alert(1)</script>
<img src="x" onerror="alert(1)">
```

And a diff:

```diff
-let x = 1;
+let x = 2;
```

That is all the code. The rest of this reply is prose, so that the blocks above are finished long before the reply is: a widget highlights a block once, when it is complete, and never touches it again while the words keep coming."#;

/// A reply, before it is split into pieces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// A text, streamed in pieces of at most [`MAX_PIECE_CHARS`] characters.
    Text(String),
    /// `long N`: exactly N pieces `tok{i} `.
    Long(usize),
}

/// Chooses the reply to `prompt` (see the [module documentation](self)), for a conversation of
/// `message_count` messages to `model`.
pub fn select(prompt: &str, model: &str, message_count: usize) -> Reply {
    let lower = prompt.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let long = words
        .windows(2)
        .find_map(|pair| (pair[0] == "long").then(|| pair[1].parse::<u64>().ok())?);
    if let Some(n) = long {
        let n = usize::try_from(n).unwrap_or(MAX_LONG).min(MAX_LONG);
        return Reply::Long(n);
    }
    let has = |word: &str| words.contains(&word);
    if has("html") {
        Reply::Text(HTML_REPLY.to_owned())
    } else if has("code") {
        Reply::Text(CODE_REPLY.to_owned())
    } else if has("markdown") || has("demo") {
        Reply::Text(MARKDOWN_REPLY.to_owned())
    } else {
        Reply::Text(default_reply(prompt, model, message_count))
    }
}

/// The default reply: the prompt quoted, then a line about the conversation.
pub fn default_reply(prompt: &str, model: &str, message_count: usize) -> String {
    let plural = if message_count == 1 { "" } else { "s" };
    format!(
        "You said: \"{prompt}\"\n\nThis is a canned reply from tinychat-server \
         ({model}, {message_count} message{plural} in this conversation). \
         Ask for \"markdown\", \"html\" or \"long 20\" to see scripted replies."
    )
}

/// The deterministic thinking of a reasoning model before it answers `prompt`.
pub fn thinking_for(prompt: &str) -> String {
    format!(
        "The user wrote \"{prompt}\". Let me think about it step by step.\n\n\
         1. Read the question.\n2. Check what they need.\n\nI will answer now."
    )
}

/// The sources a reply with `[sources]` (or the citing agent) cites: titles and URLs, one of
/// them a `javascript:` URL a widget must never make clickable.
pub const SOURCES: [(&str, &str); 3] = [
    ("Mistral AI documentation", "https://docs.mistral.ai/"),
    ("Le Chat <b>by</b> Mistral", "https://chat.mistral.ai/"),
    ("A link that must not run", "javascript:alert(1)"),
];

/// The reply after the page's tools answered: each result, quoted, in call order.
pub fn after_tools(results: &[(&str, &str)]) -> String {
    let mut out = String::from("The page's tools answered:\n");
    for (name, content) in results {
        out.push_str(&format!("\n- {name}: {content}"));
    }
    out
}

impl Reply {
    /// The pieces a stream sends, in order; their concatenation is the whole reply.
    pub fn pieces(self) -> Box<dyn Iterator<Item = String> + Send> {
        match self {
            Reply::Text(text) => Box::new(split_pieces(&text).into_iter()),
            Reply::Long(n) => Box::new((0..n).map(|i| format!("tok{i} "))),
        }
    }
}

/// Splits `text` into pieces like a tokenizer's: each piece is a run of whitespace followed by a
/// run of other characters, cut every [`MAX_PIECE_CHARS`] characters. Cuts fall between
/// `char`s, never inside one.
pub fn split_pieces(text: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut chars = 0;
    let mut in_word = false;
    for c in text.chars() {
        let space = c.is_whitespace();
        if chars == MAX_PIECE_CHARS || (space && in_word) {
            pieces.push(std::mem::take(&mut current));
            chars = 0;
            in_word = false;
        }
        current.push(c);
        chars += 1;
        in_word |= !space;
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

/// The token estimate used in `usage`: `ceil(chars / 4)`.
pub fn estimate_tokens(chars: usize) -> u64 {
    u64::try_from(chars.div_ceil(4)).unwrap_or(u64::MAX)
}

/// The pieces of a reply as the client receives them, with `max_tokens` applied: the reply is
/// cut after `4 × max_tokens` characters (the inverse of [`estimate_tokens`]).
pub struct Pieces {
    inner: Box<dyn Iterator<Item = String> + Send>,
    budget: Option<usize>,
    truncated: bool,
    chars: usize,
}

impl Pieces {
    /// The pieces of `reply`, limited by `max_tokens` when given.
    pub fn new(reply: Reply, max_tokens: Option<u64>) -> Self {
        let budget = max_tokens.map(|t| usize::try_from(t.saturating_mul(4)).unwrap_or(usize::MAX));
        Self {
            inner: reply.pieces(),
            budget,
            truncated: false,
            chars: 0,
        }
    }

    /// `"length"` when `max_tokens` cut the reply, else `"stop"`.
    pub fn finish_reason(&self) -> &'static str {
        if self.truncated {
            "length"
        } else {
            "stop"
        }
    }

    /// How many characters the pieces so far had.
    pub fn chars(&self) -> usize {
        self.chars
    }

    /// The whole reply, with its finish reason.
    pub fn collect_text(mut self) -> (String, &'static str, usize) {
        let mut text = String::new();
        for piece in self.by_ref() {
            text.push_str(&piece);
        }
        (text, self.finish_reason(), self.chars)
    }
}

impl Iterator for Pieces {
    type Item = String;

    fn next(&mut self) -> Option<String> {
        if self.truncated {
            return None;
        }
        let mut piece = self.inner.next()?;
        let len = piece.chars().count();
        if let Some(budget) = self.budget.as_mut() {
            if len > *budget {
                self.truncated = true;
                let cut = piece
                    .char_indices()
                    .nth(*budget)
                    .map_or(piece.len(), |(i, _)| i);
                piece.truncate(cut);
                let kept = *budget;
                *budget = 0;
                self.chars += kept;
                return (!piece.is_empty()).then_some(piece);
            }
            *budget -= len;
        }
        self.chars += len;
        Some(piece)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_are_short_and_rejoin_to_the_text() {
        for text in [MARKDOWN_REPLY, HTML_REPLY, "a  b\n\nc", "", "😀"] {
            let pieces = split_pieces(text);
            assert_eq!(pieces.concat(), text);
            assert!(pieces.iter().all(|p| !p.is_empty()));
            assert!(pieces.iter().all(|p| p.chars().count() <= MAX_PIECE_CHARS));
        }
    }

    #[test]
    fn words_keep_their_leading_whitespace() {
        assert_eq!(split_pieces("Hello big world"), ["Hello", " big", " world"]);
        assert_eq!(
            split_pieces("你好世界日本語です"),
            ["你好世界日本", "語です"]
        );
    }

    #[test]
    fn keywords_choose_the_scripted_replies() {
        assert_eq!(select("please LONG 3 now", "m", 1), Reply::Long(3));
        assert_eq!(select("long 99999999999", "m", 1), Reply::Long(MAX_LONG));
        assert_eq!(select("show html", "m", 1), Reply::Text(HTML_REPLY.into()));
        assert_eq!(
            select("a Markdown test", "m", 1),
            Reply::Text(MARKDOWN_REPLY.into())
        );
        assert_eq!(select("demo!", "m", 1), Reply::Text(MARKDOWN_REPLY.into()));
        assert_eq!(
            select("html markdown", "m", 1),
            Reply::Text(HTML_REPLY.into())
        );
    }

    #[test]
    fn keywords_must_be_whole_words() {
        for prompt in ["demonstrate", "markdowns", "xhtml", "long way", "belong 5"] {
            let Reply::Text(text) = select(prompt, "m", 1) else {
                panic!("{prompt} chose a long reply")
            };
            assert!(text.starts_with("You said:"), "{prompt}: {text}");
        }
    }

    #[test]
    fn the_default_reply_quotes_the_prompt() {
        let text = default_reply("Bonjour 👋", "mistral-small-latest", 3);
        assert!(text.starts_with("You said: \"Bonjour 👋\"\n\n"));
        assert!(text.contains("mistral-small-latest, 3 messages"));
    }

    #[test]
    fn long_replies_have_exactly_n_pieces() {
        let pieces: Vec<String> = Reply::Long(3).pieces().collect();
        assert_eq!(pieces, ["tok0 ", "tok1 ", "tok2 "]);
    }

    #[test]
    fn max_tokens_cuts_the_reply_on_a_char_boundary() {
        let reply = Reply::Text("héllo wörld, 你好".into());
        let (text, reason, chars) = Pieces::new(reply.clone(), Some(2)).collect_text();
        assert_eq!((text.as_str(), reason, chars), ("héllo wö", "length", 8));
        let (text, reason, _) = Pieces::new(reply, Some(100)).collect_text();
        assert_eq!((text.as_str(), reason), ("héllo wörld, 你好", "stop"));
        let (text, reason, _) = Pieces::new(Reply::Long(5), Some(0)).collect_text();
        assert_eq!((text.as_str(), reason), ("", "length"));
    }

    #[test]
    fn tokens_are_estimated_as_a_quarter_of_the_chars_rounded_up() {
        assert_eq!(estimate_tokens(0), 0);
        assert_eq!(estimate_tokens(1), 1);
        assert_eq!(estimate_tokens(8), 2);
        assert_eq!(estimate_tokens(9), 3);
    }
}
