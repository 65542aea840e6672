package dev.cxq.udf.parse;

import dev.cxq.udf.model.CanonicalEvent;

/**
 * The outcome of parsing one record: either a valid event or the reason it was rejected, never both
 * and never an exception.
 *
 * @param event the event, when valid
 * @param rejectReason a stable reason code such as {@code missing_field:session_id}, when rejected
 */
public record ParseResult(CanonicalEvent event, String rejectReason) {

    public static ParseResult valid(CanonicalEvent event) {
        return new ParseResult(event, null);
    }

    public static ParseResult rejected(String reason) {
        return new ParseResult(null, reason);
    }

    public boolean isValid() {
        return event != null;
    }
}
