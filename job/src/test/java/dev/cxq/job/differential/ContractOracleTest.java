package dev.cxq.job.differential;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The oracle on the worked examples of {@code docs/semantics.md}: the documented numbers. */
class ContractOracleTest {

    private static final Instant T = Instant.parse("2026-03-09T14:00:00Z");
    private static final String HEALTHY =
            "\"mos\":4.3,\"packet_loss_pct\":0.1,\"jitter_ms\":5,\"rtt_ms\":40";
    private static final String DEGRADATION_KEY =
            "45fde3daa3790d8c75723c610cc7fa6b007a232cd1007a41b368072ed1e9fa2e";
    private static final String MEDIA_GAP_KEY =
            "314c4cdce5320636ed2d8fd8d6d2cac6dcb4c1088865720495330efce78c5a15";

    private final List<String> lines = new ArrayList<>();
    private int ids;

    @Test
    void aTransientDipNeverAlerts() {
        interaction("s1", 0, "connected", "");
        samples(5, 15, HEALTHY);
        samples(20, 25, "\"mos\":2.0");
        samples(30, 120, HEALTHY);
        interaction("s1", 121, "completed", "");

        TableDump dump = ContractOracle.compute(lines, 1);

        assertThat(dump.rows("quality_alerts")).isEmpty();
        assertThat(session(dump)).containsEntry("incidents", "0");
        assertThat(session(dump)).containsEntry("degraded_seconds", "10");
    }

    @Test
    void sustainedDegradationFiresAtT0Plus30AndResolvesThirtySecondsAfterHealth() {
        interaction("s1", 0, "connected", "");
        samples(5, 5, HEALTHY);
        samples(10, 70, "\"mos\":2.8,\"packet_loss_pct\":0.1,\"jitter_ms\":5,\"rtt_ms\":40");
        samples(75, 145, HEALTHY);
        interaction("s1", 151, "completed", "");

        TableDump dump = ContractOracle.compute(lines, 1);

        assertThat(dump.rows("quality_alerts")).containsOnlyKeys(DEGRADATION_KEY);
        assertThat(dump.rows("quality_alerts").get(DEGRADATION_KEY))
                .containsEntry("state", "resolved")
                .containsEntry("severity", "critical")
                .containsEntry("started_at", at(10))
                .containsEntry("fired_at", at(40))
                .containsEntry("resolved_at", at(105))
                .containsEntry("mos", "2.8")
                .containsEntry("packet_loss_pct", "0.1")
                .containsEntry("reason", "mos<3.5");
        assertThat(session(dump))
                .containsEntry("incidents", "1")
                .containsEntry("degraded_seconds", "65");
    }

    @Test
    void aSampleExactlyAtT0Plus30DoesNotCancelAndAMixedWindowIsHigh() {
        interaction("s1", 0, "connected", "");
        samples(10, 20, "\"mos\":3.0");
        samples(25, 35, "\"mos\":3.3");
        samples(40, 120, HEALTHY);
        interaction("s1", 121, "completed", "");

        Map<String, String> alert = onlyAlert(ContractOracle.compute(lines, 1));

        assertThat(alert)
                .containsEntry("severity", "high")
                .containsEntry("fired_at", at(40))
                .containsEntry("resolved_at", at(70));
    }

    @Test
    void goodMosButFifteenKbpsVideoIsDegradedAndResolvesAtTheEnd() {
        interaction("s1", 0, "connected", "");
        samples(5, 60, "\"media\":\"video\",\"mos\":4.0,\"bitrate_kbps\":15");
        interaction("s1", 61, "completed", "");

        Map<String, String> alert = onlyAlert(ContractOracle.compute(lines, 1));

        assertThat(alert)
                .containsEntry("severity", "high")
                .containsEntry("reason", "video_bitrate_kbps<500")
                .containsEntry("bitrate_kbps", "15")
                .containsEntry("fired_at", at(35))
                .containsEntry("resolved_at", at(61));
    }

    @Test
    void aSampleWithoutMosIsJudgedOnItsEModelEstimate() {
        interaction("s1", 0, "connected", "");
        samples(5, 60, "\"rtt_ms\":400,\"jitter_ms\":30,\"packet_loss_pct\":1.0");
        interaction("s1", 61, "completed", "");

        TableDump dump = ContractOracle.compute(lines, 1);

        assertThat(onlyAlert(dump))
                .containsEntry("severity", "critical")
                .containsEntry("fired_at", at(35))
                .containsEntry("mos_estimated", "true")
                .containsEntry("reason", "mos<3.5");
        assertThat(Double.parseDouble(onlyAlert(dump).get("mos"))).isCloseTo(2.95758, within());
        assertThat(Double.parseDouble(session(dump).get("avg_mos"))).isCloseTo(2.95758, within());
    }

    @Test
    void silenceOfMoreThanFifteenSecondsIsOneMediaGapWarning() {
        interaction("s1", 0, "connected", "");
        samples(0, 0, HEALTHY);
        samples(15, 30, HEALTHY);
        samples(60, 60, HEALTHY);
        interaction("s1", 91, "wrapup", "");
        interaction("s1", 200, "completed", "");

        TableDump dump = ContractOracle.compute(lines, 1);

        assertThat(dump.rows("quality_alerts")).containsOnlyKeys(MEDIA_GAP_KEY);
        assertThat(dump.rows("quality_alerts").get(MEDIA_GAP_KEY))
                .containsEntry("alert_type", "media_gap")
                .containsEntry("severity", "warning")
                .containsEntry("started_at", at(30))
                .containsEntry("fired_at", at(45))
                .containsEntry("resolved_at", at(60));
    }

    /**
     * Wrap-up exactly 15 s after the last sample: media was expected for 15 s, not more, so no gap
     * (as for a sample at that instant). The job fires one here (ORACLE.md).
     */
    @Test
    void aWrapupExactlyFifteenSecondsAfterTheLastSampleIsNoGap() {
        interaction("s1", 0, "connected", "");
        samples(5, 30, HEALTHY);
        interaction("s1", 45, "wrapup", "");
        interaction("s1", 100, "completed", "");

        assertThat(ContractOracle.compute(lines, 1).rows("quality_alerts")).isEmpty();

        lines.set(lines.size() - 2, lines.get(lines.size() - 2).replace("14:00:45Z", "14:00:46Z"));
        assertThat(onlyAlert(ContractOracle.compute(lines, 1)))
                .containsEntry("alert_type", "media_gap")
                .containsEntry("fired_at", at(45))
                .containsEntry("resolved_at", at(100));
    }

    @Test
    void aDisconnectedPeerIsOneWarningUntilMediaFlowsAgain() {
        interaction("s1", 0, "connected", "");
        samples(5, 15, HEALTHY);
        samples(20, 25, HEALTHY + ",\"peer_state\":\"disconnected\"");
        samples(30, 30, HEALTHY + ",\"peer_state\":\"failed\"");
        samples(35, 35, HEALTHY + ",\"peer_state\":\"connected\"");
        interaction("s1", 40, "completed", "");

        assertThat(onlyAlert(ContractOracle.compute(lines, 1)))
                .containsEntry("alert_type", "disconnected")
                .containsEntry("severity", "warning")
                .containsEntry("started_at", at(20))
                .containsEntry("resolved_at", at(35))
                .containsEntry("reason", "peer_state=disconnected");
    }

    @Test
    void outOfOrderWithinTheBoundEqualsInOrderAndBeyondItIsLate() {
        interaction("s1", 0, "connected", "");
        samples(5, 30, HEALTHY);
        samples(35, 70, "\"mos\":2.8");
        samples(75, 150, HEALTHY);
        interaction("s1", 151, "completed", "");
        TableDump inOrder = ContractOracle.compute(lines, 1);

        List<String> reversedTriples = new ArrayList<>();
        for (int i = 0; i < lines.size(); i += 3) {
            List<String> triple = new ArrayList<>(lines.subList(i, Math.min(i + 3, lines.size())));
            Collections.reverse(triple);
            reversedTriples.addAll(triple);
        }
        assertThat(ContractOracle.compute(reversedTriples, 1).render()).isEqualTo(inOrder.render());
        assertThat(inOrder.rows("late_events")).isEmpty();

        // One degraded sample delivered 100 s late: behind its split's watermark.
        List<String> oneLate = new ArrayList<>(lines);
        String sample = oneLate.remove(10);
        oneLate.add(oneLate.size() - 1, sample);
        TableDump late = ContractOracle.compute(oneLate, 1);
        assertThat(late.rows("late_events")).hasSize(1);
        assertThat(late.rows("late_events").values().iterator().next())
                .containsEntry("kind", "media_sample")
                .containsEntry("session_id", "s1");

        // The same sample alone in a second file: that split has read nothing later, so in time.
        List<ContractOracle.Delivery> twoFiles =
                new ArrayList<>(
                        ContractOracle.file("a.jsonl", oneLate.subList(0, oneLate.size() - 2)));
        twoFiles.addAll(ContractOracle.file("b.jsonl", List.of(sample)));
        twoFiles.addAll(
                ContractOracle.file(
                        "a.jsonl", oneLate.subList(oneLate.size() - 1, oneLate.size())));
        assertThat(ContractOracle.computeDelivered(twoFiles, 1).render())
                .isEqualTo(inOrder.render());
    }

    @Test
    void durationsComeFromTransitionsWithTalkResumingAfterUnhold() {
        referenceCall("a", 0, "");
        TableDump dump = ContractOracle.compute(lines, 1);

        assertThat(metric(dump, "a", "talk_s")).containsEntry("metric_value", "210");
        assertThat(metric(dump, "a", "hold_s")).containsEntry("metric_value", "60");
        assertThat(metric(dump, "a", "wrap_s")).containsEntry("metric_value", "60");
        assertThat(metric(dump, "a", "queue_wait_s")).containsEntry("metric_value", "30");
        assertThat(metric(dump, "a", "handle_time_s"))
                .containsEntry("metric_value", "330")
                .containsEntry("timestamp_utc", at(360));
        assertThat(metric(dump, "a", "adjusted_aht_s")).containsEntry("metric_value", "330");
        assertThat(metric(dump, "a", "interaction_status")).containsEntry("metric_value", "1");
        // Nothing was uploaded by end + 4 h, which the end of input passes.
        assertThat(metric(dump, "a", "recording_status"))
                .containsEntry("metric_value", "0")
                .containsEntry("metadata", "{\"required\":true,\"status\":\"missing\"}");
    }

    @Test
    void platformMetricsOnTheTerminalEventWin() {
        referenceCall(
                "a", 0, ",\"metrics\":{\"talk_ms\":200000,\"hold_ms\":45000,\"wrap_ms\":70000}");
        TableDump dump = ContractOracle.compute(lines, 1);

        assertThat(metric(dump, "a", "handle_time_s")).containsEntry("metric_value", "315");
        assertThat(metric(dump, "a", "queue_wait_s")).containsEntry("metric_value", "30");
        assertThat(metric(dump, "a", "handle_time_s").get("metadata"))
                .contains("\"durations_from\":\"platform\"");
    }

    @Test
    void uploadThreeHoursAfterTheEndUpdatesTheSameRowsAndTheWindowOfTheEnd() {
        String required = ",\"recording_required\":true";
        interaction("a", 0, "connected", required);
        interaction("b", 30, "connected", required);
        interaction("a", 60, "completed", required);
        recording("a", 62, "pending");
        interaction("b", 120, "completed", required);
        recording("b", 125, "uploaded");
        recording("a", 60 + 3 * 3600, "uploaded");

        TableDump dump = ContractOracle.compute(lines, 1);

        assertThat(metric(dump, "a", "recording_status")).containsEntry("metric_value", "1");
        assertThat(metric(dump, "a", "handle_time_s")).containsEntry("metric_value", "60");
        assertThat(window(dump, "recording_required")).containsEntry("value", "2");
        assertThat(window(dump, "recording_uploaded")).containsEntry("value", "2");
        assertThat(window(dump, "recording_pending")).containsEntry("value", "0");
        assertThat(window(dump, "recording_compliance_rate")).containsEntry("value", "1");
        assertThat(window(dump, "interactions_completed")).containsEntry("value", "2");
        assertThat(dump.rows("late_events")).isEmpty();
    }

    @Test
    void anUploadAfterTheSlaGoesToLateEventsAndTheRecordingStaysMissing() {
        interaction("a", 0, "connected", ",\"recording_required\":true");
        interaction("a", 360, "completed", ",\"recording_required\":true");
        recording("a", 360 + 5 * 3600, "uploaded");

        TableDump dump = ContractOracle.compute(lines, 1);

        assertThat(metric(dump, "a", "recording_status").get("metadata"))
                .contains("\"status\":\"missing\"");
        assertThat(dump.rows("late_events")).hasSize(1);
        assertThat(dump.rows("late_events").values().iterator().next())
                .containsEntry("kind", "recording")
                .containsEntry("ts", at(360 + 5 * 3600));
    }

    @Test
    void businessHoursAreEvaluatedInTheAgentsZoneAcrossDstAndIvrIsExcluded() {
        String ny = ",\"agent_timezone\":\"America/New_York\"";
        long mar7 = Instant.parse("2026-03-07T12:30:00Z").getEpochSecond() - T.getEpochSecond();
        long mar8 = Instant.parse("2026-03-08T12:30:00Z").getEpochSecond() - T.getEpochSecond();
        interaction("before", mar7, "connected", ny);
        interaction("before", mar7 + 300, "completed", ny);
        interaction("after", mar8, "connected", ny);
        interaction("after", mar8 + 300, "completed", ny);
        interaction("ivr", 0, "connected", "");
        interaction("ivr", 330, "completed", ",\"disposition\":\"IVR_SELF_SERVICE\"");

        TableDump dump = ContractOracle.compute(lines, 1);

        assertThat(metric(dump, "before", "handle_time_s")).containsEntry("metric_value", "300");
        assertThat(metric(dump, "before", "adjusted_aht_s")).isNull();
        assertThat(metric(dump, "after", "adjusted_aht_s")).containsEntry("metric_value", "300");
        assertThat(metric(dump, "ivr", "handle_time_s")).containsEntry("metric_value", "330");
        assertThat(metric(dump, "ivr", "adjusted_aht_s")).isNull();
    }

    @Test
    void callbackWithin24HoursIsNotFirstContactResolutionAndOneOutsideIs() {
        String customer = ",\"customer_id\":\"c1\"";
        interaction("first", 0, "connected", customer);
        interaction("first", 600, "completed", customer);
        interaction("callback", 600 + 10 * 3600, "connected", customer);
        interaction("callback", 1200 + 10 * 3600, "completed", customer);
        interaction("third", 1200 + 40 * 3600, "connected", customer);
        interaction("third", 1800 + 40 * 3600, "completed", customer);

        TableDump dump = ContractOracle.compute(lines, 1);

        assertThat(metric(dump, "first", "fcr"))
                .containsEntry("metric_value", "0")
                .containsEntry("timestamp_utc", at(600));
        assertThat(metric(dump, "first", "fcr").get("metadata"))
                .contains("\"repeat_interaction_id\":\"callback\"");
        assertThat(metric(dump, "callback", "fcr")).containsEntry("metric_value", "1");
        assertThat(metric(dump, "third", "fcr")).containsEntry("metric_value", "1");
    }

    @Test
    void invalidLinesAreRejectedWithTheirReasonsAndRedeliveriesChangeNothing() {
        CorpusGenerator.BAD_LINES.forEach(bad -> lines.add(bad[0]));
        referenceCall("a", 0, "");
        TableDump once = ContractOracle.compute(lines, 1);
        assertThat(once.rows("rejected_events").values())
                .extracting(row -> row.get("payload") + " -> " + row.get("reason"))
                .containsExactlyInAnyOrderElementsOf(
                        CorpusGenerator.BAD_LINES.stream()
                                .map(bad -> bad[0] + " -> " + bad[1])
                                .toList());

        List<String> twice = new ArrayList<>(lines);
        twice.addAll(lines.subList(CorpusGenerator.BAD_LINES.size(), lines.size()));
        assertThat(
                        ContractOracle.compute(twice, 1)
                                .onlyTables(
                                        java.util.Set.of(
                                                "quality_alerts",
                                                "session_quality",
                                                "computed_metrics",
                                                "kpi_windows",
                                                "late_events"))
                                .render())
                .isEqualTo(
                        once.onlyTables(
                                        java.util.Set.of(
                                                "quality_alerts",
                                                "session_quality",
                                                "computed_metrics",
                                                "kpi_windows",
                                                "late_events"))
                                .render());
    }

    @Test
    void anInteractionEventIsIdentifiedByItsSessionAndEventId() {
        referenceCall("a", 0, "");
        List<String> callA = new ArrayList<>(lines);
        lines.clear();
        referenceCall("b", 0, "");
        List<String> callB = new ArrayList<>(lines);
        lines.clear();
        // Call b's events under the ids of call a's, delivered alongside: another call.
        for (int i = 0; i < callA.size(); i++) {
            lines.add(callA.get(i));
            String idOfA = callA.get(i).substring(0, callA.get(i).indexOf(",\"kind\""));
            lines.add(idOfA + callB.get(i).substring(callB.get(i).indexOf(",\"kind\"")));
        }

        TableDump dump = ContractOracle.compute(lines, 1);

        assertThat(metric(dump, "a", "talk_s")).containsEntry("metric_value", "210");
        assertThat(metric(dump, "b", "talk_s")).containsEntry("metric_value", "210");
    }

    @Test
    void aSampleIsIdentifiedBySessionMediaAndTimestampNotByItsEventId() {
        interaction("s1", 0, "connected", "");
        // Two deliveries of the slot at 5 s under other ids: the smallest id (e1) is applied.
        lines.add(
                "{\"event_id\":\"z\",\"kind\":\"media_sample\",\"session_id\":\"s1\","
                        + "\"ts\":\""
                        + T.plusSeconds(5)
                        + "\",\"mos\":1.0}");
        samples(5, 20, HEALTHY);
        interaction("s1", 21, "completed", "");
        // Far behind every split's watermark: a copy of the slot at 10 s under a new id (dropped,
        // not late) and a slot never delivered in time (late).
        samples(200, 200, HEALTHY);
        lines.add(
                "{\"event_id\":\"copy\",\"kind\":\"media_sample\",\"session_id\":\"s1\","
                        + "\"ts\":\""
                        + T.plusSeconds(10)
                        + "\","
                        + HEALTHY
                        + "}");
        lines.add(
                "{\"event_id\":\"new\",\"kind\":\"media_sample\",\"session_id\":\"s1\","
                        + "\"ts\":\""
                        + T.plusSeconds(12)
                        + "\","
                        + HEALTHY
                        + "}");

        TableDump dump = ContractOracle.compute(lines, 1);

        assertThat(session(dump)).containsEntry("samples", "4").containsEntry("min_mos", "4.3");
        assertThat(dump.rows("late_events").values())
                .extracting(row -> row.get("event_id"))
                .containsExactly("new");
    }

    @Test
    void theCorpusIsDeterministicPlausibleAndCoversItsFeatures() {
        List<String> corpus = CorpusGenerator.generate(7, 20_000);
        assertThat(CorpusGenerator.generate(7, 20_000)).isEqualTo(corpus);
        assertThat(CorpusGenerator.generate(8, 20_000)).isNotEqualTo(corpus);
        assertThat(corpus.size()).isBetween(20_000, 22_000);
        assertThat(new HashSet<>(corpus).size()).as("redelivered lines").isLessThan(corpus.size());

        TableDump stream = ContractOracle.compute(corpus, 1);
        assertThat(stream.rows("rejected_events")).hasSize(10 * CorpusGenerator.BAD_LINES.size());
        assertThat(stream.rows("late_events").values())
                .as("beyond-bound arrivals")
                .filteredOn(row -> !row.get("kind").equals("recording"))
                .hasSizeGreaterThan(20);
        assertThat(stream.rows("late_events").values())
                .as("uploads after the SLA")
                .anyMatch(row -> row.get("kind").equals("recording"));
        String alerts = stream.render();
        for (String feature :
                List.of(
                        "alert_type=degradation",
                        "alert_type=media_gap",
                        "alert_type=disconnected",
                        "severity=critical",
                        "mos_estimated=true",
                        "video_bitrate_kbps<500",
                        "\"status\":\"partial\"",
                        "\"status\":\"abandoned\"",
                        "\"status\":\"missed\"",
                        "\"status\":\"missing\"",
                        "\"status\":\"failed\"",
                        "\"durations_from\":\"platform\"",
                        "\"repeat_interaction_id\":\"s",
                        "end_reason=inactivity")) {
            assertThat(alerts).as(feature).contains(feature);
        }
        Instant today = Instant.parse("2026-11-30T00:00:00Z");
        for (SortedMap<String, String> row : stream.rows("session_quality").values()) {
            assertThat(Instant.parse(row.get("ended_at"))).isBefore(today);
        }
    }

    // --- input builders ---

    /** The reference call of semantics.md (queued, connected, hold, unhold, wrapup, completed). */
    private void referenceCall(String id, long start, String terminalExtra) {
        String required = ",\"agent_id\":\"agent-1\",\"recording_required\":true";
        interaction(id, start, "queued", required);
        interaction(id, start + 30, "connected", required);
        interaction(id, start + 90, "hold", required);
        interaction(id, start + 150, "unhold", required);
        interaction(id, start + 300, "wrapup", required);
        interaction(id, start + 360, "completed", required + terminalExtra);
    }

    private void interaction(String session, long sec, String state, String extra) {
        lines.add(
                head("interaction", session, sec)
                        + ",\"state\":\""
                        + state
                        + "\""
                        + (extra.contains("agent_id") ? "" : ",\"agent_id\":\"agent-1\"")
                        + extra
                        + "}");
    }

    private void recording(String session, long sec, String status) {
        lines.add(
                head("recording", session, sec)
                        + ",\"recording_id\":\"r-"
                        + session
                        + "\",\"media\":\"screen\",\"status\":\""
                        + status
                        + "\"}");
    }

    /** Samples of s1 every 5 s from {@code from} to {@code to} inclusive. */
    private void samples(long from, long to, String fields) {
        for (long sec = from; sec <= to; sec += 5) {
            lines.add(head("media_sample", "s1", sec) + "," + fields + "}");
        }
    }

    private String head(String kind, String session, long sec) {
        return "{\"event_id\":\"e"
                + (ids++)
                + "\",\"kind\":\""
                + kind
                + "\",\"session_id\":\""
                + session
                + "\",\"ts\":\""
                + T.plusSeconds(sec)
                + "\"";
    }

    // --- reading the dump ---

    private static String at(long sec) {
        return T.plusSeconds(sec).toString();
    }

    private static SortedMap<String, String> session(TableDump dump) {
        return dump.rows("session_quality").get("s1|1");
    }

    private static SortedMap<String, String> onlyAlert(TableDump dump) {
        assertThat(dump.rows("quality_alerts")).hasSize(1);
        return dump.rows("quality_alerts").values().iterator().next();
    }

    private static SortedMap<String, String> metric(TableDump dump, String id, String type) {
        return dump.rows("computed_metrics").get(id + "|" + type + "|1");
    }

    private static SortedMap<String, String> window(TableDump dump, String metric) {
        return dump.rows("kpi_windows")
                .get("agent|agent-1|2026-03-09T14:00:00Z|PT5M|" + metric + "|1");
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(5e-6);
    }
}
