package dev.cxq.job.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Merges JSON Lines inputs into one file by their {@code ts}, as a platform's stream would
 * interleave them. Each input keeps its own order (and its own bounded out-of-orderness); a line
 * without a readable {@code ts} (a bad line) stays right after its predecessor.
 */
public final class TimeOrderedMerge {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private TimeOrderedMerge() {}

    public static void merge(Path out, Path... inputs) throws IOException {
        List<List<String>> sources = new ArrayList<>();
        for (Path input : inputs) {
            sources.add(Files.readAllLines(input, StandardCharsets.UTF_8));
        }
        int[] next = new int[sources.size()];
        long[] lastTs = new long[sources.size()];
        try (Writer w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            while (true) {
                int pick = -1;
                long pickTs = Long.MAX_VALUE;
                for (int i = 0; i < sources.size(); i++) {
                    if (next[i] < sources.get(i).size()) {
                        long ts = tsOr(sources.get(i).get(next[i]), lastTs[i]);
                        if (pick < 0 || ts < pickTs) {
                            pick = i;
                            pickTs = ts;
                        }
                    }
                }
                if (pick < 0) {
                    return;
                }
                lastTs[pick] = pickTs;
                w.write(sources.get(pick).get(next[pick]++));
                w.write('\n');
            }
        }
    }

    private static long tsOr(String line, long fallback) {
        try {
            JsonNode ts = MAPPER.readTree(line).get("ts");
            return ts == null ? fallback : Instant.parse(ts.asText()).toEpochMilli();
        } catch (Exception notAValidLine) {
            return fallback;
        }
    }
}
