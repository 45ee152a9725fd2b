//! Django's template lexer (`django.template.base.Lexer`): text, `{{ variable }}`,
//! `{% block tag %}` and `{# comment #}` tokens. A tag never spans lines (Django's
//! regular expression does not cross a newline, so such a "tag" is text), and inside
//! `{% verbatim %}` everything up to the matching `{% endverbatim %}` is text.

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Var,
    Block,
    Comment,
}

/// One token: its kind, its contents (trimmed, without delimiters for tags) and line.
#[derive(Debug, Clone)]
pub struct Token<'t> {
    pub kind: Kind,
    pub contents: &'t str,
    pub line: usize,
}

/// Splits a template into tokens.
pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let mut tokens = Vec::new();
    let mut line = 1;
    let mut verbatim: Option<String> = None;
    let mut rest = text;
    let mut text_start = 0;
    let mut pos = 0;
    while let Some(found) = next_tag(rest) {
        let (start, end, kind) = found;
        let tag = &rest[start..end];
        let contents = tag[2..tag.len() - 2].trim();
        if let Some(end_name) = &verbatim {
            if kind == Kind::Block && contents == end_name {
                verbatim = None;
            } else {
                // Still text: look further.
                pos += end;
                rest = &rest[end..];
                continue;
            }
        }
        let abs_start = pos + start;
        if abs_start > text_start {
            let t = &text[text_start..abs_start];
            tokens.push(Token {
                kind: Kind::Text,
                contents: t,
                line,
            });
            line += t.matches('\n').count();
        }
        if kind == Kind::Block && (contents == "verbatim" || contents.starts_with("verbatim ")) {
            verbatim = Some(format!("end{contents}"));
        }
        tokens.push(Token {
            kind,
            contents,
            line,
        });
        pos += end;
        text_start = pos;
        rest = &rest[end..];
    }
    if text_start < text.len() {
        tokens.push(Token {
            kind: Kind::Text,
            contents: &text[text_start..],
            line,
        });
    }
    tokens
}

/// The next `{{…}}`, `{%…%}` or `{#…#}` on one line: start, end and kind.
fn next_tag(s: &str) -> Option<(usize, usize, Kind)> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'{' {
            let (close, kind) = match bytes[i + 1] {
                b'{' => ("}}", Kind::Var),
                b'%' => ("%}", Kind::Block),
                b'#' => ("#}", Kind::Comment),
                _ => {
                    i += 1;
                    continue;
                }
            };
            let after = &s[i + 2..];
            let line_end = after.find('\n').unwrap_or(after.len());
            if let Some(e) = after[..line_end].find(close) {
                return Some((i, i + 2 + e + 2, kind));
            }
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_lines() {
        let t = tokenize("a {{ x }}\n{% if y %}b{# c #}{% endif %}\n{{ split\n}}");
        let kinds: Vec<(Kind, &str, usize)> =
            t.iter().map(|t| (t.kind, t.contents, t.line)).collect();
        assert_eq!(
            kinds,
            [
                (Kind::Text, "a ", 1),
                (Kind::Var, "x", 1),
                (Kind::Text, "\n", 1),
                (Kind::Block, "if y", 2),
                (Kind::Text, "b", 2),
                (Kind::Comment, "c", 2),
                (Kind::Block, "endif", 2),
                (Kind::Text, "\n{{ split\n}}", 2),
            ]
        );
    }

    #[test]
    fn verbatim_is_text() {
        let t = tokenize("{% verbatim %}{{ x }}{% endverbatim %}");
        let kinds: Vec<(Kind, &str)> = t.iter().map(|t| (t.kind, t.contents)).collect();
        assert_eq!(
            kinds,
            [
                (Kind::Block, "verbatim"),
                (Kind::Text, "{{ x }}"),
                (Kind::Block, "endverbatim")
            ]
        );
    }
}
