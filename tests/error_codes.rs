//! The error codes are written out in three places: `ErrorCode` (with `ALL` and `as_str`) in
//! the core, the `ErrorCode` union of the npm package's types (`src/wasm/npm/index.d.ts`) and
//! the code list of docs/JS-API.md. This test reads the last two as text and checks that all
//! three name exactly the same codes. `unsupported_host` is the one JS-only code (`init`
//! refuses a host without WebAssembly SIMD before any Rust runs).

mod common;

use common::{read, ROOT};
use minseal::ErrorCode;
use std::collections::BTreeSet;
use std::path::Path;

/// Codes that exist only in the JS package.
const JS_ONLY: &[&str] = &["unsupported_host"];

fn text(rel: &str) -> String {
    String::from_utf8(read(&Path::new(ROOT).join(rel))).expect("UTF-8")
}

/// The `snake_case` identifiers between `quote` characters in `s`.
fn quoted_codes(s: &str, quote: char) -> Vec<String> {
    s.split(quote)
        .skip(1)
        .step_by(2)
        .filter(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        })
        .map(str::to_string)
        .collect()
}

fn set(v: &[String], what: &str) -> BTreeSet<String> {
    let s: BTreeSet<String> = v.iter().cloned().collect();
    assert_eq!(s.len(), v.len(), "{what} lists a code twice: {v:?}");
    s
}

fn rust_codes() -> BTreeSet<String> {
    let v: Vec<String> = ErrorCode::ALL
        .iter()
        .map(|c| c.as_str().to_string())
        .collect();
    set(&v, "ErrorCode::ALL")
}

/// The members of `export type ErrorCode = | '…' | '…';` in index.d.ts.
fn dts_codes() -> BTreeSet<String> {
    let dts = text("src/wasm/npm/index.d.ts");
    let start = dts
        .find("export type ErrorCode")
        .expect("index.d.ts declares `export type ErrorCode`");
    let decl = &dts[start..];
    let decl = &decl[..decl.find(';').expect("the ErrorCode type ends with `;`")];
    set(&quoted_codes(decl, '\''), "index.d.ts's ErrorCode")
}

/// docs/JS-API.md's code list: the `` `ErrorCode` `` item of the type list (its backticked
/// codes up to the next item), or else a table whose first column holds the codes under a
/// heading that mentions error codes.
fn doc_codes() -> BTreeSet<String> {
    let md = text("docs/JS-API.md");
    let lines: Vec<&str> = md.lines().collect();
    if let Some(i) = lines
        .iter()
        .position(|l| l.trim_start().starts_with("- `ErrorCode`"))
    {
        let mut item = lines[i].trim_start()["- `ErrorCode`".len()..].to_string();
        for l in &lines[i + 1..] {
            if l.trim().is_empty() || l.trim_start().starts_with("- ") || l.starts_with('#') {
                break;
            }
            item.push(' ');
            item.push_str(l);
        }
        // The item may name an export (`init`) where a code comes from; exports are not codes.
        let exports = exports(&lines);
        assert!(exports.contains("init"), "the exports table lists init");
        let codes: Vec<String> = quoted_codes(&item, '`')
            .into_iter()
            .filter(|c| !exports.contains(c))
            .collect();
        return set(&codes, "docs/JS-API.md's ErrorCode item");
    }
    // A table: `| `code` | … |` rows after a heading naming error codes.
    let h = lines
        .iter()
        .position(|l| l.starts_with('#') && l.to_lowercase().contains("code"))
        .expect("docs/JS-API.md lists the error codes (a `ErrorCode` item or a codes table)");
    let mut codes = Vec::new();
    for l in &lines[h + 1..] {
        if l.starts_with('#') {
            break;
        }
        if let Some(first) = l.strip_prefix('|').and_then(|r| r.split('|').next()) {
            codes.extend(quoted_codes(first, '`'));
        }
    }
    set(&codes, "docs/JS-API.md's codes table")
}

/// The first column of docs/JS-API.md's exports table (`| export | signature | notes |`).
fn exports(lines: &[&str]) -> BTreeSet<String> {
    let h = lines
        .iter()
        .position(|l| l.starts_with("| export |"))
        .expect("docs/JS-API.md has the exports table");
    lines[h + 2..]
        .iter()
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| l[1..].split('|').next())
        .flat_map(|cell| quoted_codes(cell, '`'))
        .collect()
}

#[test]
fn rust_typescript_and_docs_list_the_same_error_codes() {
    let mut rust = rust_codes();
    assert!(rust.len() >= 20, "ErrorCode::ALL looks truncated: {rust:?}");
    for c in JS_ONLY {
        assert!(!rust.contains(*c), "{c} is JS-only but also in ErrorCode");
        rust.insert(c.to_string());
    }
    let dts = dts_codes();
    let doc = doc_codes();
    assert_eq!(
        dts.symmetric_difference(&rust).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "index.d.ts's ErrorCode union and ErrorCode::ALL (+ {JS_ONLY:?}) differ"
    );
    assert_eq!(
        doc.symmetric_difference(&rust).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "docs/JS-API.md's code list and ErrorCode::ALL (+ {JS_ONLY:?}) differ"
    );
}

#[test]
fn every_code_is_distinct_snake_case() {
    let all = ErrorCode::ALL;
    for c in all {
        let s = c.as_str();
        assert!(
            s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'),
            "{s} is not snake_case"
        );
        assert_eq!(
            all.iter().filter(|d| d.as_str() == s).count(),
            1,
            "{s} is used by two codes"
        );
    }
}

#[test]
fn the_readers_find_what_they_look_for() {
    // The parsers above must not pass by finding nothing.
    assert_eq!(
        quoted_codes("| 'invalid_json' | 'io' | 'Not' | '' ;", '\''),
        ["invalid_json", "io"]
    );
    assert_eq!(
        quoted_codes("`a_b`, `c`, and, from `init` only, `d_e`", '`'),
        ["a_b", "c", "init", "d_e"]
    );
}
