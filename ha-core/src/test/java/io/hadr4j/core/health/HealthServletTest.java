package io.hadr4j.core.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import jakarta.servlet.http.HttpServletRequest;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Drives HealthServlet inside a real Jetty 12 over real HTTP. */
class HealthServletTest {

    private static final String TOKEN = "s3cr3t-details-token-0123456789";
    private static final String SECRET_VALUE = "hunter2-do-not-leak";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PATHS = List.of("/health", "/health/live", "/health/ready", "/health/started");

    private static final AtomicReference<HealthResult> DB = new AtomicReference<>();
    private static HealthRegistry registry;
    private static HealthRegistry fresh;
    private static HealthRegistry draining;
    private static HealthHttp http;
    private static JsonSchema schema;

    @BeforeAll
    static void start() throws Exception {
        try (InputStream in = HealthServletTest.class.getResourceAsStream("microprofile-health-schema.json")) {
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        }
        DB.set(dbUp());
        HealthRegistryConfig config = HealthRegistryConfig.custom()
                .interval(Duration.ofMillis(200)).timeout(Duration.ofMillis(100)).drainDelay(Duration.ZERO).build();
        StartupHealthCheck startup = HealthChecks.startup();
        registry = HealthRegistry.of(config)
                .register(HealthChecks.region("region-a", "zone-1", "host-1"))
                .register(HealthCheck.of("db", HealthGroup.READINESS, DB::get))
                .register(HealthCheck.of("memory", HealthGroup.LIVENESS, () -> HealthResult.up().withData("ok", true)))
                .register(HealthCheck.of("secrets", HealthGroup.LIVENESS, () -> HealthResult.of(HealthStatus.UP,
                        Map.of("password", SECRET_VALUE, "apiKey", SECRET_VALUE, "accessToken", SECRET_VALUE,
                                "clientSecret", SECRET_VALUE,
                                "error", "connect failed: jdbc:x://h/db?user=app&password=" + SECRET_VALUE))))
                .register(HealthCheck.of("tricky \"name\"\n\u00e9\u2028", HealthGroup.LIVENESS,
                        () -> HealthResult.up().withData("text", "quote \" backslash \\ tab \t ctl \u0001 \ud83d\ude00")
                                .withData("ratio", 0.25).withData("count", 42L)))
                .register(startup)
                .start();
        startup.markStarted();
        fresh = HealthRegistry.of(config)
                .register(HealthCheck.of("db", HealthGroup.READINESS, HealthResult::up))
                .register(HealthCheck.of("memory", HealthGroup.LIVENESS, HealthResult::up));
        draining = HealthRegistry.of(config).register(HealthCheck.of("memory", HealthGroup.LIVENESS, HealthResult::up))
                .register(HealthCheck.of("db", HealthGroup.READINESS, HealthResult::up)).start();
        http = HealthHttp.start(context -> {
            HealthHttp.mount(context, "/health", new HealthServlet(registry, HealthServlet.bearerToken(TOKEN)));
            HealthHttp.mount(context, "/ops/probe", new HealthServlet(registry));
            HealthHttp.mount(context, "/local", new HealthServlet(registry, HealthServlet.loopbackCallers()));
            HealthHttp.mount(context, "/fresh", new HealthServlet(fresh));
            HealthHttp.mount(context, "/draining", new HealthServlet(draining));
            HealthHttp.mount(context, "/attr", new HealthServlet());
            context.setAttribute(HealthServlet.REGISTRY_ATTRIBUTE, registry);
            context.setAttribute(HealthServlet.DETAILS_ATTRIBUTE, HealthServlet.loopbackCallers());
        });
        HealthHttp.await(Duration.ofSeconds(5), "every check evaluated and UP",
                () -> registry.report().status() == HealthStatus.UP);
    }

    @AfterEach
    void restoreDatabase() throws InterruptedException {
        setDb(dbUp());
    }

    @AfterAll
    static void stop() throws Exception {
        http.close();
        registry.close();
        fresh.close();
        draining.close();
    }

    private static HealthResult dbUp() {
        return HealthResult.up().withData("readable", true).withData("writable", true);
    }

    private static void setDb(HealthResult result) throws InterruptedException {
        DB.set(result);
        registry.refresh();
        HealthHttp.await(Duration.ofSeconds(5), "db check reports " + result,
                () -> result.equals(resultOf(registry.report().check("db"))));
    }

    private static HealthResult resultOf(HealthReport.Entry entry) {
        return HealthResult.of(entry.status(), entry.data());
    }

    @Test
    void allUpAnswers200WithMicroProfileJsonAndNoStoreOnEveryPath() throws Exception {
        for (String path : PATHS) {
            HttpResponse<String> response = http.get(path);
            assertEquals(200, response.statusCode(), path);
            assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(null), path);
            assertEquals("application/json;charset=utf-8",
                    response.headers().firstValue("Content-Type").orElse("").replace(" ", "").toLowerCase(), path);
            JsonNode body = validJson(response.body());
            assertEquals("UP", body.get("status").asText(), path);
            assertTrue(body.get("checks").size() > 0, path);
        }
    }

    @Test
    void eachGroupListsItsOwnChecks() throws Exception {
        assertEquals(Set.of("region", "db"), names(http.get("/health/ready")));
        assertEquals(Set.of("region", "started"), names(http.get("/health/started")));
        assertTrue(names(http.get("/health/live")).containsAll(Set.of("region", "memory", "secrets")));
        assertFalse(names(http.get("/health/live")).contains("db"), "liveness never depends on the database");
        assertEquals(6, names(http.get("/health")).size());
    }

    @Test
    void readinessDownAnswers503WhileLivenessStays200() throws Exception {
        setDb(HealthResult.down().withData("readable", false).withData("writable", false));
        assertEquals(503, http.get("/health/ready").statusCode());
        assertEquals(503, http.get("/health").statusCode());
        assertEquals(200, http.get("/health/live").statusCode());
        assertEquals(200, http.get("/health/started").statusCode());
        JsonNode ready = validJson(http.get("/health/ready").body());
        assertEquals("DOWN", ready.get("status").asText());
        assertEquals("DOWN", check(ready, "db").get("status").asText());
        assertEquals("UP", check(ready, "region").get("status").asText());
    }

    @Test
    void headAnswersTheSameStatusWithoutBody() throws Exception {
        for (String path : PATHS) {
            HttpResponse<String> head = http.send("HEAD", path);
            assertEquals(200, head.statusCode(), path);
            assertEquals("", head.body(), path);
            assertEquals("no-store", head.headers().firstValue("Cache-Control").orElse(null), path);
        }
        setDb(HealthResult.down());
        HttpResponse<String> head = http.send("HEAD", "/health/ready");
        assertEquals(503, head.statusCode());
        assertEquals("", head.body());
    }

    @Test
    void otherMethodsAre405WithAllow() throws Exception {
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE")) {
            for (String path : List.of("/health", "/health/ready")) {
                HttpResponse<String> response = http.send(method, path);
                assertEquals(405, response.statusCode(), method + " " + path);
                assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElse(null), method + " " + path);
            }
        }
    }

    @Test
    void unknownSubPathsAre404() throws Exception {
        for (String path : List.of("/health/nope", "/health/ready/x", "/health/liveness",
                "/health/READY")) {
            assertEquals(404, http.get(path).statusCode(), path);
            assertEquals(404, http.send("HEAD", path).statusCode(), path);
        }
    }

    @Test
    void servletMountsAtAnyPath() throws Exception {
        for (String path : List.of("/ops/probe", "/ops/probe/", "/ops/probe/live", "/ops/probe/ready",
                "/ops/probe/started")) {
            HttpResponse<String> response = http.get(path);
            assertEquals(200, response.statusCode(), path);
            validJson(response.body());
        }
        assertEquals(404, http.get("/ops/probe/health").statusCode());
    }

    @Test
    void publicCallersSeeStatusOnlyAndAdmittedCallersSeeData() throws Exception {
        for (String path : PATHS) {
            JsonNode hidden = validJson(http.get(path).body());
            hidden.get("checks").forEach(c -> assertFalse(c.has("data"), path + ": " + c));
            JsonNode wrongToken = validJson(http.get(path, "Authorization", "Bearer wrong-" + TOKEN).body());
            wrongToken.get("checks").forEach(c -> assertFalse(c.has("data"), path + ": " + c));
        }
        JsonNode shown = validJson(http.get("/health", "Authorization", "Bearer " + TOKEN).body());
        assertEquals("region-a", check(shown, "region").get("data").get("region").asText());
        assertEquals("zone-1", check(shown, "region").get("data").get("zone").asText());
        assertEquals("host-1", check(shown, "region").get("data").get("host").asText());
        List<String> keys = new java.util.ArrayList<>();
        check(shown, "region").get("data").fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("region", "zone", "host"), keys, "data keeps the check's order");
        assertTrue(check(shown, "db").get("data").get("writable").asBoolean());
        assertTrue(check(shown, "started").get("data").get("started").asBoolean());
        assertEquals(42, check(shown, "tricky \"name\"\n\u00e9\u2028").get("data").get("count").asInt());
    }

    @Test
    void loopbackCallersSeeDataAndOthersDoNot() throws Exception {
        JsonNode local = validJson(http.get("/local").body());
        assertTrue(check(local, "region").has("data"), "a loopback caller is admitted");
        JsonNode viaAttribute = validJson(http.get("/attr/ready").body());
        assertTrue(check(viaAttribute, "region").has("data"), "the no-argument servlet reads its context attributes");
        assertFalse(HealthServlet.loopbackCallers().test(requestFrom("203.0.113.5", null)));
        assertFalse(HealthServlet.loopbackCallers().test(requestFrom("10.0.0.4", null)));
        assertTrue(HealthServlet.loopbackCallers().test(requestFrom("::1", null)));
        assertTrue(HealthServlet.bearerToken(TOKEN).test(requestFrom("203.0.113.5", "bearer " + TOKEN)));
        assertFalse(HealthServlet.bearerToken(TOKEN).test(requestFrom("203.0.113.5", TOKEN)));
        assertFalse(HealthServlet.bearerToken(TOKEN).test(requestFrom("203.0.113.5", "Bearer " + TOKEN + "x")));
    }

    @Test
    void secretsNeverAppearEvenWithDetails() throws Exception {
        for (String path : List.of("/health", "/health/live")) {
            String body = http.get(path, "Authorization", "Bearer " + TOKEN).body();
            assertFalse(body.contains(SECRET_VALUE), body);
            JsonNode data = check(validJson(body), "secrets").get("data");
            for (String key : List.of("password", "apiKey", "accessToken", "clientSecret")) {
                assertEquals(HealthResult.MASK, data.get(key).asText(), key);
            }
            assertTrue(data.get("error").asText().endsWith("password=" + HealthResult.MASK), data.toString());
        }
        assertFalse(registry.report().toString().contains(SECRET_VALUE), "not even kept in memory");
    }

    @Test
    void stringsAreEscapedIntoValidJson() throws Exception {
        JsonNode shown = validJson(http.get("/health/live", "Authorization", "Bearer " + TOKEN).body());
        JsonNode tricky = check(shown, "tricky \"name\"\n\u00e9\u2028");
        assertEquals("quote \" backslash \\ tab \t ctl \u0001 \ud83d\ude00", tricky.get("data").get("text").asText());
        assertEquals(0.25, tricky.get("data").get("ratio").asDouble());
    }

    @Test
    void beforeTheFirstEvaluationReadinessAndStartupAreDownAndLivenessUp() throws Exception {
        assertEquals(200, http.get("/fresh/live").statusCode());
        assertEquals(503, http.get("/fresh/ready").statusCode());
        assertEquals(503, http.get("/fresh/started").statusCode());
        assertEquals(503, http.get("/fresh").statusCode());
        assertEquals(503, http.send("HEAD", "/fresh/ready").statusCode());
        validJson(http.get("/fresh/started").body());
    }

    @Test
    void drainTurnsReadinessDownAtOnceWhileLivenessStaysUp() throws Exception {
        HealthHttp.await(Duration.ofSeconds(5), "draining registry UP", () -> draining.report().status() == HealthStatus.UP);
        assertEquals(200, http.get("/draining/ready").statusCode());
        draining.drain();
        HttpResponse<String> ready = http.get("/draining/ready");
        assertEquals(503, ready.statusCode(), "no wait for the next round");
        assertEquals("DOWN", check(validJson(ready.body()), HealthRegistry.DRAIN_CHECK).get("status").asText());
        assertEquals(503, http.send("HEAD", "/draining/ready").statusCode());
        assertEquals(200, http.get("/draining/live").statusCode());
        Thread.sleep(500); // later rounds do not undo it
        assertEquals(503, http.get("/draining/ready").statusCode());
    }

    private static JsonNode validJson(String body) throws Exception {
        JsonNode node = JSON.readTree(body);
        Set<ValidationMessage> errors = schema.validate(node);
        assertTrue(errors.isEmpty(), () -> errors + " in " + body);
        return node;
    }

    private static Set<String> names(HttpResponse<String> response) throws Exception {
        Set<String> names = new java.util.HashSet<>();
        validJson(response.body()).get("checks").forEach(c -> names.add(c.get("name").asText()));
        return names;
    }

    private static JsonNode check(JsonNode body, String name) {
        for (JsonNode c : body.get("checks")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no check " + name + " in " + body);
    }

    /** A request with only a remote address and an Authorization header, for the predicates. */
    private static HttpServletRequest requestFrom(String remoteAddr, String authorization) {
        Map<String, Object> answers = new LinkedHashMap<>();
        answers.put("getRemoteAddr", remoteAddr);
        return (HttpServletRequest) Proxy.newProxyInstance(HttpServletRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getHeader") && "Authorization".equalsIgnoreCase((String) args[0])) {
                        return authorization;
                    }
                    return answers.get(method.getName());
                });
    }
}
