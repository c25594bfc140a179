//! The `vuoro` binary: parse arguments, run, map errors to exit codes (0 ok, 1 targets not met, 2 bad input).

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
