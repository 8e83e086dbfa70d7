//! The page's entry point (built by trunk for wasm32; empty natively).
fn main() {
    #[cfg(target_arch = "wasm32")]
    soi::web::page::start();
}
