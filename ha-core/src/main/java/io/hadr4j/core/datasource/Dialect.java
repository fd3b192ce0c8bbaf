package io.hadr4j.core.datasource;

import java.io.EOFException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the router needs to know about one database product: how to ask an endpoint its role, epoch and
 * replication lag, and how to classify an {@link SQLException}. Implementations use plain JDBC only (no driver
 * at compile time). Two ship: {@link #POSTGRESQL} and {@link #SQL_SERVER} (SQL Server and Azure SQL).
 */
public interface Dialect {

    /** PostgreSQL (epoch = timeline). */
    Dialect POSTGRESQL = new PostgresDialect();

    /** SQL Server and Azure SQL Database (role from Updateability and sys.dm_geo_replication_link_status; no epoch). */
    Dialect SQL_SERVER = new SqlServerDialect();

    /** How an {@link SQLException} affects routing. */
    enum ErrorKind { // in precedence order: the first that any link of a chain has wins
        /** The server refuses writes because it is no longer (or not) the primary: re-probe, switch, evict. */
        READ_ONLY,
        /** The connection or server is gone (SQLState class 08, socket errors): re-probe, evict the connection. */
        CONNECTION_LOST,
        /** Worth retrying as is (deadlock, serialization failure, database briefly unavailable, throttling). */
        TRANSIENT,
        /** Anything else: the application's problem, not the topology's. */
        FATAL
    }

    /**
     * What an endpoint says about itself.
     *
     * @param role       its role
     * @param epoch      a number that grows with every promotion (PostgreSQL timeline), or {@code null} if unknown
     * @param lag        how far a secondary's applied data is behind its primary ({@link Duration#ZERO} for a
     *                   primary), or {@code null} if it cannot be measured (for example, replication not streaming,
     *                   or an Azure SQL geo-secondary, which does not know its own lag)
     * @param server     which physical server answered (for example {@code "10.0.0.5:5432"} or the SQL Server name), or
     *                   {@code null}: two endpoints that reach the same server (a DNS listener and a direct name) are one
     *                   node, not a split brain
     * @param partnerLag what a primary reports of its secondaries' lag, keyed by the {@code server} each secondary
     *                   reports of itself (Azure SQL: {@code logical-server/database}, lower case); empty when the
     *                   dialect or the endpoint reports none
     */
    record Status(Role role, Long epoch, Duration lag, String server, Map<String, Duration> partnerLag) {
        public Status {
            partnerLag = partnerLag == null ? Map.of() : Map.copyOf(partnerLag);
        }

        public Status(Role role, Long epoch, Duration lag, String server) {
            this(role, epoch, lag, server, Map.of());
        }

        public Status(Role role, Long epoch, Duration lag) {
            this(role, epoch, lag, null, Map.of());
        }
    }

    /** A short name, for example {@code "PostgreSQL"}. */
    String name();

    /**
     * Asks the endpoint behind {@code connection} its role, epoch and lag. Every statement it runs must use
     * {@code queryTimeoutSeconds} with {@link java.sql.Statement#setQueryTimeout(int)}.
     */
    Status probe(Connection connection, int queryTimeoutSeconds) throws SQLException;

    /**
     * Classifies one exception of the chain (not its causes), or returns {@code null} when this dialect has
     * nothing specific to say about it.
     */
    ErrorKind classifyOne(SQLException e);

    /**
     * Classifies an exception by walking its cause and next-exception chain: {@link ErrorKind#READ_ONLY} wins over
     * {@link ErrorKind#CONNECTION_LOST}, which wins over {@link ErrorKind#TRANSIENT}; else {@link ErrorKind#FATAL}.
     */
    default ErrorKind classify(SQLException e) {
        ErrorKind worst = ErrorKind.FATAL;
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> todo = new ArrayDeque<>();
        todo.add(e);
        while (!todo.isEmpty()) {
            Throwable t = todo.poll();
            if (t == null || !seen.add(t)) continue;
            ErrorKind k = null;
            if (t instanceof SQLException s) {
                k = classifyOne(s);
                if (k == null) k = classifyGeneric(s);
                if (s.getNextException() != null) todo.add(s.getNextException());
            } else if (t instanceof SocketException || t instanceof SocketTimeoutException
                    || t instanceof EOFException || t instanceof UnknownHostException) {
                k = ErrorKind.CONNECTION_LOST;
            }
            if (k != null && k.ordinal() < worst.ordinal()) worst = k;
            if (t.getCause() != null) todo.add(t.getCause());
        }
        return worst;
    }

    /** Detects the dialect from the driver's metadata; fails with a message that says what to configure. */
    static Dialect detect(DatabaseMetaData metaData) throws SQLException {
        String product = metaData.getDatabaseProductName();
        String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
        if (p.contains("postgres")) return POSTGRESQL;
        if (p.contains("microsoft sql server") || p.contains("azure sql")) return SQL_SERVER;
        throw new SQLException("hadr4j has no dialect for database product '" + product
                + "'; set one with RouterConfig.custom().dialect(...) (Dialect.POSTGRESQL or Dialect.SQL_SERVER, or your own)",
                "0A000");
    }

    private static ErrorKind classifyGeneric(SQLException s) {
        String state = s.getSQLState();
        if (Router.SQLSTATE_POOL_EXHAUSTED.equals(state)) return ErrorKind.TRANSIENT; // hadr4j's own: busy, not broken
        if (state != null && state.startsWith("08")) return ErrorKind.CONNECTION_LOST;
        if (s instanceof SQLTransientConnectionException && state == null && s.getCause() == null) {
            return ErrorKind.TRANSIENT; // a pool that timed out waiting for a free connection (exhausted, not broken)
        }
        if (s instanceof SQLTransientConnectionException || s instanceof SQLNonTransientConnectionException
                || s instanceof SQLRecoverableException) {
            return ErrorKind.CONNECTION_LOST;
        }
        return null;
    }
}
