package dev.cxq.bench;

import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --flink-conf key=value,key=value}: Flink options added to every run, to try tunings. */
final class FlinkConfOption {

    @Option(
            names = "--flink-conf",
            split = ",",
            paramLabel = "KEY=VALUE",
            description = "Flink options added to every run's configuration.")
    Map<String, String> overrides = new LinkedHashMap<>();

    LocalFlink localFlink() {
        return new LocalFlink(overrides);
    }
}
