package dev.cxq.job.sink;

import java.sql.Types;

/** SQL types of the output columns, with how each is bound over JDBC and written as JSON. */
public enum ColumnType {
    TEXT(Types.VARCHAR),
    BIGINT(Types.BIGINT),
    INTEGER(Types.INTEGER),
    DOUBLE(Types.DOUBLE),
    BOOLEAN(Types.BOOLEAN),
    /** Value is epoch milliseconds (a {@code Long}); stored as {@code timestamptz}. */
    TIMESTAMPTZ(Types.TIMESTAMP_WITH_TIMEZONE),
    /** Value is a JSON document as a {@code String}; stored as {@code jsonb}. */
    JSONB(Types.OTHER);

    final int sqlType;

    ColumnType(int sqlType) {
        this.sqlType = sqlType;
    }
}
