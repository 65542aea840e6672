package dev.cxq.udf;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Dependencies between the packages of udf go one way: each package uses only packages of lower
 * layers, so the structure has no cycle and a reader can take the packages bottom up. Read from the
 * sources, so that a class referred to without an import (a fully qualified name, a javadoc link)
 * counts too.
 */
class PackageLayersTest {

    /** Bottom first; a package may use the packages of the layers before its own, and no other. */
    static final List<Set<String>> LAYERS =
            List.of(
                    Set.of("internal"),
                    Set.of("model"),
                    Set.of("rows", "signing", "metrics"),
                    Set.of("json"),
                    Set.of("parse", "adapter", "dedup", "quality", "time", "status"),
                    Set.of("ingest", "session", "interaction"));

    private static final Path SOURCES = Path.of("src/main/java/dev/cxq/udf");

    private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.cxq\\.udf\\.([a-z]+)\\.");

    @Test
    void everyPackageHasALayer() throws IOException {
        Set<String> declared = new TreeSet<>();
        LAYERS.forEach(declared::addAll);
        assertThat(uses().keySet()).containsExactlyInAnyOrderElementsOf(declared);
    }

    @Test
    void packagesUseOnlyLowerLayers() throws IOException {
        List<String> upwards = new ArrayList<>();
        uses().forEach(
                        (from, targets) ->
                                targets.stream()
                                        .filter(to -> layerOf(to) >= layerOf(from))
                                        .forEach(to -> upwards.add(from + " -> " + to)));
        assertThat(upwards).as("uses of a package in the same or a higher layer").isEmpty();
    }

    @Test
    void packagesFormNoCycle() throws IOException {
        assertThat(cycles(uses())).isEmpty();
    }

    @Test
    void aCycleIsFound() {
        Map<String, Set<String>> uses =
                Map.of("parse", Set.of("adapter"), "adapter", Set.of("parse"), "model", Set.of());
        assertThat(cycles(uses)).containsExactly(List.of("adapter", "parse", "adapter"));
    }

    /** Package to the other udf packages its main sources refer to. */
    static Map<String, Set<String>> uses() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path dir = SOURCES.relativize(file.getParent());
                String from = dir.toString().replace('/', '.');
                Set<String> targets = uses.computeIfAbsent(from, k -> new TreeSet<>());
                for (String line : Files.readAllLines(file)) {
                    if (line.startsWith("package ")) {
                        continue;
                    }
                    Matcher m = REFERENCE.matcher(line);
                    while (m.find()) {
                        if (!m.group(1).equals(from)) {
                            targets.add(m.group(1));
                        }
                    }
                }
            }
        }
        return uses;
    }

    private static int layerOf(String pkg) {
        for (int i = 0; i < LAYERS.size(); i++) {
            if (LAYERS.get(i).contains(pkg)) {
                return i;
            }
        }
        throw new AssertionError("package " + pkg + " has no layer in " + LAYERS);
    }

    /** One path per cycle found by a depth-first search, each from its first package back to it. */
    static List<List<String>> cycles(Map<String, Set<String>> uses) {
        List<List<String>> cycles = new ArrayList<>();
        Set<String> done = new HashSet<>();
        for (String start : new TreeSet<>(uses.keySet())) {
            search(start, uses, new ArrayList<>(), done, cycles);
        }
        return cycles;
    }

    private static void search(
            String pkg,
            Map<String, Set<String>> uses,
            List<String> path,
            Set<String> done,
            List<List<String>> cycles) {
        int onPath = path.indexOf(pkg);
        if (onPath >= 0) {
            List<String> cycle = new ArrayList<>(path.subList(onPath, path.size()));
            cycle.add(pkg);
            cycles.add(cycle);
            return;
        }
        if (done.contains(pkg)) {
            return;
        }
        path.add(pkg);
        for (String next : new TreeSet<>(uses.getOrDefault(pkg, Set.of()))) {
            search(next, uses, path, done, cycles);
        }
        path.remove(path.size() - 1);
        done.add(pkg);
    }
}
