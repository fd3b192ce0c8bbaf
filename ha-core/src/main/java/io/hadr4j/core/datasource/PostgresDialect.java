package io.hadr4j.core.datasource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * PostgreSQL: role from {@code pg_is_in_recovery()} and the read-only settings, epoch = timeline, lag measured
 * on the standby. The probing user needs {@code pg_monitor} (or {@code pg_read_all_stats}) to see the WAL
 * receiver's timeline; without it the timeline comes from the last checkpoint.
 */
final class PostgresDialect implements Dialect {

    // One round trip. pg_walfile_name() cannot run in recovery, hence the CASE guards.
    private static final String PROBE = "SELECT pg_is_in_recovery(),"
            + " current_setting('default_transaction_read_only'),"
            + " current_setting('transaction_read_only'),"
            + " CASE WHEN pg_is_in_recovery() THEN NULL ELSE substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8) END,"
            + " CASE WHEN pg_is_in_recovery() THEN COALESCE((SELECT received_tli FROM pg_stat_wal_receiver),"
            + "   (SELECT timeline_id FROM pg_control_checkpoint())) END,"
            + " CASE WHEN NOT pg_is_in_recovery() THEN 0"
            + "   WHEN (SELECT COALESCE(status, 'streaming') FROM pg_stat_wal_receiver) IS DISTINCT FROM 'streaming' THEN NULL"
            + "   WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
            + "   ELSE (EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000)::bigint END,"
            + " host(inet_server_addr()) || ':' || inet_server_port()";

    @Override
    public String name() {
        return "PostgreSQL";
    }

    @Override
    public Status probe(Connection c, int queryTimeoutSeconds) throws SQLException {
        Status status = probeOnce(c, queryTimeoutSeconds, false);
        // null: the transaction began while the server was still in recovery, and the server has been promoted since.
        // Its transaction_read_only is a leftover of the recovery, not a read-only primary; a new transaction tells.
        return status != null ? status : probeOnce(c, queryTimeoutSeconds, true);
    }

    private static Status probeOnce(Connection c, int queryTimeoutSeconds, boolean lastTry) throws SQLException {
        return ProbeTransaction.thenRollBack(c, () -> {
            try (Statement st = c.createStatement()) {
                st.setQueryTimeout(queryTimeoutSeconds);
                try (ResultSet rs = st.executeQuery(PROBE)) {
                    rs.next();
                    boolean inRecovery = rs.getBoolean(1);
                    boolean readOnlyByDefault = "on".equals(rs.getString(2));
                    // transaction_read_only also reflects a read-only pool setting; only trust it on a read-write connection.
                    boolean readOnlyTransaction = !c.isReadOnly() && "on".equals(rs.getString(3));
                    if (!inRecovery && !readOnlyByDefault && readOnlyTransaction && !lastTry) {
                        return null;
                    }
                    boolean readOnly = readOnlyByDefault || readOnlyTransaction;
                    String walHex = rs.getString(4);
                    long recoveryTli = rs.getLong(5);
                    Long epoch = inRecovery ? (rs.wasNull() ? null : recoveryTli) : Long.valueOf(Long.parseLong(walHex, 16));
                    long lagMs = rs.getLong(6);
                    Duration lag = rs.wasNull() ? null : Duration.ofMillis(Math.max(0, lagMs));
                    Role role = inRecovery ? Role.SECONDARY : readOnly ? Role.READ_ONLY : Role.PRIMARY;
                    return new Status(role, epoch, lag, rs.getString(7));
                }
            }
        });
    }

    @Override
    public ErrorKind classifyOne(SQLException e) {
        String state = e.getSQLState();
        if (state == null) return null;
        switch (state) {
            case "25006": // read_only_sql_transaction
                return ErrorKind.READ_ONLY;
            case "40001": // serialization_failure
            case "40P01": // deadlock_detected
            case "53300": // too_many_connections
            case "57P01": // admin_shutdown
            case "57P02": // crash_shutdown
            case "57P03": // cannot_connect_now (starting up, in recovery)
                return ErrorKind.TRANSIENT;
            default:
                return null;
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
