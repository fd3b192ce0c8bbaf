package io.hadr4j.oci;

import static io.hadr4j.oci.FakeAutonomous.BASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.hadr4j.core.drill.Fault;

/**
 * Autonomous Data Guard through the real DatabaseClient and WorkRequestClient, against one local server per region
 * that answers like the Database and Work Requests services and checks every request's signature.
 */
class AutonomousDataGuardTest {

    static final String FRA = "ocid1.autonomousdatabase.oc1.eu-frankfurt-1.aaaaaaaaprimary";
    static final String AMS = "ocid1.autonomousdatabase.oc1.eu-amsterdam-1.aaaaaaaastandby";
    private static final TestKeys KEYS = new TestKeys();

    private OciTestServer fra;
    private OciTestServer ams;
    private final FakeAutonomous oci = new FakeAutonomous();

    @BeforeEach
    void start() throws Exception {
        fra = OciTestServer.start(KEYS);
        ams = OciTestServer.start(KEYS);
        oci.databases.put(FRA, FakeAutonomous.database(FRA, "orders", "PRIMARY", "AVAILABLE"));
        oci.databases.put(AMS, FakeAutonomous.database(AMS, "orders", "STANDBY", "STANDBY"));
        oci.set(FRA, "peerDbIds", List.of(AMS));
        oci.set(AMS, "peerDbIds", List.of(FRA));
        oci.set(FRA, "isRemoteDataGuardEnabled", true);
        oci.set(FRA, "standbyDb", java.util.Map.of("lagTimeInSeconds", 3, "lifecycleState", "STANDBY"));
        oci.set(FRA, "timeOfLastSwitchover", "2026-11-20T08:00:00.000Z");
        oci.serve(fra, FRA).serveWorkRequests(fra);
        oci.serve(ams, AMS).serveWorkRequests(ams);
    }

    @AfterEach
    void stop() {
        fra.close();
        ams.close();
    }

    private AutonomousDataGuard dataGuard(Duration timeout) {
        return AutonomousDataGuard.custom().peer("frankfurt", KEYS.connection(fra), FRA).peer("amsterdam", KEYS.connection(ams), AMS)
                .pollInterval(Duration.ofMillis(10)).roleChangeTimeout(timeout).build();
    }

    /** A role change on {@code server}'s database {@code to}: in progress, then the roles swap when its work request succeeds. */
    private void roleChangeOn(OciTestServer server, String to, String from, String action, String timeField) {
        server.on("POST", BASE + "/autonomousDatabases/" + to + "/actions/" + action, r -> {
            oci.set(to, "lifecycleState", "ROLE_CHANGE_IN_PROGRESS");
            if (oci.databases.get(from) != null) oci.set(from, "lifecycleState", "ROLE_CHANGE_IN_PROGRESS");
            String wr = oci.workRequest(action.toUpperCase() + "_AUTONOMOUS_DATABASE", 3, () -> {
                oci.set(to, "role", "PRIMARY");
                oci.set(to, "lifecycleState", "AVAILABLE");
                oci.set(to, timeField, Instant.now().toString());
                if (oci.databases.get(from) != null) {
                    oci.set(from, "role", "STANDBY");
                    oci.set(from, "lifecycleState", "STANDBY");
                }
            });
            return OciTestServer.json(200, oci.databases.get(to)).header("opc-work-request-id", wr);
        });
    }

    private static void assertRoleChangeRequest(OciTestServer server, String id, String action, String peer) {
        List<OciTestServer.Request> posts = server.requests("POST", ".*");
        assertEquals(1, posts.size(), server.requests().toString());
        OciTestServer.Request r = posts.get(0);
        assertEquals(BASE + "/autonomousDatabases/" + id + "/actions/" + action, r.path());
        assertEquals("peerDbId=" + peer, r.query());
        assertEquals(0, r.body().length);
        assertEquals("0", r.header("content-length"));
        assertNotNull(r.header("opc-retry-token"), "the SDK makes the role change safe to retry");
        assertEquals(List.of(), server.problems(), "every request signed and expected");
    }

    @Test
    void statusReadsEachPeerInItsOwnRegion() {
        try (AutonomousDataGuard dg = dataGuard(Duration.ofSeconds(10))) {
            DataGuardStatus s = dg.status();
            assertEquals("frankfurt", s.primary().orElseThrow().name());
            assertEquals("amsterdam", s.standby().orElseThrow().name());
            assertEquals(3, s.lagSeconds().orElseThrow());
            DataGuardStatus.Peer p = s.primary().get();
            assertEquals(List.of(AMS), p.peerDbIds());
            assertEquals(Instant.parse("2026-11-20T08:00:00Z"), p.lastSwitchover());
            assertNull(p.lastFailover());
            assertEquals("STANDBY", s.standby().get().lifecycleState());
        }
        assertEquals(List.of(BASE + "/autonomousDatabases/" + FRA), fra.requests().stream().map(OciTestServer.Request::path).toList());
        assertEquals(List.of(BASE + "/autonomousDatabases/" + AMS), ams.requests().stream().map(OciTestServer.Request::path).toList());
        assertEquals(List.of(), fra.problems());
        assertEquals(List.of(), ams.problems());
    }

    @Test
    void switchoverIsAskedOfTheStandbysRegionWaitsForTheRolesAndSwitchesBackTheSameWay() {
        roleChangeOn(ams, AMS, FRA, "switchover", "timeOfLastSwitchover");
        roleChangeOn(fra, FRA, AMS, "switchover", "timeOfLastSwitchover");
        try (AutonomousDataGuard dg = dataGuard(Duration.ofSeconds(20))) {
            Duration took = dg.switchover();
            assertTrue(took.compareTo(Duration.ZERO) > 0);
            assertEquals(took, dg.lastRoleChange());
            assertRoleChangeRequest(ams, AMS, "switchover", FRA);
            assertEquals(List.of(), fra.requests("POST", ".*"), "nothing is posted to the old primary's region");
            assertTrue(ams.requests("GET", BASE + "/workRequests/.*").size() >= 4, "the work request was polled until it succeeded");
            DataGuardStatus after = dg.status();
            assertEquals("amsterdam", after.primary().orElseThrow().name());
            assertEquals("STANDBY", after.standby().orElseThrow().lifecycleState(), "after a role change the new standby is STANDBY");
            assertNotNull(after.primary().get().lastSwitchover());

            dg.switchover();
            assertRoleChangeRequest(fra, FRA, "switchover", AMS);
            assertEquals("frankfurt", dg.status().primary().orElseThrow().name());
        }
    }

    @Test
    void failoverNeedsOnlyTheStandbysRegion() {
        roleChangeOn(ams, AMS, FRA, "failover", "timeOfLastFailover");
        fra.close(); // the primary's region is gone
        try (AutonomousDataGuard dg = dataGuard(Duration.ofSeconds(20))) {
            DataGuardStatus before = dg.status();
            assertTrue(before.peers().get(0).error().contains("could not reach OCI"), before.describe());
            dg.failover();
            assertRoleChangeRequest(ams, AMS, "failover", FRA);
            DataGuardStatus.Peer now = dg.status().peers().get(1);
            assertEquals("PRIMARY", now.role());
            assertEquals("AVAILABLE", now.lifecycleState());
            assertNotNull(now.lastFailover());
        }
    }

    @Test
    void aConflictIsOcisAnswerNamed() {
        ams.on("POST", BASE + "/autonomousDatabases/" + AMS + "/actions/switchover",
                r -> OciTestServer.error(409, "IncorrectState", "The Autonomous Database is in the middle of another operation."));
        try (AutonomousDataGuard dg = dataGuard(Duration.ofSeconds(20))) {
            OciException e = assertThrows(OciException.class, dg::switchover);
            assertEquals(409, e.status());
            assertEquals("IncorrectState", e.serviceCode());
            assertTrue(e.getMessage().startsWith("switchover of Autonomous Data Guard to amsterdam (" + AMS + ") failed: OCI answered HTTP 409 "
                    + "IncorrectState: The Autonomous Database is in the middle of another operation."), e.getMessage());
            assertNull(dg.lastRoleChange());
        }
    }

    @Test
    void aWorkRequestThatFailsSaysWhy() {
        ams.on("POST", BASE + "/autonomousDatabases/" + AMS + "/actions/failover", r -> OciTestServer.json(200, oci.databases.get(AMS))
                .header("opc-work-request-id", oci.failingWorkRequest("FAILOVER_AUTONOMOUS_DATABASE", 2, "InternalError",
                        "Failover could not reach the standby's data files")));
        try (AutonomousDataGuard dg = dataGuard(Duration.ofSeconds(20))) {
            OciException e = assertThrows(OciException.class, dg::failover);
            assertTrue(e.getMessage().contains("ended FAILED (FAILOVER_AUTONOMOUS_DATABASE): InternalError: Failover could not reach the standby's data files"),
                    e.getMessage());
            assertFalse(e.isTimeout());
        }
        assertEquals(1, ams.requests("GET", BASE + "/workRequests/[^/]+/errors").size(), "the work request's errors were read");
    }

    @Test
    void noAnswerIsATimeoutNotAHang() {
        ams.on("POST", BASE + "/autonomousDatabases/" + AMS + "/actions/switchover", ams.noAnswer());
        try (AutonomousDataGuard dg = dataGuard(Duration.ofSeconds(20))) {
            OciException e = assertThrows(OciException.class, dg::switchover);
            assertTrue(e.isTimeout(), e.getMessage());
            assertTrue(e.getMessage().contains("OCI did not answer in time"), e.getMessage());
        }
    }

    @Test
    void rolesThatNeverChangeTimeOutWithWhatWasLastSeen() {
        ams.on("POST", BASE + "/autonomousDatabases/" + AMS + "/actions/switchover", r -> {
            oci.set(AMS, "lifecycleState", "ROLE_CHANGE_IN_PROGRESS");
            return OciTestServer.json(200, oci.databases.get(AMS)).header("opc-work-request-id", oci.workRequest("SWITCHOVER_AUTONOMOUS_DATABASE", 1, null));
        });
        try (AutonomousDataGuard dg = dataGuard(Duration.ofMillis(500))) {
            OciException e = assertThrows(OciException.class, dg::switchover);
            assertTrue(e.isTimeout(), e.getMessage());
            assertTrue(e.getMessage().contains("the roles have not changed after 0 s: amsterdam (" + ams.url() + "): STANDBY, ROLE_CHANGE_IN_PROGRESS"),
                    e.getMessage());
        }
    }

    @Test
    void withoutOnePrimaryAndOneStandbyNothingIsAsked() {
        oci.set(AMS, "role", "PRIMARY");
        oci.set(AMS, "lifecycleState", "AVAILABLE");
        try (AutonomousDataGuard dg = dataGuard(Duration.ofSeconds(5))) {
            OciException e = assertThrows(OciException.class, dg::switchover);
            assertTrue(e.getMessage().contains("switchover needs one PRIMARY and one STANDBY peer, both readable; OCI says: frankfurt"), e.getMessage());
            oci.databases.remove(AMS);
            e = assertThrows(OciException.class, dg::failover);
            assertTrue(e.getMessage().contains("amsterdam (" + ams.url() + "): unreadable: reading " + AMS + " failed: OCI answered HTTP 404"),
                    e.getMessage());
        }
        assertEquals(List.of(), fra.requests("POST", ".*"));
        assertEquals(List.of(), ams.requests("POST", ".*"));
    }

    @Test
    void theRoleChangesAreTheDrillsFaults() throws Exception {
        roleChangeOn(ams, AMS, FRA, "switchover", "timeOfLastSwitchover");
        roleChangeOn(fra, FRA, AMS, "failover", "timeOfLastFailover");
        try (AutonomousDataGuard dg = dataGuard(Duration.ofSeconds(20))) {
            Fault switchover = dg.switchoverFault();
            Fault failover = dg.failoverFault();
            assertNull(switchover.unavailable());
            assertTrue(switchover.describe().startsWith("switch over Autonomous Data Guard between frankfurt (" + fra.url() + ") and amsterdam"),
                    switchover.describe());
            assertTrue(failover.describe().startsWith("fail over Autonomous Data Guard"), failover.describe());
            switchover.inject();
            assertEquals("amsterdam", dg.status().primary().orElseThrow().name());
            failover.inject(); // back to frankfurt, which is the standby now
            assertEquals("frankfurt", dg.status().primary().orElseThrow().name());
            assertRoleChangeRequest(fra, FRA, "failover", AMS);
        }
    }

    @Test
    void badConfigurationFailsWhenBuilt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AutonomousDataGuard.custom().peer("a", KEYS.connection(fra), FRA).build());
        assertTrue(e.getMessage().contains("needs exactly two peers, got 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AutonomousDataGuard.custom().peer("a", KEYS.connection(fra), FRA).peer("b", KEYS.connection(ams), "ocid1.database.x").build());
        assertTrue(e.getMessage().contains("peer b: the OCID must start with ocid1.autonomousdatabase."), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> AutonomousDataGuard.custom().peer("a", KEYS.connection(fra), FRA).peer("b", KEYS.connection(ams), FRA).build());
        assertTrue(e.getMessage().contains("the cross-region standby has its own OCID"), e.getMessage());
    }
}
