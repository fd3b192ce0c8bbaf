package io.hadr4j.core.datasource;

import static io.hadr4j.core.datasource.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.MSSQLServerContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The SQL Server dialect against a real SQL Server (Testcontainers, {@code mcr.microsoft.com/mssql/server:2022-latest}):
 * its role probe, and a database turned read-only under the router ({@code ALTER DATABASE ... SET READ_ONLY}, as a
 * failover-group failover leaves the old primary): the next write through the library fails with the server's error
 * 3906, classified {@link Dialect.ErrorKind#READ_ONLY}; the router re-probes at once, sees the database READ_ONLY,
 * withdraws the write route and soft-evicts the endpoint's pool.
 *
 * <p>Needs a Docker engine; where there is none the class is skipped ("disabledWithoutDocker is true and Docker is not
 * available"). The same contract on PostgreSQL (SQLState 25006 after a demotion in place) runs everywhere, in
 * {@link ConnectionErrorTest}; the router's reaction to the driver's own 3906 exception, over the TDS wire from a
 * scripted server, in {@link SqlServerDriverTest}.
 */
@Testcontainers(disabledWithoutDocker = true)
class SqlServerReadOnlyTest {

    private static final String DATABASE = "hadr";

    @Container
    private static final MSSQLServerContainer<?> SERVER =
            new MSSQLServerContainer<>(DockerImageName.parse("mcr.microsoft.com/mssql/server:2022-latest")).acceptLicense();

    @BeforeAll
    static void createDatabaseAndTable() throws SQLException {
        try (Connection c = connect("master"); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + DATABASE);
        }
        try (Connection c = connect(DATABASE); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE writes (id BIGINT PRIMARY KEY, at DATETIME2 NOT NULL DEFAULT SYSUTCDATETIME())");
        }
    }

    @Test
    void theDialectsProbeReadsTheRoleAndServerOfARealServer() throws SQLException {
        try (Connection c = connect(DATABASE)) {
            Dialect.Status s = Dialect.SQL_SERVER.probe(c, 5); // on SQL Server (not Azure SQL) the geo view is absent
            assertEquals(Role.PRIMARY, s.role(), s::toString);
            assertEquals(Duration.ZERO, s.lag(), "a primary has no lag");
            assertNull(s.epoch(), "SQL Server has no epoch");
            assertTrue(s.server().endsWith("/" + DATABASE), "server name and database: " + s.server());
            assertEquals(Dialect.SQL_SERVER, Dialect.detect(c.getMetaData()));
        }
    }

    @Test
    void aDatabaseTurnedReadOnlyFailsTheNextWriteWith3906ClassifiedReadOnlyAndItsPoolIsEvicted() throws Exception {
        List<RouterEvent> events = new CopyOnWriteArrayList<>();
        // The background probe is set to a minute: whatever the router does within the test, the write's error caused.
        RouterConfig config = RouterConfig.custom().localRegion("region-a").dialect(Dialect.SQL_SERVER)
                .probeInterval(Duration.ofMinutes(1)).probeTimeout(Duration.ofSeconds(5))
                .failoverTimeout(Duration.ofSeconds(2)).build();
        try (HikariDataSource pool = pool();
             RegionAwareDataSource ds = RegionAwareDataSource.create(config, List.of(Endpoint.of("a", "region-a", pool)), events::add)) {
            assertEquals("a", ds.snapshot().writeEndpoint(), ds.snapshot()::toString);
            insert(ds, 1);
            insert(ds, 2);

            // Mid-run, from another connection. WITH ROLLBACK IMMEDIATE ends the other sessions in the database (the
            // pool's); HikariCP replaces those on borrow once they have been idle longer than its 500 ms bypass window.
            try (Connection c = connect("master"); Statement st = c.createStatement()) {
                st.execute("ALTER DATABASE " + DATABASE + " SET READ_ONLY WITH ROLLBACK IMMEDIATE");
            }
            Await.sleep(1000);

            SQLException e = assertThrows(SQLException.class, () -> insert(ds, 3));
            assertEquals(3906, e.getErrorCode(), "the application sees the server's own error: " + e);
            assertEquals(Dialect.ErrorKind.READ_ONLY, Dialect.SQL_SERVER.classify(e));
            assertTrue(Arrays.stream(e.getSuppressed()).anyMatch(x -> x.getMessage().contains("a [region-a]: PRIMARY")),
                    "with the router's view attached");

            await("a seen READ_ONLY", Duration.ofSeconds(30), () -> ds.snapshot().endpoint("a").role() == Role.READ_ONLY);
            assertTrue(ds.awaitEvents(Duration.ofSeconds(30)), "the events of the round that saw it are delivered");
            RouterSnapshot s = ds.snapshot();
            assertNull(s.writeEndpoint(), s::toString);
            assertTrue(events.stream().anyMatch(ev -> ev.type() == RouterEvent.Type.CONNECTION_ERROR && "a".equals(ev.endpoint())
                    && ev.cause().contains("read-only")), events::toString);
            assertTrue(events.stream().anyMatch(ev -> ev.type() == RouterEvent.Type.POOL_EVICTED && "a".equals(ev.endpoint())),
                    "the demoted endpoint's pool was soft-evicted: " + events);
            try (Connection c = connect(DATABASE)) {
                assertEquals(Role.READ_ONLY, Dialect.SQL_SERVER.probe(c, 5).role(), "the probe on its own says READ_ONLY");
            }
            // No other endpoint: writes wait for the failover timeout, then fail naming what was seen.
            SQLException none = assertThrows(SQLException.class, () -> insert(ds, 3));
            assertEquals(RegionAwareDataSource.SQLSTATE_NO_PRIMARY, none.getSQLState(), none.getMessage());
            assertTrue(none.getMessage().contains("a [region-a]: READ_ONLY"), none.getMessage());

            // Writable again: writes go to a again.
            try (Connection c = connect("master"); Statement st = c.createStatement()) {
                st.execute("ALTER DATABASE " + DATABASE + " SET READ_WRITE WITH ROLLBACK IMMEDIATE");
            }
            Await.sleep(1000); // past HikariCP's bypass window again
            ds.probeNow();
            insert(ds, 3);
            assertEquals("a", ds.snapshot().writeEndpoint());
        } finally {
            try (Connection c = connect("master"); Statement st = c.createStatement()) {
                st.execute("ALTER DATABASE " + DATABASE + " SET READ_WRITE WITH ROLLBACK IMMEDIATE");
            }
        }
    }

    private static void insert(RegionAwareDataSource ds, long id) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("INSERT INTO writes(id) VALUES (?)")) {
            ps.setLong(1, id);
            ps.executeUpdate();
        }
    }

    private static String url(String database) {
        return SERVER.getJdbcUrl() + ";databaseName=" + database + ";trustServerCertificate=true";
    }

    private static Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(url(database), SERVER.getUsername(), SERVER.getPassword());
    }

    private static HikariDataSource pool() {
        HikariConfig c = new HikariConfig();
        c.setPoolName("pool-mssql");
        c.setJdbcUrl(url(DATABASE));
        c.setUsername(SERVER.getUsername());
        c.setPassword(SERVER.getPassword());
        c.setMaximumPoolSize(4);
        c.setMinimumIdle(2);
        c.setConnectionTimeout(5000);
        c.setInitializationFailTimeout(-1);
        c.setRegisterMbeans(false);
        return new HikariDataSource(c);
    }
}
