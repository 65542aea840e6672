package dev.cxq.udf.session;

/**
 * {@link SessionStats} under the name that savepoints of earlier builds give it, when it was a
 * class nested in {@link SessionQualityFunction}: Flink finds the class of restored POJO state by
 * that name, and fails the restore without it (the {@code stats} state of release 0.1.0, {@link
 * PreviousLayouts}). A subclass, so the values the restored serializer creates are sessions'
 * statistics as they are now. The {@code $} in a source name is what JLS 3.8 keeps it for: a name
 * that exists already elsewhere.
 */
public class SessionQualityFunction$SessionStats extends SessionStats {
    public SessionQualityFunction$SessionStats() {}
}
