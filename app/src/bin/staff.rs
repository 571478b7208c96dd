//! The staff bundle, served under `/staff`.

fn main() {
    app::start(app::app::StaffApp);
}
