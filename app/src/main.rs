//! The residents' bundle.

fn main() {
    app::start(app::app::App);
}
