package io.hadr4j.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** The Front Door guard in front of an app and its health servlet, in embedded Jetty, over real HTTP. */
class FrontDoorGuardTest {

    static final String OURS = "1f0a5e5c-9f6b-4d53-8f2e-3a4b5c6d7e8f";
    static final String SECOND = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
    static final String THEIRS = "d3b07384-d9a0-4c9b-8f6e-1a2b3c4d5e6f";

    static Server jetty;
    static String base;
    static final HttpClient http = HttpClient.newHttpClient();

    /** Answers "app" or "health" so the test sees which servlet served. */
    static final class Named extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final String name;

        Named(String name) {
            this.name = name;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getWriter().write(name);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addFilter(new FilterHolder(FrontDoorGuard.custom().frontDoorIds(OURS + ", " + SECOND.toUpperCase()).build()),
                "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new Named("health")), "/health/*");
        context.addServlet(new ServletHolder(new Named("app")), "/");
        jetty.setHandler(context);
        jetty.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.stop();
    }

    private static HttpResponse<String> get(String path, String... fdids) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
        for (String id : fdids) b.header(FrontDoorGuard.HEADER, id);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void requestsFromOurFrontDoorPass() throws Exception {
        HttpResponse<String> r = get("/api/info", OURS);
        assertEquals(200, r.statusCode());
        assertEquals("app", r.body());
        assertEquals(200, get("/", SECOND).statusCode(), "either configured profile; ids compare ignoring case");
        assertEquals(200, get("/", " " + OURS.toUpperCase() + " ").statusCode());
    }

    @Test
    void everythingElseIsRefusedWith403() throws Exception {
        for (String[] ids : new String[][] {{}, {THEIRS}, {"not-a-guid"}, {""}, {THEIRS, OURS}, {OURS, OURS}}) {
            HttpResponse<String> r = get("/api/info", ids);
            assertEquals(403, r.statusCode(), String.join(",", ids));
            assertTrue(r.body().contains("only through its Azure Front Door"), r.body());
            assertEquals("no-store", r.headers().firstValue("Cache-Control").orElse(""));
        }
        assertEquals(403, get("/healthz").statusCode(), "only the health paths themselves, not look-alikes");
        assertEquals(403, get("/api/health").statusCode());
    }

    @Test
    void healthPathsPassWithoutTheHeaderForAppServicesOwnHealthCheck() throws Exception {
        for (String path : new String[] {"/health", "/health/ready", "/health/live"}) {
            HttpResponse<String> r = get(path);
            assertEquals(200, r.statusCode(), path);
            assertEquals("health", r.body(), path);
        }
        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(URI.create(base + "/health/ready"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(200, head.statusCode());
        HttpResponse<Void> refusedHead = http.send(HttpRequest.newBuilder(URI.create(base + "/"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        assertEquals(403, refusedHead.statusCode());
    }

    @Test
    void badSettingsFailWhenBuilt() {
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> FrontDoorGuard.custom().build());
        assertTrue(none.getMessage().contains("--query frontDoorId"), none.getMessage());
        IllegalArgumentException notGuid = assertThrows(IllegalArgumentException.class,
                () -> FrontDoorGuard.custom().frontDoorIds("my-front-door").build());
        assertTrue(notGuid.getMessage().contains("is not a Front Door id"), notGuid.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FrontDoorGuard.custom().frontDoorIds(OURS).healthPaths("health/").build());
    }
}
