package dev.cxq.udf.ingest;

import dev.cxq.udf.internal.Hashing;
import dev.cxq.udf.metrics.IngestMetrics;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.EventKind;
import dev.cxq.udf.model.RawRecord;
import dev.cxq.udf.rows.OutputTags;
import dev.cxq.udf.rows.RejectedEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns raw records of any accepted shape (canonical, Genesys Cloud, NICE CXone; see {@link
 * PayloadDecoder}) into canonical events, taking the decode a record carries when it has one (see
 * {@link RecordDecoding}). Valid media samples go to the main output, valid interaction and
 * recording events to {@link #INTERACTION_AND_RECORDING_EVENTS}; every other record goes to {@link
 * OutputTags#REJECTED_EVENTS} with its reason. All are counted by {@link IngestMetrics}. Bad input
 * never throws.
 *
 * <p>The parser routes by kind itself rather than through two filters chained to it: without object
 * reuse each chained filter received its own copy of every event (issue 17, 3.3 % of the task
 * threads on the heap backend).
 */
public class ParseFunction extends ProcessFunction<RawRecord, CanonicalEvent>
        implements CheckpointedFunction {

    private static final long serialVersionUID = 1L;

    /**
     * The split of every record read, valid or not, at the record's timestamp: what {@code
     * pipeline_status} counts ({@code status.InputActivityCounter}). The split and not the record:
     * a string is passed on as it is, where the record would be copied with its decoded events
     * (without object reuse each operator chained to the source got its own copy: 3 % of the task
     * threads on the heap backend in issue 17's profile).
     */
    public static final OutputTag<String> RECORDS_READ =
            new OutputTag<>("records-read", Types.STRING);

    /** The valid events that are not media samples: interaction and recording events. */
    public static final OutputTag<CanonicalEvent> INTERACTION_AND_RECORDING_EVENTS =
            new OutputTag<>(
                    "interaction-and-recording-events", TypeInformation.of(CanonicalEvent.class));

    private final EventTimeLimits eventTimeLimits;
    private final long maxOutOfOrdernessMillis;

    private transient IngestMetrics metrics;

    /**
     * The largest record event time each split has delivered: the split's watermark plus the bound,
     * as the source's watermark generator sees it, but kept in arrival order and checkpointed, so
     * which events are late does not depend on when periodic watermarks are emitted, on the runtime
     * mode, or on a restore.
     */
    private transient Map<String, Long> maxEventTimeBySplit;

    /**
     * {@link #maxEventTimeBySplit} at checkpoints. Split-redistributed list state, like the
     * source's own split state: a restore at the same parallelism gives each subtask its entries
     * back with its splits. Not union state: a vertex with union state cannot checkpoint once some
     * of its subtasks finished (a subtask without a split finishes at once in a streaming file
     * replay). After a restore at another parallelism a split may come back without its entry; it
     * then starts from its first record after the restore.
     */
    private transient ListState<Tuple2<String, Long>> checkpointedMaxEventTimes;

    /**
     * @param eventTimeLimits the latest event time accepted; the same as the source's timestamp
     *     assigner uses
     * @param maxOutOfOrderness the watermark bound; the same as the source's watermarks use
     */
    public ParseFunction(EventTimeLimits eventTimeLimits, Duration maxOutOfOrderness) {
        this.eventTimeLimits = eventTimeLimits;
        this.maxOutOfOrdernessMillis = maxOutOfOrderness.toMillis();
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        checkpointedMaxEventTimes =
                context.getOperatorStateStore()
                        .getListState(
                                new ListStateDescriptor<>(
                                        "max-event-time-by-split",
                                        Types.TUPLE(Types.STRING, Types.LONG)));
        maxEventTimeBySplit = new HashMap<>();
        // After a rescale two old subtasks' entries may meet here; a split has one of them.
        for (Tuple2<String, Long> entry : checkpointedMaxEventTimes.get()) {
            maxEventTimeBySplit.merge(entry.f0, entry.f1, Math::max);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        List<Tuple2<String, Long>> entries = new ArrayList<>(maxEventTimeBySplit.size());
        maxEventTimeBySplit.forEach((split, max) -> entries.add(Tuple2.of(split, max)));
        checkpointedMaxEventTimes.update(entries);
    }

    @Override
    public void open(OpenContext openContext) {
        metrics = new IngestMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(RawRecord record, Context ctx, Collector<CanonicalEvent> out) {
        String split = record.split();
        ctx.output(RECORDS_READ, split);
        PayloadDecoder.Decoded result = RecordDecoding.outcome(record, eventTimeLimits);
        if (result.isValid()) {
            Long max = maxEventTimeBySplit.get(split);
            long recordTime = Long.MAX_VALUE;
            for (CanonicalEvent event : result.events()) {
                // The source's bounded-out-of-orderness watermark is max - bound - 1.
                event.lateOnArrival = max != null && event.ts < max - maxOutOfOrdernessMillis;
                recordTime = Math.min(recordTime, event.ts);
                metrics.accepted(event);
                if (event.kind == EventKind.MEDIA_SAMPLE) {
                    out.collect(event);
                } else {
                    ctx.output(INTERACTION_AND_RECORDING_EVENTS, event);
                }
            }
            if (max == null || recordTime > max) {
                maxEventTimeBySplit.put(split, recordTime);
            }
        } else {
            metrics.rejected(result.rejectReason());
            ctx.output(OutputTags.REJECTED_EVENTS, rejection(record, result.rejectReason()));
        }
    }

    /** The rejected-events row for a record; its key is stable across replays of the record. */
    public static RejectedEvent rejection(RawRecord record, String reason) {
        String payload = record.payload == null ? "" : record.payload;
        return new RejectedEvent(
                Hashing.sha256Hex(record.source + "\n" + payload),
                reason,
                storable(record.source),
                storable(truncate(payload, RejectedEvent.MAX_PAYLOAD_CHARS)),
                System.currentTimeMillis());
    }

    private static String truncate(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        // Do not cut a surrogate pair in half.
        int end = Character.isHighSurrogate(text.charAt(maxChars - 1)) ? maxChars - 1 : maxChars;
        return text.substring(0, end);
    }

    /** PostgreSQL text cannot hold NUL; corrupt payloads may contain it. */
    private static String storable(String text) {
        return text == null ? "" : text.replace('\u0000', '\uFFFD');
    }
}
