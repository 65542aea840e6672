package dev.cxq.bench;

import jdk.jfr.EventType;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a job's task threads spend their CPU, from a Java Flight Recorder file: the execution
 * samples (threads running Java code) and the native-method samples (threads inside JNI, which is
 * where RocksDB's and ForSt's work is), each weighted by its sampling period, of Flink's task
 * threads only (named {@code "<operator chain> (1/1)#0"}); threads waiting for input are not
 * sampled. Samples are summed by thread, by area (the first frame outside the JDK decides: RocksDB,
 * serialization, Jackson, cxq's code...) and by their top frame.
 */
record CpuProfile(
        double total,
        Map<String, Double> threads,
        Map<String, Double> areas,
        Map<String, Double> frames) {

    private static final String EXECUTION = "jdk.ExecutionSample";
    private static final String NATIVE = "jdk.NativeMethodSample";

    /** Areas by the package of the first frame outside the JDK, most specific first. */
    private static final List<String[]> AREAS =
            List.of(
                    new String[] {"org.rocksdb.", "RocksDB / ForSt (JNI)"},
                    new String[] {"org.forstdb.", "RocksDB / ForSt (JNI)"},
                    new String[] {"com.fasterxml.jackson.", "Jackson (parse, canonical JSON)"},
                    new String[] {"org.apache.flink.api.common.typeutils.", "Flink serializers"},
                    new String[] {"org.apache.flink.api.java.typeutils.", "Flink serializers"},
                    new String[] {"org.apache.flink.core.memory.", "Flink serializers"},
                    new String[] {"dev.cxq.udf.model.", "cxq serializers and model"},
                    new String[] {
                        "org.apache.flink.streaming.api.operators.InternalTimer", "timers"
                    },
                    new String[] {"org.apache.flink.runtime.state.heap.", "heap state and timers"},
                    new String[] {
                        "org.apache.flink.contrib.streaming.state.", "Flink RocksDB state"
                    },
                    new String[] {"org.apache.flink.state.forst.", "Flink ForSt state"},
                    new String[] {
                        "org.apache.flink.runtime.asyncprocessing.", "async state runtime"
                    },
                    new String[] {"org.apache.flink.runtime.io.network.", "network stack"},
                    new String[] {"org.apache.flink.", "Flink runtime (other)"},
                    new String[] {"dev.cxq.bench.", "benchmark source and sinks"},
                    new String[] {"dev.cxq.", "cxq functions"});

    static CpuProfile read(Path jfr) throws IOException {
        Map<Long, String> typeNames = new HashMap<>();
        Map<String, Double> periods = new HashMap<>();
        try (RecordingFile file = new RecordingFile(jfr)) {
            for (EventType type : file.readEventTypes()) {
                typeNames.put(type.getId(), type.getName());
            }
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if ("jdk.ActiveSetting".equals(event.getEventType().getName())
                        && "period".equals(event.getString("name"))) {
                    String type = typeNames.get(event.getLong("id"));
                    double millis = periodMillis(event.getString("value"));
                    if (type != null && millis > 0) {
                        periods.put(type, millis);
                    }
                }
            }
        }
        double total = 0;
        Map<String, Double> threads = new HashMap<>();
        Map<String, Double> areas = new HashMap<>();
        Map<String, Double> frames = new HashMap<>();
        try (RecordingFile file = new RecordingFile(jfr)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                String type = event.getEventType().getName();
                if (!EXECUTION.equals(type) && !NATIVE.equals(type)) {
                    continue;
                }
                RecordedThread thread = event.getThread("sampledThread");
                RecordedStackTrace stack = event.getStackTrace();
                String name = thread == null ? null : thread.getJavaName();
                if (name == null || !name.contains(" (1/1)#") || stack == null) {
                    continue;
                }
                List<RecordedFrame> trace = stack.getFrames();
                if (trace.isEmpty()) {
                    continue;
                }
                double weight = periods.getOrDefault(type, 1.0);
                total += weight;
                threads.merge(name.substring(0, name.indexOf(" (1/1)#")), weight, Double::sum);
                areas.merge(area(trace), weight, Double::sum);
                frames.merge(method(trace.get(0)), weight, Double::sum);
            }
        }
        return new CpuProfile(total, sorted(threads), sorted(areas), sorted(frames));
    }

    private static String area(List<RecordedFrame> trace) {
        for (RecordedFrame frame : trace) {
            String type = frame.getMethod().getType().getName();
            if (type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.")) {
                continue;
            }
            for (String[] area : AREAS) {
                if (type.startsWith(area[0])) {
                    return area[1];
                }
            }
            return "other libraries";
        }
        return "JDK only";
    }

    private static String method(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
    }

    private static double periodMillis(String value) {
        String[] parts = value.trim().split("\\s+");
        try {
            double amount = Double.parseDouble(parts[0]);
            String unit = parts.length > 1 ? parts[1] : "ms";
            return switch (unit) {
                case "ns" -> amount / 1e6;
                case "us" -> amount / 1e3;
                case "s" -> amount * 1e3;
                default -> amount;
            };
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Map<String, Double> sorted(Map<String, Double> weights) {
        Map<String, Double> sorted = new LinkedHashMap<>();
        weights.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** Markdown tables: by thread, by area, and the {@code top} top frames, as shares. */
    String markdown(int top) {
        StringBuilder md = new StringBuilder();
        table(md, "task thread (operator chain)", threads, Integer.MAX_VALUE);
        table(md, "area (first frame outside the JDK)", areas, Integer.MAX_VALUE);
        table(md, "top frame (self time)", frames, top);
        return md.toString();
    }

    private void table(StringBuilder md, String title, Map<String, Double> weights, int top) {
        md.append("| ").append(title).append(" | share of task-thread samples |\n|---|---|\n");
        weights.entrySet().stream()
                .limit(top)
                .forEach(
                        e ->
                                md.append("| ")
                                        .append(e.getKey().replace("|", "\\|"))
                                        .append(" | ")
                                        .append(
                                                String.format(
                                                        Locale.ROOT,
                                                        "%.1f %%",
                                                        100 * e.getValue() / total))
                                        .append(" |\n"));
        md.append('\n');
    }
}
