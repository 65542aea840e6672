package dev.cxq.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * Where the CPU goes in a recorded run: reads a Java Flight Recorder file (a {@code run} started
 * with {@code -XX:StartFlightRecording=filename=...,settings=profile}) and prints {@link
 * CpuProfile}'s tables.
 */
@Command(
        name = "profile",
        description = "Task-thread CPU by thread, area and top frame, from a JFR recording.",
        mixinStandardHelpOptions = true)
final class ProfileCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "The .jfr file.")
    Path recording;

    @Option(names = "--top", defaultValue = "15", description = "Top frames listed.")
    int top;

    @Override
    public Integer call() throws Exception {
        System.out.print(CpuProfile.read(recording).markdown(top));
        return 0;
    }
}
