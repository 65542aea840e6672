package dev.cxq.job.backfill;

import dev.cxq.job.http.RequestBudget;
import dev.cxq.udf.model.RawRecord;

import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.MetricGroup;

import java.util.List;

/**
 * The bounded source of a backfill straight from a platform: its splits are the time intervals of
 * {@code [from, to)}, read in parallel, each by one reader; a restored job reads only the intervals
 * that were not finished at its checkpoint. The records are the platform's own payloads (Genesys
 * detail-event notifications rebuilt from the analytics conversations, NICE completed contacts),
 * decoded downstream by the same adapters as live input.
 *
 * <p>The client secret is resolved in each reader (task manager), never in the job graph.
 */
public final class BackfillSource implements Source<RawRecord, BackfillSplit, List<BackfillSplit>> {

    private static final long serialVersionUID = 1L;

    private final BackfillSettings settings;

    public BackfillSource(BackfillSettings settings) {
        this.settings = settings;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public SplitEnumerator<BackfillSplit, List<BackfillSplit>> createEnumerator(
            SplitEnumeratorContext<BackfillSplit> context) {
        return new BackfillEnumerator(
                context,
                BackfillSplit.cut(
                        settings.from().toEpochMilli(),
                        settings.to().toEpochMilli(),
                        settings.interval().toMillis()));
    }

    @Override
    public SplitEnumerator<BackfillSplit, List<BackfillSplit>> restoreEnumerator(
            SplitEnumeratorContext<BackfillSplit> context, List<BackfillSplit> pending) {
        return new BackfillEnumerator(context, pending);
    }

    @Override
    public SimpleVersionedSerializer<BackfillSplit> getSplitSerializer() {
        return BackfillSplitSerializer.SPLIT;
    }

    @Override
    public SimpleVersionedSerializer<List<BackfillSplit>> getEnumeratorCheckpointSerializer() {
        return BackfillSplitSerializer.PENDING;
    }

    @Override
    public SourceReader<RawRecord, BackfillSplit> createReader(SourceReaderContext context) {
        BackfillCounters counters = new BackfillCounters();
        MetricGroup metrics = context.metricGroup().addGroup("cxq").addGroup("backfill");
        metrics.gauge("requests", counters.requests::get);
        metrics.gauge("throttled", counters.throttled::get);
        metrics.gauge("tokensObtained", counters.tokensObtained::get);
        metrics.gauge("pages", counters.pages::get);
        metrics.gauge("jobsResubmitted", counters.jobsResubmitted::get);
        metrics.gauge("intervalsCompleted", counters.intervalsCompleted::get);
        RequestBudget budget =
                new RequestBudget(
                        settings.rateLimit().requests(),
                        settings.rateLimit().window(),
                        context.currentParallelism());
        return new BackfillSourceReader(
                () -> new BackfillSplitReader(intervalReader(budget, counters)), context, counters);
    }

    private IntervalReader intervalReader(RequestBudget budget, BackfillCounters counters) {
        PlatformHttp http =
                new PlatformHttp(settings, settings.clientSecret().resolve(), budget, counters);
        return switch (settings.platform()) {
            case GENESYS -> new GenesysConversationJobs(settings, http, counters);
            case NICE -> new NiceCompletedContacts(settings, http, counters);
        };
    }
}
