package dev.cxq.bench;

import dev.cxq.udf.model.RawRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
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
 * through the local cluster's REST API and its {@code _metadata} read for every operator's state
 * size. {@link StateSize} turns the loads into bytes kept per event and per active session, and
 * extrapolates them to 1,000,000 sessions and the 48 h retention.
 */
@Command(
        name = "state",
        description =
                "Checkpointed state per operator with N sessions after each load; figures logged"
                        + " and written to --result.",
        mixinStandardHelpOptions = true)
final class StateCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Before 30 s of event time the watermark (10 s behind) has passed only the first samples, and
     * the session function is still filling its state: a first load earlier than that makes its
     * warm-up look like state kept per event (3 → 4 steps read 291 B per event, 6 → 12 none).
     */
    static final int MIN_FIRST_LOAD_STEPS = 6;

    @Option(
            names = "--sessions",
            defaultValue = "100000",
            description = "Concurrent sessions (default: ${DEFAULT-VALUE}).")
    int sessions;

    @Option(
            names = "--steps",
            split = ",",
            defaultValue = "6,12",
            description =
                    "Loads, in 5 s steps of every session, after which a checkpoint is taken; at"
                            + " least two, increasing (default: ${DEFAULT-VALUE}).")
    List<Integer> steps;

    @Option(
            names = "--incremental",
            description =
                    "Incremental checkpoints (RocksDB's compressed SST files, as deployed) instead"
                            + " of full ones (every entry once, uncompressed: no files"
                            + " awaiting compaction).")
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
            names = "--short-event-ids",
            description =
                    "The throughput runs' short ids (e-<index>) instead of UUIDs, as producers"
                            + " send them.")
    boolean shortEventIds;

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
        StateSize size = measure(new SampleStream(sessions, BenchMain.SEED, !shortEventIds));
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
                                        "execution.checkpointing.interval", "1 h",
                                        "execution.checkpointing.num-retained", "10",
                                        "execution.checkpointing.incremental",
                                                Boolean.toString(incremental),
                                        "execution.checkpointing.dir",
                                                checkpoints.toUri().toString(),
                                        "rest.port", Integer.toString(port)));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf);
        PhasedLoad load = new PhasedLoad(stream);
        DataGeneratorSource<RawRecord> source =
                new DataGeneratorSource<>(
                        load, Long.MAX_VALUE, load, TypeInformation.of(RawRecord.class));
        ReleaseTopology.build(env, source, bound -> new CountingDiscardSink<>("quality_alerts"));
        StreamGraph graph = env.getStreamGraph();
        Map<OperatorID, String> uids = operatorUids(graph);
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
                JsonNode checkpoint = rest.checkpoint();
                Path dir = Path.of(URI.create(checkpoint.path("external_path").asText()));
                Map<String, Long> operators = operatorSizes(dir, uids);
                loads.add(
                        new StateSize.Load(
                                upTo,
                                events,
                                checkpoint.path("state_size").asLong(),
                                checkpoint.path("end_to_end_duration").asLong(),
                                operators));
                System.out.printf(
                        Locale.ROOT,
                        "state %d sessions, %d steps (%d events): %d bytes, %s%n",
                        stream.sessions(),
                        upTo,
                        events,
                        checkpoint.path("state_size").asLong(),
                        operators);
            }
        } finally {
            job.cancel().get();
        }
        return new StateSize(
                stream.sessions(),
                incremental ? "incremental" : "full",
                shortEventIds ? "short" : "uuid",
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

    /** State size per operator uid (operators without state left out) from the metadata. */
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
            if (operator.getStateSize() > 0) {
                String uid =
                        uids.getOrDefault(
                                operator.getOperatorID(), operator.getOperatorID().toString());
                sizes.merge(uid, operator.getStateSize(), Long::sum);
            }
        }
        return sizes;
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
            String trigger =
                    send(HttpRequest.newBuilder(URI.create(job + "/checkpoints"))
                                    .header("Content-Type", "application/json")
                                    .POST(
                                            HttpRequest.BodyPublishers.ofString(
                                                    "{\"checkpointType\":\"CONFIGURED\"}"))
                                    .build())
                            .path("request-id")
                            .asText();
            while (true) {
                JsonNode status = get(job + "/checkpoints/" + trigger);
                if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                    JsonNode operation = status.path("operation");
                    if (operation.has("failure-cause")) {
                        throw new IllegalStateException("checkpoint failed: " + operation);
                    }
                    return get(
                            job
                                    + "/checkpoints/details/"
                                    + operation.path("checkpointId").asLong());
                }
                // Polls the REST API: the checkpoint is taken by the cluster, on its threads.
                Thread.sleep(200);
            }
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
