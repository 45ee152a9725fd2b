//! Django's template syntax rewritten into askama's, line for line, so that askama's own
//! errors point at the user's line: `{% url %}`, `{% csrf_token %}`, `{% static %}`,
//! `{{ block.super }}`, `{% empty %}`, `forloop.*`, `{% comment %}`, `and`/`or`/`not`,
//! and `|filter:arg`.

/// A `{% url %}` found in a template, for the compile-time check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlTag {
    pub line: usize,
    pub name: String,
}

/// A template that cannot be rewritten; the message names the line.
#[derive(Debug)]
pub struct SyntaxError {
    pub line: usize,
    pub message: String,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

/// Splits tag contents into words, keeping quoted strings whole.
fn words(s: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match quote {
            Some(q) => {
                cur.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                cur.push(c);
            }
            None if c.is_whitespace() => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            None => cur.push(c),
        }
    }
    if quote.is_some() {
        return Err("unterminated string".into());
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

/// A Django string literal (single or double quotes) as a Rust string literal.
fn rust_string(lit: &str) -> Option<String> {
    let inner = lit
        .strip_prefix('"')
        .and_then(|l| l.strip_suffix('"'))
        .or_else(|| lit.strip_prefix('\'').and_then(|l| l.strip_suffix('\'')))?;
    Some(format!("{inner:?}"))
}

/// Rewrites variable references of Django into askama's (`forloop.counter` → `loop.index`).
fn expression(e: &str) -> String {
    let mut out = String::new();
    let mut rest = e;
    // Leave string literals alone.
    while !rest.is_empty() {
        let next_quote = rest.find(['"', '\'']);
        let (code, tail) = match next_quote {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        out.push_str(&code_part(code));
        if tail.is_empty() {
            break;
        }
        let q = tail.chars().next().unwrap_or('"');
        let end = tail[1..].find(q).map_or(tail.len(), |i| i + 2);
        let literal = &tail[..end];
        // Django accepts single-quoted strings; Rust needs double quotes.
        match rust_string(literal) {
            Some(s) if q == '\'' => out.push_str(&s),
            _ => out.push_str(literal),
        }
        rest = &tail[end..];
    }
    out
}

fn code_part(code: &str) -> String {
    let mut s = code
        .replace("forloop.counter0", "loop.index0")
        .replace("forloop.counter", "loop.index")
        .replace("forloop.first", "loop.first")
        .replace("forloop.last", "loop.last")
        .replace("block.super", "super()")
        // Django's request context processor: the request being rendered.
        .replace(
            "request.get_full_path",
            "manouche::__private::request_full_path()",
        )
        .replace("request.path", "manouche::__private::request_path()")
        .replace("request.method", "manouche::__private::request_method()");
    // `|default:"x"` → `|default("x")`: Django's filter argument syntax.
    let mut out = String::new();
    while let Some(pipe) = s.find('|') {
        out.push_str(&s[..=pipe]);
        let after = &s[pipe + 1..];
        let name_len = after
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(after.len());
        let (name, tail) = after.split_at(name_len);
        out.push_str(name);
        if let Some(arg) = tail.strip_prefix(':') {
            let arg_len = arg
                .find(|c: char| c.is_whitespace() || c == '|')
                .unwrap_or(arg.len());
            out.push('(');
            out.push_str(&arg[..arg_len]);
            out.push(')');
            s = arg[arg_len..].to_string();
        } else {
            s = tail.to_string();
        }
    }
    out.push_str(&s);
    out
}

/// Whether an expression applies a filter (a `|` outside strings that is not `||`).
fn has_filter(expr: &str) -> bool {
    let mut quote: Option<char> = None;
    let chars: Vec<char> = expr.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '|' => {
                let doubled = chars.get(i + 1) == Some(&'|') || (i > 0 && chars[i - 1] == '|');
                if !doubled {
                    return true;
                }
            }
            None => {}
        }
    }
    false
}

/// `and`/`or`/`not` of Django's `{% if %}` as `&&`/`||`/`!`.
fn condition(words: &[String]) -> String {
    words
        .iter()
        .map(|w| match w.as_str() {
            "and" => "&&".to_string(),
            "or" => "||".to_string(),
            "not" => "!".to_string(),
            other => expression(other),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Rewrites one template. `template` is its name, used in `{% url %}` messages.
pub fn rewrite(text: &str, template: &str) -> Result<(String, Vec<UrlTag>), SyntaxError> {
    let mut out = String::with_capacity(text.len() + 64);
    let mut urls = Vec::new();
    let mut rest = text;
    let mut offset = 0;
    let mut counter = 0;
    while let Some(start) = rest.find("{%").into_iter().chain(rest.find("{{")).min() {
        out.push_str(&rest[..start]);
        let is_tag = rest[start..].starts_with("{%");
        let close = if is_tag { "%}" } else { "}}" };
        let Some(end) = rest[start + 2..].find(close).map(|e| start + 2 + e) else {
            return Err(SyntaxError {
                line: line_of(text, offset + start),
                message: format!("unclosed `{}`", &rest[start..start + 2]),
            });
        };
        let inner = &rest[start + 2..end];
        let line = line_of(text, offset + start);
        if inner.contains('\n') {
            // Django's lexer reads a tag split over lines as text; askama would read it as a
            // tag. Neither guess is safe: say so.
            let (open, close) = if is_tag { ("{%", "%}") } else { ("{{", "}}") };
            return Err(SyntaxError {
                line,
                message: format!(
                    "`{open} … {close}` runs over more than one line; put it on one line (Django would show a split tag as text)"
                ),
            });
        }
        let (trim_l, trim_r) = (
            if inner.starts_with('-') { "-" } else { "" },
            if inner.ends_with('-') { "-" } else { "" },
        );
        let body = inner.trim_start_matches('-').trim_end_matches('-').trim();
        let after_tag;
        if !is_tag {
            let expr = expression(body);
            if has_filter(&expr) || expr == "super()" {
                // Filters (`|safe`, `|upper`, …) and block.super stay askama's.
                out.push_str(&format!("{{{{{trim_l} {expr} {trim_r}}}}}"));
            } else {
                // Bound once, then escaped Django's way unless its type is HTML already
                // (a form, a rendered field): `{{ form }}` shows the form.
                counter += 1;
                out.push_str(&format!(
                    "{{%{trim_l} let __manouche_value_{counter} = {expr} %}}{{{{ manouche::__escape!(__manouche_value_{counter}) {trim_r}}}}}"
                ));
            }
            after_tag = end + 2;
        } else {
            let w = words(body).map_err(|m| SyntaxError { line, message: m })?;
            let name = w.first().map(String::as_str).unwrap_or("");
            let tag = |s: String| format!("{{%{trim_l} {s} {trim_r}%}}");
            match name {
                "url" => {
                    let (replacement, url) = url_tag(&w[1..], template, line, &mut counter)
                        .map_err(|m| SyntaxError { line, message: m })?;
                    urls.push(url);
                    out.push_str(&replacement);
                    after_tag = end + 2;
                }
                "csrf_token" => {
                    out.push_str("{{ manouche::__private::csrf_input()|safe }}");
                    after_tag = end + 2;
                }
                "static" => {
                    let Some(path) = w.get(1) else {
                        return Err(SyntaxError {
                            line,
                            message: "'static' takes at least one argument (path to file)".into(),
                        });
                    };
                    let literal = rust_string(path);
                    let arg = literal.clone().unwrap_or_else(|| expression(path));
                    if w.len() == 4 && w[2] == "as" {
                        out.push_str(&tag(format!(
                            "let {} = manouche::__private::static_url({arg})",
                            w[3]
                        )));
                    } else if let Some(literal) = literal {
                        // Made once per tag (for the server's settings), then copied in.
                        out.push_str(&format!(
                            "{{{{ manouche::__private::askama::filters::Safe(manouche::__private::static_page_url!({literal})) }}}}"
                        ));
                    } else {
                        // Escaped by `StaticUrl` itself, piece by piece, as it is written.
                        out.push_str(&format!(
                            "{{{{ manouche::__private::askama::filters::Safe(manouche::__private::StaticUrl({arg}).escaped()) }}}}"
                        ));
                    }
                    after_tag = end + 2;
                }
                "load" => {
                    // Django's tag libraries: everything is built in here.
                    after_tag = end + 2;
                }
                "empty" => {
                    out.push_str(&tag("else".into()));
                    after_tag = end + 2;
                }
                "if" | "elif" => {
                    let keyword = if name == "elif" { "else if" } else { "if" };
                    out.push_str(&tag(format!("{keyword} {}", condition(&w[1..]))));
                    after_tag = end + 2;
                }
                "comment" => {
                    let Some(close) = rest[end..].find("{% endcomment %}") else {
                        return Err(SyntaxError {
                            line,
                            message: "Unclosed tag 'comment'. Looking for one of: endcomment."
                                .into(),
                        });
                    };
                    let skipped = &rest[start..end + close + "{% endcomment %}".len()];
                    let newlines = "\n".repeat(skipped.matches('\n').count());
                    out.push_str(&format!("{{#{newlines}#}}"));
                    after_tag = end + close + "{% endcomment %}".len();
                }
                "for" => {
                    out.push_str(&tag(expression(body)));
                    after_tag = end + 2;
                }
                _ => {
                    out.push_str(&tag(expression(body)));
                    after_tag = end + 2;
                }
            }
        }
        offset += after_tag;
        rest = &rest[after_tag..];
    }
    out.push_str(rest);
    Ok((out, urls))
}

/// `{% url "ns:name" arg key=value [as var] %}`.
fn url_tag(
    args: &[String],
    template: &str,
    line: usize,
    counter: &mut usize,
) -> Result<(String, UrlTag), String> {
    let Some(first) = args.first() else {
        return Err("'url' takes at least one argument, a URL pattern name.".into());
    };
    let Some(name) = rust_string(first) else {
        return Err(format!(
            "{{% url %}} takes the route name as a string literal, e.g. {{% url \"tasks:add\" %}}; got {first}"
        ));
    };
    let (args, target) = match args {
        [rest @ .., as_kw, var] if as_kw == "as" && !rest.is_empty() => (&rest[1..], Some(var)),
        _ => (&args[1..], None),
    };
    let mut lets = String::new();
    let mut call_args = String::new();
    for a in args {
        *counter += 1;
        let var = format!("__manouche_url_arg_{counter}");
        let (key, value) = match a.split_once('=') {
            Some((k, v)) if !k.is_empty() && !k.contains(['"', '\'', '.']) => (Some(k), v),
            Some(_) => return Err(format!("Malformed arguments to url tag: {a}")),
            None => (None, a.as_str()),
        };
        if value.is_empty() || value.ends_with(',') {
            return Err(format!("Malformed arguments to url tag: {a}"));
        }
        lets.push_str(&format!("{{% let {var} = {} %}}", expression(value)));
        match key {
            Some(k) => call_args.push_str(&format!(", {k} = {var}")),
            None => call_args.push_str(&format!(", {var}")),
        }
    }
    let call = format!("manouche::url!(@template {template:?} {line}, {name}{call_args})");
    let replacement = match (target, args.is_empty()) {
        (Some(var), _) => {
            format!("{lets}{{% let {var} = manouche::__private::url_or_empty({call}) %}}")
        }
        (None, true) => format!("{{{{ {call} }}}}"),
        (None, false) => format!("{lets}{{{{ {call}? }}}}"),
    };
    Ok((
        replacement,
        UrlTag {
            line,
            name: name.trim_matches('"').to_string(),
        },
    ))
}
