package dev.cxq.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What one timed job produced: its timing, the degradation alerts it fired on the input, their
 * detection latency (NaN where not measured) and the rows per output table. A child JVM hands it to
 * the A/B driver as a properties file, which needs nothing from either job jar.
 */
record RunResult(
        BenchJob job,
        String backend,
        Timed timed,
        long alertsFired,
        double latencyP50Millis,
        double latencyP99Millis,
        Map<String, Long> rows) {

    private static final String ROWS = "rows.";

    void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("job", job.name());
        p.setProperty("backend", backend);
        p.setProperty("events", Long.toString(timed.events()));
        p.setProperty("wallSeconds", Double.toString(timed.wallSeconds()));
        p.setProperty("windowSeconds", Double.toString(timed.windowSeconds()));
        p.setProperty("cpuSeconds", Double.toString(timed.cpuSeconds()));
        p.setProperty("jitCpuSeconds", Double.toString(timed.jitCpuSeconds()));
        p.setProperty("machineCpuSeconds", Double.toString(timed.machineCpuSeconds()));
        p.setProperty("secondHalfCpuSeconds", Double.toString(timed.secondHalfCpuSeconds()));
        p.setProperty("secondHalfJitCpuSeconds", Double.toString(timed.secondHalfJitCpuSeconds()));
        p.setProperty("alertsFired", Long.toString(alertsFired));
        p.setProperty("latencyP50Millis", Double.toString(latencyP50Millis));
        p.setProperty("latencyP99Millis", Double.toString(latencyP99Millis));
        rows.forEach((table, count) -> p.setProperty(ROWS + table, Long.toString(count)));
        try (Writer out = Files.newBufferedWriter(file)) {
            p.store(out, null);
        }
    }

    static RunResult read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        Map<String, Long> rows = new TreeMap<>();
        for (String key : p.stringPropertyNames()) {
            if (key.startsWith(ROWS)) {
                rows.put(key.substring(ROWS.length()), Long.parseLong(p.getProperty(key)));
            }
        }
        return new RunResult(
                BenchJob.valueOf(p.getProperty("job")),
                p.getProperty("backend"),
                new Timed(
                        Long.parseLong(p.getProperty("events")),
                        Double.parseDouble(p.getProperty("wallSeconds")),
                        Double.parseDouble(p.getProperty("windowSeconds")),
                        Double.parseDouble(p.getProperty("cpuSeconds")),
                        Double.parseDouble(p.getProperty("jitCpuSeconds")),
                        Double.parseDouble(p.getProperty("machineCpuSeconds")),
                        Double.parseDouble(p.getProperty("secondHalfCpuSeconds")),
                        Double.parseDouble(p.getProperty("secondHalfJitCpuSeconds"))),
                Long.parseLong(p.getProperty("alertsFired")),
                Double.parseDouble(p.getProperty("latencyP50Millis")),
                Double.parseDouble(p.getProperty("latencyP99Millis")),
                rows);
    }
}
