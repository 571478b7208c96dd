//! The station desk's bundle, served under `/station`.

fn main() {
    app::start(app::app::StationApp);
}
