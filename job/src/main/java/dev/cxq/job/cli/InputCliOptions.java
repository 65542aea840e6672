package dev.cxq.job.cli;

import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/** The input of a file replay: JSON Lines files (the other inputs: Kafka, demo, backfill). */
final class InputCliOptions {

    static final String INPUT = "--input";

    @Config(key = "input", rule = "an existing file or directory; exactly one input")
    @Option(
            names = INPUT,
            description =
                    "A .jsonl file, or a directory whose *.jsonl files are replayed."
                            + " Exactly one of --input and --kafka-bootstrap is required.")
    Path input;

    void validate(Problems problems) {
        if (input != null && !Files.exists(input)) {
            problems.add(problems.name(INPUT) + " does not exist: " + input);
        }
    }
}
