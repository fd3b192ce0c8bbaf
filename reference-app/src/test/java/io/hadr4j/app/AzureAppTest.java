package io.hadr4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.hadr4j.azure.AzureRegionDetector;
import io.hadr4j.azure.FrontDoorGuard;
import io.hadr4j.core.datasource.TdsServer;
import io.hadr4j.core.datasource.TdsServer.Column;
import io.hadr4j.core.datasource.TdsServer.Result;

/**
 * The reference app on Azure, through its own code path: with no region configured it shows the region Azure reports
 * (RegionInfo.resolve() finds ha-azure's detector; a local IMDS answers), it locks itself to its Front Door when told
 * the profile id, and it signs in to Azure SQL with its managed identity when told to. The database is the scripted
 * TDS server, answering the app's SQL Server statements.
 */
class AzureAppTest {

    static final String FRONT_DOOR = "1f0a5e5c-9f6b-4d53-8f2e-3a4b5c6d7e8f";

    @Test
    void withNoRegionConfiguredThePageShowsTheRegionAzureReports() throws Exception {
        Assumptions.assumeTrue(System.getenv("HADR_REGION") == null && System.getenv("WEBSITE_SITE_NAME") == null
                && System.getenv("REGION_NAME") == null && System.getProperty("hadr.region") == null,
                "this process's environment already names a region");
        AtomicInteger imdsCalls = new AtomicInteger();
        HttpServer imds = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        imds.createContext("/metadata/instance", x -> {
            imdsCalls.incrementAndGet();
            byte[] body = ("{\"compute\":{\"location\":\"centralindia\",\"zone\":\"2\",\"platformFaultDomain\":\"0\","
                    + "\"vmId\":\"02aab8a4-74ef-476e-8182-f6d2ba4166a6\"}}").getBytes(StandardCharsets.UTF_8);
            int status = "true".equals(x.getRequestHeaders().getFirst("Metadata")) ? 200 : 400;
            x.sendResponseHeaders(status, body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        });
        imds.start();
        String saved = System.getProperty(AzureRegionDetector.IMDS_PROPERTY);
        try (TdsServer db = new TdsServer()) {
            db.answer("MERGE hadr4j_visits", Result.of(List.of(Column.bigint("visits")), List.of(7L)));
            db.answer("SELECT (SELECT visits", Result.of(List.of(Column.bigint(""), Column.integer("")), List.of(7L, 0)));
            db.answer("= 'READ_WRITE' THEN 1", Result.of(List.of(Column.integer("")), List.of(1)));
            System.setProperty(AzureRegionDetector.IMDS_PROPERTY, "http://127.0.0.1:" + imds.getAddress().getPort());
            AppConfig config = AppConfig.from(Options.parse(List.of("--port", "0", "--db", "a,centralindia," + db.url(),
                    "--front-door-id", FRONT_DOOR), Map.of("HADR_DB_USER", "app", "HADR_DB_PASSWORD", "x")::get));
            assertEquals("centralindia", config.region(), "from IMDS, through RegionInfo.resolve()");
            assertEquals("2", config.zone());
            assertEquals(1, imdsCalls.get());
            try (AppServer app = AppServer.start(config)) {
                HttpClient http = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + app.port();
                HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/"))
                        .header(FrontDoorGuard.HEADER, FRONT_DOOR).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, page.statusCode(), page.body());
                assertTrue(page.body().contains("Served from region centralindia"), page.body());
                assertTrue(page.body().contains("<td id=\"zone\">2</td>"), page.body());
                assertTrue(page.body().contains("<td id=\"visits\">7</td>"), "the visit counter came from the database: " + page.body());

                HttpResponse<String> direct = http.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(403, direct.statusCode(), "not through the Front Door");
                HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertNotEquals(403, health.statusCode(), "App Service's health check needs no Front Door header");
                HttpResponse<String> apiHealth = http.send(HttpRequest.newBuilder(URI.create(base + "/api/health/live")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertNotEquals(403, apiHealth.statusCode());
            }
        } finally {
            imds.stop(0);
            if (saved == null) System.clearProperty(AzureRegionDetector.IMDS_PROPERTY); else System.setProperty(AzureRegionDetector.IMDS_PROPERTY, saved);
        }
    }

    @Test
    void entraIdSignInReplacesUserAndPassword() {
        String db = "a,centralindia,jdbc:sqlserver://orders-cin.database.windows.net:1433;databaseName=orders;encrypt=true";
        AppConfig config = AppConfig.from(Options.parse(List.of("--region", "centralindia", "--db", db),
                Map.of(AppConfig.ENV_DB_AUTH, "entra-id")::get));
        assertNotNull(config.dbTokens());
        assertNull(config.dbUser());
        assertNull(config.dbPassword().reveal());
        AppConfig userAssigned = AppConfig.from(Options.parse(List.of("--region", "centralindia", "--db", db,
                "--db-auth", "entra-id", "--db-identity-client-id", "11111111-2222-3333-4444-555555555555"), Map.<String, String>of()::get));
        assertTrue(userAssigned.dbTokens().toString().contains("client id 11111111-2222-3333-4444-555555555555"), userAssigned.dbTokens().toString());

        Options.ConfigException password = assertThrows(Options.ConfigException.class, () -> AppConfig.from(Options.parse(
                List.of("--region", "r", "--db", db), Map.of(AppConfig.ENV_DB_AUTH, "entra-id", AppConfig.ENV_DB_PASSWORD, "x")::get)));
        assertTrue(password.getMessage().contains("remove --db-user/HADR_DB_USER and HADR_DB_PASSWORD"), password.getMessage());
        Options.ConfigException postgres = assertThrows(Options.ConfigException.class, () -> AppConfig.from(Options.parse(
                List.of("--region", "r", "--db", "a,r,jdbc:postgresql://x/app", "--db-auth", "entra-id"), Map.<String, String>of()::get)));
        assertTrue(postgres.getMessage().contains("is for Azure SQL"), postgres.getMessage());
        Options.ConfigException mode = assertThrows(Options.ConfigException.class, () -> AppConfig.from(Options.parse(
                List.of("--region", "r", "--db", db, "--db-auth", "msi"), Map.<String, String>of()::get)));
        assertTrue(mode.getMessage().contains("--db-auth must be password or entra-id"), mode.getMessage());
        Options.ConfigException guard = assertThrows(Options.ConfigException.class, () -> AppConfig.from(Options.parse(
                List.of("--region", "r", "--db", db, "--front-door-id", "my-fd"), Map.of(AppConfig.ENV_DB_PASSWORD, "x")::get)));
        assertTrue(guard.getMessage().contains("is not a Front Door id"), guard.getMessage());
    }
}
