//! The `train-segmenter` command: trains Soi's word segmenter; see `soi::cli::train_segmenter`.
#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    soi::cli::train_segmenter::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
