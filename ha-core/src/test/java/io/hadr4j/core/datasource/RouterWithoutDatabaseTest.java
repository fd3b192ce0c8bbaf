package io.hadr4j.core.datasource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** What the router does when no endpoint can be reached at all: bounded, explicit, no secrets. */
class RouterWithoutDatabaseTest {

    private static final String SECRET = "s3cr3t-pw";

    /** An endpoint whose driver fails like pgjdbc does when the server refuses, with a URL that holds a password. */
    static class Unreachable extends NoDataSource {
        @Override
        public Connection getConnection() throws SQLException {
            throw new SQLException("Connection to 127.0.0.1:1 refused (url jdbc:postgresql://127.0.0.1:1/app?password=" + SECRET + ")",
                    "08001", new java.net.ConnectException("Connection refused"));
        }

        @Override
        public String toString() {
            return "jdbc:postgresql://127.0.0.1:1/app?password=" + SECRET;
        }
    }

    @Test
    void getConnectionWaitsTheBoundThenNamesEveryEndpointWithoutSecrets() {
        RouterConfig config = RouterConfig.custom().localRegion("r1").dialect(Dialect.POSTGRESQL)
                .probeInterval(Duration.ofMillis(100)).probeTimeout(Duration.ofMillis(200))
                .failoverTimeout(Duration.ofMillis(600)).build();
        try (RegionAwareDataSource ds = RegionAwareDataSource.create(config,
                Endpoint.of("east", "r1", new Unreachable()), Endpoint.of("west", "r2", new Unreachable(), 1))) {
            SQLException e = assertThrows(SQLException.class, ds::getConnection);
            // The router gives up only once its deadline has passed, and says how long it waited (its own clock, not this test's).
            Matcher waited = Pattern.compile("no writable primary after waiting (\\d+) ms \\(failoverTimeout 600 ms\\)").matcher(e.getMessage());
            assertTrue(waited.find(), e.getMessage());
            assertTrue(Long.parseLong(waited.group(1)) >= 600, e.getMessage());
            assertEquals(RegionAwareDataSource.SQLSTATE_NO_PRIMARY, e.getSQLState());
            assertInstanceOf(NoWritablePrimaryException.class, e, "callers can catch it by type");
            assertTrue(e.getMessage().contains("east [r1]: DOWN"), e.getMessage());
            assertTrue(e.getMessage().contains("west [r2]: DOWN"), e.getMessage());
            assertTrue(e.getMessage().contains("refused"), "what was last seen: " + e.getMessage());
            String everything = e.getMessage() + ds + ds.snapshot() + ds.config();
            assertFalse(everything.contains(SECRET), everything);
            // The read view waits the same bound and fails the same way.
            SQLException r = assertThrows(SQLException.class, () -> ds.readOnly().getConnection());
            assertEquals(RegionAwareDataSource.SQLSTATE_NO_PRIMARY, r.getSQLState());

            ds.close();
            ds.close(); // idempotent
            assertTrue(ds.isClosed());
            SQLException closed = assertThrows(SQLException.class, ds::getConnection);
            assertEquals(RegionAwareDataSource.SQLSTATE_CLOSED, closed.getSQLState());
            assertInstanceOf(DataSourceClosedException.class, closed, "callers can catch it by type");
        }
    }

    @Test
    void aFailoverTimeoutOfZeroNeverWaits() {
        RouterConfig config = RouterConfig.custom().localRegion("r1").dialect(Dialect.SQL_SERVER)
                .failoverTimeout(Duration.ZERO).probeTimeout(Duration.ofMillis(200)).build();
        try (RegionAwareDataSource ds = RegionAwareDataSource.create(config, Endpoint.of("only", "r1", new Unreachable()))) {
            SQLException e = assertThrows(SQLException.class, ds::getConnection);
            assertTrue(e.getMessage().contains("only [r1]"), e.getMessage());
        }
    }

    /** A DataSource that records whether it was closed, as a pool would be. */
    static final class ClosablePool extends Unreachable implements AutoCloseable {
        volatile boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void closeLeavesTheApplicationsPoolsOpenUnlessConfigured() {
        RouterConfig.Builder b = RouterConfig.custom().localRegion("r1").dialect(Dialect.POSTGRESQL).probeTimeout(Duration.ofMillis(200));
        ClosablePool kept = new ClosablePool();
        RegionAwareDataSource.create(b.build(), Endpoint.of("a", "r1", kept)).close();
        assertFalse(kept.closed, "the pool belongs to the application");
        ClosablePool owned = new ClosablePool();
        RegionAwareDataSource.create(b.closeDataSourcesOnClose(true).build(), Endpoint.of("a", "r1", owned)).close();
        assertTrue(owned.closed, "closeDataSourcesOnClose(true) closes it");
    }
}
