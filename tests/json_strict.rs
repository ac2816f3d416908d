use minseal::json::{validate, Limits};
use minseal::ErrorCode;

fn code(input: &[u8]) -> ErrorCode {
    validate(input, &Limits::default()).unwrap_err().code()
}

#[test]
fn accepts_valid_documents() {
    for ok in [
        &b"{}"[..],
        b"[]",
        b" {\"a\" : [1, -0, 0.5, 1e5, 1E+400, -1.10e-3, true, false, null, \"x\\u00e9\\ud83d\\ude00\"]} ",
        b"\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"",
        b"123456789012345678901234567890",
        "{\"\u{e9}\":\"\u{1f600}\"}".as_bytes(),
    ] {
        validate(ok, &Limits::default()).unwrap();
    }
}

#[test]
fn rejects_with_codes_and_offsets() {
    assert_eq!(code(b"{\"a\":1,\"a\":2}"), ErrorCode::DuplicateKey);
    assert_eq!(code(b"{\"a\":1,\"\\u0061\":2}"), ErrorCode::DuplicateKey);
    assert_eq!(code(b"[\"\xff\"]"), ErrorCode::InvalidUtf8);
    assert_eq!(code(b"\"\\ud800\""), ErrorCode::InvalidJson);
    assert_eq!(code(b"\"\\udc00\""), ErrorCode::InvalidJson);
    assert_eq!(code(b"\"\\ud800\\u0041\""), ErrorCode::InvalidJson);
    assert_eq!(code(b"{} x"), ErrorCode::InvalidJson);
    assert_eq!(code(b"{}{}"), ErrorCode::InvalidJson);
    for bad in [
        &b"01"[..],
        b"1.",
        b".5",
        b"-",
        b"1e",
        b"+1",
        b"0x1",
        b"NaN",
        b"[1,]",
        b"{\"a\":1,}",
        b"{a:1}",
        b"'x'",
        b"\"\t\"",
        b"tru",
        b"",
        b"[",
        b"\xef\xbb\xbf{}",
        b"\"\\x\"",
    ] {
        assert_eq!(
            code(bad),
            ErrorCode::InvalidJson,
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
    let e = validate(b"[1, 2 x]", &Limits::default()).unwrap_err();
    assert!(e.message().contains("byte 6"), "{}", e.message());
    let e = validate(b"{\"a\":1,\"a\":2}", &Limits::default()).unwrap_err();
    assert!(e.message().contains("byte 7"), "{}", e.message());
    let e = validate(b"[\"ab\xc3\"]", &Limits::default()).unwrap_err();
    assert!(e.message().contains("byte 4"), "{}", e.message());
}

#[test]
fn duplicate_detection_in_large_objects() {
    let mut s = String::from("{");
    for i in 0..100 {
        s.push_str(&format!("\"k{i}\":{i},"));
    }
    s.push_str("\"k57\":0}");
    assert_eq!(code(s.as_bytes()), ErrorCode::DuplicateKey);
    let ok = s.replace("\"k57\":0}", "\"k100\":0}");
    validate(ok.as_bytes(), &Limits::default()).unwrap();
}

#[test]
fn limits() {
    let l = Limits {
        max_bytes: 10,
        max_depth: 3,
    };
    assert_eq!(
        validate(b"[1,2,3,4,5,6]", &l).unwrap_err().code(),
        ErrorCode::TooLarge
    );
    validate(b"[[[1]]]", &l).unwrap();
    let e = validate(b"[[[[1]]]]", &l).unwrap_err();
    assert_eq!(e.code(), ErrorCode::TooDeep);
    assert!(e.message().contains("byte 3"), "{}", e.message());
    let deep = "[".repeat(100_000);
    assert_eq!(
        validate(
            deep.as_bytes(),
            &Limits {
                max_bytes: 1 << 20,
                max_depth: usize::MAX
            }
        )
        .unwrap_err()
        .code(),
        ErrorCode::TooDeep
    );
}
