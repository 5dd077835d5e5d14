//! The child-process runner for native plugins: speaks the framed protocol
//! of `hookcheck::featherfly::serve_runner` on stdin and stdout.

fn main() {
    std::process::exit(hookcheck::featherfly::serve_runner());
}
