import Foundation

/// How long the tests give a dashboard or a projection run to stop after `q` or a signal
/// while a handler spins or a FIFO waits.
///
/// The runaway cases would otherwise run for ten minutes (or forever), so any bound far below
/// that proves the stop does not wait for them. The product's target is one second; a unit
/// test on a loaded 2-core machine cannot time that honestly (tmux round-trips alone take
/// hundreds of milliseconds at load 20), so the latency itself is measured by
/// `Benchmarks/quit-latency.sh` and recorded in docs/BENCHMARKS.md. Set
/// `REWIND_TEST_QUIT_SECONDS=1` to hold the tests to the target on a quiet machine.
enum QuitBound {
    static let seconds: Double = 15
}
