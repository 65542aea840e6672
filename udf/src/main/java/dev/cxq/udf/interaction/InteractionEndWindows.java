package dev.cxq.udf.interaction;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.streaming.api.windowing.assigners.WindowAssigner;
import org.apache.flink.streaming.api.windowing.triggers.EventTimeTrigger;
import org.apache.flink.streaming.api.windowing.triggers.Trigger;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Tumbling event-time windows of several sizes at once, assigned by the interaction's (or the media
 * session's) END time rather than by the record's timestamp. A summary re-emitted hours later (a
 * late recording upload) so lands in the window where the interaction ended, which fires again
 * within the allowed lateness. A window's size is its end minus its start.
 *
 * <p>Why the window is never already expired when such a re-emission arrives: the interaction
 * function emits no later than the interaction's end plus the recording SLA, while the window
 * (which ends after the interaction's end) stays open for the allowed lateness; the two are
 * configured equal. A session's media summary is emitted once, at most one inactivity timeout after
 * the session's end, so it is well within the lateness as well.
 */
public class InteractionEndWindows extends WindowAssigner<Object, TimeWindow> {

    private static final long serialVersionUID = 1L;

    private final long[] sizesMs;

    public InteractionEndWindows(List<Duration> sizes) {
        this.sizesMs = sizes.stream().mapToLong(Duration::toMillis).toArray();
    }

    @Override
    public Collection<TimeWindow> assignWindows(
            Object element, long timestamp, WindowAssignerContext context) {
        // Object, not KpiInput, to reuse Flink's EventTimeTrigger (a Trigger<Object, TimeWindow>).
        long end = ((KpiInput) element).endMillis();
        List<TimeWindow> windows = new ArrayList<>(sizesMs.length);
        for (long size : sizesMs) {
            long start = TimeWindow.getWindowStartWithOffset(end, 0, size);
            windows.add(new TimeWindow(start, start + size));
        }
        return windows;
    }

    @Override
    public Trigger<Object, TimeWindow> getDefaultTrigger() {
        return EventTimeTrigger.create();
    }

    @Override
    public TypeSerializer<TimeWindow> getWindowSerializer(ExecutionConfig executionConfig) {
        return new TimeWindow.Serializer();
    }

    @Override
    public boolean isEventTime() {
        return true;
    }
}
