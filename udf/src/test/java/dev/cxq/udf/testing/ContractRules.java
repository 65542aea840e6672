package dev.cxq.udf.testing;

import dev.cxq.udf.ingest.EventTimeLimits;
import dev.cxq.udf.quality.QualityThresholds;

import java.time.Duration;

/**
 * The rules of docs/design.md that the udf tests run the functions with. The functions take their
 * rules as arguments; a run's defaults are declared on the command line's options (job module,
 * {@code cli}), which udf does not see: the job's {@code JobAssemblyTest} checks that a run without
 * options gets these.
 */
public final class ContractRules {

    /**
     * Degraded below MOS 3.5, above 2 % loss, below 500 kbps video; critical below 3.2; 30 s, 15 s.
     */
    public static final QualityThresholds THRESHOLDS =
            new QualityThresholds(
                    3.5,
                    2.0,
                    500,
                    3.2,
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(15));

    /** The wall clock plus one minute. */
    public static final EventTimeLimits EVENT_TIME_LIMITS =
            new EventTimeLimits(Duration.ofMinutes(1), null);

    /** The watermark bound. */
    public static final Duration MAX_OUT_OF_ORDERNESS = Duration.ofSeconds(10);

    private ContractRules() {}
}
