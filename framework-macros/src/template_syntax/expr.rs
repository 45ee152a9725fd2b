//! Django's filter expressions (`x.y|default:"n/a"|upper`) and `{% if %}` conditions,
//! parsed as Django parses them and written as askama expressions calling
//! `manouche::__private::tpl`.

use super::builtins::{self, Arity};

const TPL: &str = "manouche::__private::tpl";

/// A Django literal or variable.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A string literal (Django marks it safe).
    Str(String),
    Int(i128),
    Float(String),
    /// `a.b.0`: a context lookup.
    Var(Vec<String>),
}

/// `operand|filter:arg|…`.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterExpr {
    pub operand: Operand,
    pub filters: Vec<(String, Option<Operand>)>,
}

/// Where a lookup's first name comes from: the loops around it, `{% with %}` and the like.
pub trait Scope {
    /// How `forloop.…` (`path` after `forloop`) is written here, or an error.
    fn forloop(&mut self, path: &[String]) -> Result<String, String>;
    /// The module path of a project filter `name` (from `{% load %}`), if any.
    fn user_filter(&self, name: &str) -> Option<String>;
    /// Whether `name` was bound by the template here (`{% for user in … %}`, `with`, `as`).
    fn is_bound(&self, name: &str) -> bool;
}

/// Splits tag arguments into words, keeping quoted strings (and `_("…")`) whole, as
/// Django's `smart_split` does.
pub fn smart_split(s: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in s.chars() {
        match quote {
            Some(q) => {
                cur.push(c);
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
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
        return Err(format!("unterminated string in '{s}'"));
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    Ok(out)
}

/// Django's `unescape_string_literal`, when `s` is a quoted string.
pub fn string_literal(s: &str) -> Option<String> {
    let q = s.chars().next()?;
    if (q != '"' && q != '\'') || s.len() < 2 || !s.ends_with(q) {
        return None;
    }
    let inner = &s[1..s.len() - 1];
    Some(
        inner
            .replace(&format!("\\{q}"), &q.to_string())
            .replace("\\\\", "\\"),
    )
}

/// Reads a quoted string at the start of `s`: (its length, its value).
fn quoted_prefix(s: &str) -> Option<(usize, String)> {
    let q = s.chars().next()?;
    if q != '"' && q != '\'' {
        return None;
    }
    let mut escaped = false;
    for (i, c) in s.char_indices().skip(1) {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == q {
            return Some((i + 1, string_literal(&s[..=i])?));
        }
    }
    None
}

/// A constant (`"x"`, `'x'`, `_("x")`) or a variable/number at the start of `s`.
fn operand_prefix(s: &str) -> Result<Option<(usize, Operand)>, String> {
    if let Some(rest) = s.strip_prefix("_(")
        && let Some((n, value)) = quoted_prefix(rest)
        && rest[n..].starts_with(')')
    {
        return Ok(Some((2 + n + 1, Operand::Str(value))));
    }
    if let Some((n, value)) = quoted_prefix(s) {
        return Ok(Some((n, Operand::Str(value))));
    }
    let n = s
        .char_indices()
        .find(|(i, c)| {
            !(c.is_alphanumeric()
                || *c == '_'
                || *c == '.'
                || (*i == 0 && (*c == '-' || *c == '+'))
                || (*c == 'e' || *c == 'E'))
        })
        .map_or(s.len(), |(i, _)| i);
    if n == 0 {
        return Ok(None);
    }
    Ok(Some((n, variable(&s[..n])?)))
}

/// Django's `Variable`: a number, or a dotted lookup.
pub fn variable(s: &str) -> Result<Operand, String> {
    if let Some(v) = string_literal(s) {
        return Ok(Operand::Str(v));
    }
    let numeric = s.starts_with(|c: char| c.is_ascii_digit())
        || (s.len() > 1
            && s.starts_with(['-', '+', '.'])
            && s[1..].starts_with(|c: char| c.is_ascii_digit()));
    if numeric {
        if !s.contains(['.', 'e', 'E']) {
            return s
                .parse()
                .map(Operand::Int)
                .map_err(|_| format!("Could not parse the remainder: '{s}'"));
        }
        if s.parse::<f64>().is_ok() && !s.ends_with('.') {
            return Ok(Operand::Float(s.to_string()));
        }
        return Err(format!("Could not parse the remainder: '{s}' from '{s}'"));
    }
    if s.starts_with(['-', '+']) {
        return Err(format!("Could not parse the remainder: '{s}' from '{s}'"));
    }
    let parts: Vec<String> = s.split('.').map(str::to_string).collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(format!("Could not parse the remainder: '{s}' from '{s}'"));
    }
    if parts.iter().any(|p| p.starts_with('_')) {
        return Err(format!(
            "Variables and attributes may not begin with underscores: '{s}'"
        ));
    }
    Ok(Operand::Var(parts))
}

/// Django's `FilterExpression`.
pub fn parse_filter_expr(s: &str) -> Result<FilterExpr, String> {
    let full = s;
    let s = s.trim();
    let Some((n, operand)) = operand_prefix(s)? else {
        return Err(format!("Could not parse some characters: |{s}|"));
    };
    let mut rest = &s[n..];
    let mut filters = Vec::new();
    loop {
        let trimmed = rest.trim_start();
        if trimmed.is_empty() {
            break;
        }
        let Some(after_pipe) = trimmed.strip_prefix('|') else {
            return Err(format!(
                "Could not parse the remainder: '{rest}' from '{full}'"
            ));
        };
        let after_pipe = after_pipe.trim_start();
        let name_len = after_pipe
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(after_pipe.len());
        if name_len == 0 {
            return Err(format!(
                "Could not parse the remainder: '{rest}' from '{full}'"
            ));
        }
        let name = after_pipe[..name_len].to_string();
        rest = &after_pipe[name_len..];
        let mut arg = None;
        if let Some(a) = rest.strip_prefix(':') {
            match operand_prefix(a)? {
                Some((n, op)) => {
                    arg = Some(op);
                    rest = &a[n..];
                }
                None => {
                    return Err(format!(
                        "Could not parse the remainder: '{rest}' from '{full}'"
                    ));
                }
            }
        }
        filters.push((name, arg));
    }
    Ok(FilterExpr { operand, filters })
}

fn rust_str(s: &str) -> String {
    format!("{s:?}")
}

/// An operand as an askama expression of its Rust value (for `{% url %}`, `{% with %}`).
pub fn raw_operand(op: &Operand, scope: &mut dyn Scope) -> Result<String, String> {
    Ok(match op {
        Operand::Str(s) => rust_str(s),
        Operand::Int(i) => i.to_string(),
        Operand::Float(f) => f.clone(),
        Operand::Var(parts) => lookup(parts, scope)?,
    })
}

/// A lookup as an askama path: `a.b`, `a[0]` for an index, and Django's special names.
fn lookup(parts: &[String], scope: &mut dyn Scope) -> Result<String, String> {
    match parts[0].as_str() {
        "forloop" => return scope.forloop(&parts[1..]),
        "block" if parts.len() == 2 && parts[1] == "super" => return Ok("super()".into()),
        "request" if parts.len() == 2 => {
            let f = match parts[1].as_str() {
                "path" => "request_path",
                "get_full_path" => "request_full_path",
                "method" => "request_method",
                other => {
                    return Err(format!(
                        "`request.{other}` is not available in templates; they can read request.path, request.get_full_path and request.method"
                    ));
                }
            };
            return Ok(format!("manouche::__private::{f}()"));
        }
        // Django's context processors' names: the struct's own field when it has one (the
        // derive writes these methods either way).
        "messages" | "user" if !scope.is_bound(&parts[0]) => {
            let mut out = format!("__manouche_{}()", parts[0]);
            for p in &parts[1..] {
                out.push('.');
                out.push_str(p);
            }
            return Ok(out);
        }
        "True" if parts.len() == 1 => return Ok("true".into()),
        "False" if parts.len() == 1 => return Ok("false".into()),
        _ => {}
    }
    let mut out = parts[0].clone();
    for p in &parts[1..] {
        if p.chars().all(|c| c.is_ascii_digit()) {
            // A tuple's field or a list's item, whichever the type has (see `tpl::At0`).
            match p.parse::<usize>() {
                Ok(n) if n < 6 => out.push_str(&format!(".__manouche_at_{n}()")),
                _ => out.push_str(&format!("[{p}]")),
            }
        } else {
            out.push('.');
            out.push_str(p);
            // Django calls a method it finds; a form's are methods here.
            if FORM_METHODS.contains(&p.as_str()) {
                out.push_str("()");
            }
        }
    }
    Ok(out)
}

/// A bound form's methods a Django template reads as attributes (`form.is_multipart`).
const FORM_METHODS: &[&str] = &[
    "is_multipart",
    "is_bound",
    "is_valid",
    "as_p",
    "as_div",
    "as_table",
];

/// An operand as a `Value` expression.
pub fn value_operand(op: &Operand, scope: &mut dyn Scope) -> Result<String, String> {
    Ok(match op {
        Operand::Str(s) => format!("{TPL}::Value::literal({})", rust_str(s)),
        Operand::Int(i) => format!("{TPL}::Value::Int({i})"),
        Operand::Float(f) => format!("{TPL}::Value::Float({f}f64)"),
        Operand::Var(parts) if parts.len() == 1 && parts[0] == "None" => {
            format!("{TPL}::Value::None")
        }
        Operand::Var(parts) if parts.len() == 1 && (parts[0] == "True" || parts[0] == "False") => {
            format!("{TPL}::Value::Bool({})", parts[0] == "True")
        }
        Operand::Var(parts) => probe(&lookup(parts, scope)?),
    })
}

/// The `Value` of an askama expression, read the best way its type allows.
pub fn probe(expr: &str) -> String {
    format!(
        "(& & & {TPL}::Probe({})).__manouche_value()",
        borrowed(expr)
    )
}

/// An askama expression as a reference: askama borrows a path passed to a function
/// itself (`&(self.x)`, a borrow that lives as long as the context), but not a call.
pub fn borrowed(expr: &str) -> String {
    if expr.contains('(') {
        format!("&{expr}")
    } else {
        expr.to_string()
    }
}

/// A filter expression as a `Value` expression.
pub fn value_expr(
    e: &FilterExpr,
    scope: &mut dyn Scope,
    autoescape: bool,
) -> Result<String, String> {
    let mut out = value_operand(&e.operand, scope)?;
    for (name, arg) in &e.filters {
        let arg_text = match arg {
            Some(a) => format!("{TPL}::arg({})", value_operand(a, scope)?),
            None => format!("{TPL}::no_arg()"),
        };
        let path = match builtins::filter(name) {
            Some(f) => {
                check_arity(name, f.arity, arg.is_some())?;
                format!("{TPL}::filters::{}", f.function)
            }
            None => match scope.user_filter(name) {
                Some(module) => format!("{module}::{name}"),
                None => return Err(unknown_filter(name)),
            },
        };
        out = format!("{path}({out}, {arg_text}, {autoescape})");
    }
    Ok(out)
}

fn check_arity(name: &str, arity: Arity, given: bool) -> Result<(), String> {
    let (needs, takes) = match arity {
        Arity::None => (0, 0),
        Arity::Optional => (0, 1),
        Arity::One => (1, 1),
    };
    let provided = usize::from(given);
    if provided < needs || provided > takes {
        return Err(format!(
            "{name} requires {} arguments, {} provided",
            needs + 1,
            provided + 1
        ));
    }
    Ok(())
}

/// Django's message for an unknown filter, with a suggestion.
pub fn unknown_filter(name: &str) -> String {
    if let Some(why) = builtins::unsupported_filter(name) {
        return format!("the filter '{name}' is not available: {why}");
    }
    let mut msg = format!("Invalid filter: '{name}'");
    if let Some(c) = crate::suggest::closest(name, builtins::FILTERS.iter().map(|f| f.name)) {
        msg.push_str(&format!("; did you mean '{c}'?"));
    } else {
        msg.push_str("; a project's own filter needs {% load <its module> %} first");
    }
    msg
}

// ---- {% if %} -------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Cond {
    Operand(FilterExpr),
    Not(Box<Cond>),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    Cmp(&'static str, Box<Cond>, Box<Cond>),
}

#[derive(Debug, Clone)]
enum Tok {
    Op(&'static str),
    Operand(FilterExpr, String),
}

fn lbp(op: &str) -> u8 {
    match op {
        "or" => 6,
        "and" => 7,
        "not" => 8,
        "in" | "not in" => 9,
        _ => 10,
    }
}

const OPS: [&str; 12] = [
    "or", "and", "not", "in", "not in", "is", "is not", "==", "!=", ">", ">=", "<",
];

fn op_of(word: &str) -> Option<&'static str> {
    OPS.iter().copied().chain(["<="]).find(|o| *o == word)
}

struct CondParser {
    tokens: Vec<Tok>,
    pos: usize,
}

impl CondParser {
    fn next(&mut self) -> Option<Tok> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn peek_lbp(&self) -> u8 {
        match self.tokens.get(self.pos) {
            Some(Tok::Op(op)) => lbp(op),
            _ => 0,
        }
    }

    fn expression(&mut self, rbp: u8) -> Result<Cond, String> {
        let mut left = match self.next() {
            None => return Err("Unexpected end of expression in if tag.".into()),
            Some(Tok::Operand(e, _)) => Cond::Operand(e),
            Some(Tok::Op("not")) => Cond::Not(Box::new(self.expression(lbp("not"))?)),
            Some(Tok::Op(op)) => {
                return Err(format!("Not expecting '{op}' in this position in if tag."));
            }
        };
        while rbp < self.peek_lbp() {
            let Some(Tok::Op(op)) = self.next() else {
                break;
            };
            let right = self.expression(lbp(op))?;
            left = match op {
                "and" => Cond::And(Box::new(left), Box::new(right)),
                "or" => Cond::Or(Box::new(left), Box::new(right)),
                "not" => {
                    return Err("Not expecting 'not' in this position in if tag.".into());
                }
                op => Cond::Cmp(op, Box::new(left), Box::new(right)),
            };
        }
        Ok(left)
    }
}

/// Parses the words of an `{% if %}`/`{% elif %}` with Django's operator precedence.
fn parse_condition(words: &[String]) -> Result<Cond, String> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let w = words[i].as_str();
        // "not in" and "is not" are one operator each.
        if w == "not" && words.get(i + 1).is_some_and(|n| n == "in") {
            tokens.push(Tok::Op("not in"));
            i += 2;
            continue;
        }
        if w == "is" && words.get(i + 1).is_some_and(|n| n == "not") {
            tokens.push(Tok::Op("is not"));
            i += 2;
            continue;
        }
        match op_of(w) {
            Some(op) => tokens.push(Tok::Op(op)),
            None => tokens.push(Tok::Operand(parse_filter_expr(w)?, w.to_string())),
        }
        i += 1;
    }
    let mut p = CondParser { tokens, pos: 0 };
    let cond = p.expression(0)?;
    if let Some(t) = p.tokens.get(p.pos) {
        let word = match t {
            Tok::Op(op) => op.to_string(),
            Tok::Operand(_, w) => w.clone(),
        };
        return Err(format!("Unused '{word}' at end of if expression."));
    }
    Ok(cond)
}

fn cond_value(c: &Cond, scope: &mut dyn Scope) -> Result<String, String> {
    match c {
        Cond::Operand(e) => value_expr(e, scope, true),
        other => Ok(format!("{TPL}::Value::Bool({})", cond_bool(other, scope)?)),
    }
}

fn cond_bool(c: &Cond, scope: &mut dyn Scope) -> Result<String, String> {
    Ok(match c {
        Cond::Operand(e) => format!("{TPL}::truthy(&{})", value_expr(e, scope, true)?),
        Cond::Not(x) => format!("!({})", cond_bool(x, scope)?),
        Cond::And(a, b) => format!("({} && {})", cond_bool(a, scope)?, cond_bool(b, scope)?),
        Cond::Or(a, b) => format!("({} || {})", cond_bool(a, scope)?, cond_bool(b, scope)?),
        Cond::Cmp(op, a, b) => {
            let (a, b) = (cond_value(a, scope)?, cond_value(b, scope)?);
            match *op {
                "==" => format!("{TPL}::eq(&{a}, &{b})"),
                "!=" => format!("{TPL}::ne(&{a}, &{b})"),
                "in" => format!("{TPL}::is_in(&{a}, &{b})"),
                "not in" => format!("{TPL}::not_in(&{a}, &{b})"),
                "is" => format!("{TPL}::is(&{a}, &{b})"),
                "is not" => format!("!{TPL}::is(&{a}, &{b})"),
                op => format!("{TPL}::cmp(&{a}, {op:?}, &{b})"),
            }
        }
    })
}

/// An `{% if %}` condition as an askama boolean expression.
pub fn condition(words: &[String], scope: &mut dyn Scope) -> Result<String, String> {
    if words.is_empty() {
        return Err("The 'if' tag requires at least one argument.".into());
    }
    let cond = parse_condition(words)?;
    cond_bool(&cond, scope)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_expressions_parse_as_djangos() {
        let e = parse_filter_expr(r#"v|default:"n/a"|join:', ' "#).unwrap();
        assert_eq!(e.operand, Operand::Var(vec!["v".into()]));
        assert_eq!(
            e.filters,
            vec![
                ("default".into(), Some(Operand::Str("n/a".into()))),
                ("join".into(), Some(Operand::Str(", ".into())))
            ]
        );
        assert_eq!(
            parse_filter_expr("x.0|add:-2").unwrap().filters,
            vec![("add".into(), Some(Operand::Int(-2)))]
        );
        assert!(parse_filter_expr("x|").is_err());
        assert!(parse_filter_expr("_x").is_err());
        assert_eq!(
            parse_filter_expr(r#""a \"b\"""#).unwrap().operand,
            Operand::Str("a \"b\"".into())
        );
    }

    #[test]
    fn if_precedence_is_djangos() {
        let w = |s: &str| smart_split(s).unwrap();
        assert!(matches!(
            parse_condition(&w("a or b and c")).unwrap(),
            Cond::Or(..)
        ));
        assert!(matches!(
            parse_condition(&w("not a == b")).unwrap(),
            Cond::Not(..)
        ));
        assert!(matches!(
            parse_condition(&w("a not in b")).unwrap(),
            Cond::Cmp("not in", ..)
        ));
        assert!(parse_condition(&w("a b")).is_err());
        assert!(parse_condition(&w("a and")).is_err());
    }
}
