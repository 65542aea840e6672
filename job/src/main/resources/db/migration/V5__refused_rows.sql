-- Rows of the output tables that PostgreSQL refused as data (SQLSTATE class 22, or class 23 other
-- than a unique or exclusion conflict): the JDBC sink writes each here instead of failing the job,
-- and writes the rest of its batch. The parser's input rules should leave none; a row here is a
-- bug or a rule the parser does not know yet (docs/design.md, "Every accepted value is storable").
CREATE TABLE refused_rows (
    table_name  text NOT NULL,
    row_key     text NOT NULL,   -- the row's key columns, as JSON
    sqlstate    text NOT NULL,
    reason      text NOT NULL,   -- the server's message
    row_json    text NOT NULL,   -- the whole row, as JSON (a NUL is escaped there)
    refused_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (table_name, row_key)
);
