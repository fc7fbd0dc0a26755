//! The benchmark corpus generator's own tests (it lives with the benchmarks, not in the library).

#[allow(
    dead_code,
    reason = "the benchmarks use more of the generator than its tests do"
)]
#[path = "../examples/support/synth.rs"]
mod synth;
