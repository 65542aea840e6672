package dev.cxq.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * The checkpointed state of one topology with {@code sessions} concurrent sessions, taken at two or
 * more loads of the same stream ({@link Load}), per operator (its uid). Between two loads an
 * operator's state grows by what it keeps per event (the dedup's ids, kept for the retention) and
 * keeps what it holds per open session: the two are told apart by the slope over the loads.
 *
 * <p>The dedup state is what the dedup operators ({@code dedupOperators}: the event-id dedup, and
 * the session function, where a design may deduplicate samples inside the session's state) keep per
 * event: their slope over the loads. It extrapolates to a deployment as {@code bytes kept per event
 * × events per session in the retention × sessions}, with one event per session every {@link
 * SampleStream#STEP_MILLIS} ms, as the generated input has. The state per active session is what
 * every operator holds beyond its growth per event (the intercept of its slope), over the sessions:
 * with every load past one session lifetime ({@link StateCommand#MIN_FIRST_LOAD_STEPS}) the open
 * sessions' state no longer grows, so the slope is what outlives a session (the dedup's record for
 * the retention; an interaction until its recording SLA, a KPI window until its lateness, shown per
 * event, extrapolated for the dedup only).
 */
record StateSize(
        int sessions,
        String checkpointType,
        String eventIds,
        List<String> dedupOperators,
        List<Load> loads) {

    /** 48 h, the contract's dedup retention. */
    static final long RETENTION_SECONDS = 48 * 3600;

    /** Events one session sends in the retention: one every 5 s, 34,560. */
    static final long EVENTS_PER_SESSION_IN_RETENTION =
            RETENTION_SECONDS * 1000 / SampleStream.STEP_MILLIS;

    /** The deployment the targets are stated for. */
    static final long DEPLOYMENT_SESSIONS = 1_000_000;

    /** One checkpoint after {@code events} events: its size in total and per operator uid. */
    record Load(
            int steps, long events, long bytes, long durationMillis, Map<String, Long> operators) {}

    /** One operator's slope over the first and last load. */
    record Operator(
            String uid,
            long firstBytes,
            long lastBytes,
            double bytesPerEvent,
            double bytesPerSession) {}

    /**
     * Each operator's slope over all loads, a least-squares fit, keyed state and operator state
     * apart ({@link StateCommand}): a slope over two loads alone moved by a fifth between runs of
     * one build (1.52–1.89 B per event, 2026-12-01) while the waiting samples counted in it.
     */
    List<Operator> operators() {
        Load first = loads.get(0);
        Load last = loads.get(loads.size() - 1);
        double meanEvents = meanEvents();
        List<Operator> operators = new ArrayList<>();
        for (String uid : new TreeSet<>(last.operators().keySet())) {
            double meanBytes =
                    loads.stream()
                            .mapToLong(load -> load.operators().getOrDefault(uid, 0L))
                            .average()
                            .orElseThrow();
            double covariance = 0;
            double variance = 0;
            for (Load load : loads) {
                double events = load.events() - meanEvents;
                covariance += events * (load.operators().getOrDefault(uid, 0L) - meanBytes);
                variance += events * events;
            }
            // Operator state (the samples waiting at the barrier, source positions) is a buffer
            // whose fill follows the waiting cap and the watermarks, not a retention: its mean.
            double perEvent = StateCommand.isOperatorState(uid) ? 0 : covariance / variance;
            double fixed = meanBytes - perEvent * meanEvents;
            operators.add(
                    new Operator(
                            uid,
                            first.operators().getOrDefault(uid, 0L),
                            last.operators().getOrDefault(uid, 0L),
                            perEvent,
                            fixed / sessions));
        }
        return operators;
    }

    boolean isDedup(Operator operator) {
        return dedupOperators.contains(operator.uid());
    }

    /** Bytes every event leaves in the dedup operators' state for the retention. */
    double retainedBytesPerEvent() {
        return operators().stream()
                .filter(this::isDedup)
                .mapToDouble(op -> Math.max(0, op.bytesPerEvent()))
                .sum();
    }

    /**
     * Bytes every event leaves in the other operators' state, each kept for its own retention (an
     * interaction until its recording SLA, FCR's window, a KPI window until its lateness): not part
     * of either figure, shown beside them.
     */
    double otherRetainedBytesPerEvent() {
        return operators().stream()
                .filter(op -> !isDedup(op))
                .mapToDouble(op -> Math.max(0, op.bytesPerEvent()))
                .sum();
    }

    /** Bytes of state per open session: see the class comment. */
    double bytesPerActiveSession() {
        double meanEvents = meanEvents();
        double bytes = 0;
        for (Operator op : operators()) {
            // The fit's intercept; an operator that shrank over the loads counts at its mean load.
            bytes +=
                    Math.max(
                            0,
                            op.bytesPerSession() * sessions
                                    + Math.min(0, op.bytesPerEvent()) * meanEvents);
        }
        return bytes / sessions;
    }

    private double meanEvents() {
        return loads.stream().mapToLong(Load::events).average().orElseThrow();
    }

    /** State retained for 48 h at {@link #DEPLOYMENT_SESSIONS} sessions, bytes. */
    double retainedAtDeployment() {
        return retainedBytesPerEvent() * EVENTS_PER_SESSION_IN_RETENTION * DEPLOYMENT_SESSIONS;
    }

    /** Session state at {@link #DEPLOYMENT_SESSIONS} sessions, bytes. */
    double activeAtDeployment() {
        return bytesPerActiveSession() * DEPLOYMENT_SESSIONS;
    }

    void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("sessions", Integer.toString(sessions));
        p.setProperty("checkpointType", checkpointType);
        p.setProperty("eventIds", eventIds);
        p.setProperty("dedupOperators", String.join(",", dedupOperators));
        p.setProperty("loads", Integer.toString(loads.size()));
        for (int i = 0; i < loads.size(); i++) {
            Load load = loads.get(i);
            String prefix = "load." + i + ".";
            p.setProperty(prefix + "steps", Integer.toString(load.steps()));
            p.setProperty(prefix + "events", Long.toString(load.events()));
            p.setProperty(prefix + "bytes", Long.toString(load.bytes()));
            p.setProperty(prefix + "durationMillis", Long.toString(load.durationMillis()));
            load.operators()
                    .forEach(
                            (uid, bytes) ->
                                    p.setProperty(prefix + "op." + uid, Long.toString(bytes)));
        }
        try (Writer out = Files.newBufferedWriter(file)) {
            p.store(out, null);
        }
    }

    static StateSize read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        List<Load> loads = new ArrayList<>();
        int count = Integer.parseInt(p.getProperty("loads"));
        for (int i = 0; i < count; i++) {
            String prefix = "load." + i + ".";
            Map<String, Long> operators = new LinkedHashMap<>();
            for (String key : new TreeSet<>(p.stringPropertyNames())) {
                if (key.startsWith(prefix + "op.")) {
                    operators.put(
                            key.substring((prefix + "op.").length()),
                            Long.parseLong(p.getProperty(key)));
                }
            }
            loads.add(
                    new Load(
                            Integer.parseInt(p.getProperty(prefix + "steps")),
                            Long.parseLong(p.getProperty(prefix + "events")),
                            Long.parseLong(p.getProperty(prefix + "bytes")),
                            Long.parseLong(p.getProperty(prefix + "durationMillis")),
                            operators));
        }
        return new StateSize(
                Integer.parseInt(p.getProperty("sessions")),
                p.getProperty("checkpointType"),
                p.getProperty("eventIds"),
                List.of(p.getProperty("dedupOperators").split(",")),
                loads);
    }
}
