package dev.cxq.job;

import dev.cxq.job.testing.Kustomize;

import org.apache.flink.configuration.BlobServerOptions;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ClusterOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.ResourceManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.RpcOptions;
import org.apache.flink.configuration.SecurityOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.WebOptions;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.state.rocksdb.RocksDBOptions;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Parses every YAML manifest under {@code k8s/} and checks that each key of every {@code
 * flinkConfiguration} is a configuration option of the Flink version this build compiles against,
 * so that a misspelled or removed (1.x) key fails the build instead of being silently ignored by
 * the cluster.
 */
class K8sManifestsTest {

    private static final Path K8S = Path.of("..", "k8s");

    private static final List<Class<?>> OPTION_CLASSES =
            List.of(
                    BlobServerOptions.class,
                    CheckpointingOptions.class,
                    ClusterOptions.class,
                    CoreOptions.class,
                    DeploymentOptions.class,
                    ExecutionOptions.class,
                    HeartbeatManagerOptions.class,
                    HighAvailabilityOptions.class,
                    JobManagerOptions.class,
                    MetricOptions.class,
                    PipelineOptions.class,
                    ResourceManagerOptions.class,
                    RestOptions.class,
                    RestartStrategyOptions.class,
                    RpcOptions.class,
                    SecurityOptions.class,
                    StateBackendOptions.class,
                    StateRecoveryOptions.class,
                    TaskManagerOptions.class,
                    WebOptions.class,
                    RocksDBOptions.class,
                    RocksDBConfigurableOptions.class);

    /**
     * Prefixes whose options live in jars not on this classpath: {@code flink-kubernetes} (not
     * published to Maven Central for 2.2.1) and the operator's own {@code kubernetes.operator.*}
     * settings, which the operator reads from the same map.
     */
    private static final List<String> UNCHECKED_PREFIXES = List.of("kubernetes.");

    /**
     * Per-reporter options of the Prometheus reporter ({@code PrometheusReporterOptions} in
     * flink-metrics-prometheus, which only the Flink image ships); the generic reporter suffixes
     * come from {@link MetricOptions}.
     */
    private static final Set<String> PROMETHEUS_REPORTER_SUFFIXES =
            Set.of("port", "filterLabelValueCharacters");

    private static final Pattern REPORTER_KEY =
            Pattern.compile("metrics\\.reporter\\.[^.]+\\.(.+)");

    private static final Set<String> KNOWN_KEYS = new HashSet<>();
    private static final Set<String> REPORTER_SUFFIXES =
            new HashSet<>(PROMETHEUS_REPORTER_SUFFIXES);

    static {
        for (Class<?> options : OPTION_CLASSES) {
            for (Field field : options.getFields()) {
                if (!Modifier.isStatic(field.getModifiers())
                        || !ConfigOption.class.isAssignableFrom(field.getType())) {
                    continue;
                }
                ConfigOption<?> option;
                try {
                    option = (ConfigOption<?>) field.get(null);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
                Set<String> target =
                        options == MetricOptions.class && !option.key().startsWith("metrics.")
                                // MetricOptions declares the reporter options by their suffix.
                                ? REPORTER_SUFFIXES
                                : KNOWN_KEYS;
                target.add(option.key());
                for (FallbackKey fallback : option.fallbackKeys()) {
                    target.add(fallback.getKey());
                }
            }
        }
    }

    static boolean isKnownFlinkKey(String key) {
        if (KNOWN_KEYS.contains(key)) {
            return true;
        }
        Matcher reporter = REPORTER_KEY.matcher(key);
        if (reporter.matches()) {
            return REPORTER_SUFFIXES.contains(reporter.group(1));
        }
        return UNCHECKED_PREFIXES.stream().anyMatch(key::startsWith);
    }

    @Test
    void everyFlinkConfigurationKeyOfEveryManifestIsAFlinkOption() throws IOException {
        List<Path> manifests = manifests();
        Set<String> checked = new TreeSet<>();
        List<String> unknown = new ArrayList<>();
        int flinkDeployments = 0;
        for (Path manifest : manifests) {
            for (JsonNode document : documents(manifest)) {
                if (!"FlinkDeployment".equals(document.path("kind").asText())) {
                    continue;
                }
                flinkDeployments++;
                JsonNode conf = document.path("spec").path("flinkConfiguration");
                for (Iterator<Map.Entry<String, JsonNode>> it = conf.fields(); it.hasNext(); ) {
                    String key = it.next().getKey();
                    checked.add(key);
                    if (!isKnownFlinkKey(key)) {
                        unknown.add(manifest + ": " + key);
                    }
                }
            }
        }
        assertEquals(List.of(), unknown, "keys that are not options of this Flink version");
        // base + dev, prod and backfill patches
        assertEquals(4, flinkDeployments, "FlinkDeployment documents under " + K8S);
        assertTrue(checked.contains("state.backend.type"), () -> "checked keys: " + checked);
    }

    @Test
    void baseDeploymentRunsTheJarInApplicationModeWithSavepointUpgrades() throws IOException {
        JsonNode spec = documents(K8S.resolve("base/flinkdeployment.yaml")).get(0).path("spec");
        assertEquals(
                "local:///opt/flink/usrlib/cxq-job.jar", spec.path("job").path("jarURI").asText());
        assertEquals("savepoint", spec.path("job").path("upgradeMode").asText());
        assertEquals("v2_2", spec.path("flinkVersion").asText());
        JsonNode conf = spec.path("flinkConfiguration");
        assertEquals("kubernetes", conf.path("high-availability.type").asText());
        assertEquals("true", conf.path("execution.checkpointing.incremental").asText());
        assertTrue(conf.path("execution.checkpointing.savepoint-dir").asText().startsWith("s3://"));
    }

    @Test
    void misspelledAndOneDotXKeysAreRejected() {
        assertTrue(isKnownFlinkKey("execution.checkpointing.interval"));
        assertTrue(isKnownFlinkKey("state.backend.rocksdb.localdir"));
        assertTrue(isKnownFlinkKey("metrics.reporter.prom.factory.class"));
        assertTrue(isKnownFlinkKey("metrics.reporter.prom.port"));
        assertFalse(isKnownFlinkKey("execution.checkpointing.intervall"));
        assertFalse(isKnownFlinkKey("state.backend.rocksdb.incremental.enabled"));
        assertFalse(isKnownFlinkKey("metrics.reporter.prom.factory.klass"));
        assertFalse(isKnownFlinkKey("cxq.fake.key"));
    }

    private static List<Path> manifests() throws IOException {
        try (Stream<Path> files = Files.walk(K8S)) {
            List<Path> yaml =
                    files.filter(
                                    p ->
                                            p.toString().endsWith(".yaml")
                                                    || p.toString().endsWith(".yml"))
                            .sorted()
                            .toList();
            assertFalse(yaml.isEmpty(), "no manifests under " + K8S.toAbsolutePath());
            return yaml;
        }
    }

    private static List<JsonNode> documents(Path manifest) throws IOException {
        return Kustomize.documents(manifest);
    }
}
