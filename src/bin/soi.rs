//! The `soi` command: the engine from a terminal. Flags and glue only; see `soi::cli`.
#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    soi::cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
