package dev.cxq.bench;

import dev.cxq.job.CxqPipeline;
import dev.cxq.job.cli.Defaults;
import dev.cxq.job.sink.webhook.WebhookSettings;
import dev.cxq.udf.model.RawRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * State size and checkpoint duration of this build's topology on RocksDB: it loads N active
 * sessions, keeps the job alive and reads the first full checkpoint taken after the load from the
 * REST API of the local cluster, with the dedup operator's part of it.
 */
@Command(
        name = "state",
        description = "Checkpoint size and duration with N active sessions; figures logged.",
        mixinStandardHelpOptions = true)
final class StateCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(
            names = "--sessions",
            split = ",",
            defaultValue = "10000,100000",
            description = "Active sessions, one run each (default: ${DEFAULT-VALUE}).")
    List<Integer> sessions;

    @Option(
            names = "--steps",
            defaultValue = "6",
            description = "Samples loaded per session (default: ${DEFAULT-VALUE}).")
    int steps;

    @Mixin FlinkConfOption flinkConf;

    /** A checkpoint with {@code sessions} active sessions after {@code dedupEntries} events. */
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

    @Override
    public Integer call() throws Exception {
        for (int active : sessions) {
            StateRun run = run(new SampleStream(active, BenchMain.SEED));
            System.out.printf(
                    Locale.ROOT,
                    "state %d sessions: %d bytes (dedup %d, %.1f B per entry), %.0f B per"
                            + " session, checkpoint %d ms%n",
                    run.sessions(),
                    run.stateBytes(),
                    run.dedupBytes(),
                    run.bytesPerDedupEntry(),
                    run.bytesPerSession(),
                    run.durationMillis());
        }
        return 0;
    }

    private StateRun run(SampleStream stream) throws Exception {
        long loaded = stream.count(steps);
        int port = freePort();
        Path checkpoints = Files.createTempDirectory("cxq-bench-chk");
        Configuration conf =
                flinkConf
                        .localFlink()
                        .configuration(
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
                        Defaults.pipelineSettings(),
                        WebhookSettings.none())
                .build(env);
        LoadThenIdle.reset();
        JobClient job = env.executeAsync("cxq state " + stream.sessions());
        try {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://localhost:" + port + "/jobs/" + job.getJobID();
            while (true) {
                // Polls the REST API: the checkpoint is taken by the cluster, on its own schedule.
                Thread.sleep(500);
                long loadedAt = LoadThenIdle.loadedAtMillis();
                if (loadedAt == 0) {
                    continue;
                }
                for (JsonNode checkpoint : get(http, base + "/checkpoints").path("history")) {
                    if ("COMPLETED".equals(checkpoint.path("status").asText())
                            && checkpoint.path("trigger_timestamp").asLong() > loadedAt) {
                        return new StateRun(
                                stream.sessions(),
                                checkpoint.path("state_size").asLong(),
                                checkpoint.path("end_to_end_duration").asLong(),
                                loaded,
                                dedupStateBytes(http, base, checkpoint.path("id").asLong()));
                    }
                }
            }
        } finally {
            job.cancel().get();
        }
    }

    /** Checkpointed state size of the dedup operator's vertex in checkpoint {@code id}. */
    private static long dedupStateBytes(HttpClient http, String base, long id) throws Exception {
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
