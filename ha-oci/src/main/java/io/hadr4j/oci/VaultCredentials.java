package io.hadr4j.oci;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.oracle.bmc.model.BmcException;
import com.oracle.bmc.secrets.SecretsClient;
import com.oracle.bmc.secrets.model.Base64SecretBundleContentDetails;
import com.oracle.bmc.secrets.model.SecretBundle;
import com.oracle.bmc.secrets.model.SecretBundleContentDetails;
import com.oracle.bmc.secrets.requests.GetSecretBundleRequest;

import io.hadr4j.core.Secrets;
import io.hadr4j.core.health.HealthCheck;
import io.hadr4j.core.health.HealthGroup;
import io.hadr4j.core.health.HealthResult;
import io.hadr4j.core.health.HealthStatus;

/**
 * Database credentials kept in an OCI Vault secret, read through the SDK's {@link SecretsClient}: the secret's
 * CURRENT version, as JSON {@code {"username":"app","password":"..."}} or the password alone (with
 * {@link Builder#username}).
 *
 * <p>{@link #start()} reads it once (an unreachable Vault fails there, with an {@link OciException} that says so),
 * then again every {@link Builder#refreshInterval}, and at once when a database refuses a new connection for its
 * credentials ({@link #dataSource}). A read that fails keeps the last good credentials and shows in
 * {@link #healthCheck()}; the check stays UP (the credentials in hand still work), with {@code stale=true} and the
 * error in its data.
 *
 * <p>Pools get the credentials through {@link #dataSource(DataSource)} (or {@link #dataSource(String, Properties)}):
 * a DataSource that opens each new physical connection with the newest credentials, so open connections finish
 * their work with the password they were opened with, and the next ones use the new one. Give it to the pool
 * ({@code hikariConfig.setDataSource(vault.dataSource(pgSimpleDataSource))}, no username or password on the pool), and
 * retire the pool's old connections when a new version first worked: {@link #onRotation}.
 *
 * <p>The secret's content never appears in a log, an exception, health data or {@code toString()}.
 */
public final class VaultCredentials implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VaultCredentials.class);

    /** When the rotation listeners run a second time after a new version first worked. */
    public static final Duration RETIRE_AGAIN_AFTER = Duration.ofSeconds(2);

    /** What the last read found and when; immutable, replaced whole. */
    private record State(DbCredentials credentials, Instant lastRead, Instant lastAttempt, long lastAttemptNanos,
                         String lastError, int failedReads) {
    }

    private final Builder config;
    private final SecretsClient client;
    private final Object readLock = new Object(); // one read at a time; a refused connection waits for the read in flight
    private final List<Consumer<DbCredentials>> rotationListeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler;
    private volatile State state;
    private volatile DbCredentials lastWorking; // the newest version a database accepted
    private volatile boolean closed;

    private VaultCredentials(Builder b) {
        this.config = b;
        this.client = b.connection.secretsClient();
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hadr4j-vault-" + b.name);
            t.setDaemon(true);
            return t;
        });
    }

    public static Builder custom() {
        return new Builder();
    }

    /**
     * Reads the secret and starts re-reading it on the interval.
     *
     * @throws OciException when the secret cannot be read now (Vault unreachable, not authorized, not found) or its
     *                      content is not credentials: the application cannot connect without them
     */
    public VaultCredentials start() {
        synchronized (readLock) {
            RuntimeException failure = read();
            if (state == null) {
                close();
                int status = failure instanceof OciException o ? o.status() : -1;
                String code = failure instanceof OciException o ? o.serviceCode() : null;
                String request = failure instanceof OciException o ? o.opcRequestId() : null;
                boolean timeout = failure instanceof OciException o && o.isTimeout();
                throw new OciException("read Vault secret " + config.secretId, status, code, request, timeout,
                        "could not read the database credentials from OCI Vault secret " + config.secretId + " at "
                        + config.connection.describe() + " (" + failure.getMessage() + "). Check that the secret exists, that this"
                        + " instance's dynamic group may 'read secret-bundles' in its compartment, and that the Vault endpoint is reachable",
                        failure instanceof OciException ? failure.getCause() : null);
            }
        }
        long every = config.refreshInterval.toNanos();
        scheduler.scheduleWithFixedDelay(this::refreshQuietly, every, every, TimeUnit.NANOSECONDS);
        return this;
    }

    /** The newest credentials read (the last good ones while Vault cannot be read). */
    public DbCredentials current() {
        State s = state;
        if (s == null) throw new IllegalStateException("call start() first: no credentials were read from " + config.secretId + " yet");
        return s.credentials;
    }

    /** Reads the secret now (unless a read finished less than the minimum gap ago) and returns the newest credentials. */
    public DbCredentials refresh() {
        synchronized (readLock) {
            if (!closed && System.nanoTime() - state().lastAttemptNanos >= config.minReadGap.toNanos()) read();
        }
        return current();
    }

    /**
     * A database refused {@code refused}: returns newer credentials, reading the secret first unless a newer
     * version is already known or a read finished less than the minimum gap ago.
     */
    DbCredentials afterRefusal(DbCredentials refused) {
        DbCredentials now = current();
        if (now.version() != refused.version()) return now;
        LOG.info("{}: the database refused version {} of Vault secret {}; reading the secret again", config.name, refused.version(),
                config.secretId);
        return refresh();
    }

    /** The newest version a database accepted, or {@code null} before the first connection. */
    DbCredentials lastWorking() {
        return lastWorking;
    }

    /** A database accepted {@code c}: when it is a newer version than before, tells the rotation listeners. */
    void worked(DbCredentials c) {
        DbCredentials before = lastWorking;
        if (before != null && before.version() >= c.version()) return;
        synchronized (this) {
            before = lastWorking;
            if (before != null && before.version() >= c.version()) return;
            lastWorking = c;
        }
        if (before == null) return;
        LOG.info("{}: version {} of Vault secret {} works; connections opened with version {} can be retired", config.name, c.version(),
                config.secretId, before.version());
        Runnable tell = () -> {
            for (Consumer<DbCredentials> l : rotationListeners) {
                try {
                    l.accept(c);
                } catch (RuntimeException e) {
                    LOG.warn("{}: a rotation listener failed: {}", config.name, Secrets.safeMessage(e));
                }
            }
        };
        try {
            scheduler.execute(tell);
            scheduler.schedule(tell, RETIRE_AGAIN_AFTER.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed
        }
    }

    /**
     * Runs {@code listener} (on this object's thread) each time a new version of the secret has first been
     * accepted by the database: the moment to retire connections opened with the old password, for example
     * {@code vault.onRotation(c -> pool.getHikariPoolMXBean().softEvictConnections())} (idle ones close now, busy
     * ones when they are returned). It runs at once and again {@link #RETIRE_AGAIN_AFTER} later, so that a connection
     * that a pool was still setting up with the old version when the first call ran is retired too.
     */
    public VaultCredentials onRotation(Consumer<DbCredentials> listener) {
        rotationListeners.add(Objects.requireNonNull(listener, "listener"));
        return this;
    }

    /**
     * A DataSource that opens each connection of {@code target} (a driver's DataSource, for example
     * {@code PGSimpleDataSource} or {@code SQLServerDataSource}, without user or password) with the newest
     * credentials, through {@code target.getConnection(user, password)}.
     */
    public DataSource dataSource(DataSource target) {
        return new RotatingCredentialsDataSource(this, Objects.requireNonNull(target, "target"), null, null);
    }

    /** As {@link #dataSource(DataSource)}, over {@link java.sql.DriverManager} with a JDBC URL (without credentials). */
    public DataSource dataSource(String jdbcUrl, Properties properties) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        if (jdbcUrl.toLowerCase(java.util.Locale.ROOT).contains("password=")) {
            throw new IllegalArgumentException("the JDBC URL contains a password; remove it: the password comes from Vault secret " + config.secretId);
        }
        Properties p = new Properties();
        if (properties != null) p.putAll(properties);
        if (p.containsKey("user") || p.containsKey("password")) {
            throw new IllegalArgumentException("the properties set user or password; remove them: both come from Vault secret " + config.secretId);
        }
        return new RotatingCredentialsDataSource(this, null, jdbcUrl, p);
    }

    /**
     * A readiness check named after this source ({@code vault-credentials} by default): UP while credentials are in
     * hand; its data says the secret's OCID, the version in use, when it was last read, and, while Vault cannot be
     * read, {@code stale=true}, the failed reads in a row and the last error. Never the content.
     */
    public HealthCheck healthCheck() {
        return HealthCheck.of(config.name, EnumSet.of(HealthGroup.READINESS), () -> {
            State s = state;
            if (s == null) return HealthResult.down().withData("error", "not started");
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("source", "oci-vault");
            data.put("ocid", config.secretId);
            data.put("version", s.credentials.version());
            data.put("user", s.credentials.username());
            data.put("lastRead", s.lastRead.toString());
            data.put("stale", s.failedReads > 0);
            if (s.failedReads > 0) {
                data.put("failedReads", s.failedReads);
                data.put("lastAttempt", s.lastAttempt.toString());
                data.put("lastError", s.lastError);
            }
            return HealthResult.of(HealthStatus.UP, data);
        });
    }

    /** The secret's OCID. */
    public String secretId() {
        return config.secretId;
    }

    String name() {
        return config.name;
    }

    private State state() {
        State s = state;
        if (s == null) throw new IllegalStateException("call start() first");
        return s;
    }

    private void refreshQuietly() {
        try {
            synchronized (readLock) {
                if (!closed) read();
            }
        } catch (RuntimeException e) {
            LOG.warn("{}: reading Vault secret {} failed unexpectedly: {}", config.name, config.secretId, Secrets.safeMessage(e));
        }
    }

    /** One read; the caller holds readLock. Returns null on success, else what went wrong (the state keeps the last good). */
    private RuntimeException read() {
        Instant at = Instant.now();
        long atNanos = System.nanoTime();
        RuntimeException failure;
        try {
            SecretBundle bundle = client.getSecretBundle(GetSecretBundleRequest.builder().secretId(config.secretId)
                    .stage(GetSecretBundleRequest.Stage.Current).build()).getSecretBundle();
            DbCredentials c = DbCredentials.parse(content(bundle), config.username, bundle.getVersionNumber() == null ? 0 : bundle.getVersionNumber());
            State before = state;
            state = new State(c, at, at, atNanos, null, 0);
            if (before == null || before.credentials.version() != c.version()) {
                LOG.info("{}: read version {} of Vault secret {} (user {})", config.name, c.version(), config.secretId, c.username());
            } else if (before.failedReads > 0) {
                LOG.info("{}: Vault secret {} can be read again after {} failed read(s); version {}", config.name, config.secretId,
                        before.failedReads, c.version());
            }
            return null;
        } catch (BmcException e) {
            failure = OciException.of("reading Vault secret " + config.secretId, e);
        } catch (IllegalArgumentException e) {
            failure = e; // DbCredentials.parse and content(): never quote the content
        } catch (RuntimeException e) {
            failure = new OciException("reading Vault secret " + config.secretId, "failed: " + Secrets.safeMessage(e));
        }
        State before = state;
        if (before != null) {
            state = new State(before.credentials, before.lastRead, at, atNanos, failure.getMessage(), before.failedReads + 1);
            LOG.warn("{}: {}; keeping version {} read at {}", config.name, failure.getMessage(), before.credentials.version(), before.lastRead);
        }
        return failure;
    }

    private byte[] content(SecretBundle bundle) {
        SecretBundleContentDetails details = bundle.getSecretBundleContent();
        if (!(details instanceof Base64SecretBundleContentDetails b64) || b64.getContent() == null) {
            throw new IllegalArgumentException("Vault secret " + config.secretId + " has no BASE64 content");
        }
        try {
            return Base64.getDecoder().decode(b64.getContent());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the content of Vault secret " + config.secretId + " is not valid base64");
        }
    }

    /** Stops re-reading and closes the SDK client. The credentials in hand stay readable. */
    @Override
    public void close() {
        closed = true;
        scheduler.shutdownNow();
        try {
            client.close();
        } catch (RuntimeException e) {
            LOG.debug("closing the secrets client: {}", e.toString());
        }
    }

    @Override
    public String toString() {
        State s = state;
        return "VaultCredentials{" + config.name + ", secret " + config.secretId + " at " + config.connection.describe()
                + (s == null ? ", not read" : ", version " + s.credentials.version() + (s.failedReads > 0 ? ", stale" : "")) + "}";
    }

    /** The settings; {@link #build()} checks them all. */
    public static final class Builder {
        private OciConnection connection;
        private String secretId;
        private String username;
        private String name = "vault-credentials";
        private Duration refreshInterval = Duration.ofMinutes(5);
        private Duration minReadGap = Duration.ofSeconds(1);

        private Builder() {
        }

        /** Where Vault is and who reads it (instance principal, resource principal, config file). */
        public Builder connection(OciConnection connection) {
            this.connection = connection;
            return this;
        }

        /** The secret's OCID, {@code ocid1.vaultsecret...}. */
        public Builder secretId(String secretId) {
            this.secretId = secretId;
            return this;
        }

        /** The database user when the secret holds only a password (and the default when its JSON has no username). */
        public Builder username(String username) {
            this.username = username == null || username.isBlank() ? null : username.trim();
            return this;
        }

        /** The health check's name and the thread's; default {@code vault-credentials}. */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** How often the secret is read again; default 5 minutes. */
        public Builder refreshInterval(Duration refreshInterval) {
            this.refreshInterval = refreshInterval;
            return this;
        }

        /** The least time between two reads that refused connections ask for; default 1 s. */
        public Builder minReadGap(Duration minReadGap) {
            this.minReadGap = minReadGap;
            return this;
        }

        public VaultCredentials build() {
            if (connection == null) {
                throw new IllegalArgumentException("connection is missing: set connection(OciConnection.custom().authentication(OciAuth.instancePrincipal()).build())");
            }
            if (secretId == null || !secretId.startsWith("ocid1.vaultsecret.")) {
                throw new IllegalArgumentException("secretId must be the secret's OCID, starting with ocid1.vaultsecret., got '" + secretId
                        + "' (OCI console: Vault > Secrets > the secret > OCID)");
            }
            if (name == null || !name.matches("[a-z][a-z0-9-]{0,62}")) {
                throw new IllegalArgumentException("name must be 1 to 63 lower-case letters, digits and '-', starting with a letter, got '" + name + "'");
            }
            if (refreshInterval == null || refreshInterval.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException("refreshInterval must be at least 1 s, got " + refreshInterval
                        + "; for example refreshInterval(Duration.ofMinutes(5))");
            }
            if (minReadGap == null || minReadGap.isNegative()) {
                throw new IllegalArgumentException("minReadGap must be 0 or more, got " + minReadGap);
            }
            return new VaultCredentials(this);
        }
    }
}
