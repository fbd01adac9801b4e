//! The page's wasm is linked with its relocations kept, so that `cargo xtask dist` can
//! split it into a main module and lazily loaded chunks (`xtask/src/split.rs`). Only the
//! page's own link: the JS API's module and every native build are left as they are.

fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=--emit-relocs");
    }
}
