package dev.cxq.bench;

import dev.cxq.job.PipelineSettings;
import dev.cxq.udf.model.RawRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.util.Locale;
import java.util.Map;

/**
 * Times one {@link BenchJob} in this JVM on the first {@code steps} steps of {@code stream}. The
 * sinks count into JVM-wide registries ({@link CountingDiscardSink}, {@link LatencyProbeSink}),
 * which the local cluster shares with this code, so runs in one JVM go one at a time. The input's
 * payloads are generated before the timed part ({@link PregeneratedInput}), which does not count
 * them.
 */
record JobRuns(LocalFlink flink) {

    /** The CEP baseline's sink; its count is the incidents CEP fired. */
    private static final String CEP_INCIDENTS = "incidents";

    RunResult run(BenchJob job, String backend, SampleStream stream, int steps) throws Exception {
        long count = stream.count(steps);
        StreamExecutionEnvironment env = flink.environment(backend);
        DataGeneratorSource<RawRecord> source =
                new DataGeneratorSource<>(
                        stream,
                        count,
                        RateLimiterStrategy.noOp(),
                        TypeInformation.of(RawRecord.class));
        long lastInputTs = stream.timestampOf(count - 1);
        switch (job) {
            case CXQ ->
                    ReleaseTopology.build(
                            env, source, bound -> new LatencyProbeSink(stream, bound, lastInputTs));
            case QUALITY_PATH, ASYNC_QUALITY_PATH -> {
                PipelineSettings settings = ReleaseDefaults.pipelineSettings();
                QualityPath.Builder path =
                        job == BenchJob.QUALITY_PATH ? QualityPath::build : AsyncQualityPath::build;
                path.build(
                        env,
                        source,
                        settings.maxOutOfOrderness(),
                        settings.sessionInactivityTimeout(),
                        settings.qualityThresholds(),
                        new LatencyProbeSink(stream, settings.maxOutOfOrderness(), lastInputTs));
            }
            case CEP -> {
                PipelineSettings settings = ReleaseDefaults.pipelineSettings();
                CepBaseline.build(
                        env,
                        source,
                        settings.maxOutOfOrderness(),
                        settings.qualityThresholds(),
                        new CountingDiscardSink<>(CEP_INCIDENTS));
            }
            case INPUT_STAGE ->
                    MediaSamples.bySession(
                                    env,
                                    source,
                                    ReleaseDefaults.pipelineSettings().maxOutOfOrderness())
                            .sinkTo(new CountingDiscardSink<>("media_samples"))
                            .uid("sink-media-samples")
                            .name("media_samples");
        }
        CountingDiscardSink.reset();
        LatencyProbeSink.drain();
        Timed timed;
        try {
            // The input JSON, which a producer builds in production, is not the job's work: it is
            // generated (and its code compiled) before the timed run, and the payloads that
            // survived are moved to the old generation now rather than by the run's first GCs.
            PregeneratedInput.install(stream, count);
            System.gc();
            EmissionClock.install(count);
            timed = Timed.measure(count, () -> env.execute(job.title + " " + backend));
        } finally {
            EmissionClock.uninstall();
            PregeneratedInput.uninstall();
        }
        LatencyProbeSink.Latencies latencies = LatencyProbeSink.drain();
        Map<String, Long> rows = CountingDiscardSink.counts();
        RunResult result =
                new RunResult(
                        job,
                        backend,
                        timed,
                        job == BenchJob.CEP
                                ? rows.getOrDefault(CEP_INCIDENTS, 0L)
                                : latencies.fired(),
                        latencies.percentileMillis(50),
                        latencies.percentileMillis(99),
                        rows);
        log(job.title + " " + backend, timed);
        return result;
    }

    static void log(String name, Timed timed) {
        String steady =
                Double.isNaN(timed.secondHalfCpuSeconds())
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                ", %.0f steady state (second half without JIT)",
                                timed.perCpuSecondSteady());
        System.out.printf(
                Locale.ROOT,
                "%s: %d events in %.1f s wall, %.1f s CPU (JIT %.1f s), other processes %.2f"
                        + " cores: %.0f events/s, %.0f events/CPU-s, %.0f without JIT%s%n",
                name,
                timed.events(),
                timed.wallSeconds(),
                timed.cpuSeconds(),
                timed.jitCpuSeconds(),
                timed.otherCores(),
                timed.perSecond(),
                timed.perCpuSecond(),
                timed.perCpuSecondWithoutJit(),
                steady);
    }
}
