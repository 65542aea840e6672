package dev.cxq.job.sink;

import org.apache.flink.api.connector.sink2.Sink;

/**
 * An output kind: where the topology writes the output tables. {@link JdbcSinks} writes PostgreSQL,
 * {@link JsonLinesSinks} writes files; both write the same rows. The topology asks for each table's
 * sink by its {@link CxqTables} constant, so an output kind writes any table the contract
 * describes.
 */
public interface CxqSinks {

    /** The sink of one output table. */
    <T> Sink<T> sink(Table<T> table);
}
