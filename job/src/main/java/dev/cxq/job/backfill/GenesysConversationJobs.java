package dev.cxq.job.backfill;

import dev.cxq.udf.adapter.GenesysConversationDetails;
import dev.cxq.udf.internal.IsoInstants;
import dev.cxq.udf.json.RejectedRecordException;
import dev.cxq.udf.model.RawRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Genesys Cloud's asynchronous analytics conversation-details jobs: for each interval, submit a job
 * ({@code POST /api/v2/analytics/conversations/details/jobs}), poll its state ({@code GET
 * .../jobs/{jobId}}) until {@code FULFILLED}, page through its results with the {@code cursor}
 * ({@code GET .../jobs/{jobId}/results}); a job that ends {@code FAILED}, {@code CANCELLED} or
 * {@code EXPIRED} is submitted again. An interval ending after the {@code dataAvailabilityDate}
 * ({@code GET .../jobs/availability}) is refused: its data is not complete yet.
 *
 * <p>A job returns every conversation with activity in the interval; only those that started in it
 * are kept, so a conversation crossing an interval boundary is read once.
 */
final class GenesysConversationJobs implements IntervalReader {

    private static final Logger LOG = LoggerFactory.getLogger(GenesysConversationJobs.class);
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String JOBS = "/api/v2/analytics/conversations/details/jobs";
    private static final Set<String> ENDED = Set.of("FAILED", "CANCELLED", "EXPIRED");

    private final BackfillSettings settings;
    private final PlatformHttp http;
    private final BackfillCounters counters;
    private Instant availableUntil;

    GenesysConversationJobs(
            BackfillSettings settings, PlatformHttp http, BackfillCounters counters) {
        this.settings = settings;
        this.http = http;
        this.counters = counters;
    }

    @Override
    public List<RawRecord> read(BackfillSplit interval) throws InterruptedException {
        String what = "genesys interval " + interval;
        checkAvailability(interval, what);
        String lastFailure = null;
        for (int submission = 1; submission <= settings.maxAttempts(); submission++) {
            ObjectNode query = MAPPER.createObjectNode();
            query.put("interval", interval.splitId());
            query.put("order", "asc");
            query.put("orderBy", "conversationStart");
            JsonNode submitted = http.call("POST", uri(JOBS), query, what + ": POST " + JOBS);
            String jobId = submitted.path("jobId").asText("");
            if (jobId.isEmpty()) {
                throw new BackfillException(what + ": POST " + JOBS + " answered no jobId");
            }
            JsonNode status = awaitJob(jobId, what);
            String state = status.path("state").asText();
            if (state.equals("FULFILLED")) {
                return results(jobId, interval, what);
            }
            lastFailure = state + " " + status.path("errorMessage").asText("");
            counters.jobsResubmitted.incrementAndGet();
            LOG.warn("{}: job {} ended {}, submitting it again", what, jobId, lastFailure);
        }
        throw new BackfillException(
                what
                        + ": the conversation-details job ended unfulfilled "
                        + settings.maxAttempts()
                        + " times, the last "
                        + lastFailure);
    }

    private void checkAvailability(BackfillSplit interval, String what)
            throws InterruptedException {
        Instant end = Instant.ofEpochMilli(interval.end());
        if (availableUntil == null || availableUntil.isBefore(end)) {
            String path = JOBS + "/availability";
            JsonNode answer = http.call("GET", uri(path), null, what + ": GET " + path);
            availableUntil = instant(answer.path("dataAvailabilityDate"), what);
        }
        if (availableUntil.isBefore(end)) {
            throw new BackfillException(
                    what
                            + " ends after the analytics dataAvailabilityDate "
                            + availableUntil
                            + ": its data is not complete yet; choose --to at or before it");
        }
    }

    private JsonNode awaitJob(String jobId, String what) throws InterruptedException {
        String path = JOBS + "/" + jobId;
        while (true) {
            JsonNode status = http.call("GET", uri(path), null, what + ": GET " + path);
            String state = status.path("state").asText();
            if (state.equals("FULFILLED") || ENDED.contains(state)) {
                return status;
            }
            Thread.sleep(settings.pollInterval().toMillis());
        }
    }

    private List<RawRecord> results(String jobId, BackfillSplit interval, String what)
            throws InterruptedException {
        String path = JOBS + "/" + jobId + "/results";
        Ordered records = new Ordered();
        String cursor = null;
        do {
            String query =
                    "?pageSize="
                            + settings.pageSize()
                            + (cursor == null
                                    ? ""
                                    : "&cursor="
                                            + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
            JsonNode page = http.call("GET", uri(path + query), null, what + ": GET " + path);
            counters.pages.incrementAndGet();
            for (JsonNode conversation : page.path("conversations")) {
                add(conversation, interval, records);
            }
            cursor = page.path("cursor").isTextual() ? page.path("cursor").textValue() : null;
        } while (cursor != null && !cursor.isEmpty());
        return records.sorted();
    }

    private static void add(JsonNode conversation, BackfillSplit interval, Ordered records) {
        String source =
                "genesys:"
                        + interval.splitId()
                        + ":"
                        + conversation.path("conversationId").asText();
        long start;
        List<ObjectNode> notifications;
        try {
            start = IsoInstants.parseEpochMillis(conversation.path("conversationStart").asText());
            notifications = GenesysConversationDetails.notifications(conversation);
        } catch (DateTimeException | ArithmeticException e) {
            rejected(
                    conversation, source, "invalid_timestamp:conversationStart", interval, records);
            return;
        } catch (RejectedRecordException e) {
            rejected(conversation, source, e.reason(), interval, records);
            return;
        }
        if (start < interval.start() || start >= interval.end()) {
            return;
        }
        for (ObjectNode notification : notifications) {
            records.add(
                    notification.path("eventBody").path("eventTime").asLong(),
                    new RawRecord(source, notification.toString()));
        }
    }

    private static void rejected(
            JsonNode conversation,
            String source,
            String reason,
            BackfillSplit interval,
            Ordered records) {
        RawRecord record = new RawRecord(source, conversation.toString());
        record.rejectReason = reason;
        records.add(interval.start(), record);
    }

    private static Instant instant(JsonNode node, String what) {
        try {
            return Instant.ofEpochMilli(IsoInstants.parseEpochMillis(node.asText()));
        } catch (DateTimeException | ArithmeticException e) {
            throw new BackfillException(what + ": unreadable dataAvailabilityDate " + node);
        }
    }

    private URI uri(String path) {
        return URI.create(settings.baseUrl().toString().replaceAll("/+$", "") + path);
    }
}
