package io.hadr4j.core.datasource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * SQL Server and Azure SQL Database. Role from {@code DATABASEPROPERTYEX(DB_NAME(),'Updateability')} and, on
 * Azure SQL, the geo-replication role and lag from {@code sys.dm_geo_replication_link_status}: a geo-secondary is
 * {@link Role#SECONDARY}, any other database that refuses writes {@link Role#READ_ONLY}. SQL Server has no
 * epoch the router could compare, so two endpoints that both claim primary make writes fail closed.
 */
final class SqlServerDialect implements Dialect {

    private static final String ROLE = "SELECT CAST(DATABASEPROPERTYEX(DB_NAME(), 'Updateability') AS NVARCHAR(128)),"
            + " CAST(@@SERVERNAME AS NVARCHAR(256)) + '/' + DB_NAME()";
    private static final String GEO = "SELECT TOP (1) role_desc, replication_lag_sec FROM sys.dm_geo_replication_link_status";

    @Override
    public String name() {
        return "SQL Server";
    }

    @Override
    public Status probe(Connection c, int queryTimeoutSeconds) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.setQueryTimeout(queryTimeoutSeconds);
            String updateability;
            String server;
            try (ResultSet rs = st.executeQuery(ROLE)) {
                rs.next();
                updateability = rs.getString(1);
                server = rs.getString(2);
            }
            String geoRole = null;
            Duration geoLag = null;
            try (ResultSet rs = st.executeQuery(GEO)) {
                if (rs.next()) {
                    geoRole = rs.getString(1);
                    int sec = rs.getInt(2);
                    geoLag = rs.wasNull() ? null : Duration.ofSeconds(sec);
                }
            } catch (SQLException e) {
                // 208: the view does not exist (SQL Server, not Azure SQL); 297/300/229: no VIEW DATABASE STATE.
                if (classify(e) == ErrorKind.CONNECTION_LOST) throw e;
            }
            boolean writable = "READ_WRITE".equalsIgnoreCase(updateability);
            boolean geoSecondary = "SECONDARY".equalsIgnoreCase(geoRole);
            if (writable && !geoSecondary) return new Status(Role.PRIMARY, null, Duration.ZERO, server);
            if (geoSecondary) return new Status(Role.SECONDARY, null, geoLag, server);
            // Read-only and no geo-secondary: a primary made read-only (ALTER DATABASE ... SET READ_ONLY), or a
            // geo-primary that refuses writes. Routing treats it like a secondary of unknown lag (no writes, no reads).
            return new Status(Role.READ_ONLY, null, null, server);
        } finally {
            if (!c.getAutoCommit()) c.rollback();
        }
    }

    @Override
    public ErrorKind classifyOne(SQLException e) {
        switch (e.getErrorCode()) {
            case 3906: // Failed to update database because the database is read-only
                return ErrorKind.READ_ONLY;
            case 40613: // Database is not currently available
            case 40197: // The service has encountered an error processing your request
            case 40501: // The service is currently busy
            case 49918: // Cannot process request. Not enough resources
            case 49919: // Cannot process create or update request. Too many operations in progress
            case 49920: // Cannot process request. Too many operations in progress
            case 4060:  // Cannot open database requested by the login
            case 4221:  // Login to read-secondary failed due to long wait on HADR_DATABASE_WAIT_FOR_TRANSITION_TO_VERSIONING
            case 10928: // Resource ID: %d. The %s limit for the database is %d and has been reached
            case 10929: // Resource ID: %d. The %s minimum guarantee is %d, maximum limit is %d
            case 10053: // A transport-level error has occurred when receiving results from the server
            case 10054: // A transport-level error has occurred when sending the request to the server
            case 10060: // A network-related or instance-specific error occurred
            case 233:   // The client was unable to establish a connection
            case 64:    // A connection was successfully established with the server, but then an error occurred
            case 1205:  // Deadlock victim
                // A transport error that also carries SQLState class 08 is reported as CONNECTION_LOST by the
                // generic rule, which Dialect.classify prefers; this vendor code alone means TRANSIENT.
                String state = e.getSQLState();
                return state != null && state.startsWith("08") ? ErrorKind.CONNECTION_LOST : ErrorKind.TRANSIENT;
            default:
                return null;
        }
    }

    @Override
    public String toString() {
        return name();
    }
}
