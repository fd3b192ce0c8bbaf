package io.hadr4j.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Failover-group control through the real azure-resourcemanager-sql client against a local Resource Manager that
 * keeps one failover group of two servers (orders-cin, orders-sin) and answers as Azure documents it: the group's
 * JSON, 202 with Azure-AsyncOperation and Location for a failover, the operation's status until it ends, and the
 * group from Location. Every request is asserted: method, path, api-version, body, authorization.
 */
class AzureSqlFailoverGroupTest {

    static final String RG = "orders";
    static final String FOG = "orders-fog";
    static final String API = "2021-11-01";

    /** One failover group of two servers, as Resource Manager shows it; {@link #handle} answers its API. */
    static final class FakeGroup implements Function<LocalHttp.Request, LocalHttp.Answer> {
        volatile String primary = "orders-cin";
        volatile String pendingPrimary;
        volatile Function<LocalHttp.Request, LocalHttp.Answer> override;
        final AtomicInteger polls = new AtomicInteger();
        final String base;

        FakeGroup(String base) {
            this.base = base;
        }

        String body(String server) {
            String other = server.equals("orders-cin") ? "orders-sin" : "orders-cin";
            String role = server.equals(primary) ? "Primary" : "Secondary";
            String otherRole = other.equals(primary) ? "Primary" : "Secondary";
            return "{\"id\":\"" + LocalArm.server(RG, server) + "/failoverGroups/" + FOG + "\",\"name\":\"" + FOG + "\","
                    + "\"type\":\"Microsoft.Sql/servers/failoverGroups\",\"location\":\"" + (server.equals("orders-cin") ? "Central India" : "South India") + "\","
                    + "\"tags\":{},\"properties\":{\"readWriteEndpoint\":{\"failoverPolicy\":\"Automatic\",\"failoverWithDataLossGracePeriodMinutes\":60},"
                    + "\"readOnlyEndpoint\":{\"failoverPolicy\":\"Disabled\"},\"replicationRole\":\"" + role + "\",\"replicationState\":\"CATCH_UP\","
                    + "\"partnerServers\":[{\"id\":\"" + LocalArm.server(RG, other) + "\",\"location\":\"" + (other.equals("orders-cin") ? "Central India" : "South India")
                    + "\",\"replicationRole\":\"" + otherRole + "\"}],"
                    + "\"databases\":[\"" + LocalArm.server(RG, primary) + "/databases/orders\"]}}";
        }

        @Override
        public LocalHttp.Answer apply(LocalHttp.Request r) {
            assertEquals(API, r.query().get("api-version"), r.toString());
            assertEquals(LocalArm.BEARER, r.header("Authorization"), r.toString());
            assertNotNull(r.header("x-ms-client-request-id"), r.toString());
            Function<LocalHttp.Request, LocalHttp.Answer> o = override;
            if (o != null) {
                LocalHttp.Answer a = o.apply(r);
                if (a != null) return a;
            }
            String path = r.path();
            String prefix = "/subscriptions/" + LocalArm.SUBSCRIPTION + "/resourceGroups/" + RG + "/providers/Microsoft.Sql/servers/";
            String asyncPath = "/subscriptions/" + LocalArm.SUBSCRIPTION + "/providers/Microsoft.Sql/locations/southindia/failoverGroupAzureAsyncOperation/op-1";
            String resultPath = "/subscriptions/" + LocalArm.SUBSCRIPTION + "/resourceGroups/" + RG
                    + "/providers/Microsoft.Sql/locations/southindia/failoverGroupOperationResults/op-1";
            if (r.method().equals("GET") && path.equals(asyncPath)) {
                if (polls.incrementAndGet() < 3) return LocalHttp.Answer.of(200, Map.of("Retry-After", "0"), LocalArm.status("InProgress"));
                primary = pendingPrimary;
                return LocalHttp.Answer.json(200, LocalArm.status("Succeeded"));
            }
            if (r.method().equals("GET") && path.equals(resultPath)) return LocalHttp.Answer.json(200, body(primary));
            if (!path.startsWith(prefix)) return LocalHttp.Answer.json(400, LocalArm.error("InvalidPath", "unexpected " + path));
            String[] p = path.substring(prefix.length()).split("/");
            String server = p[0];
            if (p.length < 3 || !p[1].equals("failoverGroups") || !p[2].equals(FOG)) {
                return LocalHttp.Answer.json(404, LocalArm.error("ResourceNotFound", "The Resource 'Microsoft.Sql/servers/" + server
                        + "/failoverGroups/" + (p.length > 2 ? p[2] : "") + "' under resource group '" + RG + "' was not found."));
            }
            if (r.method().equals("GET") && p.length == 3) return LocalHttp.Answer.json(200, body(server));
            if (r.method().equals("POST") && p.length == 4 && (p[3].equals("failover") || p[3].equals("forceFailoverAllowDataLoss"))) {
                assertEquals("", r.body(), "a failover has no body");
                pendingPrimary = server;
                return LocalHttp.Answer.of(202, Map.of("Azure-AsyncOperation", base + asyncPath + "?api-version=" + API,
                        "Location", base + resultPath + "?api-version=" + API, "Retry-After", "0"), "");
            }
            return LocalHttp.Answer.json(405, LocalArm.error("MethodNotAllowed", r.line()));
        }
    }

    private LocalHttp arm;
    private FakeGroup group;

    @BeforeEach
    void start() throws Exception {
        arm = new LocalHttp(r -> LocalHttp.Answer.json(500, "{}"));
        group = new FakeGroup(arm.base());
        arm.handler(group);
    }

    @AfterEach
    void stop() {
        arm.close();
        assertEquals(List.of(), arm.failures(), "every request as Azure documents it");
    }

    private AzureSqlFailoverGroup fog(Duration failoverTimeout) {
        return AzureSqlFailoverGroup.custom().manager(LocalArm.sql(arm)).resourceGroup(RG).name(FOG)
                .readTimeout(Duration.ofSeconds(30)).failoverTimeout(failoverTimeout).build();
    }

    private static String fogPath(String server) {
        return LocalArm.server(RG, server) + "/failoverGroups/" + FOG;
    }

    @Test
    void theStateAsEachServerSeesIt() {
        AzureSqlFailoverGroup fog = fog(Duration.ofSeconds(10));
        AzureSqlFailoverGroup.State s = fog.state("orders-sin");
        assertEquals("Secondary", s.replicationRole());
        assertEquals("CATCH_UP", s.replicationState());
        assertEquals("Automatic", s.readWritePolicy());
        assertEquals(60, s.gracePeriodMinutes());
        assertEquals("Disabled", s.readOnlyPolicy());
        assertEquals(List.of(new AzureSqlFailoverGroup.Partner("orders-cin", LocalArm.server(RG, "orders-cin"), "Central India", "Primary")),
                s.partners());
        assertEquals(List.of(LocalArm.server(RG, "orders-cin") + "/databases/orders"), s.databases());
        assertTrue(fog.state("orders-cin").primary());
        assertEquals(List.of("GET " + fogPath("orders-sin"), "GET " + fogPath("orders-cin")), arm.lines());
    }

    @Test
    void aPlannedFailoverIsCalledOnTheNewPrimaryAndWaitsForTheOperation() {
        AzureSqlFailoverGroup.Failover f = fog(Duration.ofSeconds(10)).plannedFailover("orders-sin");
        assertEquals("orders-sin", f.newPrimary());
        assertFalse(f.forced());
        assertTrue(f.after().primary(), f.toString());
        assertNotNull(f.took());
        assertEquals(3, group.polls.get(), "polled Azure-AsyncOperation until Succeeded");
        String async = "/subscriptions/" + LocalArm.SUBSCRIPTION + "/providers/Microsoft.Sql/locations/southindia/failoverGroupAzureAsyncOperation/op-1";
        String result = "/subscriptions/" + LocalArm.SUBSCRIPTION + "/resourceGroups/" + RG + "/providers/Microsoft.Sql/locations/southindia/failoverGroupOperationResults/op-1";
        assertEquals(List.of("GET " + fogPath("orders-sin"),            // it must be the secondary
                "POST " + fogPath("orders-sin") + "/failover",            // called on the server that becomes primary
                "GET " + async, "GET " + async, "GET " + async,           // InProgress, InProgress, Succeeded
                "GET " + result,                                          // the SDK reads Location once for a POST
                "GET " + fogPath("orders-sin")), arm.lines());             // and it is primary now
    }

    @Test
    void aForcedFailoverUsesForceFailoverAllowDataLoss() {
        AzureSqlFailoverGroup.Failover f = fog(Duration.ofSeconds(10)).forcedFailover("orders-sin");
        assertTrue(f.forced());
        assertTrue(arm.lines().contains("POST " + fogPath("orders-sin") + "/forceFailoverAllowDataLoss"), arm.lines()::toString);
        assertEquals("orders-sin", group.primary);
    }

    @Test
    void aFailoverCalledOnThePrimaryIsRefusedBeforeAnythingIsPosted() {
        FailoverGroupException e = assertThrows(FailoverGroupException.class, () -> fog(Duration.ofSeconds(10)).plannedFailover("orders-cin"));
        assertTrue(e.getMessage().contains("orders-cin is already the primary") && e.getMessage().contains("[orders-sin]"), e.getMessage());
        assertEquals(List.of("GET " + fogPath("orders-cin")), arm.lines());
    }

    @Test
    void anUnknownGroupIsNamedWithAzuresAnswer() {
        AzureSqlFailoverGroup other = AzureSqlFailoverGroup.custom().manager(LocalArm.sql(arm)).resourceGroup(RG).name("nope").build();
        FailoverGroupException e = assertThrows(FailoverGroupException.class, () -> other.state("orders-sin"));
        assertEquals("nope", e.group());
        assertEquals("orders-sin", e.server());
        assertEquals(404, e.httpStatus());
        assertEquals("ResourceNotFound", e.azureCode());
        assertTrue(e.getMessage().startsWith("failover group 'nope' on server 'orders-sin' (resource group 'orders'): read failed: HTTP 404 ResourceNotFound:"),
                e.getMessage());
    }

    @Test
    void aConflictIsNamedWithAzuresCode() {
        group.override = r -> r.method().equals("POST")
                ? LocalHttp.Answer.json(409, LocalArm.error("ConflictingServerOperation", "An operation is currently in progress on server 'orders-sin'."))
                : null;
        FailoverGroupException e = assertThrows(FailoverGroupException.class, () -> fog(Duration.ofSeconds(10)).plannedFailover("orders-sin"));
        assertEquals(409, e.httpStatus());
        assertEquals("ConflictingServerOperation", e.azureCode());
        assertTrue(e.getMessage().contains("planned failover failed: HTTP 409 ConflictingServerOperation: An operation is currently in progress"),
                e.getMessage());
        assertEquals("orders-cin", group.primary, "nothing changed");
    }

    @Test
    void anOperationThatEndsFailedGivesAzuresCodeFromTheOperationNotThePollsStatus() {
        group.override = r -> r.path().contains("failoverGroupAzureAsyncOperation")
                ? LocalHttp.Answer.json(200, LocalArm.failed("FailoverGroupFailoverFailed", "The failover could not be completed; the partner is unavailable."))
                : null;
        FailoverGroupException e = assertThrows(FailoverGroupException.class, () -> fog(Duration.ofSeconds(10)).forcedFailover("orders-sin"));
        assertEquals("FailoverGroupFailoverFailed", e.azureCode());
        assertEquals(-1, e.httpStatus(), "the 200 of the poll that reported it is not Azure's answer");
        assertFalse(e.timedOut());
        assertTrue(e.getMessage().contains("forced failover (allow data loss) failed: the long-running operation ended Failed with "
                + "FailoverGroupFailoverFailed: The failover could not be completed"), e.getMessage());
    }

    @Test
    void noAnswerBecomesANamedTimeoutInsteadOfAHang() {
        group.override = r -> r.method().equals("POST") ? LocalHttp.Answer.silence() : null;
        FailoverGroupException e = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(FailoverGroupException.class, () -> fog(Duration.ofMillis(500)).plannedFailover("orders-sin")));
        assertTrue(e.timedOut());
        assertEquals(-1, e.httpStatus());
        assertTrue(e.getMessage().contains("planned failover failed: no answer from Azure within 500 ms"), e.getMessage());
    }

    @Test
    void badSettingsAndNamesAreRefusedBeforeAnyRequest() {
        assertThrows(IllegalArgumentException.class, () -> AzureSqlFailoverGroup.custom().resourceGroup(RG).name(FOG).build());
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> AzureSqlFailoverGroup.custom().manager(LocalArm.sql(arm)).resourceGroup(RG).name("Orders_FOG").build());
        assertTrue(name.getMessage().contains("name(\"orders-fog\")"), name.getMessage());
        IllegalArgumentException server = assertThrows(IllegalArgumentException.class,
                () -> fog(Duration.ofSeconds(1)).plannedFailover("orders-sin.database.windows.net"));
        assertTrue(server.getMessage().contains("use its short name"), server.getMessage());
        assertEquals(List.of(), arm.requests());
    }
}
