package io.hadr4j.core.drill;

/**
 * The table a drill's workload writes its sequence-numbered rows into, {@value #NAME}, for each database hadr4j
 * ships a dialect for: one row per acknowledged write (the drill's run id, the sequence number, and the time the
 * database acknowledged it). The drill creates it when it is missing; its rows are what a restore step deletes
 * and restores.
 */
public enum WriteTable {
    POSTGRESQL("CREATE TABLE IF NOT EXISTS " + WriteTable.NAME + " (run_id varchar(36) NOT NULL, seq bigint NOT NULL, "
            + "acked_at timestamptz NOT NULL DEFAULT clock_timestamp(), PRIMARY KEY (run_id, seq))"),
    /** SQL Server and Azure SQL. */
    SQLSERVER("IF OBJECT_ID('" + WriteTable.NAME + "') IS NULL CREATE TABLE " + WriteTable.NAME + " (run_id varchar(36) NOT NULL,"
            + " seq bigint NOT NULL, acked_at datetime2 NOT NULL DEFAULT SYSUTCDATETIME(), PRIMARY KEY (run_id, seq))");

    /** The table's name. */
    public static final String NAME = "hadr4j_drill_writes";
    static final String INSERT = "INSERT INTO " + NAME + " (run_id, seq) VALUES (?, ?)";
    static final String SELECT = "SELECT seq FROM " + NAME + " WHERE run_id = ?";
    /** The restore step's bad delete: every row of this run. */
    static final String DELETE = "DELETE FROM " + NAME + " WHERE run_id = ?";

    private final String create;

    WriteTable(String create) {
        this.create = create;
    }

    /** The statement that creates the table when it is missing. */
    public String createStatement() {
        return create;
    }
}
