//! Syntax highlighting for fenced code blocks: a small lexer per language family that splits
//! code into [`Token`]s. The widget turns each into a `<span class="tc-tok-…">` with the DOM API
//! (never markup), and only once a block is complete, so a streaming block stays O(delta).
//!
//! Languages (by the fence's info string, case-insensitive): Rust, Python, JavaScript and
//! TypeScript, JSON, shell, HTML/XML, CSS, SQL, Go, Java, C and C++, YAML, TOML and diff, with
//! their usual aliases (`rs`, `py`, `js`, `ts`, `jsx`, `tsx`, `sh`, `bash`, `zsh`, `console`,
//! `html`, `xml`, `svg`, `c++`, `cpp`, `h`, `hpp`, `yml`, `patch`…). The lexers know comments,
//! strings (with escapes, raw and triple-quoted forms), numbers, keywords, literals, types
//! (capitalized names), function calls, and the structure of markup, styles, configuration and
//! diffs. They never fail: what they do not recognize is plain text, and the tokens always
//! cover the code exactly, in order.
//!
//! A hand-written lexer rather than a crate: the well-kept highlighters (syntect, tree-sitter
//! and the crates built on them: inkjet, autumnus) bring grammars, a regex engine or C code
//! that cost hundreds of KB of wasm, far over this feature's 25 KB budget.

/// What a piece of code is; the widget's class is `tc-tok-` + [`Kind::class`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Nothing special.
    Plain,
    /// `fn`, `if`, `SELECT`…
    Keyword,
    /// `true`, `null`, `None`…
    Literal,
    /// A string or character literal.
    String,
    /// A number.
    Number,
    /// A comment.
    Comment,
    /// A type name (capitalized identifiers, built-in types).
    Type,
    /// A name followed by `(`.
    Function,
    /// An HTML tag name, a TOML table header.
    Tag,
    /// An HTML attribute, a CSS property, a JSON/YAML/TOML key.
    Attr,
    /// A shell variable, a Rust lifetime or macro, a decorator.
    Variable,
    /// A diff's added line.
    Inserted,
    /// A diff's removed line.
    Deleted,
    /// A diff's hunk header, a preprocessor line, a shell prompt.
    Meta,
}

impl Kind {
    /// Every kind, in declaration order (a kind's index here is its number on the wire).
    pub const ALL: [Kind; 14] = [
        Kind::Plain,
        Kind::Keyword,
        Kind::Literal,
        Kind::String,
        Kind::Number,
        Kind::Comment,
        Kind::Type,
        Kind::Function,
        Kind::Tag,
        Kind::Attr,
        Kind::Variable,
        Kind::Inserted,
        Kind::Deleted,
        Kind::Meta,
    ];

    /// The class suffix: `kw`, `lit`, `str`, `num`, `com`, `ty`, `fn`, `tag`, `attr`, `var`,
    /// `ins`, `del`, `meta` (`""` for plain text).
    pub fn class(self) -> &'static str {
        match self {
            Kind::Plain => "",
            Kind::Keyword => "kw",
            Kind::Literal => "lit",
            Kind::String => "str",
            Kind::Number => "num",
            Kind::Comment => "com",
            Kind::Type => "ty",
            Kind::Function => "fn",
            Kind::Tag => "tag",
            Kind::Attr => "attr",
            Kind::Variable => "var",
            Kind::Inserted => "ins",
            Kind::Deleted => "del",
            Kind::Meta => "meta",
        }
    }
}

/// A highlighted piece: `code[start..end]` is of kind `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: Kind,
    /// Byte offset of its start.
    pub start: usize,
    /// Byte offset of its end.
    pub end: usize,
}

/// How a C-like language is lexed.
struct Grammar {
    keywords: &'static [&'static str],
    literals: &'static [&'static str],
    types: &'static [&'static str],
    line_comments: &'static [&'static str],
    block_comment: Option<(&'static str, &'static str)>,
    quotes: &'static [u8],
    /// Keywords are matched case-insensitively (SQL).
    ignore_case: bool,
    /// Capitalized names are types.
    capitalized_types: bool,
    flavor: Flavor,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavor {
    Plain,
    Rust,
    Python,
    Js,
    Shell,
    C,
    Go,
    Json,
}

const RUST: Grammar = Grammar {
    keywords: &[
        "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum",
        "extern", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
        "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait", "type",
        "unsafe", "use", "where", "while",
    ],
    literals: &["true", "false", "None", "Some", "Ok", "Err"],
    types: &[
        "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
        "f32", "f64", "bool", "char", "str",
    ],
    line_comments: &["//"],
    block_comment: Some(("/*", "*/")),
    quotes: b"\"",
    ignore_case: false,
    capitalized_types: true,
    flavor: Flavor::Rust,
};

const PYTHON: Grammar = Grammar {
    keywords: &[
        "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
        "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
        "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with",
        "yield", "match", "case",
    ],
    literals: &["True", "False", "None", "self"],
    types: &[
        "int", "float", "str", "bool", "list", "dict", "set", "tuple", "bytes",
    ],
    line_comments: &["#"],
    block_comment: None,
    quotes: b"\"'",
    ignore_case: false,
    capitalized_types: true,
    flavor: Flavor::Python,
};

const JS: Grammar = Grammar {
    keywords: &[
        "async",
        "await",
        "break",
        "case",
        "catch",
        "class",
        "const",
        "continue",
        "debugger",
        "default",
        "delete",
        "do",
        "else",
        "export",
        "extends",
        "finally",
        "for",
        "from",
        "function",
        "if",
        "import",
        "in",
        "instanceof",
        "let",
        "new",
        "of",
        "return",
        "static",
        "super",
        "switch",
        "this",
        "throw",
        "try",
        "typeof",
        "var",
        "void",
        "while",
        "with",
        "yield",
        "interface",
        "type",
        "enum",
        "implements",
        "private",
        "public",
        "protected",
        "readonly",
        "as",
        "declare",
        "namespace",
        "abstract",
        "keyof",
    ],
    literals: &["true", "false", "null", "undefined", "NaN", "Infinity"],
    types: &[
        "string", "number", "boolean", "any", "unknown", "never", "object", "void", "bigint",
    ],
    line_comments: &["//"],
    block_comment: Some(("/*", "*/")),
    quotes: b"\"'`",
    ignore_case: false,
    capitalized_types: true,
    flavor: Flavor::Js,
};

const JSON: Grammar = Grammar {
    keywords: &[],
    literals: &["true", "false", "null"],
    types: &[],
    line_comments: &["//"],
    block_comment: Some(("/*", "*/")),
    quotes: b"\"",
    ignore_case: false,
    capitalized_types: false,
    flavor: Flavor::Json,
};

const SHELL: Grammar = Grammar {
    keywords: &[
        "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac",
        "in", "function", "return", "export", "local", "readonly", "source", "exit", "echo", "cd",
        "set", "unset", "sudo",
    ],
    literals: &["true", "false"],
    types: &[],
    line_comments: &["#"],
    block_comment: None,
    quotes: b"\"'",
    ignore_case: false,
    capitalized_types: false,
    flavor: Flavor::Shell,
};

const SQL: Grammar = Grammar {
    keywords: &[
        "select",
        "from",
        "where",
        "and",
        "or",
        "not",
        "insert",
        "into",
        "values",
        "update",
        "set",
        "delete",
        "create",
        "table",
        "drop",
        "alter",
        "add",
        "index",
        "join",
        "left",
        "right",
        "inner",
        "outer",
        "full",
        "on",
        "as",
        "group",
        "by",
        "order",
        "having",
        "limit",
        "offset",
        "distinct",
        "union",
        "all",
        "in",
        "is",
        "like",
        "between",
        "case",
        "when",
        "then",
        "else",
        "end",
        "primary",
        "key",
        "foreign",
        "references",
        "default",
        "unique",
        "exists",
        "with",
        "returning",
        "asc",
        "desc",
        "view",
        "begin",
        "commit",
        "rollback",
        "if",
        "constraint",
        "cascade",
    ],
    literals: &["null", "true", "false"],
    types: &[
        "int",
        "integer",
        "bigint",
        "smallint",
        "text",
        "varchar",
        "char",
        "boolean",
        "date",
        "timestamp",
        "numeric",
        "decimal",
        "real",
        "float",
        "serial",
        "json",
        "jsonb",
        "uuid",
    ],
    line_comments: &["--"],
    block_comment: Some(("/*", "*/")),
    quotes: b"'\"",
    ignore_case: true,
    capitalized_types: false,
    flavor: Flavor::Plain,
};

const GO: Grammar = Grammar {
    keywords: &[
        "break",
        "case",
        "chan",
        "const",
        "continue",
        "default",
        "defer",
        "else",
        "fallthrough",
        "for",
        "func",
        "go",
        "goto",
        "if",
        "import",
        "interface",
        "map",
        "package",
        "range",
        "return",
        "select",
        "struct",
        "switch",
        "type",
        "var",
    ],
    literals: &["true", "false", "nil", "iota"],
    types: &[
        "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
        "float32", "float64", "string", "bool", "byte", "rune", "error", "any",
    ],
    line_comments: &["//"],
    block_comment: Some(("/*", "*/")),
    quotes: b"\"'`",
    ignore_case: false,
    capitalized_types: false,
    flavor: Flavor::Go,
};

const JAVA: Grammar = Grammar {
    keywords: &[
        "abstract",
        "assert",
        "break",
        "case",
        "catch",
        "class",
        "continue",
        "default",
        "do",
        "else",
        "enum",
        "extends",
        "final",
        "finally",
        "for",
        "if",
        "implements",
        "import",
        "instanceof",
        "interface",
        "native",
        "new",
        "package",
        "private",
        "protected",
        "public",
        "return",
        "static",
        "super",
        "switch",
        "synchronized",
        "this",
        "throw",
        "throws",
        "try",
        "var",
        "record",
        "void",
        "volatile",
        "while",
        "yield",
    ],
    literals: &["true", "false", "null"],
    types: &[
        "int", "long", "short", "byte", "char", "boolean", "float", "double",
    ],
    line_comments: &["//"],
    block_comment: Some(("/*", "*/")),
    quotes: b"\"'",
    ignore_case: false,
    capitalized_types: true,
    flavor: Flavor::Plain,
};

const C: Grammar = Grammar {
    keywords: &[
        "auto",
        "break",
        "case",
        "const",
        "continue",
        "default",
        "do",
        "else",
        "enum",
        "extern",
        "for",
        "goto",
        "if",
        "inline",
        "register",
        "return",
        "sizeof",
        "static",
        "struct",
        "switch",
        "typedef",
        "union",
        "volatile",
        "while",
        "class",
        "namespace",
        "template",
        "typename",
        "public",
        "private",
        "protected",
        "virtual",
        "override",
        "new",
        "delete",
        "this",
        "using",
        "constexpr",
        "noexcept",
        "operator",
        "try",
        "catch",
        "throw",
        "friend",
        "explicit",
        "mutable",
        "static_cast",
        "const_cast",
        "reinterpret_cast",
        "dynamic_cast",
    ],
    literals: &["true", "false", "NULL", "nullptr"],
    types: &[
        "int", "long", "short", "char", "float", "double", "void", "unsigned", "signed", "bool",
        "size_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t", "int8_t", "int16_t", "int32_t",
        "int64_t", "auto", "string", "std",
    ],
    line_comments: &["//"],
    block_comment: Some(("/*", "*/")),
    quotes: b"\"'",
    ignore_case: false,
    capitalized_types: true,
    flavor: Flavor::C,
};

/// The tokens of `code` in language `lang` (a fence's info string), or `None` when the
/// language is not one this module knows (the block stays plain text).
pub fn highlight(lang: &str, code: &str) -> Option<Vec<Token>> {
    let lang = lang
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut out = Tokens::default();
    match lang.as_str() {
        "rust" | "rs" => lex(&RUST, code, &mut out),
        "python" | "py" | "python3" => lex(&PYTHON, code, &mut out),
        "javascript" | "js" | "jsx" | "mjs" | "cjs" | "typescript" | "ts" | "tsx" => {
            lex(&JS, code, &mut out)
        }
        "json" | "jsonc" | "json5" => lex(&JSON, code, &mut out),
        "sh" | "bash" | "shell" | "zsh" | "console" | "shellsession" => lex(&SHELL, code, &mut out),
        "sql" | "postgresql" | "mysql" | "sqlite" => lex(&SQL, code, &mut out),
        "go" | "golang" => lex(&GO, code, &mut out),
        "java" | "kotlin" => lex(&JAVA, code, &mut out),
        "c" | "h" | "cpp" | "c++" | "cc" | "cxx" | "hpp" => lex(&C, code, &mut out),
        "html" | "xml" | "svg" | "htm" | "xhtml" | "vue" => markup(code, &mut out),
        "css" | "scss" | "less" => css(code, &mut out),
        "yaml" | "yml" => yaml(code, &mut out),
        "toml" | "ini" => toml(code, &mut out),
        "diff" | "patch" => diff(code, &mut out),
        _ => return None,
    }
    out.finish(code.len());
    Some(out.0)
}

/// Tokens being built: adjacent pieces of the same kind are merged, gaps are plain.
#[derive(Default)]
struct Tokens(Vec<Token>);

impl Tokens {
    fn push(&mut self, kind: Kind, start: usize, end: usize) {
        if start >= end {
            return;
        }
        let covered = self.0.last().map_or(0, |t| t.end);
        if covered < start {
            self.push(Kind::Plain, covered, start);
        }
        match self.0.last_mut() {
            Some(last) if last.kind == kind && last.end == start => last.end = end,
            _ => self.0.push(Token { kind, start, end }),
        }
    }

    fn finish(&mut self, len: usize) {
        let covered = self.0.last().map_or(0, |t| t.end);
        self.push(Kind::Plain, covered, len);
    }
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'$' || b >= 0x80
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// The end of the line starting search at `i` (the `\n` excluded).
fn line_end(code: &[u8], i: usize) -> usize {
    code[i..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(code.len(), |p| i + p)
}

/// The end of a string opened at `i` by `quote` (`end` past the closing quote, or the end of
/// the code / line for an unclosed one).
fn string_end(code: &[u8], i: usize, quote: &[u8], multiline: bool) -> usize {
    let mut j = i + quote.len();
    while j < code.len() {
        if code[j] == b'\\' {
            j += 2;
            continue;
        }
        if code[j..].starts_with(quote) {
            return j + quote.len();
        }
        if code[j] == b'\n' && !multiline {
            return j;
        }
        j += 1;
    }
    code.len()
}

fn number_end(code: &[u8], mut j: usize) -> usize {
    while j < code.len()
        && (code[j].is_ascii_alphanumeric()
            || code[j] == b'_'
            || (code[j] == b'.' && code.get(j + 1).is_some_and(u8::is_ascii_digit)))
    {
        j += 1;
    }
    j
}

fn lex(g: &Grammar, text: &str, out: &mut Tokens) {
    let code = text.as_bytes();
    let mut i = 0;
    let mut line_start = true;
    while i < code.len() {
        let b = code[i];
        let rest = &code[i..];
        if b == b'\n' {
            line_start = true;
            i += 1;
            continue;
        }
        if b == b' ' || b == b'\t' {
            i += 1;
            continue;
        }
        let at_line_start = std::mem::replace(&mut line_start, false);
        // Comments.
        if g.line_comments
            .iter()
            .any(|c| rest.starts_with(c.as_bytes()))
            && (g.flavor != Flavor::Shell || i == 0 || !is_ident(code[i - 1]))
        {
            let end = line_end(code, i);
            out.push(Kind::Comment, i, end);
            i = end;
            continue;
        }
        if let Some((open, close)) = g.block_comment {
            if rest.starts_with(open.as_bytes()) {
                let end = code[i + open.len()..]
                    .windows(close.len())
                    .position(|w| w == close.as_bytes())
                    .map_or(code.len(), |p| i + open.len() + p + close.len());
                out.push(Kind::Comment, i, end);
                i = end;
                continue;
            }
        }
        // Preprocessor lines, decorators, prompts, lifetimes, macros, shell variables.
        if g.flavor == Flavor::C && b == b'#' && at_line_start {
            let end = line_end(code, i);
            out.push(Kind::Meta, i, end);
            i = end;
            continue;
        }
        if g.flavor == Flavor::Shell && at_line_start && (rest.starts_with(b"$ ")) {
            out.push(Kind::Meta, i, i + 1);
            i += 1;
            continue;
        }
        if (g.flavor == Flavor::Python || g.flavor == Flavor::Js) && b == b'@' {
            let mut j = i + 1;
            while j < code.len() && (is_ident(code[j]) || code[j] == b'.') {
                j += 1;
            }
            out.push(Kind::Variable, i, j);
            i = j;
            continue;
        }
        if g.flavor == Flavor::Shell && b == b'$' {
            let j = if code.get(i + 1) == Some(&b'{') {
                code[i..]
                    .iter()
                    .position(|&c| c == b'}')
                    .map_or(code.len(), |p| i + p + 1)
            } else {
                let mut j = i + 1;
                while j < code.len() && (is_ident(code[j]) && code[j] != b'$') {
                    j += 1;
                }
                j.max(i + 1)
            };
            out.push(Kind::Variable, i, j);
            i = j;
            continue;
        }
        if g.flavor == Flavor::Rust && b == b'\'' {
            // A lifetime ('a) or a char literal ('a', '\n').
            let mut j = i + 1;
            while j < code.len() && is_ident(code[j]) {
                j += 1;
            }
            if j > i + 1 && code.get(j) != Some(&b'\'') {
                out.push(Kind::Variable, i, j);
                i = j;
                continue;
            }
            let end = string_end(code, i, b"'", false);
            out.push(Kind::String, i, end);
            i = end;
            continue;
        }
        // Strings.
        if g.flavor == Flavor::Rust
            && (rest.starts_with(b"r\"") || rest.starts_with(b"r#") || rest.starts_with(b"br"))
        {
            let start = i + if b == b'b' { 2 } else { 1 };
            let hashes = code[start..].iter().take_while(|&&c| c == b'#').count();
            if code.get(start + hashes) == Some(&b'"') {
                let mut close = vec![b'"'];
                close.extend(std::iter::repeat_n(b'#', hashes));
                let body = start + hashes + 1;
                let end = code[body..]
                    .windows(close.len())
                    .position(|w| w == close.as_slice())
                    .map_or(code.len(), |p| body + p + close.len());
                out.push(Kind::String, i, end);
                i = end;
                continue;
            }
        }
        if g.flavor == Flavor::Python && (rest.starts_with(b"\"\"\"") || rest.starts_with(b"'''")) {
            let end = string_end(code, i, &rest[..3], true);
            out.push(Kind::String, i, end);
            i = end;
            continue;
        }
        if g.quotes.contains(&b) {
            let multiline = b == b'`' || g.flavor == Flavor::Shell;
            let end = string_end(code, i, &[b], multiline);
            let kind = if g.flavor == Flavor::Json
                && code[end..]
                    .iter()
                    .find(|c| !c.is_ascii_whitespace())
                    .is_some_and(|&c| c == b':')
            {
                Kind::Attr
            } else {
                Kind::String
            };
            out.push(kind, i, end);
            i = end;
            continue;
        }
        // Numbers.
        if b.is_ascii_digit() || (b == b'-' && g.flavor == Flavor::Json && rest.len() > 1) {
            let j = number_end(code, i + 1);
            if b != b'-' || j > i + 1 {
                out.push(Kind::Number, i, j);
                i = j;
                continue;
            }
        }
        // Words.
        if is_ident_start(b) {
            let mut j = i + 1;
            while j < code.len() && is_ident(code[j]) {
                j += 1;
            }
            let word = &text[i..j];
            let matches = |list: &[&str]| {
                if g.ignore_case {
                    list.iter().any(|w| w.eq_ignore_ascii_case(word))
                } else {
                    list.contains(&word)
                }
            };
            let next = code[j..].iter().find(|c| **c != b' ').copied();
            let kind = if matches(g.keywords) {
                Kind::Keyword
            } else if matches(g.literals) {
                Kind::Literal
            } else if g.flavor == Flavor::Rust && code.get(j) == Some(&b'!') {
                out.push(Kind::Variable, i, j + 1);
                i = j + 1;
                continue;
            } else if matches(g.types)
                || (g.capitalized_types && word.as_bytes()[0].is_ascii_uppercase())
            {
                Kind::Type
            } else if next == Some(b'(') && g.flavor != Flavor::Json {
                Kind::Function
            } else {
                Kind::Plain
            };
            out.push(kind, i, j);
            i = j;
            continue;
        }
        // Anything else: one character (a whole UTF-8 sequence).
        let mut j = i + 1;
        while j < code.len() && !text.is_char_boundary(j) {
            j += 1;
        }
        i = j;
    }
}

/// HTML and XML: comments, tag names, attribute names and values; text between tags is plain.
fn markup(text: &str, out: &mut Tokens) {
    let code = text.as_bytes();
    let mut i = 0;
    while i < code.len() {
        if code[i..].starts_with(b"<!--") {
            let end = text[i..].find("-->").map_or(code.len(), |p| i + p + 3);
            out.push(Kind::Comment, i, end);
            i = end;
            continue;
        }
        if code[i] != b'<' {
            i += 1;
            continue;
        }
        // A tag: `<name attr="value" …>`.
        let mut j = i + 1;
        while j < code.len() && matches!(code[j], b'/' | b'!' | b'?') {
            j += 1;
        }
        let name_start = j;
        while j < code.len() && (is_ident(code[j]) || matches!(code[j], b'-' | b':' | b'.')) {
            j += 1;
        }
        if j == name_start {
            i += 1;
            continue;
        }
        out.push(Kind::Tag, name_start, j);
        while j < code.len() && code[j] != b'>' {
            let c = code[j];
            if c == b'"' || c == b'\'' {
                let end = string_end(code, j, &[c], true);
                out.push(Kind::String, j, end);
                j = end;
            } else if is_ident_start(c) {
                let start = j;
                while j < code.len() && (is_ident(code[j]) || matches!(code[j], b'-' | b':')) {
                    j += 1;
                }
                out.push(Kind::Attr, start, j);
            } else {
                j += 1;
            }
        }
        i = (j + 1).min(code.len());
    }
}

/// CSS: comments, strings, at-rules, property names, numbers with units, colors.
fn css(text: &str, out: &mut Tokens) {
    let code = text.as_bytes();
    let mut i = 0;
    let mut depth = 0usize;
    while i < code.len() {
        let c = code[i];
        if code[i..].starts_with(b"/*") {
            let end = text[i + 2..]
                .find("*/")
                .map_or(code.len(), |p| i + 2 + p + 2);
            out.push(Kind::Comment, i, end);
            i = end;
        } else if c == b'"' || c == b'\'' {
            let end = string_end(code, i, &[c], false);
            out.push(Kind::String, i, end);
            i = end;
        } else if c == b'{' {
            depth += 1;
            i += 1;
        } else if c == b'}' {
            depth = depth.saturating_sub(1);
            i += 1;
        } else if c == b'@' {
            let mut j = i + 1;
            while j < code.len() && (is_ident(code[j]) || code[j] == b'-') {
                j += 1;
            }
            out.push(Kind::Keyword, i, j);
            i = j;
        } else if c == b'#' && depth > 0 {
            let mut j = i + 1;
            while j < code.len() && code[j].is_ascii_hexdigit() {
                j += 1;
            }
            out.push(Kind::Number, i, j);
            i = j;
        } else if c.is_ascii_digit() {
            let mut j = number_end(code, i);
            while j < code.len() && code[j] == b'%' {
                j += 1;
            }
            out.push(Kind::Number, i, j);
            i = j;
        } else if is_ident_start(c) || c == b'-' {
            let mut j = i + 1;
            while j < code.len() && (is_ident(code[j]) || code[j] == b'-') {
                j += 1;
            }
            let next = code[j..].iter().find(|b| **b != b' ').copied();
            let kind = if depth > 0 && next == Some(b':') {
                Kind::Attr
            } else if depth == 0 {
                Kind::Tag
            } else if next == Some(b'(') {
                Kind::Function
            } else {
                Kind::Plain
            };
            out.push(kind, i, j);
            i = j;
        } else {
            i += 1;
        }
    }
}

/// YAML and TOML values after a key: strings, numbers, literals, comments.
fn value(text: &str, mut i: usize, end: usize, literals: &[&str], out: &mut Tokens) {
    let code = text.as_bytes();
    while i < end {
        let c = code[i];
        if c == b'#' && (i == 0 || code[i - 1] == b' ' || code[i - 1] == b'\t') {
            out.push(Kind::Comment, i, end);
            return;
        }
        if c == b'"' || c == b'\'' {
            let e = string_end(code, i, &[c], false).min(end);
            out.push(Kind::String, i, e);
            i = e;
        } else if c.is_ascii_digit()
            || (c == b'-' && code.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            let e = number_end(code, i + 1).min(end);
            out.push(Kind::Number, i, e);
            i = e;
        } else if is_ident_start(c) {
            let mut e = i + 1;
            while e < end && is_ident(code[e]) {
                e += 1;
            }
            if literals.contains(&&text[i..e]) {
                out.push(Kind::Literal, i, e);
            }
            i = e;
        } else {
            i += 1;
        }
    }
}

const YAML_LITERALS: &[&str] = &[
    "true", "false", "null", "yes", "no", "on", "off", "True", "False",
];

/// YAML: comments, `key:`, list dashes, values.
fn yaml(text: &str, out: &mut Tokens) {
    let code = text.as_bytes();
    let mut i = 0;
    while i < code.len() {
        let end = line_end(code, i);
        let line = &text[i..end];
        let indent = line.len() - line.trim_start_matches([' ', '-', '\t']).len();
        let start = i + indent;
        if line.trim_start().starts_with('#') {
            out.push(Kind::Comment, start, end);
        } else if line.trim_start().starts_with("---") {
            out.push(Kind::Meta, start, end);
        } else {
            let key_end = text[start..end]
                .find(": ")
                .or_else(|| text[start..end].strip_suffix(':').map(str::len))
                .filter(|k| !text[start..start + k].contains(['"', '\'', '#']));
            match key_end {
                Some(k) => {
                    out.push(Kind::Attr, start, start + k);
                    value(text, start + k + 1, end, YAML_LITERALS, out);
                }
                None => value(text, start, end, YAML_LITERALS, out),
            }
        }
        i = end + 1;
    }
}

/// TOML (and INI): comments, `[tables]`, `key =`, values.
fn toml(text: &str, out: &mut Tokens) {
    let code = text.as_bytes();
    let mut i = 0;
    while i < code.len() {
        let end = line_end(code, i);
        let line = &text[i..end];
        let start = i + (line.len() - line.trim_start().len());
        let trimmed = line.trim();
        if trimmed.starts_with('#') || trimmed.starts_with(';') {
            out.push(Kind::Comment, start, end);
        } else if trimmed.starts_with('[') {
            out.push(Kind::Tag, start, start + trimmed.len());
        } else if let Some(eq) = text[start..end].find('=') {
            out.push(
                Kind::Attr,
                start,
                start + text[start..start + eq].trim_end().len(),
            );
            value(text, start + eq + 1, end, &["true", "false"], out);
        }
        i = end + 1;
    }
}

/// A unified diff: added and removed lines, hunk headers, file headers.
fn diff(text: &str, out: &mut Tokens) {
    let code = text.as_bytes();
    let mut i = 0;
    while i < code.len() {
        let end = line_end(code, i);
        let line = &text[i..end];
        let kind = if line.starts_with("+++")
            || line.starts_with("---")
            || line.starts_with("@@")
            || line.starts_with("diff ")
            || line.starts_with("index ")
        {
            Kind::Meta
        } else if line.starts_with('+') {
            Kind::Inserted
        } else if line.starts_with('-') {
            Kind::Deleted
        } else {
            Kind::Plain
        };
        out.push(kind, i, end);
        i = end + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(class, text)` of the highlighted tokens (plain ones left out).
    fn marked(lang: &str, code: &str) -> Vec<(&'static str, String)> {
        highlight(lang, code)
            .unwrap()
            .into_iter()
            .filter(|t| t.kind != Kind::Plain)
            .map(|t| (t.kind.class(), code[t.start..t.end].to_owned()))
            .collect()
    }

    fn has(lang: &str, code: &str, class: &str, text: &str) -> bool {
        marked(lang, code).contains(&(class_static(class), text.to_owned()))
    }

    fn class_static(class: &str) -> &'static str {
        [
            "kw", "lit", "str", "num", "com", "ty", "fn", "tag", "attr", "var", "ins", "del",
            "meta",
        ]
        .into_iter()
        .find(|c| *c == class)
        .unwrap()
    }

    #[test]
    fn unknown_languages_are_not_highlighted() {
        assert!(highlight("brainfuck", "+++").is_none());
        assert!(highlight("", "x").is_none());
    }

    #[test]
    fn tokens_cover_the_code_exactly_in_order() {
        for (lang, code) in [
            ("rust", "fn main() { let s = r#\"a\"#; // é\n}"),
            ("py", "def f(x):\n    return \"\"\"doc\"\"\" # c"),
            ("html", "<a href=\"x\">t</a><!-- c -->"),
            ("diff", "@@ -1 +1 @@\n-a\n+b"),
            ("yaml", "key: 'v' # c\n- 1"),
            ("sh", "echo \"$HOME\" # hi"),
            ("json", "{\"a\": [1, -2.5e3, true]}"),
            ("js", "const s = `x ${y}`; /* unclosed"),
            ("c", "#include <stdio.h>\nint x = 'c';"),
        ] {
            let tokens = highlight(lang, code).unwrap();
            let mut at = 0;
            for t in &tokens {
                assert_eq!(t.start, at, "{lang}: {tokens:?}");
                assert!(t.end > t.start);
                at = t.end;
            }
            assert_eq!(at, code.len(), "{lang}");
        }
    }

    #[test]
    fn each_language_knows_its_basics() {
        assert!(has(
            "rust",
            "pub fn x<'a>() -> Vec<u8> { vec![1] }",
            "kw",
            "pub"
        ));
        assert!(has("rust", "fn x<'a>() {}", "var", "'a"));
        assert!(has("rust", "let v: Vec<u8> = vec![];", "ty", "Vec"));
        assert!(has("rust", "println!(\"hi\");", "var", "println!"));
        assert!(has("python", "def f():\n  return None", "lit", "None"));
        assert!(has("python", "@app.get\ndef f(): pass", "var", "@app.get"));
        assert!(has("typescript", "const x: string = foo();", "fn", "foo"));
        assert!(has("ts", "const x: string = 'a';", "ty", "string"));
        assert!(has("json", "{\"name\": \"v\"}", "attr", "\"name\""));
        assert!(has("json", "{\"name\": \"v\"}", "str", "\"v\""));
        assert!(has("bash", "export PATH=$HOME/bin # x", "var", "$HOME"));
        assert!(has("bash", "echo a#b", "kw", "echo"));
        assert!(!marked("bash", "echo a#b").iter().any(|(c, _)| *c == "com"));
        assert!(has("html", "<div class=\"a\">", "tag", "div"));
        assert!(has("html", "<div class=\"a\">", "attr", "class"));
        assert!(has(
            "css",
            ".a { color: #fff; margin: 2px }",
            "attr",
            "color"
        ));
        assert!(has("css", ".a { color: #fff; margin: 2px }", "num", "2px"));
        assert!(has("css", "@media (x) {}", "kw", "@media"));
        assert!(has(
            "sql",
            "SELECT id FROM t WHERE x = 'a' -- c",
            "kw",
            "SELECT"
        ));
        assert!(has("sql", "select 1", "kw", "select"));
        assert!(has("sql", "x -- c", "com", "-- c"));
        assert!(has("go", "func main() { x := nil }", "kw", "func"));
        assert!(has("go", "func main() { x := nil }", "lit", "nil"));
        assert!(has(
            "java",
            "public static void main(String[] a) {}",
            "ty",
            "String"
        ));
        assert!(has(
            "cpp",
            "#include <vector>\nstd::vector<int> v;",
            "meta",
            "#include <vector>"
        ));
        assert!(has("c", "int main(void) { return 0; }", "ty", "int"));
        assert!(has("yaml", "name: app\nport: 80", "attr", "port"));
        assert!(has("yaml", "name: app\nport: 80", "num", "80"));
        assert!(has("toml", "[package]\nname = \"x\"", "tag", "[package]"));
        assert!(has("toml", "[package]\nname = \"x\"", "attr", "name"));
        assert!(has("diff", "--- a\n+++ b\n-old\n+new", "ins", "+new"));
        assert!(has("diff", "--- a\n+++ b\n-old\n+new", "del", "-old"));
    }

    #[test]
    fn markup_in_code_is_only_text_ranges() {
        // The lexer returns ranges; the widget makes text nodes of them.
        let code = "<script>alert(1)</script><img src=x onerror=alert(1)>";
        let tokens = highlight("html", code).unwrap();
        let rebuilt: String = tokens.iter().map(|t| &code[t.start..t.end]).collect();
        assert_eq!(rebuilt, code);
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_covered_exactly_in_every_language(code in "\\PC{0,80}|[-+@#'\"`<>/*{}:=\\\\$ \n a-z0-9é]{0,80}") {
            for lang in ["rust", "py", "js", "json", "sh", "sql", "go", "java", "c", "html", "css", "yaml", "toml", "diff"] {
                let tokens = highlight(lang, &code).unwrap();
                let mut at = 0;
                for t in &tokens {
                    proptest::prop_assert_eq!(t.start, at);
                    proptest::prop_assert!(t.end > t.start);
                    proptest::prop_assert!(code.is_char_boundary(t.end));
                    at = t.end;
                }
                proptest::prop_assert_eq!(at, code.len());
            }
        }
    }

    #[test]
    fn multibyte_text_is_never_split() {
        let code = "let s = \"héllo 世界 🦀\"; // ünïcode\nx = 'é'";
        for lang in [
            "rust", "py", "js", "sh", "sql", "yaml", "toml", "css", "html", "diff",
        ] {
            for t in highlight(lang, code).unwrap() {
                assert!(
                    code.is_char_boundary(t.start) && code.is_char_boundary(t.end),
                    "{lang}"
                );
            }
        }
    }
}
