package io.hadr4j.core.datasource;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * SQL Server and Azure SQL Database. Role from {@code DATABASEPROPERTYEX(DB_NAME(),'Updateability')} and, on
 * Azure SQL, the geo-replication role from {@code sys.dm_geo_replication_link_status}: a geo-secondary is
 * {@link Role#SECONDARY}, any other database that refuses writes {@link Role#READ_ONLY}. SQL Server has no
 * epoch the router could compare, so two endpoints that both claim primary make writes fail closed.
 *
 * <p>Lag: that view fills {@code replication_lag_sec} on the geo-primary only, one row per partner
 * ({@code partner_server}, {@code partner_database}); on the geo-secondary it is NULL. So a primary's
 * {@link Status#partnerLag()} carries its row for each partner, keyed as that partner reports its own
 * {@link Status#server()} ({@code logical-server/database}, lower case, without a DNS suffix), and the router gives
 * a secondary the lag its primary reports for it.
 */
final class SqlServerDialect implements Dialect {

    private static final String ROLE = "SELECT CAST(DATABASEPROPERTYEX(DB_NAME(), 'Updateability') AS NVARCHAR(128)),"
            + " CAST(@@SERVERNAME AS NVARCHAR(256)) + '/' + DB_NAME()";
    private static final String GEO = "SELECT CAST(role_desc AS NVARCHAR(60)), CAST(replication_lag_sec AS INT),"
            + " CAST(partner_server AS NVARCHAR(256)), CAST(partner_database AS NVARCHAR(256)) FROM sys.dm_geo_replication_link_status";

    @Override
    public String name() {
        return "SQL Server";
    }

    @Override
    public Status probe(Connection c, int queryTimeoutSeconds) throws SQLException {
        return ProbeTransaction.thenRollBack(c, () -> {
            try (Statement st = c.createStatement()) {
                st.setQueryTimeout(queryTimeoutSeconds);
                String updateability;
                String server;
                try (ResultSet rs = st.executeQuery(ROLE)) {
                    rs.next();
                    updateability = rs.getString(1);
                    String s = rs.getString(2);
                    int slash = s == null ? -1 : s.lastIndexOf('/');
                    server = slash < 0 ? s : serverKey(s.substring(0, slash), s.substring(slash + 1));
                }
                boolean geoSecondary = false;
                Duration geoLag = null;
                Map<String, Duration> partnerLag = new HashMap<>();
                try (ResultSet rs = st.executeQuery(GEO)) {
                    while (rs.next()) { // one row per link: as primary for each partner, as secondary for its primary
                        String role = rs.getString(1);
                        int sec = rs.getInt(2);
                        Duration lag = rs.wasNull() ? null : Duration.ofSeconds(Math.max(0, sec));
                        if ("SECONDARY".equalsIgnoreCase(role)) {
                            geoSecondary = true;
                            geoLag = lag; // NULL on Azure SQL: only the primary knows
                        } else if ("PRIMARY".equalsIgnoreCase(role) && lag != null && rs.getString(3) != null && rs.getString(4) != null) {
                            partnerLag.merge(serverKey(rs.getString(3), rs.getString(4)), lag, (a, b) -> a.compareTo(b) >= 0 ? a : b);
                        }
                    }
                } catch (SQLException e) {
                    // 208: the view does not exist (SQL Server, not Azure SQL); 297/300/229: no VIEW DATABASE STATE.
                    if (classify(e) == ErrorKind.CONNECTION_LOST) throw e;
                }
                boolean writable = "READ_WRITE".equalsIgnoreCase(updateability);
                if (writable && !geoSecondary) return new Status(Role.PRIMARY, null, Duration.ZERO, server, partnerLag);
                if (geoSecondary) return new Status(Role.SECONDARY, null, geoLag, server);
                // Read-only and no geo-secondary: a primary made read-only (ALTER DATABASE ... SET READ_ONLY), or a
                // geo-primary that refuses writes. Routing treats it like a secondary of unknown lag (no writes, no reads).
                return new Status(Role.READ_ONLY, null, null, server);
            }
        });
    }

    /**
     * How a database is named in {@link Status#server()} and {@link Status#partnerLag()}: {@code server/database},
     * lower case, the server without a DNS suffix ({@code orders-sin.database.windows.net} is {@code orders-sin}), so
     * that {@code @@SERVERNAME} on one side and {@code partner_server} on the other name the same database alike.
     */
    static String serverKey(String server, String database) {
        String host = server.trim();
        int dot = host.indexOf('.');
        if (dot > 0) host = host.substring(0, dot);
        return (host + "/" + database.trim()).toLowerCase(Locale.ROOT);
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
