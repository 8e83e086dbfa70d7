//! The `train-entities` command: trains Soi's entity model; see `soi::cli::train_entities`.
#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    soi::cli::train_entities::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
