package io.hadr4j.spring;

import static io.hadr4j.core.datasource.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;

import io.hadr4j.core.datasource.RegionAwareDataSource;
import io.hadr4j.oci.VaultCredentials;
import io.hadr4j.testkit.PgNode;
import io.hadr4j.testkit.TwoRegionPostgres;

/**
 * {@code hadr4j.datasource.oci.vault-secret-id} without a cloud: the real OCI SDK signs its request with the API key
 * of an OCI config file ({@code hadr4j.datasource.oci.auth=config-file}) and reads the secret from a local Secrets
 * service that answers in the documented shape and verifies each request's signature; the starter's pools then
 * open every connection to the testkit's real primary and standby with the user and password from that secret.
 */
@ExtendWith(OutputCaptureExtension.class)
class OciVaultTest {

    private static final String SECRET_ID = "ocid1.vaultsecret.oc1.ap-mumbai-1.amaaaaaastartersecret";
    private static final String PATH = "/20190301/secretbundles/" + SECRET_ID;
    private static final String TENANCY = "ocid1.tenancy.oc1..aaaaaaaastartertenancy";
    private static final String USER = "ocid1.user.oc1..aaaaaaaastarteruser";
    private static final String FINGERPRINT = "11:22:33:44:55:66:77:88:99:00:aa:bb:cc:dd:ee:ff";
    private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

    @TempDir
    static Path dir;
    private static TwoRegionPostgres db;
    private static HttpServer vault;
    private static KeyPair key;
    private static String secret;
    private static final List<String> reads = new CopyOnWriteArrayList<>();
    private static final List<String> problems = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        db = TwoRegionPostgres.builder().regions("ap-mumbai-1", "ap-hyderabad-1").build().start();
        secret = "{\"username\":\"" + db.nodeA().user() + "\",\"password\":\"" + db.nodeA().password() + "\"}";
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        key = g.generateKeyPair();
        vault = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        vault.createContext("/", exchange -> {
            String target = exchange.getRequestURI().getRawPath() + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            reads.add(exchange.getRequestMethod() + " " + target);
            String problem = !"GET".equals(exchange.getRequestMethod()) || !(PATH + "?stage=CURRENT").equals(target) ? "unexpected " + target
                    : signatureProblem(exchange.getRequestMethod(), target, exchange.getRequestHeaders().getFirst("authorization"),
                    h -> exchange.getRequestHeaders().getFirst(h));
            byte[] body;
            int status;
            if (problem != null) {
                problems.add(problem);
                status = 401;
                body = "{\"code\":\"NotAuthenticated\",\"message\":\"The required information to complete authentication was not provided.\"}"
                        .getBytes(StandardCharsets.UTF_8);
            } else {
                status = 200;
                body = ("{\"secretId\":\"" + SECRET_ID + "\",\"versionNumber\":3,\"stages\":[\"CURRENT\",\"LATEST\"],"
                        + "\"timeCreated\":\"2026-12-01T10:00:00.000Z\",\"secretBundleContent\":{\"contentType\":\"BASE64\",\"content\":\""
                        + Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8)) + "\"}}").getBytes(StandardCharsets.UTF_8);
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("opc-request-id", "starter-test-" + reads.size());
            exchange.sendResponseHeaders(status, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        vault.start();
    }

    @AfterAll
    static void stop() {
        if (vault != null) vault.stop(0);
        if (db != null) db.close();
    }

    /** What is wrong with the request's OCI signature (draft-cavage HTTP signatures, as the SDK signs), or null. */
    private static String signatureProblem(String method, String target, String auth, java.util.function.Function<String, String> header) {
        if (auth == null || !auth.startsWith("Signature ")) return "no signature";
        Map<String, String> p = new LinkedHashMap<>();
        Matcher m = PARAM.matcher(auth);
        while (m.find()) p.put(m.group(1), m.group(2));
        if (!(TENANCY + "/" + USER + "/" + FINGERPRINT).equals(p.get("keyId"))) return "keyId " + p.get("keyId");
        if (!"rsa-sha256".equals(p.get("algorithm"))) return "algorithm " + p.get("algorithm");
        List<String> signed = List.of(p.getOrDefault("headers", "").split(" "));
        if (!signed.containsAll(List.of("date", "(request-target)", "host"))) return "signed headers " + signed;
        StringBuilder toSign = new StringBuilder();
        for (String h : signed) {
            if (toSign.length() > 0) toSign.append('\n');
            String value = h.equals("(request-target)") ? method.toLowerCase() + " " + target : header.apply(h);
            if (value == null) return "signed header " + h + " missing";
            toSign.append(h).append(": ").append(value);
        }
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initVerify(key.getPublic());
            s.update(toSign.toString().getBytes(StandardCharsets.UTF_8));
            return s.verify(Base64.getDecoder().decode(p.get("signature"))) ? null : "the signature does not verify";
        } catch (Exception e) {
            return "cannot check the signature: " + e;
        }
    }

    private static Path configFile() throws IOException {
        Path pem = dir.resolve("oci_api_key.pem");
        Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        Path config = dir.resolve("config");
        Files.writeString(config, "[DEFAULT]\nuser=" + USER + "\nfingerprint=" + FINGERPRINT + "\ntenancy=" + TENANCY
                + "\nregion=ap-mumbai-1\nkey_file=" + pem + "\n");
        return config;
    }

    @Test
    void onePropertyGivesEveryPoolTheUserAndPasswordOfTheVaultSecret(CapturedOutput output) throws Exception {
        List<String> p = new java.util.ArrayList<>(List.of("spring.main.banner-mode=off", "hadr4j.datasource.local-region=ap-mumbai-1",
                "hadr4j.datasource.probe-timeout=2s", "hadr4j.datasource.failover-timeout=5s",
                "hadr4j.datasource.oci.vault-secret-id=" + SECRET_ID, "hadr4j.datasource.oci.auth=config-file",
                "hadr4j.datasource.oci.config-file=" + configFile(), "hadr4j.datasource.oci.endpoint=http://127.0.0.1:" + vault.getAddress().getPort(),
                "management.endpoint.health.show-details=always"));
        int i = 0;
        for (PgNode node : db.nodes()) {
            String at = "hadr4j.datasource.endpoints[" + i++ + "].";
            p.addAll(List.of(at + "name=" + node.name(), at + "region=" + node.region(), at + "url=" + node.jdbcUrl()));
        }
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(PlainApp.class).web(WebApplicationType.NONE)
                .properties(p.toArray(String[]::new)).run()) {
            RegionAwareDataSource ds = app.getBean(RegionAwareDataSource.class);
            VaultCredentials credentials = app.getBean(VaultCredentials.class);
            assertEquals(SECRET_ID, credentials.secretId());
            for (var e : ds.endpoints()) {
                HikariDataSource pool = (HikariDataSource) e.dataSource();
                assertNotNull(pool.getDataSource(), "the pool opens connections through the Vault DataSource: " + e.name());
                assertTrue(pool.getDataSource().getClass().getSimpleName().contains("RotatingCredentials"), pool.getDataSource().getClass().getName());
                assertNull(pool.getJdbcUrl());
                assertNull(pool.getPassword(), "no password on the pool itself");
            }
            await("writes on a", Duration.ofSeconds(15), () -> "a".equals(ds.snapshot().writeEndpoint()));
            JdbcTemplate jdbc = app.getBean(JdbcTemplate.class);
            assertEquals(db.nodeA().user(), jdbc.queryForObject("SELECT current_user", String.class), "signed in as the secret's user");
            assertEquals(Boolean.FALSE, jdbc.queryForObject("SELECT pg_is_in_recovery()", Boolean.class), "on the primary, through the router");
            await("the standby probed with the secret's password too", Duration.ofSeconds(15),
                    () -> ds.snapshot().endpoint("b").role() == io.hadr4j.core.datasource.Role.SECONDARY);

            Health vaultHealth = (Health) app.getBean(HealthEndpoint.class).healthForPath("hadr4jVault");
            assertEquals(Status.UP, vaultHealth.getStatus());
            assertEquals(3L, ((Number) vaultHealth.getDetails().get("version")).longValue(), vaultHealth.toString());
            assertEquals(SECRET_ID, vaultHealth.getDetails().get("ocid"));
            assertFalse(vaultHealth.toString().contains(db.nodeA().password()), "never the secret's content: " + vaultHealth);
        }
        assertEquals(List.of(), problems, "every request the SDK sent was signed with the config file's key");
        assertEquals(List.of("GET " + PATH + "?stage=CURRENT"), reads, "the secret was read once, at startup");
        assertFalse(output.getAll().contains(db.nodeA().password()), "the password was printed");
    }
}
