package io.hadr4j.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hadr4j.core.Secrets;
import io.hadr4j.core.health.HealthChecks;
import io.hadr4j.core.health.HealthRegistry;
import io.hadr4j.core.health.HealthRegistryConfig;
import io.hadr4j.core.health.HealthServlet;
import io.hadr4j.core.health.ReadinessPolicy;
import io.hadr4j.oci.OciAuth;
import io.hadr4j.oci.OciConnection;
import io.hadr4j.oci.OciException;
import io.hadr4j.oci.VaultCredentials;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import javax.sql.DataSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One app instance: {@code /} (HTML) and {@code /api/info} (JSON) show where the request was served and a
 * visit counter written through the region-aware DataSource; {@code /health/*} and {@code /api/health/*} serve
 * MicroProfile Health for Azure Front Door, App Service and the OCI load balancer.
 */
final class AppServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AppConfig config;
    private final AppSql sql;
    private final RoutedDatabase database;
    private final DataSource db;
    private final HealthRegistry health;
    private final VaultCredentials vault; // null unless the credentials come from OCI Vault
    private final Server server;
    /** Decides, for the health paths and for {@code /} and {@code /api/info} alike, who sees error details. */
    private final HealthServlet healthServlet;
    private volatile String lastWriteEndpoint = "-";
    private volatile String lastReadEndpoint = "-";
    private volatile boolean schemaReady;

    private AppServer(AppConfig config, VaultCredentials vault, Predicate<HttpServletRequest> details) {
        this.config = config;
        this.vault = vault;
        this.sql = AppSql.of(config.endpoints());
        this.database = new RoutedDatabase("app-" + config.region(), config.region(), config.endpoints(),
                config.dbUser(), config.dbPassword(), vault, config.dbTokens(), config.routerProbeInterval());
        this.db = database.dataSource();
        this.health = HealthRegistry.of(HealthRegistryConfig.custom().interval(config.healthInterval())
                        .timeout(checkTimeout(config.healthInterval())).drainDelay(config.drainDelay()).build())
                .register(HealthChecks.region(config.region(), config.zone(), config.host()))
                // Ready while the router's snapshot has a write route: the probe answers from memory, never waits on a database.
                .register(HealthChecks.regionAwareDataSource(database.router(), ReadinessPolicy.REQUIRE_WRITABLE));
        if (vault != null) health.register(vault.healthCheck());
        this.server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setPort(config.port());
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        if (config.frontDoorGuard() != null) { // only Front Door's requests (and App Service's health check) reach the app
            context.addFilter(new FilterHolder(config.frontDoorGuard()), "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        this.healthServlet = new HealthServlet(health, details);
        context.addServlet(new ServletHolder(healthServlet), "/health/*");
        context.addServlet(new ServletHolder(healthServlet), "/api/health/*");
        context.addServlet(new ServletHolder(new InfoServlet()), "/api/info");
        context.addServlet(new ServletHolder(new InfoServlet()), "");
        server.setHandler(context);
        server.setStopTimeout(2_000);
    }

    /**
     * Checks that at least one database endpoint answers (a wrong URL or password fails here, with a message
     * naming the endpoint), then starts the health checks and the HTTP server.
     */
    static AppServer start(AppConfig config) throws Exception {
        return start(config, oci -> oci.authentication(OciAuth.instancePrincipal()).region(config.region()));
    }

    /** As {@link #start(AppConfig)}; {@code oci} completes the connection to Vault when the credentials come from there. */
    static AppServer start(AppConfig config, java.util.function.UnaryOperator<OciConnection.Builder> oci) throws Exception {
        return start(config, oci, HealthServlet.loopbackCallers());
    }

    /**
     * As {@link #start(AppConfig, java.util.function.UnaryOperator)}, with {@code details} deciding which callers see
     * error details, on the health paths and on {@code /} and {@code /api/info} alike (the app: loopback callers).
     */
    static AppServer start(AppConfig config, java.util.function.UnaryOperator<OciConnection.Builder> oci,
                           Predicate<HttpServletRequest> details) throws Exception {
        VaultCredentials vault = null;
        if (config.dbSecretId() != null) {
            try {
                vault = VaultCredentials.custom().connection(oci.apply(OciConnection.custom()).build()).secretId(config.dbSecretId())
                        .username(config.dbUser()).build().start();
            } catch (OciException | IllegalArgumentException e) {
                throw new Options.ConfigException("--db-secret-id " + config.dbSecretId() + ": " + e.getMessage());
            }
        }
        try {
            RoutedDatabase.requireOneReachable(config.endpoints(), config.dbUser(), config.dbPassword(), vault, config.dbTokens());
        } catch (RuntimeException e) {
            if (vault != null) vault.close();
            throw e;
        }
        AppServer app = new AppServer(config, vault, details);
        try {
            app.createSchema();
            app.health.start();
            try {
                app.server.start();
            } catch (IOException e) {
                throw Options.portInUse(config.port(), e);
            }
            return app;
        } catch (Exception e) {
            app.close();
            throw e;
        }
    }

    /** A check may take half the interval, at most 2 s: the registry needs the timeout below the interval. */
    private static Duration checkTimeout(Duration interval) {
        Duration half = interval.dividedBy(2);
        return half.compareTo(Duration.ofSeconds(2)) < 0 ? half : Duration.ofSeconds(2);
    }

    /**
     * On SIGTERM (an instance pool's scale-in, a rolling restart): readiness turns DOWN at once, so the load
     * balancer's health check ({@code /api/health}, 200 only) takes this instance out, while it keeps serving for
     * the drain delay; then it stops.
     */
    Thread installShutdownHook() {
        return health.installShutdownHook(this::close);
    }

    int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    void join() throws InterruptedException {
        server.join();
    }

    private void createSchema() {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute(sql.visitsTable);
            schemaReady = true;
        } catch (SQLException e) {
            // The primary may be away right now; the next visit creates the table then.
        }
    }

    /** What a caller the health servlet does not admit to details reads instead of a driver's message. */
    static final String ERROR_HIDDEN = "details are shown only to callers admitted to health details (here: loopback)";

    /**
     * Counts a visit on the primary and reads the counter back through the read view; never throws. With
     * {@code details} false (a caller the health servlet would not admit to details) an error says only which
     * operation failed; with it true, also the driver's message, masked.
     */
    Map<String, Object> info(boolean details) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("region", config.region());
        info.put("zone", config.zone());
        info.put("host", config.host());
        info.put("time", Instant.now().toString());
        if (!schemaReady) {
            createSchema();
        }
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery(sql.visit)) {
                rs.next();
                info.put("visits", rs.getLong(1));
            }
            lastWriteEndpoint = database.writeEndpoint();
        } catch (SQLException e) {
            info.put("error", "write failed: " + (details ? Secrets.safeMessage(e) : ERROR_HIDDEN));
        }
        try (Connection c = database.readView().getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql.readVisits)) {
            rs.next();
            info.put("visitsRead", rs.getLong(1));
            lastReadEndpoint = database.endpointServing(rs.getBoolean(2));
        } catch (SQLException e) {
            info.putIfAbsent("error", "read failed: " + (details ? Secrets.safeMessage(e) : ERROR_HIDDEN));
        }
        info.put("lastWriteEndpoint", lastWriteEndpoint);
        info.put("lastReadEndpoint", lastReadEndpoint);
        info.put("endpoints", database.endpoints());
        return info;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping anyway
        }
        health.close();
        database.close();
        if (vault != null) vault.close();
    }

    private final class InfoServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            Map<String, Object> info = info(healthServlet.admitsDetails(req));
            resp.setHeader("Cache-Control", "no-store");
            resp.setStatus(info.containsKey("error") ? 503 : 200);
            if ("/api/info".equals(req.getServletPath())) {
                resp.setContentType("application/json; charset=UTF-8");
                resp.getOutputStream().write(Secrets.mask(JSON.writeValueAsString(info)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            } else {
                resp.setContentType("text/html; charset=UTF-8");
                resp.getWriter().write(Secrets.mask(html(info)));
            }
        }
    }

    private static String html(Map<String, Object> info) {
        StringBuilder rows = new StringBuilder();
        for (String key : List.of("region", "zone", "host", "visits", "lastWriteEndpoint", "lastReadEndpoint", "time", "error")) {
            if (info.containsKey(key)) {
                rows.append("<tr><th>").append(key).append("</th><td id=\"").append(key).append("\">")
                        .append(escape(String.valueOf(info.get(key)))).append("</td></tr>\n");
            }
        }
        StringBuilder endpoints = new StringBuilder();
        for (Object e : (List<?>) info.get("endpoints")) {
            Map<?, ?> v = (Map<?, ?>) e;
            endpoints.append("<tr><td>").append(escape(String.valueOf(v.get("name")))).append("</td><td>")
                    .append(escape(String.valueOf(v.get("region")))).append("</td><td>").append(escape(String.valueOf(v.get("role"))))
                    .append(Boolean.TRUE.equals(v.get("fenced")) ? " (fenced)" : "").append("</td><td>")
                    .append(v.get("lagMillis") == null ? "-" : v.get("lagMillis") + " ms").append("</td></tr>\n");
        }
        return "<!doctype html><html><head><meta charset=\"utf-8\"><title>hadr4j reference app — "
                + escape(String.valueOf(info.get("region"))) + "</title><style>body{font-family:system-ui,sans-serif;margin:2em}"
                + "th,td{text-align:left;padding-right:1em}h1{font-size:1.4em}</style></head><body><h1>Served from region "
                + escape(String.valueOf(info.get("region"))) + "</h1><table>\n" + rows
                + "</table><h2>Database endpoints, as this instance's DataSource sees them</h2><table><tr><th>name</th><th>region</th>"
                + "<th>role</th><th>replication lag</th></tr>\n" + endpoints + "</table><p><a href=\"/api/info\">/api/info</a> · <a href=\"/health\">/health</a></p></body></html>";
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
