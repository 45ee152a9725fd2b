//! Django's template language translated into askama's, tag by tag and line for line:
//! Django's lexer (`lexer`), its filter expressions and `{% if %}` (`expr`), and the
//! built-in tags here. Values, filters and operators become calls into
//! `manouche::__private::tpl`, so they behave as Django's (truthiness, `True`/`None`,
//! escaping and safe strings). Blocks, `extends`, `include` and loops stay askama's.

mod builtins;
mod expr;
mod lexer;

use expr::{FilterExpr, Operand, Scope};
use lexer::{Kind, Token};

const TPL: &str = "manouche::__private::tpl";

/// A `{% url %}` found in a template, for the compile-time check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlTag {
    pub line: usize,
    pub name: String,
}

/// A template that cannot be translated; the message names the line.
#[derive(Debug)]
pub struct SyntaxError {
    pub line: usize,
    pub message: String,
}

/// A tag library a project defines (`src/<app>/templatetags/<name>.rs`), for `{% load %}`.
#[derive(Debug, Clone)]
pub struct Library {
    pub name: String,
    pub module: String,
    /// The `pub fn`s it defines: its filters.
    pub filters: Vec<String>,
}

/// Tag libraries that are built in (`{% load static %}` is accepted and changes nothing).
const BUILTIN_LIBRARIES: [&str; 5] = ["static", "i18n", "l10n", "tz", "cache"];

/// One `{% for %}` being translated.
struct Loop {
    id: usize,
    /// Where the loop's `forloop` is declared (the start of its body).
    body_at: usize,
    /// Where its length is computed (before the `{% for %}`).
    before_at: usize,
    /// The askama expression of its length.
    len_expr: String,
    uses_forloop: bool,
    needs_len: bool,
    /// Declarations that go before the loop (the state of the `{% cycle %}`s in it).
    pre: Vec<String>,
}

/// A block tag waiting for its end.
struct Open {
    name: String,
    line: usize,
    /// The tags that may come next (`elif`, `else`, `empty`, …) and the end tag.
    expects: Vec<&'static str>,
    /// What the end tag writes.
    close: String,
    /// For `{% ifchanged %}` without arguments: the id of the captured content.
    capture: Option<usize>,
    /// The names this block binds (`for` targets, `with` names, `as` variables in it).
    bound: Vec<String>,
}

struct Translator<'a> {
    out: String,
    urls: Vec<UrlTag>,
    template: &'a str,
    libraries: &'a [Library],
    /// The project's static files (`css/site.css`), when literal paths are checked.
    statics: Option<&'a [String]>,
    loaded: Vec<String>,
    open: Vec<Open>,
    loops: Vec<Loop>,
    autoescape: Vec<bool>,
    counter: usize,
    /// Names bound at the template's top level (`{% url … as x %}` outside any block).
    bound: Vec<String>,
    /// The `{% cycle %}` tags so far: name (`as name`), state id, values.
    cycles: Vec<(Option<String>, usize, String)>,
}

impl Scope for Translator<'_> {
    fn forloop(&mut self, path: &[String]) -> Result<String, String> {
        let mut depth = 0;
        let mut rest = path;
        while rest.first().is_some_and(|p| p == "parentloop") {
            depth += 1;
            rest = &rest[1..];
        }
        let Some(index) = self.loops.len().checked_sub(depth + 1) else {
            return Err(if self.loops.is_empty() {
                "forloop is only defined inside {% for %}".into()
            } else {
                "forloop.parentloop is only defined inside a {% for %} in another".into()
            });
        };
        let method = match rest {
            [m] => m.as_str(),
            _ => {
                return Err(format!(
                    "forloop.{} is not one of forloop's values: counter, counter0, revcounter, revcounter0, first, last, parentloop",
                    path.join(".")
                ));
            }
        };
        let known = [
            "counter",
            "counter0",
            "revcounter",
            "revcounter0",
            "first",
            "last",
        ];
        if !known.contains(&method) {
            let mut msg = format!("forloop has no '{method}'");
            if let Some(c) = crate::suggest::closest(method, known.iter().copied()) {
                msg.push_str(&format!("; did you mean 'forloop.{c}'?"));
            }
            return Err(msg);
        }
        let l = &mut self.loops[index];
        l.uses_forloop = true;
        if matches!(method, "revcounter" | "revcounter0" | "last") {
            l.needs_len = true;
        }
        Ok(format!("__manouche_forloop_{}.{method}()", l.id))
    }

    fn is_bound(&self, name: &str) -> bool {
        self.bound.iter().any(|b| b == name)
            || self.open.iter().any(|o| o.bound.iter().any(|b| b == name))
    }

    fn user_filter(&self, name: &str) -> Option<String> {
        // The last loaded library that defines it wins, as in Django.
        self.loaded
            .iter()
            .rev()
            .filter_map(|m| self.libraries.iter().find(|l| l.module == *m))
            .find(|l| l.filters.iter().any(|f| f == name))
            .map(|l| l.module.clone())
    }
}

/// Writes text so that askama prints it as it is (its `{{`, `{%`, `{#` included).
fn push_text(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut last = 0;
    for i in 0..bytes.len() {
        if bytes[i] == b'{' && matches!(bytes.get(i + 1), Some(b'{' | b'%' | b'#')) {
            out.push_str(&text[last..i]);
            out.push_str(&format!("{{{{ {TPL}::templatetag::OPENBRACE }}}}"));
            last = i + 1;
        }
    }
    out.push_str(&text[last..]);
}

impl<'a> Translator<'a> {
    fn autoescape(&self) -> bool {
        *self.autoescape.last().unwrap_or(&true)
    }

    fn next_id(&mut self) -> usize {
        self.counter += 1;
        self.counter
    }

    fn tag(&mut self, s: &str) {
        self.out.push_str("{% ");
        self.out.push_str(s);
        self.out.push_str(" %}");
    }

    /// `{{ value }}`, shown as Django shows it.
    fn show(&mut self, value: &str) {
        let ae = self.autoescape();
        self.out
            .push_str(&format!("{{{{ {TPL}::show({value}, {ae}) }}}}"));
    }

    fn value(&mut self, e: &FilterExpr) -> Result<String, String> {
        let ae = self.autoescape();
        expr::value_expr(e, self, ae)
    }

    fn value_of(&mut self, word: &str) -> Result<String, String> {
        let e = expr::parse_filter_expr(word)?;
        self.value(&e)
    }

    fn variable(&mut self, contents: &str) -> Result<(), String> {
        if contents.is_empty() {
            return Err("Empty variable tag".into());
        }
        let e = expr::parse_filter_expr(contents)?;
        match (&e.operand, e.filters.is_empty()) {
            (Operand::Var(parts), true)
                if parts.len() == 2 && parts[0] == "block" && parts[1] == "super" =>
            {
                self.out.push_str("{{ super() }}");
            }
            (Operand::Var(parts), true)
                if self.autoescape() && !matches!(parts[0].as_str(), "None" | "True" | "False") =>
            {
                // The common case, chosen at compile time by the value's type: text is
                // escaped as it is written, with no `Value` made.
                let path = expr::raw_operand(&e.operand, self)?;
                self.out.push_str(&format!(
                    "{{{{ (& & & & {TPL}::Esc({})).__manouche_show() }}}}",
                    expr::borrowed(&path)
                ));
            }
            _ => {
                let v = self.value(&e)?;
                self.show(&v);
            }
        }
        Ok(())
    }

    fn open(&mut self, name: &str, line: usize, expects: &[&'static str], close: String) {
        self.open.push(Open {
            name: name.to_string(),
            line,
            expects: expects.to_vec(),
            close,
            capture: None,
            bound: Vec::new(),
        });
    }

    /// Records a name the template binds, for the innermost open block (or the template).
    fn bind(&mut self, name: &str) {
        match self.open.last_mut() {
            Some(open) => open.bound.push(name.to_string()),
            None => self.bound.push(name.to_string()),
        }
    }

    /// Ends the innermost `{% for %}`'s body: declares its `forloop` if it was used.
    fn end_loop_body(&mut self) {
        let Some(l) = self.loops.pop() else { return };
        if l.uses_forloop {
            let len = if l.needs_len {
                format!("*__manouche_len_{}", l.id)
            } else {
                "0".into()
            };
            let decl = format!(
                "{{% let __manouche_forloop_{} = {TPL}::ForLoop::new(*loop.index0, {len}) %}}",
                l.id
            );
            self.out.insert_str(l.body_at, &decl);
        }
        if l.needs_len {
            let decl = format!("{{% let __manouche_len_{} = {} %}}", l.id, l.len_expr);
            self.out.insert_str(l.before_at, &decl);
        }
        match self.loops.first_mut() {
            // A loop inside another: its cycles' state goes before the outermost.
            Some(outer) => outer.pre.extend(l.pre),
            None => {
                for decl in l.pre.iter().rev() {
                    self.out.insert_str(l.before_at, decl);
                }
            }
        }
    }

    fn block(
        &mut self,
        tok: &Token<'_>,
        tokens: &mut std::slice::Iter<'_, Token<'_>>,
    ) -> Result<(), String> {
        let words = expr::smart_split(tok.contents)?;
        let name = words.first().map(String::as_str).unwrap_or("");
        let args = &words[words.len().min(1)..];
        let line = tok.line;
        // An intermediate or end tag of an open block.
        if let Some(open) = self.open.last()
            && open.expects.contains(&name)
        {
            return self.continue_block(name, args);
        }
        match name {
            "" => return Err("Empty block tag".into()),
            "if" => {
                let cond = expr::condition(args, self)?;
                self.tag(&format!("if {cond}"));
                self.open("if", line, &["elif", "else", "endif"], "{% endif %}".into());
            }
            "for" => self.for_tag(args, line)?,
            "with" => {
                let lets = self.assignments(args, "with")?;
                self.tag(&format!("if {TPL}::scope()"));
                self.out.push_str(&lets);
                self.open("with", line, &["endwith"], "{% endif %}".into());
                for name in assigned_names(args) {
                    self.bind(&name);
                }
            }
            "block" => {
                let [block_name] = args else {
                    return Err("'block' tag takes only one argument".into());
                };
                self.tag(&format!("block {block_name}"));
                self.open("block", line, &["endblock"], "{% endblock %}".into());
            }
            "extends" => {
                let template = self.template_name(args, "extends")?;
                self.tag(&format!("extends {template:?}"));
            }
            "include" => self.include(args)?,
            "autoescape" => {
                let on = match args {
                    [a] if a == "on" => true,
                    [a] if a == "off" => false,
                    [_] => return Err("'autoescape' argument should be 'on' or 'off'".into()),
                    _ => return Err("'autoescape' tag requires exactly one argument.".into()),
                };
                self.autoescape.push(on);
                self.open("autoescape", line, &["endautoescape"], String::new());
            }
            "comment" => {
                // Everything up to {% endcomment %} is skipped, unparsed.
                let mut newlines = 0;
                let mut closed = false;
                for t in tokens.by_ref() {
                    if t.kind == Kind::Block && t.contents == "endcomment" {
                        closed = true;
                        break;
                    }
                    newlines += match t.kind {
                        Kind::Text => t.contents.matches('\n').count(),
                        _ => 0,
                    };
                }
                if !closed {
                    return Err(format!(
                        "Unclosed tag on line {line}: 'comment'. Looking for one of: endcomment."
                    ));
                }
                // Askama's own comment keeps the lines where they were.
                self.out
                    .push_str(&format!("{{#{}#}}", "\n".repeat(newlines)));
            }
            "verbatim" => self.open(name, line, &[], String::new()),
            "endverbatim" if self.open.last().is_some_and(|o| o.name == "verbatim") => {
                self.open.pop();
            }
            n if n.starts_with("endverbatim")
                && self.open.last().is_some_and(|o| o.name == "verbatim") =>
            {
                self.open.pop();
            }
            "spaceless" => {
                let id = self.next_id();
                self.tag(&format!("let __manouche_capture_{id}"));
                let ae = self.autoescape();
                self.open(
                    "spaceless",
                    line,
                    &["endspaceless"],
                    format!(
                        "{{% endlet %}}{{{{ {TPL}::show({TPL}::spaceless(&__manouche_capture_{id}), {ae}) }}}}"
                    ),
                );
            }
            "filter" => {
                let chain = args.join(" ");
                let e = expr::parse_filter_expr(&format!("manouche_block_content|{chain}"))?;
                for (f, _) in &e.filters {
                    if f == "escape" || f == "safe" {
                        return Err(format!(
                            "\"filter {f}\" is not permitted.  Use the \"autoescape\" tag instead."
                        ));
                    }
                }
                let id = self.next_id();
                self.tag(&format!("let __manouche_capture_{id}"));
                let value = self.value(&e)?.replace(
                    &expr::probe("manouche_block_content"),
                    &format!("{TPL}::block_text(&__manouche_capture_{id})"),
                );
                // Django's FilterNode returns the filtered text as it is: not escaped.
                self.open(
                    "filter",
                    line,
                    &["endfilter"],
                    format!("{{% endlet %}}{{{{ {TPL}::show({value}, false) }}}}"),
                );
            }
            "ifchanged" => {
                let id = self.next_id();
                let turn = if self.loops.is_empty() {
                    "0"
                } else {
                    "*loop.index0"
                };
                if args.is_empty() {
                    // Compares what the block renders: captured first.
                    self.tag(&format!("let __manouche_capture_{id}"));
                    self.open(
                        "ifchanged",
                        line,
                        &["else", "endifchanged"],
                        "{% endif %}".into(),
                    );
                    if let Some(o) = self.open.last_mut() {
                        o.capture = Some(id);
                    }
                } else {
                    let values = args
                        .iter()
                        .map(|a| self.value_of(a))
                        .collect::<Result<Vec<_>, _>>()?;
                    self.tag(&format!(
                        "if {TPL}::changed({id}, {turn}, {TPL}::key_of([{}]))",
                        values.join(", ")
                    ));
                    self.open(
                        "ifchanged",
                        line,
                        &["else", "endifchanged"],
                        "{% endif %}".into(),
                    );
                }
            }
            "firstof" => {
                let (values, var) = split_as(args);
                if values.is_empty() {
                    return Err("'firstof' statement requires at least one argument".into());
                }
                let values = values
                    .iter()
                    .map(|a| self.value_of(a))
                    .collect::<Result<Vec<_>, _>>()?;
                let v = format!("{TPL}::firstof([{}])", values.join(", "));
                match var {
                    Some(var) => {
                        self.tag(&format!("let {var} = {v}"));
                        self.bind(var);
                    }
                    None => self.show(&v),
                }
            }
            "cycle" => self.cycle(args)?,
            "resetcycle" => self.resetcycle(args)?,
            "widthratio" => {
                let (values, var) = split_as(args);
                let [a, b, c] = values else {
                    return Err("widthratio takes at least three arguments".into());
                };
                let (a, b, c) = (self.value_of(a)?, self.value_of(b)?, self.value_of(c)?);
                let v = format!("{TPL}::widthratio(&{a}, &{b}, &{c})");
                match var {
                    Some(var) => {
                        self.tag(&format!("let {var} = {v}"));
                        self.bind(var);
                    }
                    None => self.show(&v),
                }
            }
            "now" => {
                let (values, var) = split_as(args);
                let [format] = values else {
                    return Err("'now' statement takes one argument".into());
                };
                let Some(format) = expr::string_literal(format) else {
                    return Err("'now' takes its format as a string literal".into());
                };
                let v = format!("{TPL}::now({format:?})");
                match var {
                    Some(var) => {
                        self.tag(&format!("let {var} = {v}"));
                        self.bind(var);
                    }
                    None => self.show(&v),
                }
            }
            "lorem" => {
                let mut args = args.to_vec();
                if args.last().is_some_and(|a| a == "random") {
                    return Err("{% lorem … random %} is not supported: templates here render the same text each time".into());
                }
                let method = match args.last().map(String::as_str) {
                    Some(m @ ("w" | "p" | "b")) => {
                        let m = m.to_string();
                        args.pop();
                        m
                    }
                    _ => "b".into(),
                };
                let count = match args.as_slice() {
                    [] => format!("{TPL}::Value::Int(1)"),
                    [c] => self.value_of(c)?,
                    _ => return Err("Incorrect format for 'lorem' tag".into()),
                };
                self.show(&format!("{TPL}::lorem(&{count}, {method:?})"));
            }
            "templatetag" => {
                let which = match args {
                    [w] => w.as_str(),
                    _ => return Err("'templatetag' statement takes one argument".into()),
                };
                let constant = match which {
                    "openblock" => "OPENBLOCK",
                    "closeblock" => "CLOSEBLOCK",
                    "openvariable" => "OPENVARIABLE",
                    "closevariable" => "CLOSEVARIABLE",
                    "openbrace" => "OPENBRACE",
                    "closebrace" => "CLOSEBRACE",
                    "opencomment" => "OPENCOMMENT",
                    "closecomment" => "CLOSECOMMENT",
                    other => {
                        return Err(format!(
                            "Invalid templatetag argument: '{other}'. Must be one of: openblock, closeblock, openvariable, closevariable, openbrace, closebrace, opencomment, closecomment"
                        ));
                    }
                };
                self.out
                    .push_str(&format!("{{{{ {TPL}::templatetag::{constant} }}}}"));
            }
            "load" => {
                let names: Vec<&String> = match args.iter().position(|a| a == "from") {
                    Some(i) => args[i + 1..].iter().collect(),
                    None => args.iter().collect(),
                };
                for lib in names {
                    if BUILTIN_LIBRARIES.contains(&lib.as_str()) {
                        continue;
                    }
                    match self.libraries.iter().find(|l| l.name == *lib) {
                        Some(l) => self.loaded.push(l.module.clone()),
                        None => {
                            let mut known: Vec<&str> =
                                self.libraries.iter().map(|l| l.name.as_str()).collect();
                            known.extend(BUILTIN_LIBRARIES);
                            known.sort();
                            return Err(format!(
                                "'{lib}' is not a registered tag library. Must be one of:\n{}\n(a project's library is a module src/<app>/templatetags/{lib}.rs)",
                                known.join("\n")
                            ));
                        }
                    }
                }
            }
            "url" => {
                let (replacement, url) = self.url_tag(args, line)?;
                self.urls.push(url);
                self.out.push_str(&replacement);
            }
            "csrf_token" => {
                self.out
                    .push_str("{{ manouche::__private::askama::filters::Safe(manouche::__private::csrf_input()) }}");
            }
            "static" => self.static_tag(args)?,
            "regroup" => self.regroup(args)?,
            "querystring" => {
                let (pairs, var) = split_as(args);
                let mut changes = Vec::new();
                for pair in pairs {
                    let Some((key, value)) = pair.split_once('=') else {
                        return Err(format!(
                            "{{% querystring %}} takes key=value pairs here (the request's query is the one changed); got '{pair}'"
                        ));
                    };
                    let v = self.value_of(value)?;
                    changes.push(format!("({key:?}, {v})"));
                }
                let v = if changes.is_empty() {
                    format!("{TPL}::querystring_unchanged()")
                } else {
                    format!("{TPL}::querystring([{}])", changes.join(", "))
                };
                match var {
                    Some(var) => {
                        self.tag(&format!("let {var} = {v}"));
                        self.bind(var);
                    }
                    None => self.show(&v),
                }
            }
            other => {
                let mut msg = match self.open.last() {
                    Some(open)
                        if other.starts_with("end")
                            || matches!(other, "else" | "elif" | "empty") =>
                    {
                        format!(
                            "Invalid block tag on line {line}: '{other}', expected {}. Did you forget to register or load this tag?",
                            open.expects
                                .iter()
                                .map(|e| format!("'{e}'"))
                                .collect::<Vec<_>>()
                                .join(" or ")
                        )
                    }
                    _ => format!(
                        "Invalid block tag on line {line}: '{other}'. Did you forget to register or load this tag?"
                    ),
                };
                if !other.starts_with("end")
                    && let Some(c) = crate::suggest::closest(other, builtins::TAGS.iter().copied())
                {
                    msg.push_str(&format!(" (did you mean '{c}'?)"));
                }
                return Err(msg);
            }
        }
        Ok(())
    }

    fn continue_block(&mut self, name: &str, args: &[String]) -> Result<(), String> {
        let open_name = self.open.last().map(|o| o.name.clone()).unwrap_or_default();
        match (open_name.as_str(), name) {
            ("if", "elif") => {
                let cond = expr::condition(args, self)?;
                self.tag(&format!("else if {cond}"));
                if let Some(o) = self.open.last_mut() {
                    o.expects = vec!["elif", "else", "endif"];
                }
            }
            ("if", "else") => {
                self.tag("else");
                if let Some(o) = self.open.last_mut() {
                    o.expects = vec!["endif"];
                }
            }
            ("for", "empty") => {
                self.end_loop_body();
                self.tag("else");
                if let Some(o) = self.open.last_mut() {
                    o.expects = vec!["endfor"];
                    o.name = "for-empty".into();
                }
            }
            ("ifchanged", "else") => {
                if let Some(capture) = self.open.last().and_then(|o| o.capture) {
                    self.close_ifchanged_capture(capture);
                } else {
                    self.tag("else");
                }
                if let Some(o) = self.open.last_mut() {
                    o.expects = vec!["endifchanged"];
                    o.capture = None;
                }
            }
            (_, end) => {
                let Some(open) = self.open.pop() else {
                    return Ok(());
                };
                debug_assert!(open.expects.contains(&end));
                if open.name == "for" {
                    self.end_loop_body();
                }
                if open.name == "autoescape" {
                    self.autoescape.pop();
                }
                if let Some(capture) = open.capture {
                    self.close_ifchanged_capture(capture);
                    self.tag("endif");
                    return Ok(());
                }
                self.out.push_str(&open.close);
            }
        }
        Ok(())
    }

    /// Ends the captured content of an argument-less `{% ifchanged %}` and shows it when
    /// it changed.
    fn close_ifchanged_capture(&mut self, id: usize) {
        let turn = if self.loops.is_empty() {
            "0"
        } else {
            "*loop.index0"
        };
        self.out.push_str(&format!(
            "{{% endlet %}}{{% if {TPL}::changed({id}, {turn}, __manouche_capture_{id}.to_string()) %}}{{{{ {TPL}::show({TPL}::block_text(&__manouche_capture_{id}), false) }}}}{{% else %}}"
        ));
    }

    fn for_tag(&mut self, args: &[String], line: usize) -> Result<(), String> {
        // for x[, y] in iterable [reversed]
        let joined = args.join(" ");
        let Some(in_at) = args.iter().rposition(|a| a == "in") else {
            return Err(format!(
                "'for' statements should use the format 'for x in y': for {joined}"
            ));
        };
        let targets: Vec<String> = args[..in_at]
            .join(" ")
            .split(',')
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        if targets.is_empty() || targets.iter().any(|t| t.contains(' ')) {
            return Err(format!(
                "'for' tag received an invalid argument: for {joined}"
            ));
        }
        let mut iterable = &args[in_at + 1..];
        let reversed = iterable.last().is_some_and(|w| w == "reversed");
        if reversed {
            iterable = &iterable[..iterable.len() - 1];
        }
        let [iterable] = iterable else {
            return Err(format!(
                "'for' statements should use the format 'for x in y': for {joined}"
            ));
        };
        let e = expr::parse_filter_expr(iterable)?;
        let id = self.next_id();
        let (iter_expr, len_expr) = match (&e.operand, e.filters.is_empty()) {
            (Operand::Var(parts), true) if parts[0] != "forloop" => {
                let (base, method) = match parts.last().map(String::as_str) {
                    Some("items") if parts.len() > 1 => (&parts[..parts.len() - 1], ".iter()"),
                    Some("keys") if parts.len() > 1 => (&parts[..parts.len() - 1], ".keys()"),
                    Some("values") if parts.len() > 1 => (&parts[..parts.len() - 1], ".values()"),
                    _ => (&parts[..], ""),
                };
                let mut path = expr::raw_operand(&Operand::Var(base.to_vec()), self)?;
                if path.contains('(') {
                    // A value made by a call (`messages`) lives through the loop.
                    let seq = format!("__manouche_seq_{id}");
                    self.tag(&format!("let {seq} = {path}"));
                    path = seq;
                }
                // Iterated the way its type allows: a collection's items keep their types,
                // text gives its characters (as in Django), other values their items.
                let items = format!(
                    "(& & & & {TPL}::IterProbe({})).__manouche_iter()",
                    expr::borrowed(&path)
                );
                let iter = match (method, reversed) {
                    ("", false) => items,
                    ("", true) => format!("{items}.rev()"),
                    (m, false) => format!("{path}{m}"),
                    (m, true) => format!("{path}{m}.rev()"),
                };
                let len = format!(
                    "(& & {TPL}::LenProbe({})).__manouche_len()",
                    expr::borrowed(&path)
                );
                (iter, len)
            }
            _ => {
                let v = self.value(&e)?;
                let iter = if reversed {
                    format!("{TPL}::items({v}).into_iter().rev()")
                } else {
                    format!("{TPL}::items({v})")
                };
                (iter, format!("{TPL}::len_of(&{v})"))
            }
        };
        let target = match targets.as_slice() {
            [one] => one.clone(),
            many => format!("({})", many.join(", ")),
        };
        let before_at = self.out.len();
        self.tag(&format!("for {target} in {iter_expr}"));
        let body_at = self.out.len();
        self.loops.push(Loop {
            id,
            body_at,
            before_at,
            len_expr,
            uses_forloop: false,
            needs_len: false,
            pre: Vec::new(),
        });
        self.open("for", line, &["empty", "endfor"], "{% endfor %}".into());
        for t in &targets {
            self.bind(t);
        }
        Ok(())
    }

    /// `a=b c=d` (or the legacy `b as a`) as askama `let`s.
    fn assignments(&mut self, args: &[String], tag: &str) -> Result<String, String> {
        let mut lets = String::new();
        if let [value, as_kw, name] = args
            && as_kw == "as"
        {
            let v = self.bound_value(value)?;
            return Ok(format!("{{% let {name} = {v} %}}"));
        }
        if args.is_empty() {
            return Err(format!("{tag} expected at least one variable assignment"));
        }
        for a in args {
            let Some((name, value)) = a.split_once('=') else {
                return Err(format!("{tag} received an invalid token: '{a}'"));
            };
            if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
                return Err(format!("{tag} received an invalid token: '{a}'"));
            }
            let v = self.bound_value(value)?;
            lets.push_str(&format!("{{% let {name} = {v} %}}"));
        }
        Ok(lets)
    }

    /// What `{% with %}` binds: a context value by reference (its fields stay readable),
    /// anything computed as a `Value`.
    fn bound_value(&mut self, word: &str) -> Result<String, String> {
        let e = expr::parse_filter_expr(word)?;
        match (&e.operand, e.filters.is_empty()) {
            (Operand::Var(parts), true)
                if !matches!(parts[0].as_str(), "None" | "True" | "False" | "forloop") =>
            {
                Ok(format!("&{}", expr::raw_operand(&e.operand, self)?))
            }
            _ => self.value(&e),
        }
    }

    fn template_name(&self, args: &[String], tag: &str) -> Result<String, String> {
        match args.first().and_then(|a| expr::string_literal(a)) {
            Some(name) => Ok(name),
            None => Err(format!(
                "'{tag}' takes the template's name as a string literal here (templates are compiled, so the name is known at build time)"
            )),
        }
    }

    fn include(&mut self, args: &[String]) -> Result<(), String> {
        let template = self.template_name(args, "include")?;
        let mut rest = &args[1..];
        if rest.last().is_some_and(|a| a == "only") {
            rest = &rest[..rest.len() - 1];
        }
        if rest.is_empty() {
            self.tag(&format!("include {template:?}"));
            return Ok(());
        }
        if rest[0] != "with" {
            return Err(format!(
                "Unknown argument for 'include' tag: '{}'.",
                rest[0]
            ));
        }
        let lets = self.assignments(&rest[1..], "include")?;
        self.tag(&format!("if {TPL}::scope()"));
        self.out.push_str(&lets);
        self.tag(&format!("include {template:?}"));
        self.tag("endif");
        Ok(())
    }

    /// `{% cycle a b … [as name [silent]] %}` and `{% cycle name %}`: each time the tag is
    /// rendered the next value, as Django keeps a cycle's place per render. Its state is
    /// declared before the outermost loop around it.
    fn cycle(&mut self, args: &[String]) -> Result<(), String> {
        if args.is_empty() {
            return Err("'cycle' tag requires at least two arguments".into());
        }
        let silent = args.last().is_some_and(|a| a == "silent");
        let args = if silent {
            &args[..args.len() - 1]
        } else {
            args
        };
        let (values, var) = split_as(args);
        let ae = self.autoescape();
        if values.len() == 1 && var.is_none() {
            // {% cycle name %}: the named cycle, advanced.
            let Some((_, id, values)) = self
                .cycles
                .iter()
                .rev()
                .find(|(n, _, _)| n.as_deref() == Some(values[0].as_str()))
                .cloned()
            else {
                return Err(format!(
                    "No named cycles in template. '{}' is not defined",
                    values[0]
                ));
            };
            self.out.push_str(&format!(
                "{{{{ {TPL}::show(__manouche_cycle_{id}.next([{values}]), {ae}) }}}}"
            ));
            return Ok(());
        }
        let values = values
            .iter()
            .map(|a| self.value_of(a))
            .collect::<Result<Vec<_>, _>>()?
            .join(", ");
        let id = self.next_id();
        let decl = format!("{{% let __manouche_cycle_{id} = {TPL}::Cycle::new() %}}");
        match self.loops.first_mut() {
            Some(outer) => outer.pre.push(decl),
            None => self.out.push_str(&decl),
        }
        self.cycles
            .push((var.map(str::to_string), id, values.clone()));
        let v = format!("__manouche_cycle_{id}.next([{values}])");
        match var {
            Some(var) => {
                self.tag(&format!("let {var} = {v}"));
                self.bind(var);
                if !silent {
                    let shown = expr::probe(var);
                    self.show(&shown);
                }
            }
            None => self.show(&v),
        }
        Ok(())
    }

    /// `{% resetcycle [name] %}`: the last cycle (or the named one) starts again.
    fn resetcycle(&mut self, args: &[String]) -> Result<(), String> {
        let found = match args {
            [] => self.cycles.last(),
            [name] => self
                .cycles
                .iter()
                .rev()
                .find(|(n, _, _)| n.as_deref() == Some(name.as_str())),
            _ => return Err("'resetcycle' tag accepts at most one argument.".into()),
        };
        let Some((_, id, _)) = found.cloned() else {
            return Err(match args {
                [name] => format!("Named cycle '{name}' does not exist."),
                _ => "No cycles in template.".into(),
            });
        };
        self.tag(&format!("if __manouche_cycle_{id}.reset()"));
        self.tag("endif");
        Ok(())
    }

    /// `{% regroup list by key as groups %}`: the groups are made by a loop over the list,
    /// each item's key read from its fields.
    fn regroup(&mut self, args: &[String]) -> Result<(), String> {
        if args.len() != 5 {
            return Err("'regroup' tag takes five arguments".into());
        }
        if args[1] != "by" {
            return Err("second argument to 'regroup' tag must be 'by'".into());
        }
        if args[3] != "as" {
            return Err("next-to-last argument to 'regroup' tag must be 'as'".into());
        }
        let target = expr::parse_filter_expr(&args[0])?;
        let (Operand::Var(_), true) = (&target.operand, target.filters.is_empty()) else {
            return Err(
                "{% regroup %} takes a list from the context (sort or filter it in the view)"
                    .into(),
            );
        };
        let list = expr::raw_operand(&target.operand, self)?;
        let id = self.next_id();
        let item = format!("__manouche_item_{id}");
        let mut key = expr::parse_filter_expr(&args[2])?;
        match &mut key.operand {
            Operand::Var(parts) => parts.insert(0, item.clone()),
            _ => {
                return Err(
                    "{% regroup %} groups by a field of the items, e.g. `by country`".into(),
                );
            }
        }
        let key = self.value(&key)?;
        let groups = format!("__manouche_regroup_{id}");
        self.tag(&format!("let {groups} = {TPL}::Regroup::new()"));
        self.tag(&format!("for {item} in {list}"));
        self.tag(&format!("if {groups}.push({key}, *{item})"));
        self.tag("endif");
        self.tag("endfor");
        self.tag(&format!("let {} = {groups}.groups()", args[4]));
        self.bind(&args[4]);
        Ok(())
    }

    /// `{% url "ns:name" arg key=value [as var] %}`.
    fn url_tag(&mut self, args: &[String], line: usize) -> Result<(String, UrlTag), String> {
        let Some(first) = args.first() else {
            return Err("'url' takes at least one argument, a URL pattern name.".into());
        };
        let Some(name) = expr::string_literal(first) else {
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
            let id = self.next_id();
            let var = format!("__manouche_url_arg_{id}");
            let (key, value) = match a.split_once('=') {
                Some((k, v)) if !k.is_empty() && !k.contains(['"', '\'', '.']) => (Some(k), v),
                Some(_) => return Err(format!("Malformed arguments to url tag: {a}")),
                None => (None, a.as_str()),
            };
            if value.is_empty() || value.ends_with(',') {
                return Err(format!("Malformed arguments to url tag: {a}"));
            }
            let e = expr::parse_filter_expr(value)?;
            let v = if e.filters.is_empty() {
                expr::raw_operand(&e.operand, self)?
            } else {
                format!("{}.into_text().into_owned()", self.value(&e)?)
            };
            lets.push_str(&format!("{{% let {var} = {v} %}}"));
            match key {
                Some(k) => call_args.push_str(&format!(", {k} = {var}")),
                None => call_args.push_str(&format!(", {var}")),
            }
        }
        let call = format!(
            "manouche::url!(@template {:?} {line}, {:?}{call_args})",
            self.template, name
        );
        let replacement = match (target, args.is_empty()) {
            (Some(var), _) => {
                format!("{lets}{{% let {var} = manouche::__private::url_or_empty({call}) %}}")
            }
            (None, true) => format!("{{{{ {call} }}}}"),
            (None, false) => format!("{lets}{{{{ {call}? }}}}"),
        };
        Ok((replacement, UrlTag { line, name }))
    }

    /// `{% static "path" [as var] %}`.
    fn static_tag(&mut self, args: &[String]) -> Result<(), String> {
        let Some(path) = args.first() else {
            return Err("'static' takes at least one argument (path to file)".into());
        };
        let literal = expr::string_literal(path);
        if let (Some(name), Some(statics)) = (&literal, self.statics) {
            let wanted = name.trim_start_matches('/');
            if !statics.iter().any(|s| s == wanted) {
                let hint = crate::suggest::closest(wanted, statics.iter().map(String::as_str))
                    .map(|c| format!(" (did you mean '{c}'?)"))
                    .unwrap_or_default();
                return Err(format!(
                    "no static file '{wanted}' in static/ or src/<app>/static/{hint}"
                ));
            }
        }
        let arg = match &literal {
            Some(l) => format!("{l:?}"),
            None => {
                let e = expr::parse_filter_expr(path)?;
                if e.filters.is_empty() {
                    expr::raw_operand(&e.operand, self)?
                } else {
                    format!("&{}.into_text()", self.value(&e)?)
                }
            }
        };
        if args.len() == 3 && args[1] == "as" {
            self.tag(&format!(
                "let {} = manouche::__private::static_url({arg})",
                args[2]
            ));
        } else if let Some(literal) = literal {
            // Made once per tag (for the server's settings), then copied in.
            self.out.push_str(&format!(
                "{{{{ manouche::__private::askama::filters::Safe(manouche::__private::static_page_url!({literal:?})) }}}}"
            ));
        } else {
            // Escaped by `StaticUrl` itself, piece by piece, as it is written.
            self.out.push_str(&format!(
                "{{{{ manouche::__private::askama::filters::Safe(manouche::__private::StaticUrl({arg}).escaped()) }}}}"
            ));
        }
        Ok(())
    }
}

/// The names `a=b c=d` (or `b as a`) bind.
fn assigned_names(args: &[String]) -> Vec<String> {
    if let [_, as_kw, name] = args
        && as_kw == "as"
    {
        return vec![name.clone()];
    }
    args.iter()
        .filter_map(|a| a.split_once('=').map(|(n, _)| n.to_string()))
        .collect()
}

/// `a b as name` → (`[a, b]`, `Some(name)`).
fn split_as(args: &[String]) -> (&[String], Option<&str>) {
    match args {
        [rest @ .., as_kw, var] if as_kw == "as" => (rest, Some(var.as_str())),
        _ => (args, None),
    }
}

/// Translates one template. `template` is its name, used in `{% url %}` messages;
/// `libraries` are the project's tag libraries; `statics` the project's static files, when
/// `{% static "literal" %}` is to be checked against them.
pub fn rewrite(
    text: &str,
    template: &str,
    libraries: &[Library],
    statics: Option<&[String]>,
) -> Result<(String, Vec<UrlTag>), SyntaxError> {
    let tokens = lexer::tokenize(text);
    let mut t = Translator {
        out: String::with_capacity(text.len() * 2),
        urls: Vec::new(),
        template,
        libraries,
        statics,
        loaded: Vec::new(),
        open: Vec::new(),
        loops: Vec::new(),
        autoescape: Vec::new(),
        counter: 0,
        bound: Vec::new(),
        cycles: Vec::new(),
    };
    let mut iter = tokens.iter();
    while let Some(tok) = iter.next() {
        let result = match tok.kind {
            Kind::Text => {
                push_text(&mut t.out, tok.contents);
                Ok(())
            }
            Kind::Comment => Ok(()),
            Kind::Var if t.open.last().is_some_and(|o| o.name == "verbatim") => Ok(()),
            Kind::Var => t.variable(tok.contents),
            Kind::Block => t.block(tok, &mut iter),
        };
        result.map_err(|message| SyntaxError {
            line: tok.line,
            message,
        })?;
    }
    if let Some(open) = t.open.last() {
        let name = if open.name == "for-empty" {
            "for"
        } else {
            &open.name
        };
        return Err(SyntaxError {
            line: open.line,
            message: format!(
                "Unclosed tag on line {}: '{name}'. Looking for one of: {}.",
                open.line,
                open.expects.join(", ")
            ),
        });
    }
    // askama drops a template's last newline; Django keeps it: a comment after it keeps
    // it from being last.
    if text.ends_with('\n') {
        t.out.push_str("{##}");
    }
    Ok((t.out, t.urls))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rw(s: &str) -> String {
        rewrite(s, "t.html", &[], None)
            .map(|(o, _)| o)
            .unwrap_or_else(|e| format!("ERR {}: {}", e.line, e.message))
    }

    #[test]
    fn unclosed_and_misnested_tags_say_what_django_says() {
        assert_eq!(
            rw("{% if a %}\nx"),
            "ERR 1: Unclosed tag on line 1: 'if'. Looking for one of: elif, else, endif."
        );
        assert_eq!(
            rw("{% if a %}\n{% endfor %}"),
            "ERR 2: Invalid block tag on line 2: 'endfor', expected 'elif' or 'else' or 'endif'. Did you forget to register or load this tag?"
        );
        assert!(rw("{% fro x in y %}{% endfor %}").contains("did you mean 'for'"));
        assert!(rw("{{ x|lenght }}").contains("did you mean 'length'"));
        assert!(rw("{{ x|upper:1 }}").contains("upper requires 1 arguments, 2 provided"));
    }

    #[test]
    fn text_keeps_askama_delimiters_as_text() {
        let out = rw("a {{ b\n}} c");
        assert!(!out.contains("{{ b"), "{out}");
    }

    #[test]
    fn random_templates_are_rewritten_line_for_line_or_refused_with_a_line() {
        const PIECES: &[&str] = &[
            "{%",
            "%}",
            "{{",
            "}}",
            "{#",
            "#}",
            " ",
            "\n",
            "\"",
            "'",
            "url",
            "\"app:name\"",
            "as",
            "block",
            "endblock",
            "extends",
            "for",
            "in",
            "empty",
            "endfor",
            "if",
            "elif",
            "else",
            "endif",
            "csrf_token",
            "static",
            "comment",
            "endcomment",
            "block.super",
            "forloop.counter",
            "|",
            ":",
            "and",
            "or",
            "not",
            "x",
            "é",
            "%",
            "{",
            "}",
            "<p>",
            "\\",
            "\t",
        ];
        let mut state: u64 = 0x5EED_7E3A_1A7E_0001;
        let mut below = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for _ in 0..20_000 {
            let n = below(30);
            let text: String = (0..n).map(|_| PIECES[below(PIECES.len())]).collect();
            let lines = text.matches('\n').count() + 1;
            match rewrite(&text, "random.html", &[], None) {
                Ok((out, tags)) => {
                    assert_eq!(
                        out.matches('\n').count() + 1,
                        lines,
                        "not line for line: {text:?} → {out:?}"
                    );
                    assert!(tags.iter().all(|t| (1..=lines).contains(&t.line)));
                }
                Err(e) => assert!(
                    (1..=lines).contains(&e.line) && !e.message.is_empty(),
                    "{text:?}: line {} of {lines}: {}",
                    e.line,
                    e.message
                ),
            }
        }
    }
}
