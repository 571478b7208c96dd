//! The reports' bundle, served under `/reports`.

fn main() {
    app::start(app::app::ReportsApp);
}
