package io.hadr4j.oci;

import static io.hadr4j.oci.FakeVault.SECRET_ID;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import io.hadr4j.core.health.HealthRegistry;
import io.hadr4j.core.health.HealthRegistryConfig;
import io.hadr4j.core.health.HealthResult;
import io.hadr4j.core.health.HealthStatus;

/** Reading database credentials from OCI Vault through the real SecretsClient, against a local Secrets service. */
class VaultCredentialsTest {

    static final String PASSWORD = "S3cret-v1;pwd=x{y}";
    static final String PASSWORD_2 = "S3cret-v2-rotated";
    private static final TestKeys KEYS = new TestKeys();

    private OciTestServer server;
    private FakeVault vault;
    private LogCapture logs;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        logs = new LogCapture();
        server = OciTestServer.start(KEYS);
        vault = new FakeVault(server, FakeVault.json("app", PASSWORD));
    }

    @AfterEach
    void stop() {
        server.close();
        logs.close();
        for (String secret : List.of(PASSWORD, PASSWORD_2, b64(FakeVault.json("app", PASSWORD)), b64(FakeVault.json("app", PASSWORD_2)))) {
            assertFalse(logs.text().contains(secret), "a secret was logged (hadr4j and the OCI SDK log at DEBUG here)");
        }
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private VaultCredentials.Builder credentials() {
        return VaultCredentials.custom().connection(KEYS.connection(server)).secretId(SECRET_ID).minReadGap(Duration.ZERO);
    }

    @Test
    void readsTheCurrentVersionThroughASignedRequest() {
        try (VaultCredentials v = credentials().build().start()) {
            DbCredentials c = v.current();
            assertEquals("app", c.username());
            assertEquals(PASSWORD, c.password());
            assertEquals(1, c.version());
        }
        List<OciTestServer.Request> reads = vault.reads();
        assertEquals(1, reads.size(), server.requests().toString());
        OciTestServer.Request r = reads.get(0);
        assertEquals("GET", r.method());
        assertEquals(FakeVault.PATH, r.path());
        assertEquals("stage=CURRENT", r.query());
        assertEquals(0, r.body().length);
        assertEquals(List.of(), server.problems(), "every request is signed with the test's key and expected");
    }

    @Test
    void aPlainPasswordTakesTheConfiguredUser() {
        vault.rotate(PASSWORD + "\n");
        try (VaultCredentials v = credentials().username("orders").build().start()) {
            assertEquals("orders", v.current().username());
            assertEquals(PASSWORD, v.current().password(), "one trailing line break is not part of the password");
        }
        OciException e = assertThrows(OciException.class, () -> credentials().build().start());
        assertTrue(e.getMessage().contains("is a plain password, and no username is configured: set VaultCredentials.custom().username(...)"),
                e.getMessage());
        assertFalse(e.getMessage().contains(PASSWORD), e.getMessage());
    }

    @Test
    void contentThatIsNotCredentialsFailsAtStartWithoutQuotingIt() {
        vault.rotate("{\"user\":\"app\",\"pass\":\"" + PASSWORD + "\"}");
        OciException e = assertThrows(OciException.class, () -> credentials().build().start());
        assertTrue(e.getMessage().contains("is a JSON object without a \"password\" string; store a JSON object with \"username\" and \"password\" strings"),
                e.getMessage());
        vault.rotate("{\"password\":\"" + PASSWORD + "\""); // cut short
        e = assertThrows(OciException.class, () -> credentials().build().start());
        assertTrue(e.getMessage().contains("starts with '{' but is not valid JSON"), e.getMessage());
        assertFalse(e.getMessage().contains(PASSWORD) || String.valueOf(e.getCause()).contains(PASSWORD), e.getMessage());
    }

    @Test
    void vaultUnreachableAtStartupIsAClearNamedError() throws Exception {
        OciException refused = assertThrows(OciException.class, () -> VaultCredentials.custom()
                .connection(OciConnection.custom().authentication(KEYS.provider()).endpoint("http://127.0.0.1:1")
                        .connectTimeout(Duration.ofSeconds(1)).readTimeout(Duration.ofSeconds(1)).build())
                .secretId(SECRET_ID).build().start());
        assertTrue(refused.getMessage().startsWith("could not read the database credentials from OCI Vault secret " + SECRET_ID
                + " at http://127.0.0.1:1 (reading Vault secret " + SECRET_ID + " failed: could not reach OCI"), refused.getMessage());
        assertTrue(refused.getMessage().contains("may 'read secret-bundles'"), refused.getMessage());
        assertEquals(-1, refused.status());

        vault.down(server.noAnswer());
        OciException timeout = assertThrows(OciException.class, () -> credentials().build().start());
        assertTrue(timeout.isTimeout(), timeout.getMessage());
        assertTrue(timeout.getMessage().contains("OCI did not answer in time"), timeout.getMessage());

        vault.down(r -> OciTestServer.error(404, "NotAuthorizedOrNotFound", "Authorization failed or requested resource not found."));
        OciException notFound = assertThrows(OciException.class, () -> credentials().build().start());
        assertEquals(404, notFound.status());
        assertEquals("NotAuthorizedOrNotFound", notFound.serviceCode());
        assertTrue(notFound.getMessage().contains("OCI answered HTTP 404 NotAuthorizedOrNotFound: Authorization failed or requested resource not found."),
                notFound.getMessage());
        assertTrue(notFound.opcRequestId() != null && notFound.getMessage().contains("opc-request-id " + notFound.opcRequestId()), notFound.getMessage());
    }

    @Test
    void anOutageDuringTheRunKeepsTheLastGoodCredentialsAndShowsInHealth() throws Exception {
        try (VaultCredentials v = credentials().build().start();
             HealthRegistry registry = HealthRegistry.of(HealthRegistryConfig.custom().interval(Duration.ofSeconds(1))
                     .timeout(Duration.ofMillis(500)).build()).register(v.healthCheck());
             HealthEndpoint http = new HealthEndpoint(registry)) {
            HealthResult ok = v.healthCheck().check();
            assertEquals(HealthStatus.UP, ok.status());
            assertEquals(Map.of("source", "oci-vault", "ocid", SECRET_ID, "version", 1L, "user", "app", "lastRead", ok.data().get("lastRead"),
                    "stale", false), ok.data());

            vault.down(r -> OciTestServer.error(503, "ServiceUnavailable", "Vault is down for maintenance"));
            DbCredentials kept = v.refresh();
            assertEquals(1, kept.version());
            assertEquals(PASSWORD, kept.password());
            vault.down(server.noAnswer());
            assertEquals(PASSWORD, v.refresh().password());

            HealthResult stale = v.healthCheck().check();
            assertEquals(HealthStatus.UP, stale.status(), "the credentials in hand still work: the instance stays in rotation");
            assertEquals(true, stale.data().get("stale"));
            assertEquals(2, stale.data().get("failedReads"));
            assertTrue(String.valueOf(stale.data().get("lastError")).contains("OCI did not answer in time"), stale.data().toString());

            registry.start();
            JsonNode served = awaitCheck(http, "stale", true);
            assertEquals("UP", served.get("status").asText());
            assertFalse(served.toString().contains(PASSWORD), served.toString());

            vault.up();
            vault.rotate(FakeVault.json("app", PASSWORD_2));
            DbCredentials fresh = v.refresh();
            assertEquals(2, fresh.version());
            assertEquals(PASSWORD_2, fresh.password());
            assertEquals(false, v.healthCheck().check().data().get("stale"));
            JsonNode after = awaitCheck(http, "version", 2);
            assertFalse(after.toString().contains(PASSWORD_2), after.toString());
        }
    }

    /** The vault check's entry in /api/health once its data has {@code key} = {@code value}. */
    private static JsonNode awaitCheck(HealthEndpoint http, String key, Object value) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r;
            try {
                r = http.get("/api/health");
            } catch (java.net.http.HttpTimeoutException slow) { // a loaded machine: ask again until the deadline
                last = slow.toString();
                continue;
            }
            last = r.body();
            for (JsonNode c : OciTestServer.JSON.readTree(r.body()).get("checks")) {
                JsonNode d = c.get("data");
                if (c.get("name").asText().equals("vault-credentials") && d != null && d.has(key) && d.get(key).asText().equals(String.valueOf(value))) {
                    return c;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the health output never showed " + key + "=" + value + ": " + last);
    }

    @Test
    void theSecretIsReReadOnTheInterval() throws Exception {
        try (VaultCredentials v = credentials().refreshInterval(Duration.ofSeconds(1)).build().start()) {
            vault.rotate(FakeVault.json("app", PASSWORD_2));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (v.current().version() != 2 && System.nanoTime() < deadline) Thread.sleep(20);
            assertEquals(PASSWORD_2, v.current().password());
        }
    }

    @Test
    void aRefusedVersionIsReadAgainAtOnceUnlessANewerOneIsKnown() {
        try (VaultCredentials v = credentials().minReadGap(Duration.ofHours(1)).build().start()) {
            DbCredentials first = v.current();
            assertEquals(1, vault.reads().size());
            assertEquals(first.version(), v.afterRefusal(first).version(), "the read at start is less than the gap ago: no new read");
            assertEquals(1, vault.reads().size());
        }
        try (VaultCredentials v = credentials().build().start()) {
            DbCredentials first = v.current();
            vault.rotate(FakeVault.json("app", PASSWORD_2));
            assertEquals(2, v.afterRefusal(first).version());
            assertEquals(3, vault.reads().size());
            assertEquals(2, v.afterRefusal(first).version(), "a newer version is known: returned without reading");
            assertEquals(3, vault.reads().size());
        }
    }

    @Test
    void noToStringOrMessageShowsTheSecret() {
        try (VaultCredentials v = credentials().build().start()) {
            for (Object o : List.of(v, v.current(), v.dataSource(new org.postgresql.ds.PGSimpleDataSource()),
                    v.dataSource("jdbc:postgresql://127.0.0.1:5432/app", null), v.healthCheck())) {
                assertFalse(o.toString().contains(PASSWORD), o.toString());
            }
            assertEquals("DbCredentials{user=app, password=******, version=1}", v.current().toString());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> v.dataSource("jdbc:postgresql://h/app?password=" + PASSWORD, null));
            assertTrue(e.getMessage().contains("the JDBC URL contains a password; remove it"), e.getMessage());
            assertFalse(e.getMessage().contains(PASSWORD));
        }
    }

    @Test
    void badSettingsFailWhenBuilt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VaultCredentials.custom().secretId(SECRET_ID).build());
        assertTrue(e.getMessage().startsWith("connection is missing: set connection(OciConnection.custom()"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> credentials().secretId("ocid1.vault.oc1..x").build());
        assertTrue(e.getMessage().contains("must be the secret's OCID, starting with ocid1.vaultsecret."), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> credentials().refreshInterval(Duration.ofMillis(10)).build());
        assertTrue(e.getMessage().contains("refreshInterval must be at least 1 s"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OciConnection.custom().authentication(KEYS.provider()).build());
        assertTrue(e.getMessage().contains("the region is missing: set region(\"eu-frankfurt-1\")"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OciConnection.custom().authentication(KEYS.provider()).region("mars-north-1").build());
        assertTrue(e.getMessage().contains("region 'mars-north-1' is not an OCI region the SDK knows"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> OciConnection.custom().region("eu-frankfurt-1").build());
        assertTrue(e.getMessage().contains("authentication is missing: set OciAuth.instancePrincipal()"), e.getMessage());
        assertEquals("eu-frankfurt-1", OciConnection.custom().authentication(KEYS.provider()).region("fra").build().region());
    }

    @Test
    void aConfigFileSignsWithItsKey() throws Exception {
        Path key = Files.writeString(dir.resolve("key.pem"), KEYS.privateKeyPem());
        Path config = Files.writeString(dir.resolve("config"), String.join("\n", "[DEFAULT]", "user=" + TestKeys.USER,
                "fingerprint=" + TestKeys.FINGERPRINT, "tenancy=" + TestKeys.TENANCY, "region=eu-frankfurt-1", "key_file=" + key, ""));
        OciConnection c = OciConnection.custom().authentication(OciAuth.configFile(config, "DEFAULT")).endpoint(server.url()).build();
        try (VaultCredentials v = VaultCredentials.custom().connection(c).secretId(SECRET_ID).build().start()) {
            assertEquals(PASSWORD, v.current().password());
        }
        assertEquals(List.of(), server.problems());
        assertEquals("eu-frankfurt-1", OciConnection.custom().authentication(OciAuth.configFile(config, "DEFAULT")).build().region(),
                "the config file's region is the default");
        OciException missing = assertThrows(OciException.class, () -> OciAuth.configFile(dir.resolve("nope"), "DEFAULT"));
        assertTrue(missing.getMessage().contains("does not exist or cannot be read; create it with 'oci setup config'"), missing.getMessage());
        OciException noProfile = assertThrows(OciException.class, () -> OciAuth.configFile(config, "PROD"));
        assertTrue(noProfile.getMessage().contains("could not use profile PROD"), noProfile.getMessage());
    }

    @Test
    void aResourcePrincipalOutsideAnOciServiceSaysWhatIsMissing() {
        assumeTrue(System.getenv("OCI_RESOURCE_PRINCIPAL_VERSION") == null, "this process runs with a resource principal");
        OciException e = assertThrows(OciException.class, OciAuth::resourcePrincipal);
        assertTrue(e.getMessage().contains("could not authenticate as a resource principal") && e.getMessage().contains("OCI_RESOURCE_PRINCIPAL_VERSION"),
                e.getMessage());
        assertNull(e.opcRequestId());
    }
}
