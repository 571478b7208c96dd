//! The consultations bundle, served under `/consultations`.

fn main() {
    app::start(app::app::ConsultApp);
}
