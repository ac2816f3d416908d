//! The `minseal` command-line tool: argument parsing, files and streams, and calls into the
//! library (`minseal::api` and friends). No minimisation or sealing logic lives here.
//!
//! Exit codes: 0 success; 1 the input was refused (`ErrorCode::is_refusal`); 2 usage or I/O
//! error (clap's usage errors exit 2 too). Errors go to stderr as `error[code]: message`, with
//! one indented line per detail.
//!
//! `args` holds the clap definitions; each other module runs the subcommands of one area, and
//! `io` holds the file and stream handling they share.

mod args;
mod io;
mod keys;
mod open;
mod policy;
mod proof;
mod register;
mod register_args;
mod seal;
mod trust;

use args::{AckCommand, Cli, Command, PolicyCommand, ProofCommand, RegisterCommand};
use clap::Parser;
use minseal::Result;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            io::report(&e);
            if e.code().is_refusal() {
                ExitCode::from(1)
            } else {
                ExitCode::from(2)
            }
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Keygen(args) => keys::keygen(&args),
        Command::Pubkey { key } => keys::pubkey(key.as_deref()),
        Command::Thumbprint { key } => keys::thumbprint(key.as_deref()),
        Command::Minimise { policy, min, io } => policy::minimise(&policy, &min, &io),
        Command::Seal(args) => seal::seal(args),
        Command::Open(args) => open::open(args),
        Command::Verify {
            policy,
            json,
            input,
        } => policy::verify(&policy, json, input.as_deref()),
        Command::Policy(PolicyCommand::List { json }) => policy::list(json),
        Command::Policy(PolicyCommand::Show { policy, canonical }) => {
            policy::show(&policy, canonical)
        }
        Command::Policy(PolicyCommand::Lint { file }) => policy::lint(&file),
        Command::Proof(ProofCommand::Export(args)) => proof::export(&args),
        Command::Proof(ProofCommand::Verify(args)) => proof::verify(&args),
        Command::Register(RegisterCommand::New(args)) => register::new(&args),
        Command::Register(RegisterCommand::Add(args)) => register::add(&args),
        Command::Register(RegisterCommand::Revoke(args)) => register::revoke(&args),
        Command::Register(RegisterCommand::Sign(args)) => register::sign(&args),
        Command::Register(RegisterCommand::Verify(args)) => register::verify(&args),
        Command::Register(RegisterCommand::Show(args)) => register::show(&args),
        Command::Register(RegisterCommand::Find(args)) => register::find(&args),
        Command::Ack(AckCommand::Verify(args)) => register::ack_verify(&args),
    }
}
