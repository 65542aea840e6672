package dev.cxq.job;

import dev.cxq.job.cli.ConfigKeys;
import dev.cxq.job.testing.Kustomize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Renders every overlay under {@code k8s/} ({@link Kustomize}, no kubectl) and checks what would be
 * applied: each FlinkDeployment against the operator's own CRD schema, where the options and
 * secrets come from, the RocksDB volume, and that the PrometheusRule is the alert rules of {@code
 * docs/metrics.md}.
 */
class K8sRenderTest {

    private static final Path K8S = Path.of("..", "k8s");
    private static final List<String> OVERLAYS = List.of("dev", "prod", "backfill");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /**
     * The CRD that ships in the operator's API jar. The newest on Maven Central (1.10.0) predates
     * Flink 2.x: its {@code flinkVersion} enum ends at {@code v1_20}, so {@code v2_2} is added to
     * it here — the one place where the schema is not the operator's. Everything else is checked
     * strictly, unknown fields included, as {@code kubectl apply} (strict field validation) does.
     */
    private static final String CRD = "META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml";

    private static final JsonSchema FLINK_DEPLOYMENT = flinkDeploymentSchema();

    @Test
    void everyRenderedFlinkDeploymentIsValidForTheOperatorsCrd() throws IOException {
        for (String overlay : OVERLAYS) {
            JsonNode deployment = Kustomize.single(render(overlay), "FlinkDeployment");
            assertThat(FLINK_DEPLOYMENT.validate(deployment))
                    .as("overlay %s against %s", overlay, CRD)
                    .isEmpty();
        }
    }

    @Test
    void theCrdSchemaRejectsMisspelledFieldsAndUnknownVersions() throws IOException {
        ObjectNode deployment =
                (ObjectNode) Kustomize.single(render("prod"), "FlinkDeployment").deepCopy();
        ((ObjectNode) deployment.path("spec").path("job")).put("paralelism", 8);
        assertThat(messages(FLINK_DEPLOYMENT.validate(deployment)))
                .anyMatch(m -> m.contains("paralelism"));

        ObjectNode version = (ObjectNode) Kustomize.single(render("prod"), "FlinkDeployment");
        ((ObjectNode) version.path("spec")).put("flinkVersion", "v2_99");
        assertThat(FLINK_DEPLOYMENT.validate(version)).isNotEmpty();
    }

    @Test
    void parallelismIsTheOperatorsAndNoOverlayPatchesAListByIndex() throws IOException {
        Map<String, Integer> expected = Map.of("dev", 1, "prod", 8, "backfill", 8);
        for (String overlay : OVERLAYS) {
            JsonNode job =
                    Kustomize.single(render(overlay), "FlinkDeployment").path("spec").path("job");
            assertThat(job.path("parallelism").asInt())
                    .as(overlay)
                    .isEqualTo(expected.get(overlay));
            assertThat(job.has("args"))
                    .as("%s: job.args (options go in the ConfigMap)", overlay)
                    .isFalse();
        }
        // The renderer refuses JSON 6902 patches (list indexes), so rendering proved there are
        // none.
        Path overlay = Files.createTempDirectory("k8s-overlay");
        Files.writeString(
                overlay.resolve("kustomization.yaml"),
                "resources: ["
                        + K8S.resolve("base").toAbsolutePath()
                        + "]\npatches:\n- target: {kind: FlinkDeployment, name: cxq}\n"
                        + "  patch: '[{op: replace, path: /spec/job/args/17, value: 10s}]'\n");
        assertThatThrownBy(() -> Kustomize.build(overlay)).hasMessageContaining("6902");
    }

    @Test
    void optionsComeFromTheConfigMapAsVariablesTheJobKnows() throws IOException {
        Set<String> known =
                ConfigKeys.all().stream()
                        .map(ConfigKeys.Entry::env)
                        .filter(env -> env != null)
                        .collect(Collectors.toSet());
        Map<String, String> metricVersions = new TreeMap<>();
        for (String overlay : OVERLAYS) {
            List<JsonNode> rendered = render(overlay);
            JsonNode configMap = Kustomize.single(rendered, "ConfigMap");
            Map<String, String> options = Kustomize.data(configMap);
            assertThat(known)
                    .as("%s: variables of docs/configuration.md", overlay)
                    .containsAll(options.keySet());
            assertThat(options.keySet()).doesNotContain("CXQ_JDBC_PASSWORD", "CXQ_WEBHOOK_SECRET");
            JsonNode container = mainContainer(Kustomize.single(rendered, "FlinkDeployment"));
            assertThat(container.path("envFrom").get(0).path("configMapRef").path("name").asText())
                    .as("%s: the generated ConfigMap's name, hash included", overlay)
                    .isEqualTo(configMap.path("metadata").path("name").asText())
                    .startsWith("cxq-config-");
            metricVersions.put(overlay, options.get("CXQ_OUTPUT_METRIC_VERSION"));
            if (overlay.equals("backfill")) {
                assertThat(options)
                        .containsEntry("CXQ_KAFKA_UNTIL", "latest")
                        .containsEntry("CXQ_WEBHOOK_URLS", "")
                        .containsKey("CXQ_KAFKA_STARTING_OFFSETS");
                assertThat(options.get("CXQ_KAFKA_GROUP_ID")).isNotEqualTo("cxq");
            }
        }
        assertThat(metricVersions).containsEntry("prod", "1").containsEntry("backfill", "2");
    }

    @Test
    void secretsComeFromAGeneratedSecretInDevAndFromTheSecretStoreInProd() throws IOException {
        assertThat(Kustomize.ofKind(render("../base"), "Secret")).as("Secret in base").isEmpty();

        List<JsonNode> dev = render("dev");
        JsonNode devSecret = Kustomize.single(dev, "Secret");
        Map<String, String> referenced = secretRefs(Kustomize.single(dev, "FlinkDeployment"));
        assertThat(new TreeSet<>(referenced.values()))
                .containsExactly(devSecret.path("metadata").path("name").asText());
        assertThat(Kustomize.data(devSecret)).containsOnlyKeys(referenced.keySet());

        for (String overlay : List.of("prod", "backfill")) {
            List<JsonNode> rendered = render(overlay);
            assertThat(Kustomize.ofKind(rendered, "Secret")).as(overlay).isEmpty();
            assertThat(
                            new TreeSet<>(
                                    secretRefs(Kustomize.single(rendered, "FlinkDeployment"))
                                            .values()))
                    .as(overlay)
                    .containsExactly("cxq-credentials");
        }
        List<JsonNode> prod = render("prod");
        JsonNode external = Kustomize.single(prod, "ExternalSecret");
        assertThat(external.path("spec").path("target").path("name").asText())
                .isEqualTo("cxq-credentials");
        Set<String> provided = new HashSet<>();
        external.path("spec").path("data").forEach(d -> provided.add(d.path("secretKey").asText()));
        assertThat(provided)
                .containsAll(secretRefs(Kustomize.single(prod, "FlinkDeployment")).keySet());
        // The backfill runs beside prod and reads prod's Secret.
        assertThat(
                        Kustomize.single(render("backfill"), "FlinkDeployment")
                                .path("metadata")
                                .path("namespace"))
                .isEqualTo(external.path("metadata").path("namespace"));
    }

    @Test
    void rocksDbWorksOnAnEmptyDirWithRequestedEphemeralStorage() throws IOException {
        for (String overlay : OVERLAYS) {
            JsonNode deployment = Kustomize.single(render(overlay), "FlinkDeployment");
            String localDir =
                    deployment
                            .path("spec")
                            .path("flinkConfiguration")
                            .path("state.backend.rocksdb.localdir")
                            .asText();
            JsonNode container = mainContainer(deployment);
            String volume = null;
            for (JsonNode mount : container.path("volumeMounts")) {
                if (mount.path("mountPath").asText().equals(localDir)) {
                    volume = mount.path("name").asText();
                }
            }
            assertThat(volume).as("%s: a volume mounted at %s", overlay, localDir).isNotNull();
            boolean emptyDir = false;
            for (JsonNode v :
                    deployment.path("spec").path("podTemplate").path("spec").path("volumes")) {
                emptyDir |= v.path("name").asText().equals(volume) && v.has("emptyDir");
            }
            assertThat(emptyDir).as("%s: %s is an emptyDir", overlay, volume).isTrue();
            assertThat(
                            container
                                    .path("resources")
                                    .path("requests")
                                    .path("ephemeral-storage")
                                    .asText())
                    .as(overlay)
                    .isNotEmpty();
        }
    }

    @Test
    void thePrometheusRuleIsTheAlertRulesOfTheMetricsDoc() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "metrics.md"), StandardCharsets.UTF_8);
        Matcher block =
                Pattern.compile("## What to alert on.*?```yaml\n(.*?)```", Pattern.DOTALL)
                        .matcher(doc);
        assertThat(block.find()).as("the rules block of docs/metrics.md").isTrue();
        JsonNode documented = YAML.readTree(block.group(1));
        JsonNode rule = Kustomize.single(render("prod"), "PrometheusRule");
        assertThat(rule.path("spec"))
                .as("k8s/base/prometheusrule.yaml spec and the rules of docs/metrics.md: edit both")
                .isEqualTo(documented);
        assertThat(documented.path("groups").get(0).path("rules").size()).isGreaterThan(5);
        assertThat(Kustomize.ofKind(render("backfill"), "PrometheusRule")).isEmpty();
    }

    private static List<JsonNode> render(String overlay) throws IOException {
        return Kustomize.build(K8S.resolve("overlays").resolve(overlay).normalize());
    }

    private static JsonNode mainContainer(JsonNode deployment) {
        for (JsonNode c :
                deployment.path("spec").path("podTemplate").path("spec").path("containers")) {
            if (c.path("name").asText().equals("flink-main-container")) {
                return c;
            }
        }
        throw new AssertionError("no flink-main-container");
    }

    /** Secret key → Secret name of every secretKeyRef of the main container. */
    private static Map<String, String> secretRefs(JsonNode deployment) {
        Map<String, String> refs = new TreeMap<>();
        for (JsonNode env : mainContainer(deployment).path("env")) {
            JsonNode ref = env.path("valueFrom").path("secretKeyRef");
            if (!ref.isMissingNode()) {
                refs.put(ref.path("key").asText(), ref.path("name").asText());
            }
        }
        return refs;
    }

    private static List<String> messages(Set<ValidationMessage> messages) {
        return messages.stream().map(ValidationMessage::getMessage).toList();
    }

    private static JsonSchema flinkDeploymentSchema() {
        try (InputStream in = K8sRenderTest.class.getClassLoader().getResourceAsStream(CRD)) {
            assertThat(in)
                    .as("%s on the test classpath (flink-kubernetes-operator-api)", CRD)
                    .isNotNull();
            JsonNode crd = YAML.readTree(in);
            JsonNode schema = null;
            for (JsonNode version : crd.path("spec").path("versions")) {
                if (version.path("name").asText().equals("v1beta1")) {
                    schema = version.path("schema").path("openAPIV3Schema").deepCopy();
                }
            }
            assertThat(schema).as("v1beta1 in %s", CRD).isNotNull();
            ((ArrayNode)
                            schema.path("properties")
                                    .path("spec")
                                    .path("properties")
                                    .path("flinkVersion")
                                    .path("enum"))
                    .add("v2_2");
            // Not the root: apiVersion, kind and metadata are the API server's, not in the schema.
            schema.path("properties").forEach(K8sRenderTest::closeObjects);
            return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(schema);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Structural schemas allow no fields beyond {@code properties} (the API server prunes or, with
     * strict validation, rejects them) unless they say {@code
     * x-kubernetes-preserve-unknown-fields}.
     */
    private static void closeObjects(JsonNode schema) {
        if (schema instanceof ObjectNode object) {
            if (object.has("properties")
                    && !object.has("additionalProperties")
                    && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
                object.put("additionalProperties", false);
            }
            object.forEach(K8sRenderTest::closeObjects);
        } else if (schema instanceof ArrayNode array) {
            array.forEach(K8sRenderTest::closeObjects);
        }
    }
}
