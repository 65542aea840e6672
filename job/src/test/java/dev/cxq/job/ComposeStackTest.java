package dev.cxq.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deploy/compose.yaml} and the files it mounts, checked without Docker: the services, that
 * JobManager and TaskManagers share the checkpoint directory, that Prometheus scrapes the port the
 * reporter listens on and loads the documented alert rules, and that Grafana's datasources are the
 * ones the dashboard uses.
 */
class ComposeStackTest {

    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final JsonNode compose = readWithMergeKeys(DEPLOY.resolve("compose.yaml"));
    private final JsonNode services = compose.path("services");

    @Test
    void theStackHasItsServicesAndEveryReferenceResolves() {
        assertThat(fieldNames(services))
                .contains(
                        "kafka",
                        "producer",
                        "postgres",
                        "jobmanager",
                        "taskmanager",
                        "prometheus",
                        "grafana");
        Set<String> declaredVolumes = fieldNames(compose.path("volumes"));
        services.fields()
                .forEachRemaining(
                        service -> {
                            JsonNode dependsOn = service.getValue().path("depends_on");
                            Set<String> dependencies =
                                    dependsOn.isArray() ? values(dependsOn) : fieldNames(dependsOn);
                            assertThat(fieldNames(services))
                                    .as("depends_on of %s", service.getKey())
                                    .containsAll(dependencies);
                            for (JsonNode volume : service.getValue().path("volumes")) {
                                String source = volume.asText().split(":")[0];
                                if (source.startsWith(".")) {
                                    assertThat(DEPLOY.resolve(source))
                                            .as("bind mount of %s", service.getKey())
                                            .exists();
                                } else {
                                    assertThat(declaredVolumes)
                                            .as("named volume of %s", service.getKey())
                                            .contains(source);
                                }
                            }
                        });
    }

    @Test
    void jobManagerAndTaskManagersCheckpointIntoTheSameVolume() throws IOException {
        Properties flink = flinkProperties();
        String dir = flink.getProperty("execution.checkpointing.dir");
        assertThat(dir).startsWith("file:///");
        String path = dir.substring("file://".length());
        String volume = null;
        for (String service : new String[] {"jobmanager", "taskmanager"}) {
            String mounted = volumeMountedAbove(service, path);
            assertThat(mounted).as("%s mounts a named volume above %s", service, path).isNotNull();
            if (volume != null) {
                assertThat(mounted)
                        .as("the same volume in JobManager and TaskManager")
                        .isEqualTo(volume);
            }
            volume = mounted;
        }
        String savepoints = flink.getProperty("execution.checkpointing.savepoint-dir");
        assertThat(volumeMountedAbove("jobmanager", savepoints.substring("file://".length())))
                .isEqualTo(volume);
    }

    @Test
    void theProducerLoadsTheBundledSampleAndAGeneratedStream() throws IOException {
        JsonNode producer = services.path("producer");
        assertThat(values(producer.path("volumes"))).contains("./samples:/samples:ro");
        String script =
                Files.readString(DEPLOY.resolve("producer/produce.sh"), StandardCharsets.UTF_8);
        assertThat(script).contains("/samples/events.jsonl").contains("kafka-console-producer.sh");
        assertThat(producer.path("entrypoint").toString()).contains("/producer/produce.sh");
        assertThat(producer.path("environment").path("KAFKA_TOPIC").asText())
                .isEqualTo(jobManagerOption("--kafka-topics"));
    }

    @Test
    void prometheusScrapesTheReporterOfEveryFlinkProcessAndLoadsTheDocumentedRules()
            throws IOException {
        String port = flinkProperties().getProperty("metrics.reporter.prom.port");
        JsonNode config = read(DEPLOY.resolve("prometheus/prometheus.yml"));
        Set<String> targets = new TreeSet<>();
        for (JsonNode job : config.path("scrape_configs")) {
            job.path("static_configs").forEach(c -> targets.addAll(values(c.path("targets"))));
            for (JsonNode dns : job.path("dns_sd_configs")) {
                dns.path("names")
                        .forEach(n -> targets.add(n.asText() + ":" + dns.path("port").asText()));
            }
        }
        assertThat(targets).contains("jobmanager:" + port, "taskmanager:" + port);

        String doc = Files.readString(Path.of("..", "docs", "metrics.md"), StandardCharsets.UTF_8);
        Matcher block =
                Pattern.compile("## What to alert on.*?```yaml\n(.*?)```", Pattern.DOTALL)
                        .matcher(doc);
        assertThat(block.find()).isTrue();
        assertThat(read(DEPLOY.resolve("prometheus/cxq-alerts.yml")))
                .as("deploy/prometheus/cxq-alerts.yml and the rules of docs/metrics.md: edit both")
                .isEqualTo(YAML.readTree(block.group(1)));
        assertThat(values(services.path("prometheus").path("volumes")))
                .contains("./prometheus/cxq-alerts.yml:/etc/prometheus/cxq-alerts.yml:ro");
        assertThat(values(config.path("rule_files")))
                .containsExactly("/etc/prometheus/cxq-alerts.yml");
    }

    @Test
    void grafanaProvisionsTheDatasourcesAndTheDashboardUsesOnlyThose() throws IOException {
        JsonNode datasources =
                read(DEPLOY.resolve("grafana/provisioning/datasources/datasources.yaml"));
        Set<String> uids = new HashSet<>();
        datasources.path("datasources").forEach(d -> uids.add(d.path("uid").asText()));
        JsonNode dashboard =
                new ObjectMapper().readTree(DEPLOY.resolve("grafana/dashboards/cxq.json").toFile());
        Set<String> used = new TreeSet<>();
        dashboard.findValues("datasource").forEach(d -> used.add(d.path("uid").asText()));
        assertThat(uids).containsAll(used);
        assertThat(used).containsExactlyInAnyOrder("cxq-postgres", "prometheus");
        String dashboards =
                read(DEPLOY.resolve("grafana/provisioning/dashboards/dashboards.yaml"))
                        .path("providers")
                        .get(0)
                        .path("options")
                        .path("path")
                        .asText();
        assertThat(values(services.path("grafana").path("volumes")))
                .contains("./grafana/dashboards:" + dashboards + ":ro");
        // The PostgreSQL password is the one the job and PostgreSQL use, from the environment.
        assertThat(services.path("grafana").path("environment").path("CXQ_JDBC_PASSWORD").asText())
                .isEqualTo(
                        services.path("postgres")
                                .path("environment")
                                .path("POSTGRES_PASSWORD")
                                .asText());
    }

    /** The named volume that {@code service} mounts at {@code path} or above it, or null. */
    private String volumeMountedAbove(String service, String path) {
        for (JsonNode volume : services.path(service).path("volumes")) {
            String[] parts = volume.asText().split(":");
            if (!parts[0].startsWith(".") && (path + "/").startsWith(parts[1] + "/")) {
                return parts[0];
            }
        }
        return null;
    }

    private Properties flinkProperties() throws IOException {
        Properties flink = new Properties();
        // FLINK_PROPERTIES is flat YAML "key: value" lines, which Properties reads as key=value.
        flink.load(
                new StringReader(
                        services.path("jobmanager")
                                .path("environment")
                                .path("FLINK_PROPERTIES")
                                .asText()));
        assertThat(flink)
                .as("FLINK_PROPERTIES of the TaskManager")
                .isEqualTo(
                        load(
                                services.path("taskmanager")
                                        .path("environment")
                                        .path("FLINK_PROPERTIES")
                                        .asText()));
        return flink;
    }

    private String jobManagerOption(String flag) {
        Iterator<JsonNode> command = services.path("jobmanager").path("command").elements();
        while (command.hasNext()) {
            if (command.next().asText().equals(flag)) {
                return command.next().asText();
            }
        }
        throw new AssertionError(flag + " not in the jobmanager's command");
    }

    private static Properties load(String text) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return p;
    }

    /**
     * compose.yaml shares the Flink properties through a YAML merge key ({@code <<:
     * *flink-config}), which SnakeYAML resolves and Jackson's YAML parser does not.
     */
    private static JsonNode readWithMergeKeys(Path file) {
        try {
            Object tree =
                    new org.yaml.snakeyaml.Yaml()
                            .load(Files.readString(file, StandardCharsets.UTF_8));
            return new ObjectMapper().valueToTree(tree);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> fieldNames(JsonNode node) {
        Set<String> names = new TreeSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Set<String> values(JsonNode array) {
        Set<String> values = new TreeSet<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
