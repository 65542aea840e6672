package dev.cxq.udf.testing;

import dev.cxq.udf.session.SessionQualityFunction;

import org.apache.flink.api.common.state.KeyedStateStore;

/** The session operator with the contract's rules, its keyed state declared through a counter. */
public final class CountedSessionQuality extends SessionQualityFunction {
    private static final long serialVersionUID = 1L;

    private final transient StateAccessCounter counter;

    public CountedSessionQuality(StateAccessCounter counter) {
        super(SessionHarness.TIMEOUT, ContractRules.THRESHOLDS);
        this.counter = counter;
    }

    /** With at most {@code waitingSamples} samples of quiet sessions waiting on the heap. */
    public CountedSessionQuality(StateAccessCounter counter, int waitingSamples) {
        super(
                SessionHarness.TIMEOUT,
                ContractRules.THRESHOLDS,
                SessionQualityFunction.DEFAULT_SAMPLE_RETENTION,
                SessionQualityFunction.DEFAULT_SAMPLE_RETENTION,
                waitingSamples);
        this.counter = counter;
    }

    @Override
    public KeyedStateStore getKeyedStateStore() {
        return counter.counting(super.getKeyedStateStore());
    }
}
