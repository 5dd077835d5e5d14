//! A Lesstruct plugin's memory layout: Rust's default wasm32 layout puts
//! the stack in [0, 1 MiB), over the host's answer area (4096) and input
//! area (65536). Data goes to 2 MiB instead, with the stack above it
//! (hookcheck's LS-MEM-007 checks this).

fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        for arg in ["--no-stack-first", "--global-base=2097152"] {
            println!("cargo::rustc-link-arg={arg}");
        }
    }
}
