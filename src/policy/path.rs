//! The JSONPath subset of POLICY.md: `$`, `.name`, `['name']`, `.*`, `[*]`, `..name`,
//! `..['name']`. Parsed once at load time; the engine never sees path text.

use core::fmt::Write as _;

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Seg {
    /// A member of an object by name.
    Child(String),
    /// Every member of an object / element of an array.
    Wild,
    /// A member by name at any depth below (`..name`).
    Desc(String),
}

fn shorthand_ok(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' || !c.is_ascii() => {}
        _ => return false,
    }
    chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || !c.is_ascii())
}

/// Appends one member-name segment in the policy syntax (`.name` or `['odd name']`).
pub(crate) fn push_name(out: &mut String, name: &str) {
    if shorthand_ok(name) {
        out.push('.');
        out.push_str(name);
    } else {
        out.push_str("['");
        for c in name.chars() {
            match c {
                '\'' => out.push_str("\\'"),
                '\\' => out.push_str("\\\\"),
                c if (c as u32) < 0x20 => {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                }
                c => out.push(c),
            }
        }
        out.push_str("']");
    }
}

/// The canonical text of a parsed path.
pub(crate) fn display(segs: &[Seg]) -> String {
    let mut s = String::from("$");
    for seg in segs {
        match seg {
            Seg::Child(n) => push_name(&mut s, n),
            Seg::Wild => s.push_str("[*]"),
            Seg::Desc(n) => {
                s.push_str(if shorthand_ok(n) { "." } else { ".." });
                push_name(&mut s, n);
            }
        }
    }
    s
}

/// Parses a path; the error says what is wrong and where (character index).
pub(crate) fn parse(text: &str) -> Result<Vec<Seg>, String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.first() != Some(&'$') {
        return Err("must start with '$'".into());
    }
    let mut i = 1;
    let mut segs = Vec::new();
    while i < chars.len() {
        let at = i;
        let desc = chars.get(i) == Some(&'.') && chars.get(i + 1) == Some(&'.');
        if desc {
            i += 2;
        }
        match chars.get(i) {
            Some('.') if !desc => {
                i += 1;
                if chars.get(i) == Some(&'*') {
                    i += 1;
                    segs.push(Seg::Wild);
                    continue;
                }
                let start = i;
                while chars.get(i).is_some_and(|c| *c != '.' && *c != '[') {
                    i += 1;
                }
                let name: String = chars.get(start..i).unwrap_or_default().iter().collect();
                if !shorthand_ok(&name) {
                    return Err(format!("invalid member name at {start} (use ['...'])"));
                }
                segs.push(Seg::Child(name));
            }
            Some('[') => {
                i += 1;
                match chars.get(i) {
                    Some('*') if chars.get(i + 1) == Some(&']') => {
                        if desc {
                            return Err(format!("'..[*]' at {at} is not in the subset"));
                        }
                        i += 2;
                        segs.push(Seg::Wild);
                    }
                    Some(&q @ ('\'' | '"')) => {
                        i += 1;
                        let mut name = String::new();
                        loop {
                            match chars.get(i) {
                                None => return Err(format!("unterminated name at {at}")),
                                Some('\\') => i = escape(&chars, i, &mut name)?,
                                Some(c) if (*c as u32) < 0x20 => {
                                    return Err(format!(
                                        "control character at {i} (write it as \\u{:04x})",
                                        *c as u32
                                    ))
                                }
                                Some(&c) if c == q => {
                                    i += 1;
                                    break;
                                }
                                Some(&c) => {
                                    name.push(c);
                                    i += 1;
                                }
                            }
                        }
                        if chars.get(i) != Some(&']') {
                            return Err(format!("expected ']' at {i}"));
                        }
                        i += 1;
                        segs.push(if desc { Seg::Desc(name) } else { Seg::Child(name) });
                    }
                    _ => {
                        return Err(format!(
                            "only ['name'] and [*] selectors are in the subset (at {at}); no indices, slices or filters"
                        ))
                    }
                }
            }
            _ if desc => {
                if chars.get(i) == Some(&'*') {
                    return Err(format!("'..*' at {at} is not in the subset"));
                }
                let start = i;
                while chars.get(i).is_some_and(|c| *c != '.' && *c != '[') {
                    i += 1;
                }
                let name: String = chars.get(start..i).unwrap_or_default().iter().collect();
                if !shorthand_ok(&name) {
                    return Err(format!("invalid member name at {start}"));
                }
                segs.push(Seg::Desc(name));
            }
            _ => return Err(format!("unexpected character at {at}")),
        }
    }
    Ok(segs)
}

/// One escape in a quoted name (RFC 9535 string-literal escapes): `\'`, `\"`, `\\`, `\/`,
/// `\b`, `\f`, `\n`, `\r`, `\t`, `\uXXXX` (a surrogate pair as two); `chars[i]` is the
/// backslash. Pushes the character; returns the index after the escape.
fn escape(chars: &[char], i: usize, name: &mut String) -> Result<usize, String> {
    let bad = || format!("invalid escape at {i}");
    let c = match chars.get(i + 1) {
        Some(&c @ ('\'' | '"' | '\\' | '/')) => c,
        Some('b') => '\u{8}',
        Some('f') => '\u{c}',
        Some('n') => '\n',
        Some('r') => '\r',
        Some('t') => '\t',
        Some('u') => {
            let unit = |at: usize| -> Option<u32> {
                let hex: String = chars.get(at..at + 4)?.iter().collect();
                if hex.len() != 4 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return None;
                }
                u32::from_str_radix(&hex, 16).ok()
            };
            let hi = unit(i + 2).ok_or_else(bad)?;
            if (0xdc00..0xe000).contains(&hi) {
                return Err(bad());
            }
            if (0xd800..0xdc00).contains(&hi) {
                if chars.get(i + 6) != Some(&'\\') || chars.get(i + 7) != Some(&'u') {
                    return Err(bad());
                }
                let lo = unit(i + 8).ok_or_else(bad)?;
                if !(0xdc00..0xe000).contains(&lo) {
                    return Err(bad());
                }
                let c = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
                name.push(char::from_u32(c).ok_or_else(bad)?);
                return Ok(i + 12);
            }
            name.push(char::from_u32(hi).ok_or_else(bad)?);
            return Ok(i + 6);
        }
        _ => return Err(bad()),
    };
    name.push(c);
    Ok(i + 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for (src, canon) in [
            ("$", "$"),
            ("$.a.b", "$.a.b"),
            ("$['a']['b c']", "$.a['b c']"),
            ("$.a.*", "$.a[*]"),
            ("$..password", "$..password"),
            ("$..['x y']", "$..['x y']"),
            ("$['it\\'s']", "$['it\\'s']"),
            ("$.records[*].ip", "$.records[*].ip"),
            // RFC 9535 escapes; control characters are written back as \u00XX.
            ("$['a\\u000ab']", "$['a\\u000ab']"),
            ("$['a\\nb\\t']", "$['a\\u000ab\\u0009']"),
            ("$['\\u00e9\\/\\\"']", "$['é/\"']"),
            ("$['\\ud83d\\ude00 x']", "$['😀 x']"),
        ] {
            assert_eq!(display(&parse(src).unwrap()), canon, "{src}");
        }
        for bad in [
            "",
            "a",
            "$.",
            "$[0]",
            "$.a[1:2]",
            "$..*",
            "$.a b",
            "$['x",
            "$.1a",
            "$[?@.a]",
            "$['\\x']",
            "$['\\u12']",
            "$['\\ud800']",
            "$['\\udc00']",
            "$['\\ud800\\u0041']",
            "$['a\nb']",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
