package dev.cxq.job.testing;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A metric reporter that keeps the final count of every counter of a job once its tasks have ended,
 * summed over subtasks (and over the attempts of a job that restarted). A run on a local
 * environment closes its MiniCluster, and with it every reporter's metrics, when the job ends; this
 * one keeps what it was told when each counter was removed.
 */
public final class FinalCounts implements MetricReporter, MetricReporterFactory {

    private static final Map<String, AtomicLong> COUNTS = new ConcurrentHashMap<>();

    /** Adds this reporter to {@code conf}. */
    public static Configuration addTo(Configuration conf) {
        conf.set(
                ConfigOptions.key("metrics.reporter.final-counts.factory.class")
                        .stringType()
                        .noDefaultValue(),
                FinalCounts.class.getName());
        return conf;
    }

    /** The final count of counter {@code name} of {@code job}, over its subtasks and attempts. */
    public static long of(JobID job, String name) {
        AtomicLong count = COUNTS.get(job + "/" + name);
        return count == null ? 0 : count.get();
    }

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new FinalCounts();
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {}

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        String job = group.getAllVariables().get("<job_id>");
        if (job != null && metric instanceof Counter counter) {
            COUNTS.computeIfAbsent(job + "/" + name, k -> new AtomicLong())
                    .addAndGet(counter.getCount());
        }
    }
}
