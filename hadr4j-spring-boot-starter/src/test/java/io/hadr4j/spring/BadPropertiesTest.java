package io.hadr4j.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Each bad property stops the application at startup, and what Spring Boot prints ("APPLICATION FAILED TO START")
 * names the property and says what to set instead; no password is printed, and the checks that can run before any
 * pool exists do (the "database" here is a socket that counts connection attempts).
 */
@ExtendWith(OutputCaptureExtension.class)
class BadPropertiesTest {

    private static final String PASSWORD = "s3cret-Pw-never-printed";
    private static ServerSocket database;
    private static final AtomicInteger attempts = new AtomicInteger();

    @BeforeAll
    static void listen() throws IOException {
        database = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!database.isClosed()) {
                try (Socket s = database.accept()) {
                    attempts.incrementAndGet();
                } catch (IOException e) {
                    return;
                }
            }
        }, "counting-database");
        t.setDaemon(true);
        t.start();
    }

    @AfterAll
    static void close() throws IOException {
        database.close();
    }

    private static String url() {
        return "jdbc:postgresql://127.0.0.1:" + database.getLocalPort() + "/app";
    }

    /** Endpoint {@code i}: name, region, url, user and password. */
    private static List<String> endpoint(int i, String name, String region) {
        String at = "hadr4j.datasource.endpoints[" + i + "].";
        return List.of(at + "name=" + name, at + "region=" + region, at + "url=" + url(), at + "username=app", at + "password=" + PASSWORD);
    }

    private static List<String> two(String... more) {
        List<String> p = new ArrayList<>(endpoint(0, "a", "region-a"));
        p.addAll(endpoint(1, "b", "region-b"));
        p.add("hadr4j.datasource.local-region=region-a");
        p.addAll(List.of(more));
        return p;
    }

    static Stream<Arguments> badProperties() {
        List<String> duplicate = new ArrayList<>(endpoint(0, "a", "region-a"));
        duplicate.addAll(endpoint(1, "a", "region-b"));
        List<String> noUrl = new ArrayList<>(two());
        noUrl.removeIf(s -> s.startsWith("hadr4j.datasource.endpoints[1].url"));
        return Stream.of(
                Arguments.of("no endpoints", List.of("hadr4j.datasource.local-region=region-a"), "hadr4j.datasource.endpoints",
                        "no endpoint is configured", true),
                Arguments.of("duplicate names", duplicate, "hadr4j.datasource.endpoints[1].name",
                        "'a' is also the name of hadr4j.datasource.endpoints[0]", true),
                Arguments.of("an unparsable duration", two("hadr4j.datasource.probe-interval=fast"), "hadr4j.datasource.probe-interval",
                        "Value: \"fast\"", true),
                Arguments.of("a region no endpoint has", two("hadr4j.datasource.local-region=westus"), "hadr4j.datasource.local-region",
                        "'westus' is not the region of any endpoint (they are in region-a, region-b)", true),
                Arguments.of("an endpoint without a URL", noUrl, "hadr4j.datasource.endpoints[1].url", "is missing for endpoint 'b'", true),
                Arguments.of("a misspelt key", two("hadr4j.datasource.probe-intervall=2s"), "hadr4j.datasource.probe-intervall",
                        "left unbound", true),
                Arguments.of("an unknown HikariCP setting", two("hadr4j.datasource.endpoints[0].hikari.maximum-pool-sise=4"),
                        "hadr4j.datasource.endpoints[0].hikari.maximum-pool-sise", "is not a HikariCP setting", true),
                Arguments.of("a failover timeout below the probe timeout", two("hadr4j.datasource.failover-timeout=1s"),
                        "hadr4j.datasource.failover-timeout", "is shorter than probeTimeout", true),
                Arguments.of("a drain longer than Spring waits for it", two("hadr4j.health.drain-delay=40s"), "hadr4j.health.drain-delay",
                        "not shorter than spring.lifecycle.timeout-per-shutdown-phase (30s)", false),
                Arguments.of("a password with Entra ID", two("hadr4j.datasource.azure.entra-id=true"), "hadr4j.datasource.endpoints[0].password",
                        "is set while hadr4j.datasource.azure.entra-id=true", true),
                Arguments.of("a user with OCI Vault", two("hadr4j.datasource.oci.vault-secret-id=ocid1.vaultsecret.oc1.test.x",
                        "hadr4j.datasource.oci.auth=config-file"), "hadr4j.datasource.endpoints[0].password",
                        "is set while hadr4j.datasource.oci.vault-secret-id is", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badProperties")
    void stopsTheApplicationNamingTheProperty(String what, List<String> properties, String property, String says, boolean beforeAnyPool,
                                              CapturedOutput output) {
        int attemptsBefore = attempts.get();
        List<String> all = new ArrayList<>(properties);
        all.add("spring.main.banner-mode=off");
        assertThrows(Exception.class, () -> new SpringApplicationBuilder(PlainApp.class).web(WebApplicationType.NONE)
                .properties(all.toArray(String[]::new)).run().close(), what + " must stop the application");
        String printed = output.getAll();
        int report = printed.lastIndexOf("APPLICATION FAILED TO START");
        assertTrue(report >= 0, "Spring Boot's failure report: " + printed);
        String analysis = printed.substring(report);
        assertTrue(analysis.contains(property), "the report names " + property + ": " + analysis);
        assertTrue(analysis.contains(says), "the report says '" + says + "': " + analysis);
        assertTrue(analysis.contains("Action:"), "and what to do: " + analysis);
        assertFalse(printed.contains(PASSWORD), "no password printed: " + printed);
        if (beforeAnyPool) assertEquals(attemptsBefore, attempts.get(), "nothing connected to the database before the check failed");
    }
}
