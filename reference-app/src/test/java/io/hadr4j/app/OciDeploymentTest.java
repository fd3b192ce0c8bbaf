package io.hadr4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.bertramlabs.plugins.hcl4j.HCLParser;
import com.oracle.bmc.auth.SimpleAuthenticationDetailsProvider;
import com.sun.net.httpserver.HttpServer;

import io.hadr4j.oci.OciRegionDetector;
import io.hadr4j.testkit.PgNode;
import io.hadr4j.testkit.TwoRegionPostgres;

/**
 * deploy/oci against the app: the Terraform (parsed with an HCL parser) and the cloud-init it renders are checked
 * against what the app serves and reads, by starting the app with exactly the settings the instances get, with a
 * local instance metadata service and a local Vault standing in for OCI's; and the drain on SIGTERM (an instance
 * pool's scale-in) is shown over real HTTP to keep a load balancer's health check (200 only) from sending work to a
 * stopping instance.
 */
class OciDeploymentTest {

    private static final Path DEPLOY = Path.of("..", "deploy", "oci");
    private static final String SECRET_ID = "ocid1.vaultsecret.oc1.ap-mumbai-1.amaaaaaadbcredentials";
    private static TwoRegionPostgres db;
    private static HttpServer oci; // instance metadata and the Secrets service on loopback
    private static final AtomicInteger vaultReads = new AtomicInteger();
    private static Map<String, Object> tf;

    @BeforeAll
    static void start() throws Exception {
        db = TwoRegionPostgres.builder().regions("ap-mumbai-1", "ap-hyderabad-1").build().start();
        oci = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        oci.createContext("/opc/v2/instance/", ex -> {
            boolean ok = "Bearer Oracle".equals(ex.getRequestHeaders().getFirst("Authorization"));
            reply(ex, ok ? 200 : 401, ok ? "{\"canonicalRegionName\":\"ap-mumbai-1\",\"region\":\"bom\",\"availabilityDomain\":\"Uocm:AP-MUMBAI-1-AD-1\","
                    + "\"faultDomain\":\"FAULT-DOMAIN-3\",\"hostname\":\"app-3\",\"id\":\"ocid1.instance.oc1.ap-mumbai-1.app3\"}" : "{}");
        });
        oci.createContext("/20190301/secretbundles/" + SECRET_ID, ex -> {
            vaultReads.incrementAndGet();
            String content = "{\"username\":\"" + db.nodeA().user() + "\",\"password\":\"" + db.nodeA().password() + "\"}";
            reply(ex, 200, "{\"secretId\":\"" + SECRET_ID + "\",\"versionNumber\":1,\"stages\":[\"CURRENT\"],\"secretBundleContent\":"
                    + "{\"contentType\":\"BASE64\",\"content\":\"" + Base64.getEncoder().encodeToString(content.getBytes(StandardCharsets.UTF_8)) + "\"}}");
        });
        oci.start();
        tf = new HCLParser().parse(DEPLOY.resolve("main.tf").toFile(), "UTF-8");
    }

    @AfterAll
    static void stop() {
        if (oci != null) oci.stop(0);
        if (db != null) db.close();
    }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> m, String... path) {
        Map<String, Object> cur = m;
        for (String p : path) {
            Object next = cur.get(p);
            assertNotNull(next, "main.tf has no " + String.join(".", path) + " (stopped at " + p + ")");
            cur = (Map<String, Object>) next;
        }
        return cur;
    }

    private static Map<String, Object> resource(String type, String name) {
        return map(tf, "resource", type, name);
    }

    private static int number(Object o) {
        return ((Number) o).intValue();
    }

    /** cloud-init.yaml.tftpl rendered as templatefile would, with {@code vars}; every ${name} it uses must be given. */
    private static String renderCloudInit(Map<String, String> vars) throws IOException {
        String template = Files.readString(DEPLOY.resolve("cloud-init.yaml.tftpl"));
        Matcher m = Pattern.compile("\\$\\{([a-z_]+)}").matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String v = vars.get(m.group(1));
            assertNotNull(v, "the template uses ${" + m.group(1) + "}, which main.tf's templatefile call does not pass");
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The names main.tf passes to templatefile (hcl4j does not evaluate the call, so they are read off the text). */
    private static Set<String> templateVariables() throws IOException {
        String text = Files.readString(DEPLOY.resolve("main.tf"));
        int start = text.indexOf("templatefile(\"${path.module}/cloud-init.yaml.tftpl\", {");
        assertTrue(start > 0, "main.tf renders cloud-init.yaml.tftpl with templatefile");
        String args = text.substring(start, text.indexOf("})", start));
        Set<String> names = new LinkedHashSet<>();
        Matcher m = Pattern.compile("(?m)^\\s*([a-z_]+)\\s*=").matcher(args);
        while (m.find()) names.add(m.group(1));
        return names;
    }

    /** The environment file and the serve flags a rendered cloud-init gives the app. */
    private record Instance(Map<String, String> env, List<String> serveFlags) {
    }

    private static Instance instanceSettings(String cloudInit) {
        Map<String, String> env = new LinkedHashMap<>();
        List<String> flags = new ArrayList<>();
        boolean inEnv = false;
        for (String line : cloudInit.split("\n")) {
            if (line.contains("path: /etc/hadr4j/app.env")) inEnv = true;
            else if (line.contains("- path:")) inEnv = false;
            Matcher kv = Pattern.compile("^\\s+([A-Z_]+)=\"?(.*?)\"?$").matcher(line);
            if (inEnv && kv.matches()) env.put(kv.group(1), kv.group(2));
            int serve = line.indexOf("ExecStart=");
            if (serve >= 0) {
                String[] words = line.substring(serve).trim().split("\\s+");
                boolean after = false;
                for (String w : words) {
                    if (after) flags.add(w);
                    if (w.equals("serve")) after = true;
                }
            }
        }
        return new Instance(env, flags);
    }

    private static Map<String, String> values(int port) {
        StringBuilder dbs = new StringBuilder();
        for (PgNode n : db.nodes()) dbs.append(dbs.length() == 0 ? "" : " ").append(n.name()).append(',').append(n.region()).append(',').append(n.jdbcUrl());
        Map<String, String> v = new LinkedHashMap<>();
        v.put("jar_url", "https://objectstorage.example/reference-app.jar");
        v.put("app_port", Integer.toString(port));
        v.put("db_endpoints", dbs.toString());
        v.put("db_user", db.nodeA().user());
        v.put("db_secret_id", SECRET_ID);
        v.put("drain_delay_seconds", "35");
        v.put("stop_timeout_seconds", "65");
        return v;
    }

    private static SimpleAuthenticationDetailsProvider testKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        byte[] pem = ("-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(g.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n").getBytes(StandardCharsets.US_ASCII);
        return SimpleAuthenticationDetailsProvider.builder().tenantId("ocid1.tenancy.oc1..t").userId("ocid1.user.oc1..u")
                .fingerprint("aa:bb").privateKeySupplier(() -> new ByteArrayInputStream(pem)).build();
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void theTerraformCoversTheSeedAndItsNumbersAgree() {
        Map<String, Object> hc = map(resource("oci_load_balancer_backend_set", "app"), "health_checker");
        int port = number(map(tf, "variable", "app_port").get("default"));
        assertEquals(port, number(hc.get("port")));
        assertEquals(port, number(map(resource("oci_core_instance_pool", "app"), "load_balancers").get("port")));
        assertEquals(List.of("FAULT-DOMAIN-1", "FAULT-DOMAIN-2", "FAULT-DOMAIN-3"),
                map(resource("oci_core_instance_pool", "app"), "placement_configurations").get("fault_domains"));

        // Scale-in honours the drain: an instance keeps serving, readiness DOWN, longer than the checker needs to take it out.
        int drainMs = number(map(tf, "variable", "drain_delay_seconds").get("default")) * 1000;
        int takeOutMs = number(hc.get("retries")) * number(hc.get("interval_ms")) + number(hc.get("timeout_in_millis"));
        assertTrue(drainMs > takeOutMs, "drain " + drainMs + " ms must exceed retries x interval + timeout = " + takeOutMs + " ms");

        Map<String, Object> scaling = resource("oci_autoscaling_auto_scaling_configuration", "app");
        assertEquals("instancePool", map(scaling, "auto_scaling_resources").get("type"));
        Map<String, Object> policy = map(scaling, "policies");
        assertTrue(number(map(policy, "capacity").get("min")) >= 3, "at least one instance per fault domain");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rules = (List<Map<String, Object>>) policy.get("rules");
        assertEquals(List.of(1, -1), rules.stream().map(r -> number(map(r, "action").get("value"))).toList());
        assertEquals(List.of("CPU_UTILIZATION", "CPU_UTILIZATION"), rules.stream().map(r -> map(r, "metric").get("metric_type")).toList());
        assertEquals(List.of("GT", "LT"), rules.stream().map(r -> map(r, "metric", "threshold").get("operator")).toList());

        assertEquals("BASE64", map(resource("oci_vault_secret", "db"), "secret_content").get("content_type"));
        @SuppressWarnings("unchecked")
        List<String> statements = (List<String>) resource("oci_identity_policy", "app").get("statements");
        // hcl4j leaves references unresolved: the statement names the dynamic group and the secret by their references.
        assertTrue(statements.get(0).startsWith("Allow dynamic-group oci_identity_dynamic_group.app.name to read secret-bundles in compartment id ")
                && statements.get(0).endsWith("where target.secret.id = 'oci_vault_secret.db.id'"), statements.toString());
        assertEquals("hadr4j-reference-app", resource("oci_identity_dynamic_group", "app").get("name"));
        assertTrue(String.valueOf(resource("oci_identity_dynamic_group", "app").get("matching_rule")).startsWith("ALL {instance.compartment.id"));

        Map<String, Object> adb = resource("oci_database_autonomous_database", "app");
        assertEquals(number(map(tf, "variable", "adb_backup_retention_days").get("default")), number(adb.get("backup_retention_period_in_days")));
        Map<String, Object> standby = resource("oci_database_autonomous_database", "standby");
        assertEquals("CROSS_REGION_DATAGUARD", standby.get("source"));
        assertEquals("oci_database_autonomous_database.app.id", String.valueOf(standby.get("source_id"))); // a reference, unevaluated

        Map<String, Object> volumes = map(resource("oci_core_instance_configuration", "app"), "instance_details", "block_volumes", "create_details");
        assertEquals("oci_core_volume_backup_policy.app.id", String.valueOf(volumes.get("backup_policy_id")));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> schedules = (List<Map<String, Object>>) resource("oci_core_volume_backup_policy", "app").get("schedules");
        assertEquals(List.of("INCREMENTAL", "FULL"), schedules.stream().map(s -> s.get("backup_type")).toList());
    }

    @Test
    void theHealthCheckerGetsItsReturnCodeFromTheAppStartedWithTheSettingsTheInstancesGet() throws Exception {
        Map<String, Object> hc = map(resource("oci_load_balancer_backend_set", "app"), "health_checker");
        assertEquals("HTTP", hc.get("protocol"));
        int port = freePort(); // stands in for var.app_port: the checker and the app both take it (checked above)
        Map<String, String> vars = values(port);
        assertEquals(vars.keySet(), templateVariables(), "the test renders the template with what main.tf passes");
        Instance instance = instanceSettings(renderCloudInit(vars));
        assertFalse(instance.env.containsKey("HADR_REGION") || instance.env.containsKey("HADR_ZONE") || instance.env.containsKey("HADR_DB_PASSWORD"),
                "region and zone come from instance metadata, the password from Vault: " + instance.env.keySet());

        System.setProperty(OciRegionDetector.BASE_URL_PROPERTY, "http://127.0.0.1:" + oci.getAddress().getPort() + "/opc/v2/");
        SimpleAuthenticationDetailsProvider key = testKey();
        try {
            AppConfig config = AppConfig.from(Options.parse(instance.serveFlags, instance.env::get)); // rejects any flag the app does not read
            assertEquals(port, config.port());
            assertEquals("ap-mumbai-1", config.region(), "from instance metadata's canonicalRegionName");
            assertEquals("Uocm:AP-MUMBAI-1-AD-1/FAULT-DOMAIN-3", config.zone());
            assertEquals(SECRET_ID, config.dbSecretId());
            assertEquals(Duration.ofSeconds(35), config.drainDelay());
            assertEquals(2, config.endpoints().size());
            try (AppServer app = AppServer.start(config, oci -> oci.authentication(key).endpoint("http://127.0.0.1:" + OciDeploymentTest.oci.getAddress().getPort()))) {
                assertTrue(vaultReads.get() >= 1, "the database credentials came from the Vault secret");
                String path = String.valueOf(hc.get("url_path"));
                int expected = number(hc.get("return_code"));
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                int status;
                do {
                    status = get(port, path).statusCode();
                    if (status != expected) Thread.sleep(100);
                } while (status != expected && System.nanoTime() < deadline);
                assertEquals(expected, status, "GET " + path + " on port " + port);
                String page = get(port, "/").body();
                assertTrue(page.contains("<td id=\"region\">ap-mumbai-1</td>"), page);
                assertTrue(page.contains("<td id=\"zone\">Uocm:AP-MUMBAI-1-AD-1/FAULT-DOMAIN-3</td>"), page);
                String health = get(port, "/api/health").body();
                assertTrue(health.contains("\"vault-credentials\""), health);
                assertFalse(health.contains(db.nodeA().password()), health);
            }
        } finally {
            System.clearProperty(OciRegionDetector.BASE_URL_PROPERTY);
        }
    }

    /**
     * The OCI load balancer's health check, scaled down: GET the path every interval, 200 healthy, anything else (or
     * no answer) a failure, out after {@code retries} failures in a row; work goes only to a backend in rotation.
     */
    private static final class HealthChecker extends Thread {
        final int port;
        final String path;
        final Duration interval;
        final int retries;
        final AtomicBoolean inRotation = new AtomicBoolean();
        final AtomicLong takenOutAt = new AtomicLong();
        final List<String> seen = new CopyOnWriteArrayList<>();
        volatile boolean running = true;

        HealthChecker(int port, String path, Duration interval, int retries) {
            super("oci-lb-health-checker");
            this.port = port;
            this.path = path;
            this.interval = interval;
            this.retries = retries;
            setDaemon(true);
        }

        @Override
        public void run() {
            int failures = 0;
            while (running) {
                String outcome;
                try {
                    outcome = String.valueOf(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                            .timeout(Duration.ofMillis(500)).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
                } catch (IOException e) {
                    outcome = "no answer";
                } catch (InterruptedException e) {
                    return;
                }
                if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(outcome)) seen.add(outcome);
                if (outcome.equals("200")) {
                    failures = 0;
                    inRotation.set(true);
                } else if (++failures >= retries && inRotation.getAndSet(false)) {
                    takenOutAt.set(System.nanoTime());
                }
                try {
                    Thread.sleep(interval.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    @Test
    void onSigtermTheInstanceDrainsSoTheHealthCheckTakesItOutBeforeItStops() throws Exception {
        Map<String, Object> hc = map(resource("oci_load_balancer_backend_set", "app"), "health_checker");
        int port = freePort();
        Instance instance = instanceSettings(renderCloudInit(values(port)));
        List<String> flags = new ArrayList<>(instance.serveFlags);
        int drain = flags.indexOf("--drain-delay");
        flags.set(drain + 1, "5s"); // the Terraform's 35 s, scaled down with the checker's interval
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve"));
        command.addAll(flags);
        command.addAll(List.of("--region", "ap-mumbai-1", "--health-interval", "200ms"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Files.createTempFile("drain-app", ".log").toFile());
        pb.environment().putAll(instance.env);
        pb.environment().remove("HADR_DB_SECRET_ID"); // the child has no instance principal: a plain password instead
        pb.environment().put(AppConfig.ENV_DB_PASSWORD, db.nodeA().password());
        Process app = pb.start();
        HealthChecker checker = new HealthChecker(port, String.valueOf(hc.get("url_path")), Duration.ofMillis(100), number(hc.get("retries")));
        AtomicLong served = new AtomicLong();
        List<String> failed = new CopyOnWriteArrayList<>();
        AtomicBoolean working = new AtomicBoolean(true);
        Thread work = new Thread(() -> { // the load balancer's traffic: only to a backend in rotation
            while (working.get()) {
                if (checker.inRotation.get()) {
                    try {
                        int s = get(port, "/api/info").statusCode();
                        if (s == 200) served.incrementAndGet();
                        else failed.add("HTTP " + s);
                    } catch (IOException e) {
                        if (checker.inRotation.get()) failed.add(e.toString());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "lb-traffic");
        try {
            checker.start();
            work.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (served.get() < 20 && System.nanoTime() < deadline) Thread.sleep(50);
            assertTrue(served.get() >= 20, "the app came into rotation; checker saw " + checker.seen);

            app.destroy(); // SIGTERM, as systemd sends it when a scale-in terminates the instance
            assertTrue(app.waitFor(60, TimeUnit.SECONDS), "the app stopped after its drain");
            long exitedAt = System.nanoTime();
            working.set(false);
            work.join(10_000);

            assertTrue(checker.takenOutAt.get() != 0 && checker.takenOutAt.get() < exitedAt,
                    "the health check took the instance out before it stopped; checker saw " + checker.seen);
            List<String> fromRotation = checker.seen.subList(checker.seen.indexOf("200"), checker.seen.size()); // before: starting up
            assertEquals(List.of("200", "503"), fromRotation.subList(0, 2),
                    "readiness answered 503 (while the app still ran) before anything else failed: " + checker.seen);
            assertEquals(List.of(), failed, "no work the load balancer sent failed");
        } finally {
            checker.running = false;
            working.set(false);
            if (app.isAlive()) app.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
