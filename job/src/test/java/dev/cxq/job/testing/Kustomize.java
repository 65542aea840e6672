package dev.cxq.job.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders a kustomization the way {@code kubectl kustomize} does, for the subset of kustomize the
 * manifests under {@code k8s/} use, so that tests can check what is applied without kubectl: {@code
 * resources} (files and directories), {@code namespace}, {@code nameSuffix}, {@code labels}
 * (without selectors), {@code configMapGenerator} and {@code secretGenerator} with {@code literals}
 * ({@code behavior} create or merge), merge {@code patches} (file or inline; maps merged by key,
 * lists replaced, {@code $patch: delete}), and {@code configurations} with {@code nameReference}.
 *
 * <p>Anything else fails the render, in particular JSON 6902 patches: they address lists by index,
 * which silently patches the wrong entry when the base's list changes. The generated names end in a
 * hash of the content as kustomize's do, but not the same hash.
 */
public final class Kustomize {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** One resource of the output, and the name it had before suffixes and hashes. */
    private record Resource(ObjectNode node, String originalName, boolean generated) {
        String kind() {
            return node.path("kind").asText();
        }

        String name() {
            return node.path("metadata").path("name").asText();
        }
    }

    /** A field that names a resource of {@code kind}: a path of keys through maps and lists. */
    private record NameReference(String kind, String referrerKind, List<String> path) {}

    private final List<Resource> resources = new ArrayList<>();
    private final List<NameReference> references = new ArrayList<>();

    private Kustomize() {}

    /** The resources that {@code kubectl kustomize dir} would print. */
    public static List<JsonNode> build(Path dir) throws IOException {
        Kustomize k = new Kustomize();
        k.load(dir);
        k.finish();
        List<JsonNode> out = new ArrayList<>();
        k.resources.forEach(r -> out.add(r.node));
        return out;
    }

    private void load(Path dir) throws IOException {
        JsonNode kustomization = YAML.readTree(dir.resolve("kustomization.yaml").toFile());
        for (Iterator<String> it = kustomization.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!List.of(
                            "apiVersion",
                            "kind",
                            "resources",
                            "namespace",
                            "nameSuffix",
                            "labels",
                            "patches",
                            "configMapGenerator",
                            "secretGenerator",
                            "configurations")
                    .contains(field)) {
                throw new IllegalArgumentException(
                        dir + ": unsupported kustomization field " + field);
            }
        }
        int first = resources.size();
        for (JsonNode entry : kustomization.path("resources")) {
            Path path = dir.resolve(entry.asText()).normalize();
            if (Files.isDirectory(path)) {
                load(path);
            } else {
                for (JsonNode document : documents(path)) {
                    resources.add(
                            new Resource(
                                    (ObjectNode) document,
                                    document.path("metadata").path("name").asText(),
                                    false));
                }
            }
        }
        for (JsonNode file : kustomization.path("configurations")) {
            JsonNode config = YAML.readTree(dir.resolve(file.asText()).toFile());
            for (JsonNode ref : config.path("nameReference")) {
                for (JsonNode spec : ref.path("fieldSpecs")) {
                    references.add(
                            new NameReference(
                                    ref.path("kind").asText(),
                                    spec.path("kind").asText(),
                                    List.of(spec.path("path").asText().split("/"))));
                }
            }
        }
        generate(kustomization.path("configMapGenerator"), "ConfigMap", false);
        generate(kustomization.path("secretGenerator"), "Secret", true);
        for (JsonNode patch : kustomization.path("patches")) {
            if (patch.has("target")) {
                throw new IllegalArgumentException(
                        dir + ": a targeted (JSON 6902) patch; patch by name with a merge patch");
            }
            JsonNode body =
                    patch.has("path")
                            ? YAML.readTree(dir.resolve(patch.path("path").asText()).toFile())
                            : YAML.readTree(patch.path("patch").asText());
            applyPatch(dir, body);
        }
        List<Resource> level = resources.subList(first, resources.size());
        String suffix = kustomization.path("nameSuffix").asText("");
        for (Resource r : level) {
            ObjectNode metadata = (ObjectNode) r.node.path("metadata");
            if (!suffix.isEmpty()) {
                metadata.put("name", r.name() + suffix);
            }
            if (kustomization.has("namespace")) {
                metadata.put("namespace", kustomization.path("namespace").asText());
            }
            for (JsonNode labels : kustomization.path("labels")) {
                ObjectNode target =
                        metadata.has("labels")
                                ? (ObjectNode) metadata.get("labels")
                                : metadata.putObject("labels");
                labels.path("pairs")
                        .fields()
                        .forEachRemaining(e -> target.set(e.getKey(), e.getValue()));
            }
        }
    }

    private void generate(JsonNode generators, String kind, boolean secret) {
        for (JsonNode generator : generators) {
            String name = generator.path("name").asText();
            String behavior = generator.path("behavior").asText("create");
            Resource existing =
                    resources.stream()
                            .filter(
                                    r ->
                                            r.generated
                                                    && r.kind().equals(kind)
                                                    && r.name().equals(name))
                            .findFirst()
                            .orElse(null);
            ObjectNode data;
            if (behavior.equals("merge")) {
                if (existing == null) {
                    throw new IllegalArgumentException("merge into a missing " + kind + " " + name);
                }
                data = (ObjectNode) existing.node.get("data");
            } else if (behavior.equals("create") && existing == null) {
                ObjectNode node = YAML.createObjectNode();
                node.put("apiVersion", "v1").put("kind", kind);
                node.putObject("metadata").put("name", name);
                if (secret) {
                    node.put("type", "Opaque");
                }
                data = node.putObject("data");
                resources.add(new Resource(node, name, true));
            } else {
                throw new IllegalArgumentException(behavior + " of " + kind + " " + name);
            }
            for (JsonNode literal : generator.path("literals")) {
                String text = literal.asText();
                int eq = text.indexOf('=');
                String value = text.substring(eq + 1);
                data.put(
                        text.substring(0, eq),
                        secret
                                ? Base64.getEncoder()
                                        .encodeToString(value.getBytes(StandardCharsets.UTF_8))
                                : value);
            }
        }
    }

    private void applyPatch(Path dir, JsonNode patch) {
        String kind = patch.path("kind").asText();
        String name = patch.path("metadata").path("name").asText();
        Resource target =
                resources.stream()
                        .filter(r -> r.kind().equals(kind) && r.name().equals(name))
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                dir + ": patch of a missing " + kind + " " + name));
        if ("delete".equals(patch.path("$patch").asText())) {
            resources.remove(target);
        } else {
            merge(target.node, (ObjectNode) patch);
        }
    }

    /** Maps merged key by key, anything else (lists too) replaced, as for custom resources. */
    private static void merge(ObjectNode into, ObjectNode patch) {
        patch.fields()
                .forEachRemaining(
                        e -> {
                            JsonNode current = into.get(e.getKey());
                            if (e.getValue().isNull()) {
                                into.remove(e.getKey());
                            } else if (current instanceof ObjectNode object
                                    && e.getValue() instanceof ObjectNode patchObject) {
                                merge(object, patchObject);
                            } else {
                                into.set(e.getKey(), e.getValue().deepCopy());
                            }
                        });
    }

    /** Hash suffixes on generated names, then every name reference to the final names. */
    private void finish() {
        for (Resource r : resources) {
            if (r.generated) {
                ((ObjectNode) r.node.get("metadata"))
                        .put("name", r.name() + "-" + hash(r.node.get("data").toString()));
            }
        }
        for (NameReference ref : references) {
            for (Resource referrer : resources) {
                if (referrer.kind().equals(ref.referrerKind)) {
                    rename(referrer.node, ref.path, 0, ref.kind);
                }
            }
        }
    }

    private void rename(JsonNode node, List<String> path, int depth, String kind) {
        if (node instanceof ArrayNode array) {
            array.forEach(element -> rename(element, path, depth, kind));
            return;
        }
        if (!(node instanceof ObjectNode object) || !object.has(path.get(depth))) {
            return;
        }
        if (depth < path.size() - 1) {
            rename(object.get(path.get(depth)), path, depth + 1, kind);
            return;
        }
        String referenced = object.get(path.get(depth)).asText();
        for (Resource r : resources) {
            if (r.kind().equals(kind) && r.originalName.equals(referenced)) {
                object.put(path.get(depth), r.name());
            }
        }
    }

    private static String hash(String content) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(content.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The YAML documents of {@code file}. */
    public static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (YAMLParser parser = new YAMLFactory().createParser(file.toFile())) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
        }
        return documents;
    }

    /** Resources of {@code kind} in a render. */
    public static List<JsonNode> ofKind(List<JsonNode> rendered, String kind) {
        return rendered.stream().filter(r -> kind.equals(r.path("kind").asText())).toList();
    }

    /** The one resource of {@code kind} in a render. */
    public static JsonNode single(List<JsonNode> rendered, String kind) {
        List<JsonNode> found = ofKind(rendered, kind);
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " resources of kind " + kind);
        }
        return found.get(0);
    }

    /** Key → decoded value of a rendered ConfigMap or Secret. */
    public static Map<String, String> data(JsonNode configMapOrSecret) {
        Map<String, String> values = new TreeMap<>();
        boolean secret = "Secret".equals(configMapOrSecret.path("kind").asText());
        configMapOrSecret
                .path("data")
                .fields()
                .forEachRemaining(
                        e ->
                                values.put(
                                        e.getKey(),
                                        secret
                                                ? new String(
                                                        Base64.getDecoder()
                                                                .decode(e.getValue().asText()),
                                                        StandardCharsets.UTF_8)
                                                : e.getValue().asText()));
        return values;
    }
}
