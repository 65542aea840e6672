package dev.cxq.bench;

import dev.cxq.job.CxqPipeline;
import dev.cxq.job.PipelineSettings;
import dev.cxq.job.sink.webhook.WebhookSettings;
import dev.cxq.udf.model.RawRecord;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.util.Statistics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs every benchmark of cxq on the same generated input, prints a table and writes it to {@code
 * docs/benchmarks.md}. Options ({@code --name value}): {@code sessions} (concurrent sessions of the
 * throughput runs, 10000), {@code steps} (5 s steps per session, 60), {@code repeats} (3), {@code
 * state-sessions} (comma-separated, 10000,100000), {@code state-steps} (6), {@code output}, {@code
 * topology-only} (true: only the full topology, logged, no report), {@code backends}
 * (comma-separated, for {@code topology-only}: rocksdb,hashmap), {@code state-only} (true: only the
 * state runs, logged, no report).
 */
public final class BenchMain {

    static final long SEED = 20_260_101L;

    private static final long STATE_ACCESS_RECORDS = 1_000_000;
    private static final int[] STATE_ACCESS_PAIRS = {0, 2, 4};

    private static final PipelineSettings SETTINGS = PipelineSettings.defaults();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Flink options of every run from {@code --flink-conf key=value,key=value}, to try tunings. */
    private static final Map<String, String> FLINK_CONF = new HashMap<>();

    private BenchMain() {}

    /**
     * One timed job: events in, wall-clock and process CPU seconds, and the CPU seconds of the JIT
     * compiler threads among them (0 where they could not be told apart).
     */
    record Timed(long events, double wallSeconds, double cpuSeconds, double jitCpuSeconds) {
        double perSecond() {
            return events / wallSeconds;
        }

        double perCpuSecond() {
            return events / cpuSeconds;
        }

        /** The steady-state figure: a long-running job compiles its hot code once. */
        double perCpuSecondWithoutJit() {
            return events / (cpuSeconds - jitCpuSeconds);
        }
    }

    /**
     * Checkpoint of a job holding {@code sessions} active sessions after {@code dedupEntries}
     * distinct events: the whole state, and the part of it that is the dedup operator's.
     */
    record StateRun(
            int sessions,
            long stateBytes,
            long durationMillis,
            long dedupEntries,
            long dedupBytes) {

        /** Keyed state per session, without the dedup (which grows with events, not sessions). */
        double bytesPerSession() {
            return (double) (stateBytes - dedupBytes) / sessions;
        }

        double bytesPerDedupEntry() {
            return (double) dedupBytes / dedupEntries;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        int sessions = Integer.parseInt(options.getOrDefault("sessions", "10000"));
        int steps = Integer.parseInt(options.getOrDefault("steps", "60"));
        int repeats = Integer.parseInt(options.getOrDefault("repeats", "3"));
        int stateSteps = Integer.parseInt(options.getOrDefault("state-steps", "6"));
        String stateSessions = options.getOrDefault("state-sessions", "10000,100000");
        Path output = Path.of(options.getOrDefault("output", "docs/benchmarks.md"));
        for (String pair : options.getOrDefault("flink-conf", "").split(",")) {
            if (!pair.isBlank()) {
                String[] kv = pair.split("=", 2);
                FLINK_CONF.put(kv[0].trim(), kv[1].trim());
            }
        }

        if (Boolean.parseBoolean(options.getOrDefault("topology-only", "false"))) {
            // A quick before/after check of a change: the full topology only, figures logged.
            SampleStream stream = new SampleStream(sessions, SEED);
            Report scratch = new Report(sessions, steps, repeats);
            String[] backends = options.getOrDefault("backends", "rocksdb,hashmap").split(",");
            for (int r = 0; r < repeats; r++) {
                for (String backend : backends) {
                    runCxq(stream, steps, backend.trim(), scratch);
                }
            }
            return;
        }
        // Keys of the state-access runs: by default as many as the largest default state run.
        int stateAccessKeys = Integer.parseInt(options.getOrDefault("state-access-keys", "100000"));
        if (Boolean.parseBoolean(options.getOrDefault("state-access-only", "false"))) {
            for (String backend : options.getOrDefault("backends", "rocksdb,hashmap").split(",")) {
                stateAccess(backend.trim(), stateAccessKeys);
            }
            return;
        }
        if (Boolean.parseBoolean(options.getOrDefault("state-only", "false"))) {
            // State growth to sizes the full report's time would not allow, figures logged.
            for (String n : stateSessions.split(",")) {
                runState(new SampleStream(Integer.parseInt(n.trim()), SEED), stateSteps);
            }
            return;
        }
        Report report = new Report(sessions, steps, repeats);
        report.loadBefore = loadAverage();
        SampleStream stream = new SampleStream(sessions, SEED);

        report.generatorOnly = generatorOnly(stream, steps, repeats);
        report.parseOnly = parseOnly(sessions, repeats);
        for (int r = 0; r < repeats; r++) {
            for (String backend : List.of("rocksdb", "hashmap")) {
                report.cxq
                        .computeIfAbsent(backend, b -> new ArrayList<>())
                        .add(runCxq(stream, steps, backend, report));
                report.cep
                        .computeIfAbsent(backend, b -> new ArrayList<>())
                        .add(runCep(stream, steps, backend, report));
            }
        }
        for (String backend : List.of("rocksdb", "hashmap")) {
            report.stateAccess.put(backend, stateAccess(backend, stateAccessKeys));
        }
        report.stateAccessKeys = stateAccessKeys;
        for (String n : stateSessions.split(",")) {
            int active = Integer.parseInt(n.trim());
            report.state.add(runState(new SampleStream(active, SEED), stateSteps));
        }
        report.stateSteps = stateSteps;
        report.loadAfter = loadAverage();

        String markdown = report.markdown();
        System.out.println(markdown);
        Files.createDirectories(output.toAbsolutePath().getParent());
        Files.writeString(output, markdown + handWritten(output));
        System.out.println("Written to " + output.toAbsolutePath());
    }

    /** The part of {@code page} from {@link Report#HAND_WRITTEN} on, which a run keeps. */
    static String handWritten(Path page) throws IOException {
        if (!Files.exists(page)) {
            return "";
        }
        String text = Files.readString(page);
        int from = text.indexOf(Report.HAND_WRITTEN);
        return from < 0 ? "" : "\n" + text.substring(from);
    }

    private static List<StateAccessCost.Point> stateAccess(String backend, int keys)
            throws Exception {
        List<StateAccessCost.Point> points =
                StateAccessCost.measure(backend, keys, STATE_ACCESS_RECORDS, STATE_ACCESS_PAIRS);
        for (StateAccessCost.Point point : points) {
            log("state access " + backend + " x" + point.pairs(), point.timed());
        }
        System.out.printf(
                Locale.ROOT,
                "state access %s: %.2f µs per get + update pair%n",
                backend,
                StateAccessCost.microsPerPair(points));
        return points;
    }

    private static List<Double> generatorOnly(SampleStream stream, int steps, int repeats) {
        long count = Math.min(stream.count(steps), 1_000_000);
        List<Double> rates = new ArrayList<>();
        long sink = 0;
        for (int r = 0; r < repeats + 1; r++) {
            long start = System.nanoTime();
            for (long i = 0; i < count; i++) {
                sink += stream.payload(i).length();
            }
            if (r > 0) { // the first pass warms the JIT up
                rates.add(count / ((System.nanoTime() - start) / 1e9));
            }
        }
        if (sink == 42) {
            System.out.println(); // keeps the loop from being optimised away
        }
        return rates;
    }

    private static Statistics parseOnly(int sessions, int repeats) throws Exception {
        Options jmh =
                new OptionsBuilder()
                        // The parse alone, as the issue asks, not decode() with shape detection.
                        .include(ParseBenchmark.class.getName() + "\\.parse$")
                        .param("sessions", Integer.toString(sessions))
                        .forks(1)
                        .warmupIterations(3)
                        .warmupTime(TimeValue.seconds(1))
                        .measurementIterations(Math.max(3, repeats))
                        .measurementTime(TimeValue.seconds(2))
                        .build();
        Collection<RunResult> results = new Runner(jmh).run();
        return results.iterator().next().getPrimaryResult().getStatistics();
    }

    private static Timed runCxq(SampleStream stream, int steps, String backend, Report report)
            throws Exception {
        long count = stream.count(steps);
        StreamExecutionEnvironment env = localEnvironment(backend, Map.of());
        new CxqPipeline(
                        source(stream, count),
                        new DiscardingCxqSinks(
                                new LatencyProbeSink(
                                        stream,
                                        SETTINGS.maxOutOfOrderness(),
                                        stream.timestampOf(count - 1))),
                        SETTINGS,
                        WebhookSettings.none())
                .build(env);
        CountingDiscardSink.reset();
        LatencyProbeSink.drain();
        EmissionClock.install(count);
        Timed timed = timed(count, () -> env.execute("cxq " + backend));
        EmissionClock.uninstall();
        LatencyProbeSink.Latencies latencies = LatencyProbeSink.drain();
        report.latencies.add(latencies);
        report.cxqIncidents = latencies.fired();
        report.rows = CountingDiscardSink.counts();
        log("cxq " + backend, timed);
        return timed;
    }

    private static Timed runCep(SampleStream stream, int steps, String backend, Report report)
            throws Exception {
        long count = stream.count(steps);
        StreamExecutionEnvironment env = localEnvironment(backend, Map.of());
        CepBaseline.build(
                env,
                source(stream, count),
                SETTINGS.maxOutOfOrderness(),
                SETTINGS.qualityThresholds(),
                new CountingDiscardSink<>("incidents"));
        CountingDiscardSink.reset();
        Timed timed = timed(count, () -> env.execute("cep " + backend));
        report.cepIncidents = CountingDiscardSink.counts().getOrDefault("incidents", 0L);
        log("cep " + backend, timed);
        return timed;
    }

    /**
     * Loads {@code sessions} active sessions ({@code steps} steps each) into the full topology on
     * RocksDB, keeps the job alive and reads the first full checkpoint taken after the load from
     * the REST API of the local cluster.
     */
    private static StateRun runState(SampleStream stream, int steps) throws Exception {
        long loaded = stream.count(steps);
        int port = freePort();
        Path checkpoints = Files.createTempDirectory("cxq-bench-chk");
        Configuration conf =
                configuration(
                        "rocksdb",
                        Map.of(
                                "execution.checkpointing.interval",
                                "2 s",
                                "execution.checkpointing.incremental",
                                "false",
                                "execution.checkpointing.dir",
                                checkpoints.toUri().toString(),
                                "rest.port",
                                Integer.toString(port)));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        DataGeneratorSource<RawRecord> source =
                new DataGeneratorSource<>(
                        new IdleTail(stream, loaded),
                        Long.MAX_VALUE,
                        new LoadThenIdle(),
                        TypeInformation.of(RawRecord.class));
        new CxqPipeline(
                        source,
                        new DiscardingCxqSinks(new CountingDiscardSink<>("quality_alerts")),
                        SETTINGS,
                        WebhookSettings.none())
                .build(env);
        LoadThenIdle.reset();
        JobClient job = env.executeAsync("cxq state " + stream.sessions());
        try {
            HttpClient http = HttpClient.newHttpClient();
            URI uri =
                    URI.create(
                            "http://localhost:"
                                    + port
                                    + "/jobs/"
                                    + job.getJobID()
                                    + "/checkpoints");
            while (true) {
                Thread.sleep(500);
                long loadedAt = LoadThenIdle.loadedAtMillis();
                if (loadedAt == 0) {
                    continue;
                }
                JsonNode stats =
                        JSON.readTree(
                                http.send(
                                                HttpRequest.newBuilder(uri).build(),
                                                HttpResponse.BodyHandlers.ofString())
                                        .body());
                for (JsonNode checkpoint : stats.path("history")) {
                    if ("COMPLETED".equals(checkpoint.path("status").asText())
                            && checkpoint.path("trigger_timestamp").asLong() > loadedAt) {
                        StateRun run =
                                new StateRun(
                                        stream.sessions(),
                                        checkpoint.path("state_size").asLong(),
                                        checkpoint.path("end_to_end_duration").asLong(),
                                        loaded,
                                        dedupStateBytes(
                                                http, port, job, checkpoint.path("id").asLong()));
                        System.out.printf(
                                Locale.ROOT,
                                "state %d sessions: %d bytes (dedup %d), checkpoint %d ms%n",
                                run.sessions(),
                                run.stateBytes(),
                                run.dedupBytes(),
                                run.durationMillis());
                        return run;
                    }
                }
            }
        } finally {
            job.cancel().get();
        }
    }

    /** Checkpointed state size of the dedup operator's vertex in checkpoint {@code id}. */
    private static long dedupStateBytes(HttpClient http, int port, JobClient job, long id)
            throws Exception {
        String base = "http://localhost:" + port + "/jobs/" + job.getJobID();
        String dedupVertex = null;
        for (JsonNode vertex : get(http, base).path("vertices")) {
            if (vertex.path("name").asText().contains("Drop redelivered events")) {
                dedupVertex = vertex.path("id").asText();
            }
        }
        JsonNode tasks = get(http, base + "/checkpoints/details/" + id).path("tasks");
        if (dedupVertex == null || !tasks.has(dedupVertex)) {
            throw new IllegalStateException("no dedup vertex in checkpoint " + id + ": " + tasks);
        }
        return tasks.path(dedupVertex).path("state_size").asLong();
    }

    private static JsonNode get(HttpClient http, String uri) throws Exception {
        return JSON.readTree(
                http.send(
                                HttpRequest.newBuilder(URI.create(uri)).build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
    }

    interface Job {
        JobExecutionResult run() throws Exception;
    }

    static Timed timed(long events, Job job) throws Exception {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean)
                        ManagementFactory.getOperatingSystemMXBean();
        ThreadCpu threads = ThreadCpu.start();
        long cpuBefore = os.getProcessCpuTime();
        JobExecutionResult result = job.run();
        long cpu = os.getProcessCpuTime() - cpuBefore;
        double jit = threads == null ? 0 : threads.stop().get(ThreadCpu.Kind.JIT);
        return new Timed(events, result.getNetRuntime() / 1e3, cpu / 1e9, jit);
    }

    private static DataGeneratorSource<RawRecord> source(SampleStream stream, long count) {
        return new DataGeneratorSource<>(
                stream, count, RateLimiterStrategy.noOp(), TypeInformation.of(RawRecord.class));
    }

    static StreamExecutionEnvironment localEnvironment(String backend, Map<String, String> extra) {
        return StreamExecutionEnvironment.createLocalEnvironment(configuration(backend, extra));
    }

    private static Configuration configuration(String backend, Map<String, String> extra) {
        Map<String, String> conf = new HashMap<>();
        conf.put("execution.runtime-mode", "STREAMING");
        conf.put("parallelism.default", "1");
        conf.put("state.backend.type", backend);
        conf.put("state.backend.rocksdb.localdir", "/tmp/cxq-bench-rocksdb");
        // As the job's streaming runs configure it (CheckpointCliOptions).
        conf.put("state.backend.rocksdb.timer-service.factory", "HEAP");
        conf.putAll(FLINK_CONF);
        conf.putAll(extra);
        return Configuration.fromMap(conf);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void log(String name, Timed timed) {
        System.out.printf(
                Locale.ROOT,
                "%s: %d events in %.1f s wall, %.1f s CPU (JIT %.1f s): %.0f events/s, %.0f"
                        + " events/CPU-s, %.0f without JIT%n",
                name,
                timed.events(),
                timed.wallSeconds(),
                timed.cpuSeconds(),
                timed.jitCpuSeconds(),
                timed.perSecond(),
                timed.perCpuSecond(),
                timed.perCpuSecondWithoutJit());
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + ", " + parts[1] + ", " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("expected --name value, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }
}
