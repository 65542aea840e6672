package dev.cxq.udf;

import dev.cxq.udf.dedup.EventIdentity;
import dev.cxq.udf.dedup.PreviousReleaseIds;
import dev.cxq.udf.interaction.FcrFunction;
import dev.cxq.udf.interaction.InteractionEndWindows;
import dev.cxq.udf.interaction.InteractionFunction;
import dev.cxq.udf.interaction.InteractionSettings;
import dev.cxq.udf.interaction.InteractionSummary;
import dev.cxq.udf.interaction.KpiInput;
import dev.cxq.udf.interaction.KpiWindowFunction;
import dev.cxq.udf.interaction.LateKpiInputs;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.EventKind;
import dev.cxq.udf.model.InteractionState;
import dev.cxq.udf.model.MediaType;
import dev.cxq.udf.model.PeerState;
import dev.cxq.udf.model.RecordingStatus;
import dev.cxq.udf.rows.ComputedMetric;
import dev.cxq.udf.rows.KpiWindow;
import dev.cxq.udf.rows.LateEvent;
import dev.cxq.udf.rows.OutputTags;
import dev.cxq.udf.rows.SessionQuality;
import dev.cxq.udf.session.SessionQualityFunction;
import dev.cxq.udf.status.InputActivity;
import dev.cxq.udf.status.PipelineStatusFunction;
import dev.cxq.udf.status.PipelineStatusSettings;
import dev.cxq.udf.testing.ContractRules;
import dev.cxq.udf.testing.Events;
import dev.cxq.udf.testing.PreviousReleaseDedup;

import org.apache.flink.api.common.functions.Function;
import org.apache.flink.api.common.state.State;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.functions.windowing.WindowFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.StreamOperator;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.evictors.Evictor;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * No keyed state without a deadline (issue 14): every keyed function of the job, wired as {@code
 * CxqPipeline} wires it, is fed a corpus with the awkward cases (a customer id that changes, an
 * interaction and a session that never end, redeliveries, a conflicting redelivery, a recording
 * before and after its SLA, a sample after the session's end, an event behind the watermark); once
 * event time and processing time have passed every deadline of the contract, no keyed state and no
 * timer is left.
 *
 * <p>{@link #everyKeyedFunctionOfTheUdfModuleHasAStateHygieneCase} makes a new keyed function
 * without a case here fail the build.
 */
class StateHygieneTest {

    private static final Duration SESSION_TIMEOUT = Duration.ofMinutes(30);
    private static final Duration DEDUP_RETENTION = Duration.ofHours(48);
    private static final InteractionSettings RULES = InteractionSettings.defaults();
    private static final long WATERMARK_BOUND_MS = Duration.ofSeconds(10).toMillis();

    /**
     * Beyond every deadline after the last event: session end + its timeout (2 × 30 min), partial
     * timeout + recording SLA (4 h + 4 h), the FCR window (24 h), KPI windows + lateness (1 h + 4
     * h).
     */
    private static final Duration PAST_EVERY_DEADLINE = Duration.ofDays(2);

    /**
     * Each keyed function or operator (and window part) of udf, and what this class proves about
     * it.
     */
    private static final Map<Class<?>, String> CASES =
            Map.of(
                    PreviousReleaseIds.class,
                    "previousReleaseIdsKeepsNothingAndItsRestoredIdsExpire",
                    SessionQualityFunction.class,
                    "everyEventTimeFunctionIsEmptyOncePastEveryDeadline",
                    InteractionFunction.class,
                    "everyEventTimeFunctionIsEmptyOncePastEveryDeadline",
                    FcrFunction.class,
                    "everyEventTimeFunctionIsEmptyOncePastEveryDeadline",
                    KpiWindowFunction.class,
                    "everyEventTimeFunctionIsEmptyOncePastEveryDeadline",
                    InteractionEndWindows.class,
                    "everyEventTimeFunctionIsEmptyOncePastEveryDeadline",
                    PipelineStatusFunction.class,
                    "pipelineStatusForgetsAnInputSilentForTheForgetTime");

    /** Types whose subclasses hold keyed state when the job uses them. */
    private static final List<Class<?>> KEYED_TYPES =
            List.of(
                    KeyedProcessFunction.class,
                    KeyedCoProcessFunction.class,
                    KeyedBroadcastProcessFunction.class,
                    ProcessWindowFunction.class,
                    WindowFunction.class,
                    WindowAssigner.class,
                    Trigger.class,
                    Evictor.class);

    private final Chain chain = new Chain();

    @AfterEach
    void tearDown() throws Exception {
        chain.close();
    }

    @ParameterizedTest(name = "final watermark {0}")
    @ValueSource(strings = {"past every deadline", "end of input"})
    void everyEventTimeFunctionIsEmptyOncePastEveryDeadline(String finalWatermark)
            throws Exception {
        long lastTs = chain.run(corpus());
        for (var harness : chain.eventTimeHarnesses()) {
            assertThat(harness.numKeyedStateEntries())
                    .as("the corpus left state to clear")
                    .isPositive();
        }

        chain.watermark(
                finalWatermark.equals("end of input")
                        ? Long.MAX_VALUE
                        : lastTs + PAST_EVERY_DEADLINE.toMillis());

        // Sessions keep their event ids and their ended runs' sample slots, to drop copies, for
        // the dedup retention in processing time (state TTL, no timer), then nothing.
        assertThat(restoredEntries(chain.session))
                .as("the records of the sessions' ids and ended runs")
                .isPositive();
        chain.session.setStateTtlProcessingTime(chain.wallClock + DEDUP_RETENTION.toMillis() + 1);
        assertThat(restoredEntries(chain.session))
                .as("expired records are left out of snapshots and savepoints")
                .isZero();

        for (var harness : chain.eventTimeHarnesses()) {
            if (harness != chain.session) {
                assertThat(harness.numKeyedStateEntries()).isZero();
            }
            assertThat(harness.numEventTimeTimers()).isZero();
            assertThat(harness.numProcessingTimeTimers()).isZero();
        }
        assertTheCorpusReachedItsAwkwardCases();
    }

    /** Guards against a corpus that passes because it no longer exercises what it claims. */
    private void assertTheCorpusReachedItsAwkwardCases() {
        assertThat(chain.summaries)
                .extracting(InteractionSummary::interactionId, InteractionSummary::status)
                .contains(tuple("never-ended", "partial"), tuple("customer-changed", "completed"));
        assertThat(chain.summaries)
                .filteredOn(s -> s.interactionId().equals("customer-changed"))
                .extracting(InteractionSummary::customerId)
                .contains("c-2", "c-3");
        assertThat(chain.summaries)
                .filteredOn(s -> s.interactionId().equals("call"))
                .extracting(InteractionSummary::recordingStatus)
                .contains("uploaded");
        assertThat(chain.sessions)
                .extracting(SessionQuality::sessionId, SessionQuality::endReason)
                .contains(tuple("never-ended", "inactivity"), tuple("call", "terminal"));
        assertThat(chain.fcr)
                .extracting(ComputedMetric::interactionId, ComputedMetric::metricValue)
                .contains(tuple("call", 0.0), tuple("customer-changed", 1.0));
        assertThat(chain.kpis).isNotEmpty();
        assertThat(chain.lateEvents)
                .extracting(LateEvent::eventId)
                .as("the recording after the SLA and the sample behind the watermark")
                .contains("recording-call-after-sla", "late-sample-call-42")
                .as("late copies of applied samples are dropped, not late")
                .doesNotContain("media_sample-call-25", "media_sample-call-30");
        assertThat(chain.forwarded)
                .as("redeliveries of interaction and recording events dropped")
                .isEqualTo(chain.distinctIds);
        assertThat(chain.sessions)
                .filteredOn(row -> row.sessionId().equals("call"))
                .extracting(SessionQuality::samples)
                .as("the redelivered samples of the call, in time and late, applied once")
                .containsExactly(57L);
    }

    @Test
    void aSessionsIdsAreForgottenAfterTheRetentionNotMerelyHidden() throws Exception {
        long lastTs = chain.run(corpus());
        chain.watermark(lastTs + PAST_EVERY_DEADLINE.toMillis());
        CanonicalEvent again =
                corpus().stream().filter(e -> e.kind != EventKind.MEDIA_SAMPLE).findFirst().get();
        int forwarded = chain.forwarded;
        chain.send(again);
        assertThat(chain.forwarded).as("a redelivery within the retention").isEqualTo(forwarded);

        chain.wallClock += DEDUP_RETENTION.toMillis();
        chain.send(again);
        assertThat(chain.forwarded).as("the first one after it").isEqualTo(forwarded + 1);
    }

    @Test
    void previousReleaseIdsKeepsNothingAndItsRestoredIdsExpire() throws Exception {
        List<CanonicalEvent> lifecycle =
                corpus().stream().filter(e -> e.kind != EventKind.MEDIA_SAMPLE).toList();
        OperatorSubtaskState previous =
                PreviousReleaseDedup.stateAfter(
                        PreviousReleaseDedup.Layout.CONTENT_HASHES, lifecycle);
        try (var restored = previousReleaseIds()) {
            restored.setStateTtlProcessingTime(0);
            restored.initializeState(previous);
            restored.open();
            assertThat(restored.numKeyedStateEntries()).isPositive();
            restored.setStateTtlProcessingTime(DEDUP_RETENTION.toMillis() + 1);
            OperatorSubtaskState next = restored.snapshot(2, 2);
            try (var again = previousReleaseIds()) {
                again.initializeState(next);
                again.open();
                assertThat(again.numKeyedStateEntries())
                        .as("restored ids past the retention are left out of snapshots")
                        .isZero();
                for (CanonicalEvent event : lifecycle) {
                    again.processElement(new StreamRecord<>(event, event.ts));
                }
                assertThat(again.numKeyedStateEntries()).as("it writes no id").isZero();
            }
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, CanonicalEvent>
            previousReleaseIds() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(
                        new PreviousReleaseIds(DEDUP_RETENTION, DEDUP_RETENTION)),
                EventIdentity::of,
                Types.STRING);
    }

    /**
     * Processing-time state: an input's entry lives while it sends records and for {@code
     * forgetAfter} after its last one (a finished file, a partition reassigned), then is cleared.
     */
    @Test
    void pipelineStatusForgetsAnInputSilentForTheForgetTime() throws Exception {
        PipelineStatusSettings settings = PipelineStatusSettings.defaults(Duration.ofSeconds(10));
        try (var status =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new PipelineStatusFunction(settings)),
                        (InputActivity activity) -> activity.input,
                        Types.STRING)) {
            status.open();
            status.setProcessingTime(0);
            status.processElement(new InputActivity("cxq-events/0", 0, 5, 1_000), 0);
            status.processElement(new InputActivity("/data/a.jsonl", 0, 3, 2_000), 0);
            assertThat(status.numKeyedStateEntries()).isPositive();

            // Minute by minute, as the processing-time service fires timers.
            long minute = settings.interval().toMillis();
            long end = settings.forgetAfter().toMillis() + 2 * minute;
            for (long now = minute; now <= end; now += minute) {
                status.setProcessingTime(now + settings.grace().toMillis());
            }

            assertThat(status.numKeyedStateEntries()).isZero();
            assertThat(status.numProcessingTimeTimers()).isZero();
            assertThat(status.numEventTimeTimers()).isZero();
        }
    }

    /** How many keyed state entries a harness restored from a snapshot of {@code session} has. */
    private static int restoredEntries(
            KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality> session)
            throws Exception {
        OperatorSubtaskState snapshot = session.snapshot(1, 1);
        try (var restored = Chain.sessionHarness()) {
            restored.initializeState(snapshot);
            restored.open();
            return restored.numKeyedStateEntries();
        }
    }

    @Test
    void everyKeyedFunctionOfTheUdfModuleHasAStateHygieneCase() throws Exception {
        Set<String> keyed = new TreeSet<>();
        for (Class<?> type : udfClasses()) {
            if (!Modifier.isAbstract(type.getModifiers()) && !type.isInterface() && isKeyed(type)) {
                keyed.add(type.getName());
            }
        }
        assertThat(keyed)
                .as(
                        "keyed functions of udf; a new one needs a case in %s that proves its"
                                + " state is empty once every deadline has passed",
                        StateHygieneTest.class.getSimpleName())
                .containsExactlyInAnyOrderElementsOf(
                        CASES.keySet().stream().map(Class::getName).toList());
        for (String method : CASES.values()) {
            assertThat(StateHygieneTest.class.getDeclaredMethods())
                    .extracting(java.lang.reflect.Method::getName)
                    .contains(method);
        }
    }

    private static boolean isKeyed(Class<?> type) {
        if (KEYED_TYPES.stream().anyMatch(k -> k.isAssignableFrom(type))) {
            return true;
        }
        // Any other function or operator that declares state (after a keyBy). Operator state
        // (CheckpointedFunction, as the parser's largest event time per source split) is bounded by
        // the splits, not by keys.
        if (!(Function.class.isAssignableFrom(type) || StreamOperator.class.isAssignableFrom(type))
                || CheckpointedFunction.class.isAssignableFrom(type)) {
            return false;
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field field : c.getDeclaredFields()) {
                if (State.class.isAssignableFrom(field.getType())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Every class compiled from udf's main sources. */
    private static List<Class<?>> udfClasses()
            throws URISyntaxException, IOException, ClassNotFoundException {
        Path root =
                Path.of(
                        OutputTags.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        List<String> names;
        try (Stream<Path> files = Files.walk(root)) {
            names =
                    files.map(root::relativize)
                            .map(Path::toString)
                            .filter(p -> p.endsWith(".class"))
                            .map(p -> p.substring(0, p.length() - ".class".length()))
                            .map(p -> p.replace('/', '.'))
                            .collect(Collectors.toList());
        }
        assertThat(names)
                .as("udf classes found under %s", root)
                .contains(OutputTags.class.getName());
        List<Class<?>> classes = new ArrayList<>();
        for (String name : names) {
            classes.add(Class.forName(name, false, StateHygieneTest.class.getClassLoader()));
        }
        return classes;
    }

    // ---- the corpus ----

    /**
     * Events in arrival order. Times are seconds after {@code Events.T0}; the recording uploads
     * come hours after their call, the redeliveries and the late sample at the end.
     */
    private static List<CanonicalEvent> corpus() {
        List<CanonicalEvent> events = new ArrayList<>();

        // A completed call with hold, a degraded stretch, a required recording uploaded 2 h late,
        // and a callback of the same customer 1 h later (FCR 0).
        events.add(interaction("call", 0, InteractionState.QUEUED, "c-1", true));
        events.add(interaction("call", 20, InteractionState.CONNECTED, "c-1", true));
        for (long t = 20; t <= 300; t += 5) {
            events.add(sample("call", t, t >= 100 && t < 160 ? 3.0 : 4.3));
        }
        events.add(interaction("call", 120, InteractionState.HOLD, null, null));
        events.add(interaction("call", 150, InteractionState.UNHOLD, null, null));
        events.add(interaction("call", 300, InteractionState.WRAPUP, null, null));
        events.add(interaction("call", 330, InteractionState.COMPLETED, null, null));
        events.add(recording("call", 330, RecordingStatus.PENDING, null));
        events.add(recording("call", 330 + 2 * 3600, RecordingStatus.UPLOADED, null));
        events.add(interaction("callback", 330 + 3600, InteractionState.CONNECTED, "c-1", false));
        events.add(interaction("callback", 330 + 3900, InteractionState.COMPLETED, null, null));

        // The customer id changes during the interaction: its end goes to another FCR key.
        events.add(interaction("customer-changed", 60, InteractionState.CONNECTED, "c-2", true));
        for (long t = 60; t <= 120; t += 5) {
            events.add(sample("customer-changed", t, 4.1));
        }
        events.add(interaction("customer-changed", 400, InteractionState.COMPLETED, "c-3", null));
        events.add(recording("customer-changed", 500, RecordingStatus.FAILED, null));

        // Neither the interaction nor the session ever ends; the media stops mid-incident, after
        // a gap and a disconnect.
        events.add(interaction("never-ended", 100, InteractionState.CONNECTED, "c-4", true));
        for (long t = 100; t <= 150; t += 5) {
            events.add(sample("never-ended", t, 2.5));
        }
        CanonicalEvent disconnected = sample("never-ended", 180, 2.5);
        disconnected.peerState = PeerState.DISCONNECTED;
        events.add(disconnected);

        // A video call that is missed, with a stray sample after its end.
        CanonicalEvent video = sample("missed", 10, 4.0);
        video.media = MediaType.VIDEO;
        video.bitrateKbps = 200.0;
        events.add(video);
        events.add(interaction("missed", 15, InteractionState.MISSED, null, null));
        events.add(sample("missed", 45, 4.0));

        // A recording for a session whose interaction never arrives.
        events.add(recording("orphan", 200, RecordingStatus.UPLOADED, null));

        events.sort(Comparator.comparingLong(e -> e.ts));

        // After the SLA: the interaction's state is gone, the upload is unattributable.
        events.add(
                recording(
                        "call",
                        330 + 5 * 3600,
                        RecordingStatus.UPLOADED,
                        "recording-call-after-sla"));
        // Redeliveries: the same events again, one of them with other content (a conflict).
        events.add(copy(events.get(0)));
        events.add(copy(events.get(5)));
        CanonicalEvent conflicting = copy(events.get(6));
        conflicting.mos = 1.5;
        events.add(conflicting);
        // A sample of the call behind the watermark, off the grid of its in-time samples: late,
        // never applied, not a copy of an applied one.
        CanonicalEvent late = sample("call", 42, 4.3);
        late.eventId = "late-sample-call-42";
        events.add(late);
        return events;
    }

    private static CanonicalEvent interaction(
            String session,
            long seconds,
            InteractionState state,
            String customer,
            Boolean recordingRequired) {
        CanonicalEvent e = Events.interaction(session, seconds, state);
        e.agentId = "agent-" + session;
        e.queueId = "queue-1";
        e.customerId = customer;
        e.recordingRequired = recordingRequired;
        return e;
    }

    private static CanonicalEvent sample(String session, long seconds, double mos) {
        CanonicalEvent e = Events.sample(session, seconds, mos);
        e.agentId = "agent-" + session;
        return e;
    }

    private static CanonicalEvent recording(
            String session, long seconds, RecordingStatus status, String eventId) {
        CanonicalEvent e = Events.recording(session, seconds, status);
        if (eventId != null) {
            e.eventId = eventId;
        }
        return e;
    }

    private static CanonicalEvent copy(CanonicalEvent e) {
        CanonicalEvent c = Events.sample(e.sessionId, 0);
        for (Field field : CanonicalEvent.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            try {
                field.set(c, field.get(e));
            } catch (IllegalAccessException impossible) {
                throw new AssertionError(impossible);
            }
        }
        c.source = "redelivery";
        return c;
    }

    // ---- the keyed functions, wired as CxqPipeline wires them ----

    /**
     * Every event → session quality, whose first deliveries of other events → interactions → FCR
     * (with a customer) and KPI windows (interaction and media summaries). Outputs reach the next
     * harness before the watermark that produced them, as on a Flink edge.
     */
    private static final class Chain implements AutoCloseable {

        final KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality>
                session;
        final KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, InteractionSummary>
                interactions;
        final KeyedOneInputStreamOperatorTestHarness<String, InteractionSummary, ComputedMetric>
                fcrHarness;
        final KeyedOneInputStreamOperatorTestHarness<String, KpiInput, KpiWindow> kpiHarness;

        final List<SessionQuality> sessions = new ArrayList<>();
        final List<InteractionSummary> summaries = new ArrayList<>();
        final List<ComputedMetric> fcr = new ArrayList<>();
        final List<KpiWindow> kpis = new ArrayList<>();
        final List<LateEvent> lateEvents = new ArrayList<>();

        /** Processing time of the last arrival (one second per event). */
        long wallClock;

        int distinctIds;

        /** Events the session function handed to the interactions. */
        int forwarded;

        Chain() {
            try {
                session = opened(sessionHarness());
                interactions =
                        opened(
                                new KeyedOneInputStreamOperatorTestHarness<>(
                                        new KeyedProcessOperator<>(new InteractionFunction(RULES)),
                                        e -> e.sessionId,
                                        Types.STRING));
                fcrHarness =
                        opened(
                                new KeyedOneInputStreamOperatorTestHarness<>(
                                        new KeyedProcessOperator<>(new FcrFunction(RULES)),
                                        InteractionSummary::customerId,
                                        Types.STRING));
                kpiHarness = opened(kpiWindowHarness());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        static KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality>
                sessionHarness() throws Exception {
            var harness =
                    new KeyedOneInputStreamOperatorTestHarness<>(
                            new SessionQualityFunction(SESSION_TIMEOUT, ContractRules.THRESHOLDS),
                            (CanonicalEvent e) -> e.sessionId,
                            Types.STRING);
            harness.setStateTtlProcessingTime(0);
            return harness;
        }

        @SuppressWarnings("unchecked")
        private static KeyedOneInputStreamOperatorTestHarness<String, KpiInput, KpiWindow>
                kpiWindowHarness() throws Exception {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            SingleOutputStreamOperator<KpiWindow> windows =
                    env.fromData(new KpiInput("agent", "a", null, null))
                            .keyBy(KpiInput::key)
                            .window(
                                    new InteractionEndWindows(
                                            List.of(Duration.ofMinutes(5), Duration.ofHours(1))))
                            .allowedLateness(RULES.recordingSla())
                            .sideOutputLateData(LateKpiInputs.TAG)
                            .process(new KpiWindowFunction());
            var transformation =
                    (OneInputTransformation<KpiInput, KpiWindow>) windows.getTransformation();
            return new KeyedOneInputStreamOperatorTestHarness<>(
                    transformation.getOperatorFactory(), KpiInput::key, Types.STRING);
        }

        private static <H extends AbstractStreamOperatorTestHarness<?>> H opened(H harness)
                throws Exception {
            harness.open();
            return harness;
        }

        List<KeyedOneInputStreamOperatorTestHarness<String, ?, ?>> eventTimeHarnesses() {
            return List.of(session, interactions, fcrHarness, kpiHarness);
        }

        /** Sends the events in order, the watermark following them; returns the largest time. */
        long run(List<CanonicalEvent> events) throws Exception {
            distinctIds =
                    (int)
                            events.stream()
                                    .filter(e -> e.kind != EventKind.MEDIA_SAMPLE)
                                    .map(e -> e.sessionId + "\n" + EventIdentity.of(e))
                                    .distinct()
                                    .count();
            long maxTs = Long.MIN_VALUE;
            for (CanonicalEvent event : events) {
                send(event);
                maxTs = Math.max(maxTs, event.ts);
                watermark(maxTs - WATERMARK_BOUND_MS);
            }
            return maxTs;
        }

        /** One arrival, a second of processing time after the previous one. */
        void send(CanonicalEvent event) throws Exception {
            wallClock += 1000;
            session.setStateTtlProcessingTime(wallClock);
            session.setProcessingTime(wallClock);
            session.processElement(new StreamRecord<>(event, event.ts));
            drainSessionsAndInteractions();
        }

        void watermark(long time) throws Exception {
            session.processWatermark(new Watermark(time));
            interactions.processWatermark(new Watermark(time));
            drainSessionsAndInteractions();
            fcrHarness.processWatermark(new Watermark(time));
            kpiHarness.processWatermark(new Watermark(time));
            drain(fcrHarness, r -> fcr.add(r.getValue()));
            drain(kpiHarness, r -> kpis.add(r.getValue()));
        }

        private void drainSessionsAndInteractions() throws Exception {
            var firstDeliveries = session.getSideOutput(SessionQualityFunction.FIRST_DELIVERIES);
            for (StreamRecord<CanonicalEvent> record;
                    firstDeliveries != null && (record = firstDeliveries.poll()) != null; ) {
                forwarded++;
                interactions.processElement(record);
            }
            drain(
                    session,
                    r -> {
                        sessions.add(r.getValue());
                        for (KpiInput input : KpiInput.of(r.getValue())) {
                            toKpi(new StreamRecord<>(input, r.getTimestamp()));
                        }
                    });
            drain(
                    interactions,
                    r -> {
                        summaries.add(r.getValue());
                        try {
                            if (r.getValue().customerId() != null) {
                                fcrHarness.processElement(r);
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        for (KpiInput input : KpiInput.of(r.getValue())) {
                            toKpi(new StreamRecord<>(input, r.getTimestamp()));
                        }
                    });
            for (var harness : List.of(session, interactions)) {
                var late = harness.getSideOutput(OutputTags.LATE_EVENTS);
                if (late != null) {
                    late.forEach(r -> lateEvents.add(r.getValue()));
                    late.clear();
                }
            }
        }

        private void toKpi(StreamRecord<KpiInput> record) {
            try {
                kpiHarness.processElement(record);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** Takes the records out of a harness's output, in order (watermarks are dropped). */
        @SuppressWarnings("unchecked")
        private static <T> void drain(
                AbstractStreamOperatorTestHarness<T> harness, Consumer<StreamRecord<T>> to) {
            Object next;
            List<StreamRecord<T>> records = new ArrayList<>();
            while ((next = harness.getOutput().poll()) != null) {
                if (next instanceof StreamRecord<?> record) {
                    records.add((StreamRecord<T>) record);
                }
            }
            records.forEach(to);
        }

        @Override
        public void close() throws Exception {
            for (var harness : List.of(session, interactions, fcrHarness, kpiHarness)) {
                harness.close();
            }
        }
    }
}
