//! The `clippings` binary: everything is in [`clippings::cli`].

fn main() -> std::process::ExitCode {
    clippings::cli::main()
}
