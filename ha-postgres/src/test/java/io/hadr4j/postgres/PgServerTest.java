package io.hadr4j.postgres;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Waiting for a server, stopping it, killing it: on a stand-in "postgres" program (a shell script), since what is
 * tested is hadr4j's handling of the process and of the errors it sees, not PostgreSQL; the real server's side is in
 * ha-integration-tests (PostgresPointInTimeRestoreTest, and the testkit's own tests).
 */
class PgServerTest {
    private PgServer server;

    @AfterEach
    void killIt() {
        if (server != null) {
            server.kill();
        }
    }

    /** A server whose "postgres" runs {@code script} (with a bin directory that has no pg_ctl). */
    private PgServer server(Path dir, String script) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path postgres = bin.resolve("postgres");
        Files.writeString(postgres, "#!/bin/sh\n" + script + "\n");
        assertTrue(postgres.toFile().setExecutable(true));
        server = new PgServer("the test server", PgInstallation.at(bin), Files.createDirectories(dir.resolve("data")),
                dir.resolve("server.log"), PgServer.freePort(), List.of());
        return server;
    }

    @Test
    void onlyALoginRefusedOrAMissingDatabaseCannotHealByWaiting() {
        assertTrue(PgServer.refusesForGood(new SQLException("password authentication failed for user \"postgres\"", "28P01")));
        assertTrue(PgServer.refusesForGood(new SQLException("no pg_hba.conf entry", "28000")));
        assertTrue(PgServer.refusesForGood(new SQLException("database \"app\" does not exist", "3D000")));
        assertFalse(PgServer.refusesForGood(new SQLException("the database system is starting up", "57P03")));
        assertFalse(PgServer.refusesForGood(new SQLException("Connection refused", "08001")));
        assertFalse(PgServer.refusesForGood(new SQLException("no state")));
    }

    @Test
    void aRefusedLoginFailsAtOnceWithTheErrorAsItsCause(@TempDir Path dir) throws IOException {
        PgServer s = server(dir, "exec sleep 60");
        s.start();
        AtomicInteger asked = new AtomicInteger();
        SQLException starting = new SQLException("the database system is starting up", "57P03");
        SQLException refused = new SQLException("password authentication failed for user \"postgres\"", "28P01");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.await(Instant.now().plus(Duration.ofMinutes(30)),
                Duration.ofMillis(1), "recovery", () -> {
                    throw asked.incrementAndGet() < 3 ? starting : refused;
                }, () -> "raise the timeout."));
        assertSame(refused, e.getCause(), "the error it got is the cause");
        assertEquals(3, asked.get(), "two answers 'starting up' were waited out, the refused login was not");
        assertTrue(e.getMessage().startsWith("the test server refused the connection during recovery: password authentication failed"
                + " for user \"postgres\" (SQLState 28P01); check the user, password and database"), e.getMessage());
        assertTrue(s.isRunning(), "await does not stop the server: its owner does");
    }

    @Test
    void aServerThatExitsFailsAtOnceWithItsLogAndTheLastErrorSeen(@TempDir Path dir) throws Exception {
        Path go = dir.resolve("go");
        // Exits only once the check has seen a connection error: the order is the test's, not the clock's.
        PgServer s = server(dir, "echo 'FATAL:  could not locate a valid checkpoint record'\nwhile [ ! -f '" + go + "' ]; do sleep 0.01; done\nexit 1");
        s.start();
        SQLException refused = new SQLException("Connection to 127.0.0.1:5999 refused", "08001");
        PgServer.ExitedException e = assertThrows(PgServer.ExitedException.class, () -> s.await(Instant.now().plus(Duration.ofMinutes(30)),
                Duration.ofMillis(5), "recovery", () -> {
                    try {
                        Files.writeString(go, "");
                    } catch (IOException io) {
                        throw new java.io.UncheckedIOException(io);
                    }
                    throw refused;
                }, () -> ""));
        assertSame(refused, e.getCause());
        assertTrue(e.getMessage().startsWith("the test server exited with 1 during recovery (last connection error: Connection to "
                + "127.0.0.1:5999 refused (SQLState 08001)); its log " + dir.resolve("server.log") + " ends with:"), e.getMessage());
        assertTrue(e.logTail().contains("could not locate a valid checkpoint record"), e.logTail());
        assertFalse(s.isRunning());
        assertEquals(-1, s.pid());
    }

    @Test
    void atTheDeadlineTheLastErrorIsTheCauseAndTheMessageSaysWhatToChange(@TempDir Path dir) throws IOException {
        PgServer s = server(dir, "exec sleep 60");
        s.start();
        SQLException starting = new SQLException("the database system is starting up", "57P03");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.await(Instant.now().minusSeconds(1),
                Duration.ofMillis(1), "recovery", () -> {
                    throw starting;
                }, () -> "3 MB of WAL replayed; raise the request's timeout."));
        assertSame(starting, e.getCause());
        assertTrue(e.getMessage().contains("did not finish recovery by ") && e.getMessage().contains("(last connection error: the database "
                + "system is starting up (SQLState 57P03)); 3 MB of WAL replayed; raise the request's timeout."), e.getMessage());
    }

    @Test
    void withoutPgCtlStopSendsSigintAndWaitsForTheExit(@TempDir Path dir) throws Exception {
        Path ready = dir.resolve("ready");
        Path stopped = dir.resolve("stopped");
        // A "postgres" that leaves as PostgreSQL does on SIGINT (a fast shutdown), noting that it did. Like PostgreSQL it
        // installs its own handler, which a shell's trap cannot do when the build was started with SIGINT ignored (a
        // job started with & from a script, as a CI runner may): POSIX shells may not trap a signal ignored on entry.
        PgServer s = server(dir, "exec perl -e '$SIG{INT} = sub { open(my $f, \">\", $ARGV[0]) or die; close($f); exit 0 };"
                + " open(my $r, \">\", $ARGV[1]) or die; close($r); sleep 1 while 1;' '" + stopped + "' '" + ready + "'");
        s.start();
        long pid = s.pid();
        assertTrue(pid > 0);
        s.await(Instant.now().plusSeconds(30), Duration.ofMillis(5), "starting", () -> Files.exists(ready), () -> "");
        s.stop();
        assertTrue(Files.exists(stopped), "the server got SIGINT, PostgreSQL's fast shutdown");
        assertFalse(s.isRunning());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }
}
