//! The `assess` command: parses arguments and hands over to [`assess::cli`].

fn main() -> std::process::ExitCode {
    assess::cli::main()
}
