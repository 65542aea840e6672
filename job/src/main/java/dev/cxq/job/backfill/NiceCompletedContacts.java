package dev.cxq.job.backfill;

import dev.cxq.udf.internal.IsoInstants;
import dev.cxq.udf.model.RawRecord;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URI;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;

/**
 * NICE CXone's completed contacts ({@code GET
 * {base}/contacts/completed?startDate&endDate&skip&top}, answered with {@code totalRecords} and
 * {@code completedContacts}, or 204 when there are none), paged with {@code skip}/{@code top}. Each
 * contact is emitted as received: it is the record the NICE adapter reads. Only contacts whose
 * {@code contactStart} lies in the interval are kept, so a contact is read once whatever date the
 * API filters on.
 */
final class NiceCompletedContacts implements IntervalReader {

    private static final String PATH = "/contacts/completed";

    private final BackfillSettings settings;
    private final PlatformHttp http;
    private final BackfillCounters counters;

    NiceCompletedContacts(BackfillSettings settings, PlatformHttp http, BackfillCounters counters) {
        this.settings = settings;
        this.http = http;
        this.counters = counters;
    }

    @Override
    public List<RawRecord> read(BackfillSplit interval) throws InterruptedException {
        String what = "nice interval " + interval + ": GET " + PATH;
        Ordered records = new Ordered();
        int top = settings.pageSize();
        for (long skip = 0; ; skip += top) {
            URI uri =
                    URI.create(
                            settings.baseUrl().toString().replaceAll("/+$", "")
                                    + PATH
                                    + "?startDate="
                                    + Instant.ofEpochMilli(interval.start())
                                    + "&endDate="
                                    + Instant.ofEpochMilli(interval.end())
                                    + "&skip="
                                    + skip
                                    + "&top="
                                    + top);
            JsonNode page = http.call("GET", uri, null, what);
            if (page == null) {
                break;
            }
            counters.pages.incrementAndGet();
            JsonNode contacts = page.path("completedContacts");
            for (JsonNode contact : contacts) {
                add(contact, interval, records);
            }
            long total = page.path("totalRecords").asLong(Long.MAX_VALUE);
            if (contacts.size() < top || skip + contacts.size() >= total) {
                break;
            }
        }
        return records.sorted();
    }

    private static void add(JsonNode contact, BackfillSplit interval, Ordered records) {
        RawRecord record =
                new RawRecord(
                        "nice:" + interval.splitId() + ":" + contact.path("contactId").asText(),
                        contact.toString());
        long start;
        try {
            start = IsoInstants.parseEpochMillis(contact.path("contactStart").asText());
        } catch (DateTimeException | ArithmeticException e) {
            // The adapter rejects it with its reason; keep it so the rejection is recorded.
            records.add(interval.start(), record);
            return;
        }
        if (start >= interval.start() && start < interval.end()) {
            records.add(start, record);
        }
    }
}
