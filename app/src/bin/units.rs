//! The service-ratings bundle, served under `/units`.

fn main() {
    app::start(app::app::UnitsApp);
}
