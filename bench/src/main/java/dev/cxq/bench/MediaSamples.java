package dev.cxq.bench;

import dev.cxq.udf.ingest.ParseFunction;
import dev.cxq.udf.model.CanonicalEvent;
import dev.cxq.udf.model.EventKind;
import dev.cxq.udf.model.RawRecord;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;

/**
 * The input both quality detectors compare on ({@link CepBaseline}, {@link QualityPath}): records
 * parsed by cxq's parser (the job's default event-time limits), media samples only, event time with
 * the job's watermark bound, keyed by session. Sharing it keeps the comparison about the detectors
 * alone.
 */
final class MediaSamples {

    private MediaSamples() {}

    static KeyedStream<CanonicalEvent, String> bySession(
            StreamExecutionEnvironment env,
            Source<RawRecord, ?, ?> source,
            Duration watermarkBound) {
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "Input records")
                .uid("input-records")
                .process(
                        new ParseFunction(
                                ReleaseDefaults.pipelineSettings().eventTimeLimits(),
                                watermarkBound))
                .uid("parse-events")
                .name("Parse events")
                // Since issue 17 the parser sends only samples to its main output; releases before
                // it (the A/B's baseline jar, which this harness also runs) send every event.
                .filter(event -> event.kind == EventKind.MEDIA_SAMPLE)
                .uid("media-samples")
                .name("Media samples")
                .assignTimestampsAndWatermarks(
                        WatermarkStrategy.<CanonicalEvent>forBoundedOutOfOrderness(watermarkBound)
                                .withTimestampAssigner((event, previous) -> event.ts))
                .uid("event-time")
                .name("Event time and watermarks")
                .keyBy(event -> event.sessionId);
    }
}
