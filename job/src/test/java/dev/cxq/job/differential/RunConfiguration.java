package dev.cxq.job.differential;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The execution configurations the differential harness runs one corpus through. Each runs the
 * production topology into a fresh PostgreSQL database ({@link DifferentialRunner}).
 */
public enum RunConfiguration {
    BATCH_P1("batch, parallelism 1"),
    BATCH_P2("batch, parallelism 2"),
    BATCH_P4("batch, parallelism 4"),
    STREAMING_P2("streaming, parallelism 2"),
    STREAMING_FAILURES_RESTORED(
            "streaming, parallelism 2, 3 injected failures, the last one fatal, then a new job"
                    + " restored from the retained checkpoint"),
    KAFKA_REDELIVERED(
            "Kafka (3 partitions), parallelism 2, every record delivered twice, bounded at the"
                    + " latest offsets");

    private final String description;

    RunConfiguration(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /**
     * {@code dump} in the form this configuration is compared in; applied to the reference too.
     *
     * <ul>
     *   <li>Kafka: a rejected row's {@code event_key} hashes its source position ({@code
     *       topic/partition/offset} instead of {@code file:line}), and a redelivered bad record is
     *       rejected once per position. So rejected rows are compared as the set of their {@code
     *       (reason, payload)}.
     *   <li>Injected failures: a webhook call whose outcome the failure cut off is made again after
     *       the restore, so {@code attempts} may be higher; the rows themselves must be the same.
     * </ul>
     */
    public TableDump comparable(TableDump dump) {
        return switch (this) {
            case KAFKA_REDELIVERED -> rejectedByContent(dump);
            case STREAMING_FAILURES_RESTORED -> dump.withoutColumns(Set.of("attempts"));
            default -> dump;
        };
    }

    private static TableDump rejectedByContent(TableDump dump) {
        TableDump copy = new TableDump();
        Set<String> seen = new HashSet<>();
        for (String table : TableDump.KEYS.keySet()) {
            for (SortedMap<String, String> row : dump.rows(table).values()) {
                if (!table.equals("rejected_events")) {
                    copy.put(table, row);
                    continue;
                }
                String content = row.get("reason") + " " + row.get("payload");
                if (seen.add(content)) {
                    Map<String, String> byContent = new TreeMap<>();
                    byContent.put("event_key", content);
                    byContent.put("reason", row.get("reason"));
                    byContent.put("payload", row.get("payload"));
                    copy.put(table, byContent);
                }
            }
        }
        return copy;
    }
}
