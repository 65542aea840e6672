package dev.cxq.udf.testing;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.rows.OutputTags;
import dev.cxq.udf.rows.SessionQuality;
import dev.cxq.udf.session.SessionQualityFunction;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** An opened test harness of {@link SessionQualityFunction}, keyed by session, default rules. */
public final class SessionHarness {

    /** The contract's session inactivity timeout. */
    public static final Duration TIMEOUT = Duration.ofMinutes(30);

    private SessionHarness() {}

    public static KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality>
            open() throws Exception {
        return open(new SessionQualityFunction(TIMEOUT, ContractRules.THRESHOLDS));
    }

    /** An opened harness of {@code operator}, keyed by session. */
    public static KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality>
            open(SessionQualityFunction operator) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        operator, e -> e.sessionId, Types.STRING);
        harness.open();
        return harness;
    }

    /**
     * How many keyed state entries a session operator restored from a snapshot of {@code harness}
     * has: what a savepoint carries (expired state TTL values are left out).
     */
    public static int restoredEntries(
            KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality> harness)
            throws Exception {
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        try (var restored =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new SessionQualityFunction(TIMEOUT, ContractRules.THRESHOLDS),
                        (CanonicalEvent e) -> e.sessionId,
                        Types.STRING)) {
            restored.initializeState(snapshot);
            restored.open();
            return restored.numKeyedStateEntries();
        }
    }

    /** {@code e}, stamped with its event time. */
    public static <O> void send(
            KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, O> harness,
            CanonicalEvent e)
            throws Exception {
        harness.processElement(new StreamRecord<>(e, e.ts));
    }

    /** Everything the operator wrote: rows, then alerts, then late events. */
    public static List<Object> outputs(
            KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality>
                    harness) {
        List<Object> outputs = new ArrayList<>(harness.extractOutputValues());
        var alerts = harness.getSideOutput(OutputTags.QUALITY_ALERTS);
        if (alerts != null) {
            alerts.forEach(record -> outputs.add(record.getValue()));
        }
        var late = harness.getSideOutput(OutputTags.LATE_EVENTS);
        if (late != null) {
            late.forEach(record -> outputs.add(record.getValue()));
        }
        return outputs;
    }
}
