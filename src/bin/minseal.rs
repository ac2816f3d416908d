//! The `minseal` command-line tool (being written).
fn main() {
    eprintln!("minseal: the CLI is not built yet");
    std::process::exit(2);
}
