//! The `assess` binary: parses the command line and hands over to the library.

fn main() -> std::process::ExitCode {
    // Writing into a closed pipe (`assess … | head`) should end the program quietly, as other
    // command-line tools do, not panic.
    #[cfg(unix)]
    // SAFETY: restoring the default action of one signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    assess::cli::main()
}
