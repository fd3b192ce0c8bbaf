package io.hadr4j.core.health;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import javax.sql.DataSource;

/**
 * A plain JDBC check for any {@link DataSource}: takes a connection, validates it, and reports
 * {@value ReadinessPolicy#READABLE} and {@value ReadinessPolicy#WRITABLE} in its data; its
 * {@link ReadinessPolicy} turns them into UP or DOWN.
 *
 * <ul>
 *   <li>With a {@linkplain Builder#writableQuery(String) writable query} (one row, one boolean column, true when
 *       the database accepts writes; {@link #POSTGRESQL_WRITABLE_QUERY} for PostgreSQL), that query is the only
 *       round trip: readable when it answers, writable when it answers true.</li>
 *   <li>Otherwise the {@linkplain Builder#validationQuery(String) validation query} if one is set, else
 *       {@link Connection#isValid(int)}, decides readable; writable is readable and not
 *       {@link Connection#isReadOnly()}.</li>
 * </ul>
 * The query timeout and, where the driver supports it, the connection's network timeout are set to the check's
 * timeout (and the network timeout restored before the connection goes back to its pool). Obtaining the
 * connection itself is bounded only by the DataSource's own login/connect timeouts; the registry's timeout still
 * marks a hung check DOWN on time.
 */
public final class JdbcHealthCheck implements HealthCheck {

    /**
     * For PostgreSQL: true on a primary that accepts writes, false on a standby or a primary made read-only. The
     * column alias {@code hadr4j_health_writable} makes the query easy to find in {@code pg_stat_statements}.
     */
    public static final String POSTGRESQL_WRITABLE_QUERY =
            "SELECT NOT pg_is_in_recovery() AND current_setting('transaction_read_only') = 'off'"
                    + " AS hadr4j_health_writable";

    private static final Executor SAME_THREAD = Runnable::run;

    private final String name;
    private final Set<HealthGroup> groups;
    private final DataSource dataSource;
    private final String validationQuery;
    private final String writableQuery;
    private final Duration timeout;
    private final ReadinessPolicy policy;

    private JdbcHealthCheck(Builder b) {
        this.name = HealthChecks.requireName(b.name);
        this.groups = HealthChecks.requireGroups(b.groups);
        this.dataSource = b.dataSource;
        this.validationQuery = b.validationQuery;
        this.writableQuery = b.writableQuery;
        this.timeout = b.timeout;
        this.policy = b.policy;
    }

    public static Builder custom() {
        return new Builder();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Set<HealthGroup> groups() {
        return groups;
    }

    public ReadinessPolicy readinessPolicy() {
        return policy;
    }

    @Override
    public HealthResult check() {
        long start = System.nanoTime();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put(ReadinessPolicy.READABLE, false);
        data.put(ReadinessPolicy.WRITABLE, false);
        try (Connection connection = dataSource.getConnection()) {
            int previousNetworkTimeout = setNetworkTimeout(connection, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            try {
                boolean readable;
                boolean writable;
                if (writableQuery != null) {
                    writable = queryBoolean(connection, writableQuery);
                    readable = true;
                } else {
                    readable = validationQuery != null ? execute(connection, validationQuery)
                            : connection.isValid(timeoutSeconds());
                    writable = readable && !connection.isReadOnly();
                }
                data.put(ReadinessPolicy.READABLE, readable);
                data.put(ReadinessPolicy.WRITABLE, writable);
            } finally {
                if (previousNetworkTimeout >= 0) {
                    setNetworkTimeout(connection, previousNetworkTimeout);
                }
            }
        } catch (SQLException | RuntimeException e) {
            data.put("error", HealthResult.describe(e));
            if (e instanceof SQLException && ((SQLException) e).getSQLState() != null) {
                data.put("sqlState", ((SQLException) e).getSQLState());
            }
        }
        data.put("policy", policy.name());
        data.put("durationMs", (System.nanoTime() - start) / 1_000_000);
        return HealthResult.of(policy.statusOf(data), data);
    }

    private int timeoutSeconds() {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (timeout.toMillis() + 999) / 1000));
    }

    private boolean execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(timeoutSeconds());
            statement.execute(sql);
            return true;
        }
    }

    private boolean queryBoolean(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(timeoutSeconds());
            try (ResultSet rs = statement.executeQuery(sql)) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Sets the network timeout and returns the previous one, or -1 when the driver does not support it. */
    private static int setNetworkTimeout(Connection connection, int millis) {
        try {
            int previous = connection.getNetworkTimeout();
            connection.setNetworkTimeout(SAME_THREAD, millis);
            return previous;
        } catch (SQLException | RuntimeException | AbstractMethodError e) {
            return -1;
        }
    }

    @Override
    public String toString() {
        return "JdbcHealthCheck[" + name + " " + groups + " " + policy + "]";
    }

    /** Builds a {@link JdbcHealthCheck}; only the DataSource is required. */
    public static final class Builder {
        private String name = "database";
        private Set<HealthGroup> groups = EnumSet.of(HealthGroup.READINESS);
        private DataSource dataSource;
        private String validationQuery;
        private String writableQuery;
        private Duration timeout = Duration.ofSeconds(2);
        private ReadinessPolicy policy = ReadinessPolicy.REQUIRE_WRITABLE;

        private Builder() {
        }

        /** The check's name; default {@code database}. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** The groups; default {@link HealthGroup#READINESS} only (liveness must never depend on a database). */
        public Builder groups(HealthGroup... groups) {
            this.groups = HealthChecks.groupsOf(groups);
            return this;
        }

        public Builder dataSource(DataSource dataSource) {
            this.dataSource = dataSource;
            return this;
        }

        /** A statement run instead of {@link Connection#isValid(int)}, e.g. {@code SELECT 1}. */
        public Builder validationQuery(String sql) {
            this.validationQuery = sql;
            return this;
        }

        /** A query returning one boolean: true when the database accepts writes. */
        public Builder writableQuery(String sql) {
            this.writableQuery = sql;
            return this;
        }

        /** Bounds each query and network read; default 2 s. Keep it at most the registry's timeout. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** Default {@link ReadinessPolicy#REQUIRE_WRITABLE}. */
        public Builder readinessPolicy(ReadinessPolicy policy) {
            this.policy = policy;
            return this;
        }

        public JdbcHealthCheck build() {
            if (dataSource == null) {
                throw new IllegalArgumentException("JdbcHealthCheck needs a DataSource: call dataSource(...)");
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException(
                        "JdbcHealthCheck timeout must be > 0 (was " + timeout + "), e.g. Duration.ofSeconds(2)");
            }
            Objects.requireNonNull(policy, "readinessPolicy must not be null: use REQUIRE_WRITABLE or ALLOW_READ_ONLY");
            if (validationQuery != null && validationQuery.isBlank() || writableQuery != null && writableQuery.isBlank()) {
                throw new IllegalArgumentException("a JdbcHealthCheck query must not be blank: leave it unset instead");
            }
            return new JdbcHealthCheck(this);
        }
    }
}
