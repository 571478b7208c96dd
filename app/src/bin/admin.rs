//! The street office's bundle, served under `/admin`.

fn main() {
    app::start(app::app::AdminApp);
}
