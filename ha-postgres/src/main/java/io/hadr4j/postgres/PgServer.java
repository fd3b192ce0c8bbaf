package io.hadr4j.postgres;

import io.hadr4j.core.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One PostgreSQL server process on a data directory, started by this JVM: {@code postgres -D <dir> [args]} with its
 * output appended to a log file. The one way hadr4j starts, waits for, stops and kills a server, for the testkit's
 * nodes and for restored copies alike.
 */
public final class PgServer {
    private static final Logger log = LoggerFactory.getLogger(PgServer.class);

    private final String name;
    private final PgInstallation installation;
    private final Path dataDirectory;
    private final Path logFile;
    private final int port;
    private final List<String> serverArgs;
    private volatile Process process;

    /**
     * @param name       what the server is, for messages ({@code "node a"}, {@code "the restored server orders-1"})
     * @param port       the loopback port it listens on ({@code -p})
     * @param serverArgs more arguments of {@code postgres}, such as {@code -c listen_addresses=127.0.0.1}
     */
    public PgServer(String name, PgInstallation installation, Path dataDirectory, Path logFile, int port, List<String> serverArgs) {
        this.name = name;
        this.installation = installation;
        this.dataDirectory = dataDirectory;
        this.logFile = logFile;
        this.port = port;
        this.serverArgs = List.copyOf(serverArgs);
    }

    /** Something to ask a starting server; true when it is there. */
    @FunctionalInterface
    public interface Check {
        boolean done() throws SQLException;
    }

    /** The server process ended while {@link #await} waited for it. */
    public static final class ExitedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        private final transient String logTail;

        ExitedException(String message, Throwable lastError, String logTail) {
            super(message, lastError);
            this.logTail = logTail;
        }

        /** The end of the server's log when it exited. */
        public String logTail() {
            return logTail;
        }
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public Path logFile() {
        return logFile;
    }

    public int port() {
        return port;
    }

    /** The JDBC URL of {@code database} on this server. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /**
     * A new connection straight to {@code database} on this server; {@code socketTimeoutSeconds} bounds every read
     * (0: no bound, for queries of unknown length).
     */
    public Connection connect(String database, String user, String password, int connectTimeoutSeconds, int socketTimeoutSeconds,
                              String applicationName) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        p.setProperty("password", password);
        p.setProperty("connectTimeout", String.valueOf(connectTimeoutSeconds));
        p.setProperty("socketTimeout", String.valueOf(socketTimeoutSeconds));
        p.setProperty("ApplicationName", applicationName);
        return DriverManager.getConnection(jdbcUrl(database), p);
    }

    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** The postmaster's process id, or -1 when it is not running. */
    public long pid() {
        Process p = process;
        return p != null && p.isAlive() ? p.pid() : -1;
    }

    /** Starts the server (returns at once; {@link #await} waits for it). Does nothing while it runs. */
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        List<String> cmd = installation.command("postgres", "-D", dataDirectory.toString(), "-p", String.valueOf(port));
        cmd.addAll(serverArgs);
        try {
            Process p = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            p.getOutputStream().close();
            process = p;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + String.join(" ", cmd), e);
        }
    }

    /**
     * Asks {@code check} every {@code interval} until it says done. A connection error means "not yet", except one
     * that cannot heal by waiting ({@link #refusesForGood}: a login refused, a database that does not exist), which
     * fails at once. Fails at once too when the process exits ({@link ExitedException}, with the log's end), and at
     * {@code deadline}; every failure carries the last connection error as its cause.
     *
     * @param what       what the server is doing, for messages ("starting", "recovery")
     * @param onTimeout  more words for the message at the deadline (what was achieved, what to change)
     */
    public void await(Instant deadline, Duration interval, String what, Check check, Supplier<String> onTimeout) {
        SQLException last = null;
        while (true) {
            Process p = process;
            if (p == null || !p.isAlive()) {
                String tail = logTail(40);
                throw new ExitedException(name + " exited with " + (p == null ? "?" : p.exitValue()) + " during " + what
                        + lastError(last) + "; its log " + logFile + " ends with:\n" + tail, last, tail);
            }
            try {
                if (check.done()) {
                    return;
                }
            } catch (SQLException e) {
                last = e;
                if (refusesForGood(e)) {
                    throw new IllegalStateException(name + " refused the connection during " + what + ": " + Secrets.safeMessage(e)
                            + "; check the user, password and database this server is reached with", e);
                }
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(name + " did not finish " + what + " by " + deadline + lastError(last) + "; "
                        + onTimeout.get() + " Its log " + logFile + " ends with:\n" + logTail(20), last);
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
        }
    }

    private static String lastError(SQLException last) {
        return last == null ? "" : " (last connection error: " + Secrets.safeMessage(last) + ")";
    }

    /**
     * Whether a connection error is one that waiting cannot heal: a login refused (SQLState class 28: wrong password,
     * no such role, pg_hba.conf refuses) or a database that does not exist (3D000). Starting up (57P03), refused
     * connections and resets are not: the server is on its way.
     */
    public static boolean refusesForGood(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("28") || state.equals("3D000"));
    }

    /**
     * A fast shutdown: open sessions end, everything written is kept (a primary sends it to its standbys first).
     * With {@code pg_ctl stop -m fast -w} where the installation has {@code pg_ctl}, else by SIGINT; the server is
     * killed when it has not stopped after 60 s. Waits until every process of the server has exited.
     */
    public void stop() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        List<ProcessHandle> children = p.descendants().toList();
        boolean asked = false;
        if (installation.has("pg_ctl")) {
            try {
                PgInstallation.run(installation.command("pg_ctl", "stop", "-D", dataDirectory.toString(), "-m", "fast", "-w", "-t", "60"), 90);
                asked = true;
            } catch (RuntimeException e) {
                log.info("pg_ctl could not stop {} ({}); sending it SIGINT", name, e.getMessage().strip());
            }
        }
        if (!asked) {
            try {
                PgInstallation.run(List.of("kill", "-INT", String.valueOf(p.pid())), 10);
            } catch (RuntimeException e) {
                log.warn("could not signal {}: {}", name, e.getMessage().strip());
            }
        }
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                log.warn("{} did not stop within 60 s; killing it", name);
                kill();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            return;
        }
        awaitExit(p, children);
        log.info("{} stopped", name);
    }

    /** kill -9 of the server and all its processes, as a crash of the host would; waits until they have exited. */
    public void kill() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        List<ProcessHandle> children = new ArrayList<>(p.descendants().toList());
        p.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        awaitExit(p, children);
        log.info("{} killed (-9)", name);
    }

    private void awaitExit(Process p, List<ProcessHandle> children) {
        try {
            p.waitFor(30, TimeUnit.SECONDS);
            for (ProcessHandle c : children) {
                c.onExit().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            log.warn("processes of {} still running after 30 s: {}", name, children);
        }
    }

    /** The last {@code lines} lines of the server's log. */
    public String logTail(int lines) {
        return tail(logFile, lines);
    }

    /** The last {@code lines} lines of {@code file}, or why there are none. */
    public static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** A loopback TCP port that nothing listens on now, for a new server. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    @Override
    public String toString() {
        return "PgServer[" + name + ", " + dataDirectory + (isRunning() ? ", pid " + pid() : ", not running") + "]";
    }
}
