package dev.cxq.bench;

import picocli.CommandLine.Option;

/** The generated input of a run: how many concurrent sessions, how many 5 s steps each. */
final class InputOptions {

    @Option(
            names = "--sessions",
            defaultValue = "10000",
            description = "Concurrent sessions (default: ${DEFAULT-VALUE}).")
    int sessions;

    // Two sessions' lifetimes: at 60 steps the second half of the input still ran code the JIT had
    // not finished compiling (B: 64,000-70,000 events/CPU-s there, 85,000-98,000 at 120 and 180
    // steps, 2026-12-01).
    @Option(
            names = "--steps",
            defaultValue = "120",
            description = "5-second steps of every session slot (default: ${DEFAULT-VALUE}).")
    int steps;

    SampleStream stream() {
        return new SampleStream(sessions, BenchMain.SEED);
    }
}
