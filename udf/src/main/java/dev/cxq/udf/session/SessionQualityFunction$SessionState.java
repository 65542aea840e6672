package dev.cxq.udf.session;

/**
 * {@link SessionState} under the name that savepoints of builds before {@link
 * SessionStateSerializer} give it, when it was a class nested in {@link SessionQualityFunction}
 * written by Flink's POJO serializer: Flink finds the class of restored POJO state by that name and
 * fails the restore without it. A subclass, so that the values the restored POJO serializer creates
 * are values of the new serializer ({@link SessionValueSnapshot}).
 */
public class SessionQualityFunction$SessionState extends SessionState {
    public SessionQualityFunction$SessionState() {}
}
