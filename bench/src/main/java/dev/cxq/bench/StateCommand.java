package dev.cxq.bench;

import dev.cxq.udf.model.RawRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamGraphHasherV2;
import org.apache.flink.streaming.api.graph.StreamNode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * The checkpointed state of the job jar's topology ({@link ReleaseTopology}: whatever {@code
 * CxqPipeline} the classpath holds) on RocksDB with N concurrent sessions, per operator. The source
 * loads the same stream in phases ({@link PhasedLoad}); after each, a checkpoint is triggered
 * through the local cluster's REST API (its duration is what a barrier costs), then a savepoint in
 * the canonical format whose {@code _metadata} gives every operator's state size. Both wait for the
 * watermark at the session operator to reach the load's last event time minus the watermark bound,
 * so that every load holds the same samples on the heap (those the watermark has not passed, about
 * two per session), and the sizes depend on the state only: a full checkpoint of RocksDB copies its
 * SST files, whose overwritten values compaction may or may not have dropped yet (the same build
 * read 42.7 and 71.1 MB for the session operator at the same watermark, 2026-12-01). {@link
 * StateSize} turns the loads into bytes kept per event and per active session, and extrapolates
 * them to 1,000,000 sessions and the 48 h retention.
 */
@Command(
        name = "state",
        description =
                "Checkpointed state per operator with N sessions after each load; figures logged"
                        + " and written to --result.",
        mixinStandardHelpOptions = true)
final class StateCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String OPERATOR_STATE = " (operator state)";

    /**
     * One session's lifetime ({@link SampleStream#LIFE_STEPS}): before it, every open session is
     * younger than it will be, and the growth of its state between two loads (its sample slots,
     * statistics, held samples) looks like state kept per event: with short session ids, 6 → 12
     * steps read 4.4 B per event for the session operator, 60 → 120 steps 0.90 (2026-12-01). From
     * one lifetime on, the sessions' ages are spread evenly and only what outlives a session grows.
     */
    static final int MIN_FIRST_LOAD_STEPS = SampleStream.LIFE_STEPS;

    /**
     * The default sessions and loads, also those of the A/B page's state runs: seven loads over
     * three lifetimes, so that an ended session's record (about 100 B in 20,000 sessions' state of
     * some 9 MB) grows by 6 MB over the loads against the 1 MB by which the open sessions' values
     * vary with where the watermarks fell (one lifetime: 1.79 and 2.46 B per event in two runs,
     * three: 1.53, 2026-12-01).
     */
    static final String DEFAULT_SESSIONS = "20000";

    static final String DEFAULT_STEPS = "60,90,120,150,180,210,240";

    /** The operator whose input watermark a checkpoint waits for: it holds events up to it. */
    static final String SESSION_QUALITY = "session-quality";

    /** How long a load may take to reach the session operator's watermark before the run fails. */
    private static final long WATERMARK_TIMEOUT_MILLIS = 300_000;

    @Option(
            names = "--sessions",
            defaultValue = DEFAULT_SESSIONS,
            description = "Concurrent sessions (default: ${DEFAULT-VALUE}).")
    int sessions;

    @Option(
            names = "--steps",
            split = ",",
            defaultValue = DEFAULT_STEPS,
            description =
                    "Loads, in 5 s steps of every session, after which a checkpoint is taken; at"
                            + " least two, increasing (default: ${DEFAULT-VALUE}).")
    List<Integer> steps;

    @Option(
            names = "--incremental",
            description =
                    "Sizes from incremental checkpoints (RocksDB's compressed SST files, as"
                            + " deployed, with what compaction has not yet dropped) instead of"
                            + " canonical savepoints (every entry once, uncompressed).")
    boolean incremental;

    @Option(
            names = "--dedup-operators",
            split = ",",
            defaultValue = "dedup-events,session-quality",
            description =
                    "Uids of the operators that deduplicate (by event id, or inside the session's"
                            + " state): what they keep per event is the dedup state"
                            + " (default: ${DEFAULT-VALUE}).")
    List<String> dedupOperators;

    @Option(
            names = "--short-ids",
            description =
                    "The throughput runs' short event and session ids (e-<index>,"
                            + " s<slot>-<generation>) instead of UUIDs, as producers send them.")
    boolean shortIds;

    @Option(names = "--result", description = "Properties file the figures are written to.")
    Path result;

    @Mixin FlinkConfOption flinkConf;

    @Override
    public Integer call() throws Exception {
        if (steps.size() < 2 || steps.get(0) < MIN_FIRST_LOAD_STEPS) {
            throw new IllegalArgumentException(
                    "--steps needs two loads at least, the first of "
                            + MIN_FIRST_LOAD_STEPS
                            + " steps or more: "
                            + steps);
        }
        StateSize size = measure(new SampleStream(sessions, BenchMain.SEED, !shortIds));
        log(size);
        if (result != null) {
            size.write(result);
        }
        return 0;
    }

    private StateSize measure(SampleStream stream) throws Exception {
        int port = freePort();
        Path checkpoints = Files.createTempDirectory("cxq-bench-chk");
        Configuration conf =
                flinkConf
                        .localFlink()
                        .configuration(
                                "rocksdb",
                                Map.of(
                                        // Only the checkpoints triggered below.
                                        "execution.checkpointing.interval",
                                        "1 h",
                                        "execution.checkpointing.num-retained",
                                        "10",
                                        "execution.checkpointing.incremental",
                                        Boolean.toString(incremental),
                                        "execution.checkpointing.dir",
                                        checkpoints.toUri().toString(),
                                        "rest.port",
                                        Integer.toString(port),
                                        // The watermark polled before each checkpoint: fresh
                                        // within a second rather than the default 10 s.
                                        "metrics.fetcher.update-interval",
                                        "500 ms"));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        PhasedLoad load = new PhasedLoad(stream);
        DataGeneratorSource<RawRecord> source =
                new DataGeneratorSource<>(
                        load, Long.MAX_VALUE, load, TypeInformation.of(RawRecord.class));
        Duration bound =
                ReleaseTopology.build(
                        env, source, b -> new CountingDiscardSink<>("quality_alerts"));
        StreamGraph graph = env.getStreamGraph();
        Map<OperatorID, String> uids = operatorUids(graph);
        String sessionVertex = vertexOf(SESSION_QUALITY, uids);
        PhasedLoad.reset();
        JobClient job = env.executeAsync(graph);
        List<StateSize.Load> loads = new ArrayList<>();
        try {
            Rest rest = new Rest("http://localhost:" + port + "/jobs/" + job.getJobID());
            for (int upTo : steps) {
                long events = stream.count(upTo);
                PhasedLoad.release(events);
                while (PhasedLoad.emitted() < events) {
                    // The source runs on the cluster's threads; nothing to wait on but its count.
                    Thread.sleep(200);
                }
                // Bounded out-of-orderness: the source's watermark is the largest event time
                // minus the bound minus 1 ms, so it ends there once the load is out.
                long watermark = stream.timestampOf(events - 1) - bound.toMillis() - 1;
                rest.awaitWatermark(sessionVertex, watermark);
                JsonNode checkpoint = rest.checkpoint();
                Path dir =
                        incremental
                                ? Path.of(URI.create(checkpoint.path("external_path").asText()))
                                : rest.canonicalSavepoint(checkpoints.resolve("sp-" + upTo));
                Map<String, Long> operators = operatorSizes(dir, uids);
                long bytes = operators.values().stream().mapToLong(Long::longValue).sum();
                loads.add(
                        new StateSize.Load(
                                upTo,
                                events,
                                bytes,
                                checkpoint.path("end_to_end_duration").asLong(),
                                operators));
                System.out.printf(
                        Locale.ROOT,
                        "state %d sessions, %d steps (%d events, watermark %d): %d bytes, %s%n",
                        stream.sessions(),
                        upTo,
                        events,
                        watermark,
                        bytes,
                        operators);
            }
        } finally {
            job.cancel().get();
        }
        return new StateSize(
                stream.sessions(),
                incremental ? "incremental checkpoint" : "canonical savepoint",
                shortIds ? "short" : "uuid",
                dedupOperators,
                loads);
    }

    /** The operator ids Flink derives from the uids of the graph's nodes. */
    private static Map<OperatorID, String> operatorUids(StreamGraph graph) {
        Map<OperatorID, String> uids = new HashMap<>();
        for (StreamNode node : graph.getStreamNodes()) {
            String uid = node.getTransformationUID();
            if (uid != null) {
                uids.put(new OperatorID(StreamGraphHasherV2.generateUserSpecifiedHash(uid)), uid);
            }
        }
        return uids;
    }

    /**
     * The REST API's id of the job vertex that {@code uid} heads: a chain's vertex id is its head
     * operator's id. The session operator heads its chain, behind the shuffle by session.
     */
    private static String vertexOf(String uid, Map<OperatorID, String> uids) {
        return uids.entrySet().stream()
                .filter(e -> e.getValue().equals(uid))
                .map(e -> e.getKey().toHexString())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no operator with uid " + uid));
    }

    /**
     * State size per operator uid (operators without state left out) from the metadata: keyed state
     * under the uid, operator state under {@link #operatorStateOf}. The session operator's operator
     * state is the samples that wait at the barrier ({@code held-events}), which depend on where
     * the watermarks fell and moved its slope by half between runs of one build when they counted
     * with its keyed state (2.0 and 2.97 B per event, 2026-12-01).
     */
    private static Map<String, Long> operatorSizes(Path checkpoint, Map<OperatorID, String> uids)
            throws IOException {
        CheckpointMetadata metadata;
        try (InputStream in = Files.newInputStream(checkpoint.resolve("_metadata"))) {
            metadata =
                    Checkpoints.loadCheckpointMetadata(
                            new DataInputStream(in),
                            StateCommand.class.getClassLoader(),
                            checkpoint.toString());
        }
        Map<String, Long> sizes = new TreeMap<>();
        for (OperatorState operator : metadata.getOperatorStates()) {
            String uid =
                    uids.getOrDefault(
                            operator.getOperatorID(), operator.getOperatorID().toString());
            for (OperatorSubtaskState subtask : operator.getStates()) {
                long keyed =
                        subtask.getManagedKeyedState().getStateSize()
                                + subtask.getRawKeyedState().getStateSize();
                long other = subtask.getStateSize() - keyed;
                if (keyed > 0) {
                    sizes.merge(uid, keyed, Long::sum);
                }
                if (other > 0) {
                    sizes.merge(operatorStateOf(uid), other, Long::sum);
                }
            }
        }
        return sizes;
    }

    /** The name under which an operator's operator state (not keyed) is counted. */
    static String operatorStateOf(String uid) {
        return uid + OPERATOR_STATE;
    }

    static boolean isOperatorState(String name) {
        return name.endsWith(OPERATOR_STATE);
    }

    private static void log(StateSize size) {
        for (StateSize.Operator op : size.operators()) {
            System.out.printf(
                    Locale.ROOT,
                    "  %-28s %,12d -> %,12d bytes: %.2f B per event, %.1f B per session%n",
                    op.uid(),
                    op.firstBytes(),
                    op.lastBytes(),
                    op.bytesPerEvent(),
                    op.bytesPerSession());
        }
        System.out.printf(
                Locale.ROOT,
                "dedup %s: %.2f B per event -> %.1f GB at %,d sessions over 48 h; %.0f B per"
                        + " active session -> %.2f GB%n",
                size.dedupOperators(),
                size.retainedBytesPerEvent(),
                size.retainedAtDeployment() / 1e9,
                StateSize.DEPLOYMENT_SESSIONS,
                size.bytesPerActiveSession(),
                size.activeAtDeployment() / 1e9);
    }

    /** The job's REST API on the local cluster. */
    private record Rest(String job) {

        private static final HttpClient HTTP = HttpClient.newHttpClient();

        /** Triggers a checkpoint, waits for it and returns its details. */
        JsonNode checkpoint() throws Exception {
            JsonNode operation = trigger("/checkpoints", "{\"checkpointType\":\"CONFIGURED\"}");
            return get(job + "/checkpoints/details/" + operation.path("checkpointId").asLong());
        }

        /**
         * Takes a savepoint in the canonical format into {@code target}, waits for it and returns
         * its directory. Unlike a full checkpoint of RocksDB, which copies its SST files with
         * whatever overwritten values compaction has not yet dropped, it writes every entry once:
         * its size depends on the state only.
         */
        Path canonicalSavepoint(Path target) throws Exception {
            JsonNode operation =
                    trigger(
                            "/savepoints",
                            JSON.createObjectNode()
                                    .put("target-directory", target.toUri().toString())
                                    .put("cancel-job", false)
                                    .put("formatType", "CANONICAL")
                                    .toString());
            return Path.of(URI.create(operation.path("location").asText()));
        }

        /** Triggers the operation at {@code path} and returns its result when it completes. */
        private JsonNode trigger(String path, String body) throws Exception {
            String trigger =
                    send(HttpRequest.newBuilder(URI.create(job + path))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(body))
                                    .build())
                            .path("request-id")
                            .asText();
            while (true) {
                JsonNode status = get(job + path + "/" + trigger);
                if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                    JsonNode operation = status.path("operation");
                    if (operation.has("failure-cause")) {
                        throw new IllegalStateException(path + " failed: " + operation);
                    }
                    return operation;
                }
                // Polls the REST API: the snapshot is taken by the cluster, on its threads.
                Thread.sleep(200);
            }
        }

        /**
         * Waits until every subtask of {@code vertex} has received the watermark {@code watermark};
         * its task thread processes it before any barrier triggered after this.
         */
        void awaitWatermark(String vertex, long watermark) throws Exception {
            long deadline = System.currentTimeMillis() + WATERMARK_TIMEOUT_MILLIS;
            long least = Long.MIN_VALUE;
            while (System.currentTimeMillis() < deadline) {
                JsonNode subtasks = get(job + "/vertices/" + vertex + "/watermarks");
                if (!subtasks.isArray()) {
                    throw new IllegalStateException(
                            "no watermarks of vertex " + vertex + ": " + subtasks);
                }
                least = Long.MAX_VALUE;
                for (JsonNode subtask : subtasks) {
                    least = Math.min(least, Long.parseLong(subtask.path("value").asText()));
                }
                if (subtasks.size() > 0 && least >= watermark) {
                    return;
                }
                // The watermark moves on the cluster's threads; the REST API reports it.
                Thread.sleep(200);
            }
            throw new IllegalStateException(
                    "the watermark at "
                            + SESSION_QUALITY
                            + " stayed at "
                            + least
                            + ", short of "
                            + watermark);
        }

        private JsonNode get(String uri) throws Exception {
            return send(HttpRequest.newBuilder(URI.create(uri)).build());
        }

        private static JsonNode send(HttpRequest request) throws Exception {
            return JSON.readTree(HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body());
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
