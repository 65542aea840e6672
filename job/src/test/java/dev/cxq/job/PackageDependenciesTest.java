package dev.cxq.job;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * The direction of the job module's package dependencies (docs/architecture.md), read from the main
 * sources: the command line is on top and nothing depends on it; no package is on a cycle of
 * dependencies; option flags are spelled only in the command line.
 */
class PackageDependenciesTest {

    private static final Path MAIN = Path.of("src", "main", "java");
    private static final String ROOT = "dev.cxq.job";
    private static final String CLI = ROOT + ".cli";

    /** A reference to a class of the job module: its package, then an upper-case class name. */
    private static final Pattern REFERENCE =
            Pattern.compile("\\b(dev\\.cxq\\.job(?:\\.[a-z][a-z0-9]*)*)\\.[A-Z]");

    /** A string literal that starts like a long option: "--input", "--jdbc-url ...". */
    private static final Pattern FLAG_LITERAL = Pattern.compile("\"--[a-z]");

    @Test
    void nothingDependsOnTheCommandLine() throws IOException {
        dependencies()
                .forEach(
                        (from, to) -> {
                            if (!from.equals(CLI)) {
                                assertThat(to)
                                        .as("packages %s depends on", from)
                                        .doesNotContain(CLI);
                            }
                        });
    }

    @Test
    void packagesFormNoCycle() throws IOException {
        assertThat(cycles(dependencies())).as("packages on a cycle of dependencies").isEmpty();
    }

    @Test
    void aCycleThroughThreePackagesIsFound() {
        Map<String, Set<String>> graph =
                Map.of(
                        "a", Set.of("b"),
                        "b", Set.of("c"),
                        "c", Set.of("a"),
                        "d", Set.of("a"));
        assertThat(cycles(graph)).containsExactly(Set.of("a", "b"), Set.of("b", "c"));
    }

    @Test
    void flagsAreSpelledOnlyInTheCommandLine() throws IOException {
        List<String> outside = new ArrayList<>();
        for (Path file : sources()) {
            if (!packageOf(file).equals(CLI)) {
                String text = Files.readString(file);
                if (FLAG_LITERAL.matcher(text).find()) {
                    outside.add(MAIN.relativize(file).toString());
                }
            }
        }
        assertThat(outside).as("main sources outside %s that spell a flag", CLI).isEmpty();
    }

    /** The packages each package of the module refers to, itself excluded. */
    private static Map<String, Set<String>> dependencies() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (Path file : sources()) {
            String from = packageOf(file);
            Set<String> to = graph.computeIfAbsent(from, p -> new TreeSet<>());
            Matcher m = REFERENCE.matcher(Files.readString(file));
            while (m.find()) {
                if (!m.group(1).equals(from)) {
                    to.add(m.group(1));
                }
            }
        }
        assertThat(graph).as("packages read").containsKeys(ROOT, CLI);
        return graph;
    }

    /**
     * The dependencies {@code from -> to} (with {@code from} before {@code to}) that lie on a
     * cycle. Every cycle has such a dependency, whatever its length, so none is empty when there is
     * a cycle.
     */
    private static List<Set<String>> cycles(Map<String, Set<String>> graph) {
        List<Set<String>> cycles = new ArrayList<>();
        for (String from : new TreeSet<>(graph.keySet())) {
            for (String to : graph.get(from)) {
                if (from.compareTo(to) < 0 && reaches(graph, to, from)) {
                    cycles.add(new TreeSet<>(Set.of(from, to)));
                }
            }
        }
        return cycles;
    }

    /** Whether {@code to} is reachable from {@code from} along the dependencies. */
    private static boolean reaches(Map<String, Set<String>> graph, String from, String to) {
        Set<String> seen = new TreeSet<>();
        List<String> pending = new ArrayList<>(List.of(from));
        while (!pending.isEmpty()) {
            String next = pending.remove(pending.size() - 1);
            if (next.equals(to)) {
                return true;
            }
            if (seen.add(next)) {
                pending.addAll(graph.getOrDefault(next, Set.of()));
            }
        }
        return false;
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN.resolve(ROOT.replace('.', '/')))) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    private static String packageOf(Path file) {
        return MAIN.relativize(file.getParent()).toString().replace('/', '.');
    }
}
