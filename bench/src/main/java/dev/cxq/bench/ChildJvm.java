package dev.cxq.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts {@link BenchMain} in a new JVM whose classpath is a job jar, then the harness (this
 * module's classes and what the job jar lacks: CEP, JMH). Each run gets its own JVM, so two
 * releases never share classes, JIT profile or heap. The child's output goes to a log file.
 */
record ChildJvm(Path harnessJar, List<String> jvmOptions, Path logDir) {

    /** A child that did not exit 0, with the end of its log. */
    static final class Failed extends Exception {
        private static final long serialVersionUID = 1L;

        Failed(String message) {
            super(message);
        }
    }

    /**
     * Runs {@code args} with {@code jobJar} on the classpath; returns the properties file the child
     * was told to write with {@code --result}.
     */
    Path run(Path jobJar, String name, List<String> args)
            throws IOException, InterruptedException, Failed {
        Files.createDirectories(logDir);
        Path result = logDir.resolve(name + ".properties");
        Path log = logDir.resolve(name + ".log");
        Files.deleteIfExists(result);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(jobJar + java.io.File.pathSeparator + harnessJar);
        command.add(BenchMain.class.getName());
        command.addAll(args);
        command.add("--result");
        command.add(result.toString());
        Process child =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        int exit = child.waitFor();
        if (exit != 0 || !Files.exists(result)) {
            List<String> lines = Files.readAllLines(log);
            String tail =
                    String.join("\n", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
            throw new Failed(name + " exited " + exit + " (" + log + "): " + tail);
        }
        return result;
    }
}
