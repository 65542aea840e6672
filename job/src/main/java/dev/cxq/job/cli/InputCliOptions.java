package dev.cxq.job.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The input of a file replay: JSON Lines files (the other inputs: Kafka, demo, backfill). */
final class InputCliOptions {

    @Config(key = "input", rule = "an existing file or directory; exactly one input")
    @Option(
            names = "--input",
            description =
                    "A .jsonl file, or a directory whose *.jsonl files are replayed."
                            + " Exactly one of --input and --kafka-bootstrap is required.")
    Path input;
}
