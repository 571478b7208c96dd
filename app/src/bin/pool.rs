//! The pool bundle (capable persons and volunteer posts), served under `/pool`.

fn main() {
    app::start(app::app::PoolApp);
}
