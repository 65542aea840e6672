package dev.cxq.bench;

import picocli.CommandLine.Option;

/** The generated input of a run: how many concurrent sessions, how many 5 s steps each. */
final class InputOptions {

    @Option(
            names = "--sessions",
            defaultValue = "10000",
            description = "Concurrent sessions (default: ${DEFAULT-VALUE}).")
    int sessions;

    @Option(
            names = "--steps",
            defaultValue = "60",
            description = "5-second steps of every session slot (default: ${DEFAULT-VALUE}).")
    int steps;

    SampleStream stream() {
        return new SampleStream(sessions, BenchMain.SEED);
    }
}
