package dev.cxq.udf.testing;

import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.rows.SessionQuality;
import dev.cxq.udf.session.SessionQualityFunction;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

import java.time.Duration;

/** An opened test harness of {@link SessionQualityFunction}, keyed by session, default rules. */
public final class SessionHarness {

    /** The contract's session inactivity timeout. */
    public static final Duration TIMEOUT = Duration.ofMinutes(30);

    private SessionHarness() {}

    public static KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality>
            open() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, CanonicalEvent, SessionQuality> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new SessionQualityFunction(TIMEOUT, ContractRules.THRESHOLDS),
                        e -> e.sessionId,
                        Types.STRING);
        harness.open();
        return harness;
    }
}
