package io.hadr4j.core.datasource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

import io.hadr4j.core.Secrets;

/**
 * A driver's error message may quote a connection string or a token. The real mssql-jdbc driver builds the error from
 * what a {@link TdsServer} sends at login; its message carries four kinds of secret, and none of them may reach the
 * router's log (slf4j-simple, which the tests log through, writes to {@code System.err}), its exceptions (messages,
 * causes, suppressed), its events or its snapshot.
 */
class RouterSecretsTest {

    private static final String PASSWORD_KV = "secret-pw-4711";
    private static final String SQLSERVER_STYLE = "sqlsrv-pw-0815";
    private static final String USER_INFO = "userinfo-pw-2323";
    private static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhcHAiLCJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLXNlY3JldA";
    private static final List<String> SECRETS = List.of(PASSWORD_KV, SQLSERVER_STYLE, USER_INFO, JWT);
    private static final String MESSAGE = "Login failed: the server was given jdbc:postgresql://db.example/orders?user=app&password=" + PASSWORD_KV
            + " and Server=tcp:db.example;User ID=app;password=" + SQLSERVER_STYLE + ";Encrypt=true"
            + " and postgres://app:" + USER_INFO + "@db.example:5432/orders with access token " + JWT;

    @Test
    void secretsInADriversMessageReachNoLogExceptionEventOrSnapshot() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream err = System.err;
        List<RouterEvent> events = new CopyOnWriteArrayList<>();
        List<SQLException> thrown = new ArrayList<>();
        String views;
        System.setErr(new PrintStream(new TeeStream(err, captured), true, StandardCharsets.UTF_8));
        try (TdsServer server = new TdsServer(); HikariDataSource pool = ListenerThreadTest.pool(server)) {
            server.failLogin(18456, MESSAGE);
            RouterConfig config = RouterConfig.custom().name("secrets").localRegion("region-a").probeInterval(Duration.ofMillis(100))
                    .probeTimeout(Duration.ofSeconds(1)).failoverTimeout(Duration.ofSeconds(1)).build();
            try (RegionAwareDataSource ds = RegionAwareDataSource.create(config, List.of(Endpoint.of("a", "region-a", pool)), events::add)) {
                // The probe's login fails with the message: a is DOWN, writes wait and fail.
                assertEquals(Role.DOWN, ds.snapshot().endpoint("a").role(), ds.snapshot()::toString);
                assertTrue(ds.snapshot().endpoint("a").lastError().contains(Secrets.MASK), ds.snapshot().endpoint("a").lastError());
                thrown.add(assertThrows(SQLException.class, ds::getConnection));

                // The login works again, a is the primary; then new connections of the pool fail with the message.
                server.failLogin(0, null);
                Await.await("a routed again once its circuit breaker lets a probe through", Duration.ofSeconds(30),
                        () -> "a".equals(ds.snapshot().writeEndpoint()));
                server.failLogin(18456, MESSAGE);
                pool.getHikariPoolMXBean().softEvictConnections();
                thrown.add(assertThrows(SQLException.class, ds::getConnection));
                thrown.add(assertThrows(SQLException.class, () -> ds.readOnly().getConnection()));
                assertTrue(ds.awaitEvents(Duration.ofSeconds(30)));
                views = ds.snapshot() + " " + ds.snapshot().describeEndpoints() + " " + ds;
            }
        } finally {
            System.setErr(err);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("secrets: endpoint a [region-a]: UNKNOWN -> DOWN"), "the router logged the failed probe: " + log);
        assertTrue(log.contains("Login failed"), "with the driver's message, masked: " + log);
        StringBuilder exceptions = new StringBuilder();
        for (SQLException e : thrown) everything(e, exceptions, Collections.newSetFromMap(new IdentityHashMap<>()));
        assertTrue(exceptions.toString().contains("Login failed"), "the driver's message is in the exceptions, masked: " + exceptions);
        String all = "LOG:\n" + log + "\nEXCEPTIONS:\n" + exceptions + "\nEVENTS:\n" + events + "\nVIEWS:\n" + views;
        for (String secret : SECRETS) {
            assertFalse(all.contains(secret), "'" + secret + "' leaked:\n" + all);
        }
    }

    /** Every message, toString() and stack-trace line of {@code t}, its causes and suppressed exceptions. */
    private static void everything(Throwable t, StringBuilder out, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) return;
        out.append(t).append('\n').append(t.getMessage()).append('\n');
        java.io.StringWriter trace = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(trace));
        out.append(trace).append('\n');
        everything(t.getCause(), out, seen);
        for (Throwable s : t.getSuppressed()) everything(s, out, seen);
        if (t instanceof SQLException s) everything(s.getNextException(), out, seen);
    }

    /** Writes to both streams. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws java.io.IOException {
            a.flush();
            b.flush();
        }
    }
}
