package dev.cxq.bench;

import picocli.CommandLine.Option;

import java.util.List;

/** {@code --backends}: the state backends a command measures, each in turn. */
final class BackendsOption {

    @Option(
            names = "--backends",
            split = ",",
            defaultValue = "rocksdb,hashmap",
            description = "State backends (default: ${DEFAULT-VALUE}).")
    List<String> names;
}
