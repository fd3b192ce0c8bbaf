package io.hadr4j.spring;

import static io.hadr4j.core.datasource.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariDataSource;

import io.hadr4j.azure.AzureSqlTokenCallback;
import io.hadr4j.core.datasource.RegionAwareDataSource;
import io.hadr4j.core.datasource.TdsServer;
import reactor.core.publisher.Mono;

/**
 * {@code hadr4j.datasource.azure.entra-id=true} without a cloud: the real azure-identity managed-identity credential
 * (MSAL's IMDS flow, its requests sent to a local token endpoint that answers in IMDS's documented shape and checks
 * each request), the starter's pools configured with the token callback, and the real mssql-jdbc driver signing in
 * to two scripted TDS servers over TLS with the token, through the router.
 */
@ExtendWith(OutputCaptureExtension.class)
class AzureEntraIdTest {

    private static HttpServer identity;
    private static final List<String> problems = new CopyOnWriteArrayList<>();
    private static final List<String> issued = new CopyOnWriteArrayList<>();
    private static final AtomicInteger requests = new AtomicInteger();
    private static TdsServer a;
    private static TdsServer b;

    @BeforeAll
    static void start() throws IOException {
        identity = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        identity.createContext("/", exchange -> {
            requests.incrementAndGet();
            String query = exchange.getRequestURI().getRawQuery();
            if (!"GET".equals(exchange.getRequestMethod())) problems.add("method " + exchange.getRequestMethod());
            if (!"/metadata/identity/oauth2/token".equals(exchange.getRequestURI().getPath())) problems.add("path " + exchange.getRequestURI());
            if (!"true".equals(exchange.getRequestHeaders().getFirst("Metadata"))) problems.add("no Metadata: true header");
            if (query == null || !query.contains("resource=https%3A%2F%2Fdatabase.windows.net") || !query.contains("api-version=")) {
                problems.add("query " + query);
            }
            String token = jwt(issued.size() + 1);
            issued.add(token);
            long now = Instant.now().getEpochSecond();
            byte[] body = ("{\"access_token\":\"" + token + "\",\"client_id\":\"11111111-2222-3333-4444-555555555555\",\"expires_in\":\"3600\","
                    + "\"expires_on\":\"" + (now + 3600) + "\",\"ext_expires_in\":\"3600\",\"not_before\":\"" + now + "\","
                    + "\"resource\":\"https://database.windows.net/\",\"token_type\":\"Bearer\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        identity.start();
        a = TdsServer.withStrictTls();
        a.setServerName("sql-cin/orders");
        b = TdsServer.withStrictTls();
        b.setServerName("sql-sin/orders");
        b.setReadOnly(true);
    }

    @AfterAll
    static void stop() throws IOException {
        identity.stop(0);
        a.close();
        b.close();
    }

    static String jwt(int n) {
        Base64.Encoder e = Base64.getUrlEncoder().withoutPadding();
        return e.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + e.encodeToString(("{\"aud\":\"https://database.windows.net/\",\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8)) + ".c2ln" + n;
    }

    /** azure-core's transport, sending what the credential asks of IMDS to the local token endpoint, and nothing elsewhere. */
    static final class ToLocalIdentity implements HttpClient {
        private final HttpClient real = HttpClient.createDefault();

        @Override
        public Mono<HttpResponse> send(HttpRequest request) {
            URL url = request.getUrl();
            if (!"169.254.169.254".equals(url.getHost())) return Mono.error(new IllegalStateException("the test only serves IMDS, not " + url));
            try {
                request.setUrl(new URL("http", "127.0.0.1", identity.getAddress().getPort(), url.getFile()));
            } catch (MalformedURLException e) {
                return Mono.error(e);
            }
            return real.send(request);
        }
    }

    /** What Spring Cloud Azure, or the application, would define: the credential to sign in with. */
    @Configuration(proxyBeanMethods = false)
    static class ManagedIdentity {
        @Bean
        TokenCredential tokenCredential() {
            return new ManagedIdentityCredentialBuilder().httpClient(new ToLocalIdentity()).build();
        }
    }

    @Test
    void onePropertySignsEveryPoolInWithEntraIdTokens(CapturedOutput output) {
        String cin = "hadr4j.datasource.endpoints[0].";
        String sin = "hadr4j.datasource.endpoints[1].";
        try (ConfigurableApplicationContext app = new SpringApplicationBuilder(PlainApp.class, ManagedIdentity.class).web(WebApplicationType.NONE)
                .properties("spring.main.banner-mode=off", "hadr4j.datasource.azure.entra-id=true", "hadr4j.datasource.local-region=centralindia",
                        "hadr4j.datasource.probe-timeout=2s", "hadr4j.datasource.failover-timeout=5s",
                        cin + "name=cin", cin + "region=centralindia", cin + "url=" + a.url(),
                        sin + "name=sin", sin + "region=southindia", sin + "url=" + b.url())
                .run()) {
            RegionAwareDataSource ds = app.getBean(RegionAwareDataSource.class);
            AzureSqlTokenCallback tokens = app.getBean(AzureSqlTokenCallback.class);
            assertSame(app.getBean(TokenCredential.class), tokens.credential(), "the application's credential signs in");
            for (var e : ds.endpoints()) {
                HikariDataSource pool = (HikariDataSource) e.dataSource();
                assertEquals("com.microsoft.sqlserver.jdbc.SQLServerDataSource", pool.getDataSourceClassName(), e.name());
                assertSame(tokens, pool.getDataSourceProperties().get("accessTokenCallback"), "one callback for every pool");
                assertNull(pool.getUsername());
                assertNull(pool.getPassword());
            }
            await("writes on cin", Duration.ofSeconds(15), () -> "cin".equals(ds.snapshot().writeEndpoint()));
            new JdbcTemplate(app.getBean(javax.sql.DataSource.class)).execute("INSERT INTO orders(id) VALUES (1)");
            assertTrue(a.batches().stream().anyMatch(s -> s.startsWith("INSERT INTO orders")), "the write reached the primary: " + a.batches());
            assertFalse(issued.isEmpty(), "a token came from the local token endpoint");
            for (TdsServer server : List.of(a, b)) {
                assertFalse(server.loginLog().isEmpty(), "the router signed in to both servers");
                for (TdsServer.Login l : server.loginLog()) {
                    assertTrue(issued.contains(l.accessToken()), "every login carried a token from the credential: " + l);
                    assertEquals("", l.user(), "and no SQL user");
                }
            }
            assertEquals(1, issued.size(), "one token, cached for every connection of both pools: " + requests.get() + " requests");
            assertEquals(List.of(), problems, "what the credential sent to the token endpoint");
        }
        for (String token : issued) assertFalse(output.getAll().contains(token), "a token was printed");
    }

    @Test
    void withoutATokenCredentialBeanTheClientIdPropertyPicksTheManagedIdentity() {
        ApplicationContextRunner runner = new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(Hadr4jAzureAutoConfiguration.class))
                .withPropertyValues("hadr4j.datasource.azure.entra-id=true");
        runner.withPropertyValues("hadr4j.datasource.azure.managed-identity-client-id=0f0e0d0c-1111-2222-3333-444455556666").run(context -> {
            String callback = context.getBean(AzureSqlTokenCallback.class).toString();
            assertTrue(callback.contains("ManagedIdentityCredential (client id 0f0e0d0c-1111-2222-3333-444455556666)"), callback);
        });
        runner.run(context -> {
            String callback = context.getBean(AzureSqlTokenCallback.class).toString();
            assertTrue(callback.contains("credential=DefaultAzureCredential"), callback);
        });
        runner.withPropertyValues("hadr4j.datasource.azure.entra-id=false")
                .run(context -> assertTrue(context.getBeansOfType(AzureSqlTokenCallback.class).isEmpty(), "off unless asked for"));
    }
}
