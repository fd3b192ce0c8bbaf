package io.hadr4j.azure;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.microsoft.sqlserver.jdbc.SQLServerAccessTokenCallback;
import com.microsoft.sqlserver.jdbc.SqlAuthenticationToken;
import com.zaxxer.hikari.HikariConfig;

import io.hadr4j.core.Secrets;

/**
 * Passwordless Azure SQL: an mssql-jdbc {@link SQLServerAccessTokenCallback} that gives every new physical connection
 * an Entra ID access token for {@value #SCOPE}, from any azure-identity {@link TokenCredential} (by default
 * {@code DefaultAzureCredential}; {@link Builder#managedIdentityClientId(String)} for a user-assigned managed
 * identity). One instance is meant to be shared by all the pools of an application.
 *
 * <pre>{@code
 * AzureSqlTokenCallback tokens = AzureSqlTokenCallback.ofDefaults();     // DefaultAzureCredential
 * HikariConfig h = new HikariConfig();
 * tokens.configure(h, "jdbc:sqlserver://orders-cin.database.windows.net:1433;databaseName=orders;encrypt=true");
 * HikariDataSource pool = new HikariDataSource(h);                     // every new connection signs in with a token
 * }</pre>
 *
 * <p>Tokens are cached and refreshed before they expire: a token is handed out only while it is valid for longer
 * than {@link Builder#refreshBefore(Duration)} (default 5 minutes) and not past the credential's own refresh time;
 * after that the next connection asks the credential again (one caller at a time; the others wait for its answer).
 * If that refresh fails while the old token is still valid for at least {@link #MIN_VALIDITY}, the old one is used
 * and the failure logged, so a brief outage of the token endpoint does not fail connections. A pool therefore never
 * opens a connection with an expired token (mssql-jdbc #1908, #1944).
 *
 * <p>A credential that fails, or does not answer within {@link Builder#timeout(Duration)} (default 10 s), makes the
 * connection attempt fail with an {@link SQLException} (SQLState {@value #SQLSTATE}) whose message names the
 * credential and its reasons (for a chain such as {@code DefaultAzureCredential}, the reason of each link). The
 * token never appears in a log, an exception or {@link #toString()}.
 */
public final class AzureSqlTokenCallback implements SQLServerAccessTokenCallback {

    /** The scope of Azure SQL Database (and SQL Managed Instance). */
    public static final String SCOPE = "https://database.windows.net/.default";
    /** SQLState of a failed token request: invalid authorization specification. */
    public static final String SQLSTATE = "28000";
    /** A token valid for less than this is never handed out, even when a refresh failed. */
    public static final Duration MIN_VALIDITY = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(AzureSqlTokenCallback.class);
    private static final String DATA_SOURCE = "com.microsoft.sqlserver.jdbc.SQLServerDataSource";

    private final TokenCredential credential;
    private final String credentialName;
    private final Duration refreshBefore;
    private final Duration timeout;
    private final Clock clock;
    private final TokenRequestContext request = new TokenRequestContext().addScopes(SCOPE);
    private final ReentrantLock refreshing = new ReentrantLock();
    private volatile Cached cached; // written under refreshing, read without it

    /** A token and when this callback got it. */
    private record Cached(AccessToken token, Instant fetchedAt) {
    }

    private AzureSqlTokenCallback(Builder b) {
        this.credential = b.credential;
        this.credentialName = b.credentialName;
        this.refreshBefore = b.refreshBefore;
        this.timeout = b.timeout;
        this.clock = b.clock;
    }

    /** {@code DefaultAzureCredential}, refreshed 5 minutes before expiry, 10 s per token request. */
    public static AzureSqlTokenCallback ofDefaults() {
        return custom().build();
    }

    public static Builder custom() {
        return new Builder();
    }

    /**
     * The driver's entry point, called for every new physical connection. Throws the {@link SQLException} of
     * {@link #token()} as is: the driver declares none here but lets whatever the callback throws out of
     * {@code getConnection()}, which does declare it.
     */
    @Override
    public SqlAuthenticationToken getAccessToken(String spn, String stsurl) {
        try {
            AccessToken t = token();
            return new SqlAuthenticationToken(t.getToken(), t.getExpiresAt().toInstant().toEpochMilli());
        } catch (SQLException e) {
            throw AzureSqlTokenCallback.<RuntimeException>sneaky(e);
        }
    }

    /**
     * A token valid for longer than the refresh margin: the cached one, or a new one from the credential.
     *
     * @throws SQLException (SQLState {@value #SQLSTATE}) naming the credential and why it failed, or that it timed out
     */
    public AccessToken token() throws SQLException {
        Cached c = cached;
        if (c != null && fresh(c)) return c.token;
        refreshing.lock();
        try {
            c = cached;
            if (c != null && fresh(c)) return c.token; // another caller refreshed it while this one waited
            try {
                Instant asked = clock.instant();
                AccessToken next = fetch();
                cached = new Cached(next, asked);
                LOG.debug("Entra ID token for Azure SQL from {}: valid until {}", credentialName, next.getExpiresAt());
                return next;
            } catch (SQLException e) {
                if (c != null && validFor(c.token, MIN_VALIDITY)) {
                    LOG.warn("{}; using the current token, valid until {}, meanwhile", e.getMessage(), c.token.getExpiresAt());
                    return c.token;
                }
                throw e;
            }
        } finally {
            refreshing.unlock();
        }
    }

    /**
     * Configures {@code config} for this callback in one call, for direct mode (a server's own name) and listener
     * mode (a failover group's listener, with {@code applicationIntent=ReadOnly} for the read-only one) alike:
     * {@code dataSourceClassName} {@code SQLServerDataSource}, its {@code URL}, and this callback. Returns {@code config}.
     *
     * @throws IllegalArgumentException when the URL is not an mssql-jdbc URL, or it or {@code config} carries a user,
     *                                  a password or an {@code authentication} mode (the token replaces them, and the
     *                                  driver refuses the callback together with any of them)
     */
    public HikariConfig configure(HikariConfig config, String jdbcUrl) {
        Objects.requireNonNull(config, "config");
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:sqlserver://")) {
            throw new IllegalArgumentException("the JDBC URL must be an mssql-jdbc URL such as "
                    + "jdbc:sqlserver://<server>.database.windows.net:1433;databaseName=<db>;encrypt=true, got '" + Secrets.mask(jdbcUrl) + "'");
        }
        String lower = jdbcUrl.toLowerCase(Locale.ROOT);
        for (String key : new String[] {"user=", "username=", "password=", "authentication=", "accesstoken"}) {
            if (lower.contains(";" + key) || lower.contains("?" + key)) {
                throw new IllegalArgumentException("the JDBC URL sets '" + key.replace("=", "") + "': remove it, the Entra ID token "
                        + "replaces user, password and authentication (the driver refuses the token callback with them): " + Secrets.mask(jdbcUrl));
            }
        }
        if (config.getUsername() != null || config.getPassword() != null) {
            throw new IllegalArgumentException("the HikariConfig sets a username or password: remove setUsername/setPassword, "
                    + "the Entra ID token replaces them (the driver refuses the token callback with them)");
        }
        config.setJdbcUrl(null);
        config.setDataSourceClassName(DATA_SOURCE);
        config.addDataSourceProperty("URL", jdbcUrl);
        config.addDataSourceProperty("accessTokenCallback", this);
        return config;
    }

    /** The credential this callback asks. */
    public TokenCredential credential() {
        return credential;
    }

    /** The credential's class and the token's expiry; never the token. */
    @Override
    public String toString() {
        Cached c = cached;
        return "AzureSqlTokenCallback{credential=" + credentialName + ", scope=" + SCOPE + ", refreshBefore=" + refreshBefore
                + ", token=" + (c == null ? "none yet" : "valid until " + c.token.getExpiresAt()) + "}";
    }

    /**
     * Valid for longer than the refresh margin, and not past the credential's refresh time. A refresh time before the
     * token was fetched is ignored: azure-identity reports the epoch (1970) as the refresh time of a managed-identity
     * token that lives less than two hours.
     */
    private boolean fresh(Cached c) {
        OffsetDateTime refreshAt = c.token.getRefreshAt();
        if (refreshAt != null && refreshAt.toInstant().isAfter(c.fetchedAt) && !clock.instant().isBefore(refreshAt.toInstant())) {
            return false;
        }
        return validFor(c.token, refreshBefore);
    }

    private boolean validFor(AccessToken t, Duration d) {
        return clock.instant().plus(d).isBefore(t.getExpiresAt().toInstant());
    }

    private AccessToken fetch() throws SQLException {
        CompletableFuture<AccessToken> f;
        try {
            f = credential.getToken(request).toFuture();
        } catch (RuntimeException e) {
            throw failure(e);
        }
        try {
            AccessToken t = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (t == null || t.getToken() == null || t.getExpiresAt() == null) {
                throw new SQLException(what() + " returned no token", SQLSTATE);
            }
            if (!validFor(t, MIN_VALIDITY)) {
                throw new SQLException(what() + " returned a token that is valid only until " + t.getExpiresAt()
                        + ": check the clock of this machine", SQLSTATE);
            }
            return t;
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new SQLException(what() + " did not answer within " + timeout.toMillis() + " ms (the token endpoint is slow or "
                    + "unreachable); raise AzureSqlTokenCallback.custom().timeout(...) if it needs longer", SQLSTATE, e);
        } catch (ExecutionException e) {
            throw failure(e.getCause() == null ? e : e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            throw new SQLException(what() + " was interrupted", SQLSTATE, e);
        }
    }

    private SQLException failure(Throwable cause) {
        return new SQLException(what() + " failed: " + reasons(cause), SQLSTATE, cause);
    }

    /**
     * The messages of {@code t} and its causes, masked, each once: azure-identity's own message often says only "see
     * inner exception", and the endpoint's answer (for example "Identity not found") is in a cause.
     */
    static String reasons(Throwable t) {
        StringBuilder out = new StringBuilder();
        java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        int n = 0;
        for (Throwable c = t; c != null && seen.add(c) && n < 6; c = c.getCause()) {
            String m = Secrets.safeMessage(c);
            if (m.length() > 500) m = m.substring(0, 500) + "...";
            if (out.indexOf(m) >= 0) continue;
            if (n++ > 0) out.append(" <- caused by: ");
            out.append(m);
        }
        return out.toString();
    }

    private String what() {
        return "Entra ID token for Azure SQL (scope " + SCOPE + ") from " + credentialName;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }

    /** Settings of an {@link AzureSqlTokenCallback}; {@link #build()} checks them. */
    public static final class Builder {
        private TokenCredential credential;
        private String credentialName;
        private String managedIdentityClientId;
        private Duration refreshBefore = Duration.ofMinutes(5);
        private Duration timeout = Duration.ofSeconds(10);
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** Any azure-identity credential (default: {@code new DefaultAzureCredentialBuilder().build()}). */
        public Builder credential(TokenCredential credential) {
            this.credential = Objects.requireNonNull(credential, "credential");
            return this;
        }

        /** A user-assigned managed identity: a {@code ManagedIdentityCredential} with this client id. */
        public Builder managedIdentityClientId(String clientId) {
            this.managedIdentityClientId = clientId;
            return this;
        }

        /** How long before a token expires it is renewed (default 5 minutes; 0 to use tokens up to their last 30 s). */
        public Builder refreshBefore(Duration refreshBefore) {
            this.refreshBefore = refreshBefore;
            return this;
        }

        /** How long one token request may take before the connection attempt fails (default 10 s). */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        // Package-private: tests move time forward without waiting for it.
        Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public AzureSqlTokenCallback build() {
            if (refreshBefore == null || refreshBefore.isNegative() || refreshBefore.compareTo(Duration.ofMinutes(30)) > 0) {
                throw new IllegalArgumentException("refreshBefore must be between 0 and 30 minutes (Entra ID tokens live about an hour), got "
                        + refreshBefore + "; for example refreshBefore(Duration.ofMinutes(5))");
            }
            if (refreshBefore.compareTo(MIN_VALIDITY) < 0) refreshBefore = MIN_VALIDITY;
            if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(2)) > 0) {
                throw new IllegalArgumentException("timeout must be positive and at most 2 minutes, got " + timeout
                        + "; for example timeout(Duration.ofSeconds(10))");
            }
            if (credential != null && managedIdentityClientId != null) {
                throw new IllegalArgumentException("set either credential(...) or managedIdentityClientId(...), not both");
            }
            if (managedIdentityClientId != null) {
                if (managedIdentityClientId.isBlank()) {
                    throw new IllegalArgumentException("managedIdentityClientId is blank: pass the client id (a GUID) of the "
                            + "user-assigned identity, or leave it out for the system-assigned one");
                }
                credential = new ManagedIdentityCredentialBuilder().clientId(managedIdentityClientId.trim()).build();
                credentialName = "ManagedIdentityCredential (client id " + managedIdentityClientId.trim() + ")";
            } else if (credential == null) {
                credential = new DefaultAzureCredentialBuilder().build();
                credentialName = "DefaultAzureCredential";
            } else {
                credentialName = credential.getClass().getSimpleName();
            }
            return new AzureSqlTokenCallback(this);
        }
    }
}
