package io.hadr4j.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.util.Configuration;
import com.azure.identity.ChainedTokenCredentialBuilder;
import com.azure.identity.EnvironmentCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.microsoft.sqlserver.jdbc.SQLServerDataSource;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import io.hadr4j.core.datasource.TdsServer;
import reactor.core.publisher.Mono;

/**
 * The token callback with the real azure-identity {@code ManagedIdentityCredential} (MSAL's IMDS flow, requests sent
 * to a local token endpoint by {@link RedirectingTransport}) and the real mssql-jdbc driver logging in to the scripted
 * TDS server over TLS with federated authentication: the driver asks the callback on every new physical connection and
 * sends the token it gets, which the server records.
 */
class AzureSqlTokenCallbackTest {

    private LocalHttp identity;
    private TdsServer sql;
    private final AtomicInteger issued = new AtomicInteger();
    private final List<String> tokens = new ArrayList<>();
    /**
     * Shorter than MSAL's own 5-minute margin, so that MSAL (whose managed-identity token cache is static, shared by
     * every credential of the JVM) never answers from its cache: every token request of the callback reaches the
     * endpoint, and no test sees another's tokens.
     */
    private static final long LIFETIME_SECONDS = 240;
    private final PrintStream stderr = System.err;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8)); // slf4j-simple writes here: the tokens must not
        identity = new LocalHttp(r -> {
            assertEquals("GET", r.method());
            assertEquals("/metadata/identity/oauth2/token", r.path());
            assertEquals("true", r.header("Metadata"), "IMDS needs the Metadata header");
            assertEquals("https://database.windows.net", r.query().get("resource").replaceAll("/$", ""), r.toString());
            assertNotNull(r.query().get("api-version"), r.toString());
            String token = jwt(issued.incrementAndGet());
            synchronized (tokens) {
                tokens.add(token);
            }
            long now = Instant.now().getEpochSecond();
            return LocalHttp.Answer.json(200, "{\"access_token\":\"" + token + "\",\"client_id\":\"11111111-2222-3333-4444-555555555555\","
                    + "\"expires_in\":\"" + LIFETIME_SECONDS + "\",\"expires_on\":\"" + (now + LIFETIME_SECONDS) + "\",\"ext_expires_in\":\""
                    + LIFETIME_SECONDS + "\",\"not_before\":\"" + now + "\",\"resource\":\"https://database.windows.net/\",\"token_type\":\"Bearer\"}");
        });
        sql = TdsServer.withStrictTls();
    }

    @AfterEach
    void stop() throws Exception {
        System.setErr(stderr);
        String printed = log.toString(StandardCharsets.UTF_8);
        stderr.print(printed);
        identity.close();
        sql.close();
        synchronized (tokens) {
            for (String t : tokens) assertFalse(printed.contains(t), "a token was logged");
        }
        assertEquals(List.of(), identity.failures(), "what the credential sent to the token endpoint");
    }

    private TokenCredential managedIdentity() {
        return new ManagedIdentityCredentialBuilder().httpClient(new RedirectingTransport(identity)).build();
    }

    @Test
    void everyNewPhysicalConnectionOfAPoolGetsATokenThatIsRefreshedBeforeItExpires() throws Exception {
        MutableClock clock = new MutableClock();
        AzureSqlTokenCallback callback = AzureSqlTokenCallback.custom().credential(managedIdentity())
                .refreshBefore(Duration.ofMinutes(1)).clock(clock).build();
        HikariConfig h = callback.configure(pool("tokens"), sql.url());
        assertEquals("com.microsoft.sqlserver.jdbc.SQLServerDataSource", h.getDataSourceClassName());
        try (HikariDataSource pool = new HikariDataSource(h);
             Connection first = pool.getConnection(); Connection second = pool.getConnection()) {
            select(first);
            select(second);
            assertEquals(2, sql.loginLog().size(), "two physical connections, two logins: " + sql.loginLog());
            assertEquals(1, issued.get(), "one token from the endpoint, cached for the second connection");
            String token1 = tokens.get(0);
            for (TdsServer.Login l : sql.loginLog()) {
                assertEquals(token1, l.accessToken(), "the driver sent the callback's token");
                assertEquals("", l.user(), "no SQL user with a token");
                assertEquals("hadr", l.database());
            }

            clock.advance(Duration.ofSeconds(185)); // 55 s of the token's 240 left: inside the 1-minute refresh margin
            try (Connection third = pool.getConnection()) {
                select(third);
            }
            assertEquals(3, sql.loginLog().size(), sql.loginLog()::toString);
            assertEquals(2, issued.get(), "the token was renewed before it expired");
            assertNotEquals(token1, sql.loginLog().get(2).accessToken());
            assertEquals(tokens.get(1), sql.loginLog().get(2).accessToken(), "the new physical connection got the new token");
            assertFalse(callback.toString().contains(token1) || callback.toString().contains(tokens.get(1)), callback.toString());
            assertFalse(h.getDataSourceProperties().toString().contains(tokens.get(1)), "what HikariCP logs of its configuration");
        }
        List<LocalHttp.Request> asked = identity.requests();
        assertEquals(2, asked.size(), asked::toString);
    }

    @Test
    void theCallbackIsAskedOnEveryNewPhysicalConnectionAndTheServerRefusesABadToken() throws Exception {
        AzureSqlTokenCallback callback = AzureSqlTokenCallback.custom().credential(managedIdentity())
                .refreshBefore(Duration.ofMinutes(1)).build();
        SQLServerDataSource ds = new SQLServerDataSource();
        ds.setURL(sql.url());
        AtomicInteger asked = new AtomicInteger();
        ds.setAccessTokenCallback((spn, sts) -> {
            asked.incrementAndGet();
            assertEquals(TdsServer.SPN, spn, "the SPN the server announced");
            assertEquals(TdsServer.STS_URL, sts);
            return callback.getAccessToken(spn, sts);
        });
        for (int i = 0; i < 3; i++) {
            try (Connection c = ds.getConnection()) {
                select(c);
            }
        }
        assertEquals(3, asked.get(), "the driver asks the callback for every physical connection");
        assertEquals(1, issued.get(), "and the callback answers from its cache while the token is fresh");

        sql.rejectTokens(t -> true);
        SQLException refused = assertThrows(SQLException.class, ds::getConnection);
        assertEquals(18456, refused.getErrorCode(), refused::toString);
        assertFalse(refused.getMessage().contains(tokens.get(0)), refused.getMessage());
    }

    @Test
    void aFailingCredentialChainGivesAnSqlExceptionWithItsReasons() throws Exception {
        identity.handler(r -> LocalHttp.Answer.json(400, "{\"error\":\"invalid_request\",\"error_description\":\"Identity not found\"}"));
        TokenCredential chain = new ChainedTokenCredentialBuilder() // as DefaultAzureCredential: environment, then managed identity
                .addLast(new EnvironmentCredentialBuilder().configuration(Configuration.NONE).build())
                .addLast(managedIdentity())
                .build();
        AzureSqlTokenCallback callback = AzureSqlTokenCallback.custom().credential(chain).build();
        SQLServerDataSource ds = new SQLServerDataSource();
        ds.setURL(sql.url());
        ds.setAccessTokenCallback(callback);
        SQLException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(SQLException.class, ds::getConnection));
        assertEquals(AzureSqlTokenCallback.SQLSTATE, e.getSQLState(), "the driver's getConnection throws the callback's SQLException: " + e);
        String m = e.getMessage();
        assertTrue(m.startsWith("Entra ID token") && m.contains("ChainedTokenCredential") && m.contains(AzureSqlTokenCallback.SCOPE), m);
        assertTrue(m.contains("ManagedIdentityCredential authentication failed"), "the link that failed: " + m);
        assertTrue(m.contains("Identity not found"), "what the endpoint answered, from azure-identity's inner exception: " + m);

        HikariConfig h = callback.configure(pool("refused"), sql.url());
        h.setInitializationFailTimeout(1); // HikariCP's default: the pool tries one connection when it is built
        RuntimeException init = assertThrows(RuntimeException.class, () -> new HikariDataSource(h).close());
        assertNotNull(find(init), "the pool's start-up failure carries it: " + init);
        assertTrue(init.getMessage().contains("Identity not found"), "HikariCP's message quotes it: " + init.getMessage());
        assertEquals(0, sql.loginLog().size(), "no login got as far as sending a token");
    }

    @Test
    void anUnreachableTokenEndpointFailsAfterTheTimeoutWhileTheCredentialStillRetries() throws Exception {
        LocalHttp gone = new LocalHttp(r -> LocalHttp.Answer.json(500, "{}"));
        gone.close(); // nothing listens there any more: azure-identity retries IMDS with back-off for longer than the timeout
        AzureSqlTokenCallback callback = AzureSqlTokenCallback.custom()
                .credential(new ManagedIdentityCredentialBuilder().httpClient(new RedirectingTransport(gone)).build())
                .timeout(Duration.ofSeconds(1)).build();
        SQLException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(SQLException.class, callback::token));
        assertEquals(AzureSqlTokenCallback.SQLSTATE, e.getSQLState());
        assertTrue(e.getMessage().contains("did not answer within 1000 ms"), e.getMessage());
    }

    @Test
    void aTokenEndpointThatDoesNotAnswerFailsTheConnectionAfterTheTimeoutInsteadOfHanging() throws Exception {
        identity.handler(r -> LocalHttp.Answer.silence());
        AzureSqlTokenCallback callback = AzureSqlTokenCallback.custom().credential(managedIdentity())
                .timeout(Duration.ofMillis(500)).build();
        SQLServerDataSource ds = new SQLServerDataSource();
        ds.setURL(sql.url());
        ds.setAccessTokenCallback(callback);
        SQLException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(SQLException.class, ds::getConnection));
        assertEquals(AzureSqlTokenCallback.SQLSTATE, e.getSQLState(), "the driver's getConnection throws the callback's SQLException: " + e);
        assertTrue(e.getMessage().contains("did not answer within 500 ms"), e.getMessage());
        assertTrue(e.getMessage().contains("ManagedIdentityCredential"), e.getMessage());
    }

    @Test
    void aFailedRefreshKeepsUsingTheCurrentTokenWhileItIsStillValid() throws Exception {
        MutableClock clock = new MutableClock();
        AtomicReference<Mono<AccessToken>> next = new AtomicReference<>();
        TokenCredential scripted = ctx -> next.get();
        AzureSqlTokenCallback callback = AzureSqlTokenCallback.custom().credential(scripted).clock(clock)
                .refreshBefore(Duration.ofMinutes(5)).build();
        AccessToken first = new AccessToken(jwt(1), OffsetDateTime.ofInstant(clock.instant().plus(Duration.ofMinutes(60)), ZoneOffset.UTC));
        next.set(Mono.just(first));
        assertSame(first, callback.token());

        clock.advance(Duration.ofMinutes(57)); // 3 minutes left: due for a refresh, still valid
        next.set(Mono.error(new IllegalStateException("token endpoint unavailable")));
        assertSame(first, callback.token(), "the current token while the refresh fails");

        clock.advance(Duration.ofMinutes(3)); // expired
        SQLException e = assertThrows(SQLException.class, callback::token);
        assertTrue(e.getMessage().contains("token endpoint unavailable"), e.getMessage());
        assertFalse(e.getMessage().contains(jwt(1)), e.getMessage());

        AccessToken second = new AccessToken(jwt(2), OffsetDateTime.ofInstant(clock.instant().plus(Duration.ofMinutes(60)), ZoneOffset.UTC));
        next.set(Mono.just(second));
        assertSame(second, callback.token());
    }

    @Test
    void badSettingsFailWhenBuiltOrConfiguredAndSayWhatToChange() {
        TokenCredential any = ctx -> Mono.never();
        IllegalArgumentException margin = assertThrows(IllegalArgumentException.class,
                () -> AzureSqlTokenCallback.custom().credential(any).refreshBefore(Duration.ofHours(1)).build());
        assertTrue(margin.getMessage().contains("refreshBefore(Duration.ofMinutes(5))"), margin.getMessage());
        IllegalArgumentException timeout = assertThrows(IllegalArgumentException.class,
                () -> AzureSqlTokenCallback.custom().credential(any).timeout(Duration.ZERO).build());
        assertTrue(timeout.getMessage().contains("timeout(Duration.ofSeconds(10))"), timeout.getMessage());
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class,
                () -> AzureSqlTokenCallback.custom().credential(any).managedIdentityClientId("abc").build());
        assertTrue(both.getMessage().contains("not both"), both.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AzureSqlTokenCallback.custom().managedIdentityClientId(" ").build());

        AzureSqlTokenCallback callback = AzureSqlTokenCallback.custom().credential(any).build();
        IllegalArgumentException password = assertThrows(IllegalArgumentException.class,
                () -> callback.configure(new HikariConfig(), "jdbc:sqlserver://x.database.windows.net;databaseName=d;password=s3cret"));
        assertTrue(password.getMessage().contains("remove it"), password.getMessage());
        assertFalse(password.getMessage().contains("s3cret"), password.getMessage());
        HikariConfig withUser = new HikariConfig();
        withUser.setUsername("app");
        IllegalArgumentException user = assertThrows(IllegalArgumentException.class,
                () -> callback.configure(withUser, "jdbc:sqlserver://x.database.windows.net;databaseName=d"));
        assertTrue(user.getMessage().contains("remove setUsername/setPassword"), user.getMessage());
        assertThrows(IllegalArgumentException.class, () -> callback.configure(new HikariConfig(), "jdbc:postgresql://x/d"));
        assertThrows(IllegalArgumentException.class,
                () -> callback.configure(new HikariConfig(), "jdbc:sqlserver://x;authentication=ActiveDirectoryMSI"));
    }

    private static SQLException find(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLException s && s.getMessage().startsWith("Entra ID token")) return s;
        }
        return null;
    }

    private static void select(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT 1");
        }
    }

    private static HikariConfig pool(String name) {
        HikariConfig h = new HikariConfig();
        h.setPoolName(name);
        h.setMaximumPoolSize(3);
        h.setMinimumIdle(0);
        h.setConnectionTimeout(10_000);
        h.setInitializationFailTimeout(-1); // no connection at start-up: the test counts every login
        h.setRegisterMbeans(false);
        return h;
    }

    /** A JWT-shaped token, as Entra ID issues (header.payload.signature, base64url). */
    static String jwt(int n) {
        Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
        return b.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b.encodeToString(("{\"aud\":\"https://database.windows.net/\",\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8))
                + ".c2lnbmF0dXJl" + n;
    }

    /** A clock the test moves forward. */
    static final class MutableClock extends Clock {
        private volatile Instant now = Instant.now();

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
