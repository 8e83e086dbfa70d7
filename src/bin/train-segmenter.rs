//! The `train-segmenter` command: trains Soi's word segmenter; see `soi::wordseg::cli`.
#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    soi::wordseg::cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
