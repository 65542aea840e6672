package dev.cxq.bench;

/**
 * When the machine is too busy for a figure to be trusted. Before the first run, the 1-minute load
 * average must be at most {@code maxLoadAverage}: later load averages include the benchmark's own
 * runs (the average decays over minutes), so they are reported but not judged. During each run, the
 * cores that other processes kept busy (the machine's CPU time minus the run's own, from {@code
 * /proc/stat}) must be at most {@code maxOtherCores}; that measure does not see the benchmark
 * itself.
 */
record BusyRule(double maxLoadAverage, double maxOtherCores) {

    boolean busyBefore(LoadAverage load) {
        return !(load.one() <= maxLoadAverage);
    }

    boolean busyDuring(Timed run) {
        return run.otherCores() > maxOtherCores;
    }
}
