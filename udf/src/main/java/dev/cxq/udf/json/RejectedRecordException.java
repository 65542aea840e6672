package dev.cxq.udf.json;

/**
 * Thrown inside the parsers to abandon a record with a reason code; always caught at the parser
 * boundary and turned into a {@link ParseResult}. No stack trace: it is control flow over bad
 * input, which can be frequent.
 */
public final class RejectedRecordException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RejectedRecordException(String reason) {
        super(reason, null, false, false);
    }

    public String reason() {
        return getMessage();
    }
}
