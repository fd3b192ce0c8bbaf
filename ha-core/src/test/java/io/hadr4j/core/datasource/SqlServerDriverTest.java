package io.hadr4j.core.datasource;

import static io.hadr4j.core.datasource.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.microsoft.sqlserver.jdbc.SQLServerException;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The SQL Server dialect against the exceptions the real mssql-jdbc driver builds from a server's error messages
 * on the wire, not exceptions the test made: a {@link TdsServer} on loopback logs the driver in and answers its
 * statements with the server errors Azure SQL sends (each with its real number), or resets the connection.
 *
 * <p>What only a real SQL Server decides (a database set READ_ONLY, the geo-replication role) is in
 * {@link SqlServerReadOnlyTest}, which needs Docker; here the server's answers are scripted, and what is proven
 * is that the driver's own exceptions are classified as the dialect says and that the router reacts to them.
 */
class SqlServerDriverTest {

    private static final String USER = "app";
    private static final String PASSWORD = "not-a-secret-but-never-shown";

    @ParameterizedTest(name = "login refused with {0}: {1}")
    @CsvSource({
            "40613, TRANSIENT", // Database is not currently available (during a failover-group failover)
            "40197, TRANSIENT", // The service has encountered an error processing your request
            "40501, TRANSIENT", // The service is currently busy
            "49918, TRANSIENT", "49919, TRANSIENT", "49920, TRANSIENT",
            "4060, TRANSIENT",  // Cannot open database requested by the login
            "4221, TRANSIENT",  // Login to read-secondary failed, transition to versioning
            "18456, FATAL",     // Login failed for user: retrying changes nothing
    })
    void loginErrorsAsTheDriverReportsThem(int number, Dialect.ErrorKind expected) throws Exception {
        try (TdsServer server = new TdsServer()) {
            server.failLogin(number, "error " + number + " at login");
            SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(server.url(), USER, PASSWORD));
            assertDriverError(e, number);
            assertEquals(expected, Dialect.SQL_SERVER.classify(e), e::toString);
            assertEquals(1, server.logins(), "the driver did not retry the login itself (connectRetryCount=0)");
            assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
        }
    }

    @ParameterizedTest(name = "statement failed with {0}: {1}")
    @CsvSource({
            "3906, READ_ONLY",  // Failed to update database because the database is read-only (old primary)
            "1205, TRANSIENT",  // deadlock victim (the driver maps it to SQLState 40001)
            "40613, TRANSIENT", "40197, TRANSIENT", "40501, TRANSIENT", "49918, TRANSIENT", "49919, TRANSIENT",
            "49920, TRANSIENT", "10928, TRANSIENT", "10929, TRANSIENT", "4221, TRANSIENT",
            "10053, TRANSIENT", "10054, TRANSIENT", "10060, TRANSIENT", "233, TRANSIENT", "64, TRANSIENT",
            "208, FATAL",       // Invalid object name
            "2627, FATAL",      // Violation of PRIMARY KEY constraint (the driver maps it to SQLState 23000)
            "547, FATAL",       // foreign key conflict
    })
    void statementErrorsAsTheDriverReportsThem(int number, Dialect.ErrorKind expected) throws Exception {
        try (TdsServer server = new TdsServer(); Connection c = DriverManager.getConnection(server.url(), USER, PASSWORD);
             Statement st = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> st.execute("SELECT 'RAISE " + number + "'"));
            assertDriverError(e, number);
            assertEquals(expected, Dialect.SQL_SERVER.classify(e), e::toString);
            assertFalse(c.isClosed(), "a server error leaves the session open");
        }
    }

    @Test
    void aConnectionResetByTheServerIsConnectionLost() throws Exception {
        try (TdsServer server = new TdsServer(); Connection c = DriverManager.getConnection(server.url(), USER, PASSWORD);
             Statement st = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> st.execute("SELECT 'RESET'"));
            assertTrue(e instanceof SQLServerException, e.getClass().getName());
            assertEquals("08S01", e.getSQLState(), e::toString);
            assertEquals(Dialect.ErrorKind.CONNECTION_LOST, Dialect.SQL_SERVER.classify(e), e::toString);
        }
    }

    /**
     * A port that refuses connections for certain: a socket this test binds and never listens on. (A port some
     * server just closed may be taken by another test's server at once.) The bound socket has no SO_REUSEADDR,
     * so no other socket can listen on its port while it is held; a connection to it is refused.
     */
    @Test
    void aServerThatIsGoneIsConnectionLost() throws Exception {
        try (Socket reserved = new Socket()) {
            reserved.setReuseAddress(false);
            reserved.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            String url = "jdbc:sqlserver://127.0.0.1:" + reserved.getLocalPort() + ";databaseName=hadr;loginTimeout=5;connectRetryCount=0;encrypt=false;";
            SQLException e = assertThrows(SQLException.class, () -> DriverManager.getConnection(url, USER, PASSWORD));
            assertTrue(e instanceof SQLServerException, e.getClass().getName());
            assertEquals("08S01", e.getSQLState(), e::toString);
            assertEquals(Dialect.ErrorKind.CONNECTION_LOST, Dialect.SQL_SERVER.classify(e), e::toString);
        }
    }

    /**
     * The probe's own error is the one reported, not the rollback's: with autocommit off, the probe rolls back what it
     * opened; when the server resets the connection during the probe's role query, that rollback fails too (the
     * connection is closed), and it is attached as suppressed to the probe's error instead of replacing it.
     */
    @Test
    void aFailedRollbackAfterAFailedProbeDoesNotHideTheProbesError() throws Exception {
        try (TdsServer server = new TdsServer(); Connection c = DriverManager.getConnection(server.url(), USER, PASSWORD)) {
            c.setAutoCommit(false);
            server.resetOn("Updateability");
            SQLException e = assertThrows(SQLException.class, () -> Dialect.SQL_SERVER.probe(c, 5));
            assertTrue(e instanceof SQLServerException, e.getClass().getName());
            assertTrue(server.batches().stream().anyMatch(b -> b.contains("Updateability")), "the probe's query reached the server");
            assertEquals(Dialect.ErrorKind.CONNECTION_LOST, Dialect.SQL_SERVER.classify(e), e::toString);
            assertFalse(e.getMessage().toLowerCase(java.util.Locale.ROOT).contains("connection is closed"),
                    "the probe's own error (the reset), not the rollback's on the closed connection: " + e);
            assertEquals(1, e.getSuppressed().length, "the rollback's failure is kept, as suppressed: " + Arrays.toString(e.getSuppressed()));
            assertTrue(e.getSuppressed()[0].getMessage().toLowerCase(java.util.Locale.ROOT).contains("closed"), e.getSuppressed()[0]::toString);
        }
    }

    @Test
    void theDialectIsDetectedAndItsProbeReadsTheRoleThroughTheDriver() throws Exception {
        try (TdsServer server = new TdsServer(); Connection c = DriverManager.getConnection(server.url(), USER, PASSWORD)) {
            assertSame(Dialect.SQL_SERVER, Dialect.detect(c.getMetaData()));
            Dialect.Status s = Dialect.SQL_SERVER.probe(c, 5);
            assertEquals(new Dialect.Status(Role.PRIMARY, null, Duration.ZERO, "tds-test/hadr"), s,
                    "READ_WRITE and no geo-replication view (error 208, ignored): a primary");
            server.setReadOnly(true);
            assertEquals(Role.READ_ONLY, Dialect.SQL_SERVER.probe(c, 5).role());
        }
    }

    /**
     * The router over a HikariCP pool and the real driver: a write that fails with the server's 3906 makes the
     * router re-probe at once (the background probe is set to a minute), see the endpoint READ_ONLY, withdraw
     * the write route and soft-evict the pool; a connection reset is reported as a lost connection.
     */
    @Test
    void theRouterReactsToTheDriversOwnReadOnlyAndConnectionErrors() throws Exception {
        List<RouterEvent> events = new CopyOnWriteArrayList<>();
        RouterConfig config = RouterConfig.custom().localRegion("region-a")
                .probeInterval(Duration.ofMinutes(1)).probeTimeout(Duration.ofSeconds(1))
                .failoverTimeout(Duration.ofSeconds(1)).build();
        try (TdsServer server = new TdsServer(); HikariDataSource pool = pool(server);
             RegionAwareDataSource ds = RegionAwareDataSource.create(config, List.of(Endpoint.of("a", "region-a", pool)), events::add)) {
            assertSame(Dialect.SQL_SERVER, ds.dialect(), "detected from the driver's metadata");
            assertEquals("a", ds.snapshot().writeEndpoint(), ds.snapshot()::toString);
            insert(ds, 1);

            server.setReadOnly(true);
            int before = server.batches().size();
            SQLException e = assertThrows(SQLException.class, () -> insert(ds, 2));
            assertDriverError(e, 3906);
            assertTrue(Arrays.stream(e.getSuppressed()).anyMatch(x -> x.getMessage().contains("a [region-a]: PRIMARY")),
                    "the application's exception carries the router's view: " + Arrays.toString(e.getSuppressed()));
            await("a seen READ_ONLY", Duration.ofSeconds(10), () -> ds.snapshot().endpoint("a").role() == Role.READ_ONLY);
            assertTrue(ds.awaitEvents(Duration.ofSeconds(30)), "the events of the round that saw it are delivered");
            assertTrue(server.batches().subList(before, server.batches().size()).stream().anyMatch(b -> b.contains("Updateability")),
                    "the error, not the one-minute background probe, made the router ask the role again: " + server.batches());
            assertNull(ds.snapshot().writeEndpoint(), ds.snapshot()::toString);
            assertTrue(events.stream().anyMatch(ev -> ev.type() == RouterEvent.Type.CONNECTION_ERROR && "a".equals(ev.endpoint())
                    && ev.cause().contains("read-only")), events::toString);
            assertTrue(events.stream().anyMatch(ev -> ev.type() == RouterEvent.Type.POOL_EVICTED && "a".equals(ev.endpoint())),
                    "the demoted endpoint's pool was soft-evicted: " + events);
            SQLException none = assertThrows(SQLException.class, () -> insert(ds, 2));
            assertEquals(RegionAwareDataSource.SQLSTATE_NO_PRIMARY, none.getSQLState(), none.getMessage());
            assertTrue(none.getMessage().contains("a [region-a]: READ_ONLY"), none.getMessage());
            assertFalse(none.getMessage().contains(PASSWORD), none.getMessage());

            server.setReadOnly(false);
            ds.probeNow();
            insert(ds, 2);
            assertEquals("a", ds.snapshot().writeEndpoint());

            events.clear();
            SQLException lost = assertThrows(SQLException.class, () -> {
                try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                    st.execute("SELECT 'RESET'");
                }
            });
            assertEquals("08S01", lost.getSQLState(), lost::toString);
            await("the lost connection reported", Duration.ofSeconds(10), () -> events.stream().anyMatch(ev ->
                    ev.type() == RouterEvent.Type.CONNECTION_ERROR && ev.cause().contains("connection-lost")));
            insert(ds, 3); // a fresh connection from the pool; the server itself is still there
        }
    }

    private static void assertDriverError(SQLException e, int number) {
        assertTrue(e instanceof SQLServerException, "built by the driver: " + e.getClass().getName());
        assertEquals(number, e.getErrorCode(), e::toString);
    }

    private static void insert(RegionAwareDataSource ds, long id) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO writes(id) VALUES (" + id + ")");
        }
    }

    private static HikariDataSource pool(TdsServer server) {
        HikariConfig c = new HikariConfig();
        c.setPoolName("pool-tds");
        c.setJdbcUrl(server.url());
        c.setUsername(USER);
        c.setPassword(PASSWORD);
        c.setMaximumPoolSize(4);
        c.setMinimumIdle(1);
        c.setConnectionTimeout(2000);
        c.setRegisterMbeans(false);
        return new HikariDataSource(c);
    }
}
