//! Plants a unique marker in every removed or transformed VALUE and checks that none of them
//! appears in the receipt or in any error message.

use minseal::minimise::{minimise, verify, MinimiseOptions};
use minseal::policy::Policy;
use zeroize::Zeroizing;

const POLICY: &str = r#"{"minseal_policy":1,"id":"t/markers","version":"1","title":"t","basis":"b","audience":"registrar",
 "rules":[
  {"path":"$.keep"},
  {"path":"$.ip","transform":{"op":"truncate_ip","v4":24,"v6":48}},
  {"path":"$.phone","transform":{"op":"mask","keep_last":2}},
  {"path":"$.h","transform":{"op":"hash"}},
  {"path":"$.typed","type":"integer"},
  {"path":"$.rel","category":"health_data"},
  {"path":"$.req","required":true}
 ],
 "forbidden":["$.secret","$..password"]}"#;

fn opts() -> MinimiseOptions {
    MinimiseOptions {
        hash_key: Some(Zeroizing::new(vec![3; 16])),
        ..Default::default()
    }
}

#[test]
fn markers_never_leak() {
    let p = Policy::from_json(POLICY.as_bytes()).unwrap();
    let markers: Vec<String> = (0..12).map(|i| format!("MARKER{i:02}XYZ")).collect();
    let m = &markers;
    let input = format!(
        r#"{{"keep":"ok","ip":"198.51.100.7","phone":"{m0}","h":"{m1}","typed":"{m2}","rel":"{m3}",
            "secret":{{"a":"{m4}","b":["{m5}"]}},"x":{{"password":"{m6}","y":"{m7}"}},"z":["{m8}",{{"w":"{m9}"}}],
            "req":"{m10}"}}"#,
        m0 = m[0],
        m1 = m[1],
        m2 = m[2],
        m3 = m[3],
        m4 = m[4],
        m5 = m[5],
        m6 = m[6],
        m7 = m[7],
        m8 = m[8],
        m9 = m[9],
        m10 = m[10]
    );
    let out = minimise(&p, input.as_bytes(), &opts()).unwrap();
    let receipt = out.receipt.to_json();
    let debug = format!("{:?}", out.receipt);
    for mk in m {
        assert!(!receipt.contains(mk.as_str()), "{mk} in {receipt}");
        assert!(!debug.contains(mk.as_str()));
    }
    // Removed members' keys do appear (they are paths, not values).
    assert!(receipt.contains("$.secret") && receipt.contains("$.x.password"));

    // Errors: missing required, strict forbidden, transform failure, verify.
    let errors = [
        minimise(&p, input.replace("\"req\"", "\"nreq\"").as_bytes(), &opts()).unwrap_err(),
        minimise(
            &p,
            input.as_bytes(),
            &MinimiseOptions {
                strict: true,
                ..opts()
            },
        )
        .unwrap_err(),
        minimise(
            &p,
            input.replace("198.51.100.7", &m[11]).as_bytes(),
            &opts(),
        )
        .unwrap_err(),
        minimise(
            &p,
            input
                .replace("\"ok\"", &format!("\"{}\" x", m[11]))
                .as_bytes(),
            &opts(),
        )
        .unwrap_err(),
    ];
    for e in &errors {
        let text = format!("{e} {e:?}");
        for mk in m {
            assert!(!text.contains(mk.as_str()), "{mk} in {text}");
        }
    }
    let v = verify(&p, input.as_bytes(), &opts()).unwrap();
    let text = format!("{v:?}");
    for mk in m {
        assert!(!text.contains(mk.as_str()), "{mk} in {text}");
    }
}
