//! Embeds the built-in policies (`policies/*.json`) without their insignificant whitespace, so the
//! wasm carries ~14 KB less JSON. Only whitespace outside strings is dropped (RFC 8259 §2: space,
//! tab, CR, LF); key order, duplicate keys and number spellings are untouched, so the parsed
//! document, its RFC 8785 canonical form and its digest are exactly those of the source file.

use std::{env, fs, path::Path};

fn minify(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let (mut in_str, mut escaped) = (false, false);
    for c in src.chars() {
        if in_str {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_str = false;
            }
        } else if !matches!(c, ' ' | '\t' | '\n' | '\r') {
            if c == '"' {
                in_str = true;
            }
            out.push(c);
        }
    }
    out
}

fn main() {
    let out_dir = env::var("OUT_DIR").expect("OUT_DIR");
    let dir = Path::new(&out_dir).join("policies");
    fs::create_dir_all(&dir).expect("create OUT_DIR/policies");
    println!("cargo:rerun-if-changed=policies");
    let mut names: Vec<_> = fs::read_dir("policies")
        .expect("read policies/")
        .map(|e| e.expect("policies/ entry").file_name())
        .filter(|n| n.to_string_lossy().ends_with(".json"))
        .collect();
    names.sort();
    for name in names {
        let path = Path::new("policies").join(&name);
        println!("cargo:rerun-if-changed={}", path.display());
        let src = fs::read_to_string(&path).expect("read policy");
        fs::write(dir.join(&name), minify(&src)).expect("write minified policy");
    }
}
