package io.hadr4j.oci;

import static io.hadr4j.oci.FakeAutonomous.BASE;
import static io.hadr4j.oci.FakeAutonomous.COMPARTMENT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.hadr4j.core.backup.Backup;
import io.hadr4j.core.backup.BackupException;
import io.hadr4j.core.backup.Progress;
import io.hadr4j.core.backup.RestoreRequest;
import io.hadr4j.core.backup.RestoreWindow;

/**
 * Autonomous Database backups and point-in-time restore through the real DatabaseClient and WorkRequestClient,
 * against a local server that answers like the Database and Work Requests services and checks every request.
 */
class AutonomousBackupServiceTest {

    static final String SOURCE = "ocid1.autonomousdatabase.oc1.eu-frankfurt-1.aaaaaaaasource";
    static final String ADMIN_SECRET = "ocid1.vaultsecret.oc1.eu-frankfurt-1.amaaaaaaadminpw";
    static final String HIGH = "(description=(retry_count=20)(retry_delay=3)(address=(protocol=tcps)(port=1522)"
            + "(host=adb.eu-frankfurt-1.oraclecloud.com))(connect_data=(service_name=abc_restored_high.adb.oraclecloud.com))"
            + "(security=(ssl_server_dn_match=yes)))";
    private static final TestKeys KEYS = new TestKeys();

    private OciTestServer server;
    private final FakeAutonomous oci = new FakeAutonomous();
    private final Map<String, Map<String, Object>> backups = new LinkedHashMap<>();
    private final Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS); // OCI dates carry milliseconds
    private AutonomousBackupService service;

    @BeforeEach
    void start() throws Exception {
        server = OciTestServer.start(KEYS);
        oci.databases.put(SOURCE, FakeAutonomous.database(SOURCE, "orders", "PRIMARY", "AVAILABLE"));
        oci.serve(server, SOURCE).serveWorkRequests(server);
        backup("ocid1.autonomousdatabasebackup.oc1.eu-frankfurt-1.b1", now.minus(10, ChronoUnit.DAYS), "ACTIVE");
        backup("ocid1.autonomousdatabasebackup.oc1.eu-frankfurt-1.b2", now.minus(1, ChronoUnit.DAYS), "ACTIVE");
        server.on("GET", BASE + "/autonomousDatabaseBackups", r -> OciTestServer.json(200,
                backups.values().stream().filter(b -> b.get("lifecycleState").equals(r.params().get("lifecycleState"))
                        && b.get("autonomousDatabaseId").equals(r.params().get("autonomousDatabaseId"))).toList()));
        server.on("GET", BASE + "/autonomousDatabaseBackups/[^/]+", r -> {
            Map<String, Object> b = backups.get(r.path().substring(r.path().lastIndexOf('/') + 1));
            return b == null ? OciTestServer.error(404, "NotAuthorizedOrNotFound", "not found") : OciTestServer.json(200, b);
        });
        server.on("GET", BASE + "/autonomousDatabases", r -> OciTestServer.json(200, oci.databases.values().stream()
                .filter(d -> d.get("displayName").equals(r.params().get("displayName")) && d.get("compartmentId").equals(r.params().get("compartmentId")))
                .toList()));
        service = new AutonomousBackupService(AutonomousBackupConfig.custom().connection(KEYS.connection(server)).autonomousDatabaseId(SOURCE)
                .adminPasswordSecretId(ADMIN_SECRET).pollInterval(Duration.ofMillis(10)).build());
    }

    @AfterEach
    void stop() {
        service.close();
        server.close();
        assertTrue(server.requests("POST", ".*/actions/restore").isEmpty(), "never the in-place restore");
    }

    private void backup(String id, Instant ended, String state) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("id", id);
        b.put("compartmentId", COMPARTMENT);
        b.put("autonomousDatabaseId", SOURCE);
        b.put("displayName", "Automatic Backup");
        b.put("type", "INCREMENTAL");
        b.put("isAutomatic", true);
        b.put("timeStarted", ended.minus(20, ChronoUnit.MINUTES).toString());
        b.put("timeEnded", ended.toString());
        b.put("lifecycleState", state);
        b.put("databaseSizeInTBs", 0.5);
        b.put("isRestorable", true);
        backups.put(id, b);
    }

    /** The restored database the create request made, AVAILABLE once its work request succeeds; DELETE terminates it. */
    private void createSucceeds(String newId, int polls) {
        server.on("POST", BASE + "/autonomousDatabases", r -> {
            JsonNode body = r.json();
            Map<String, Object> d = FakeAutonomous.database(newId, body.get("displayName").asText(), "PRIMARY", "PROVISIONING");
            oci.databases.put(newId, d);
            oci.serve(server, newId);
            String wr = oci.workRequest("CREATE_AUTONOMOUS_DATABASE", polls, () -> {
                d.put("lifecycleState", "AVAILABLE");
                d.put("connectionStrings", Map.of("high", HIGH, "medium", HIGH.replace("_high", "_medium"), "low", HIGH.replace("_high", "_low"),
                        "allConnectionStrings", Map.of("HIGH", HIGH, "MEDIUM", HIGH.replace("_high", "_medium"), "LOW", HIGH.replace("_high", "_low"))));
            });
            return OciTestServer.json(200, d).header("opc-work-request-id", wr);
        });
        server.on("DELETE", BASE + "/autonomousDatabases/" + newId, r -> {
            oci.set(newId, "lifecycleState", "TERMINATING");
            return new OciTestServer.Response(204, Map.of("opc-work-request-id",
                    oci.workRequest("DELETE_AUTONOMOUS_DATABASE", 1, () -> oci.set(newId, "lifecycleState", "TERMINATED")), "opc-request-id", "r"), null);
        });
    }

    private RestoreRequest request(String name, Instant at) {
        return RestoreRequest.builder().targetName(name).pointInTime(at).timeout(Duration.ofSeconds(20)).build();
    }

    @Test
    void theWindowRunsFromTheOldestActiveBackupOrTheRetentionToNow() {
        RestoreWindow w = service.restoreWindow();
        assertEquals(now.minus(10, ChronoUnit.DAYS), w.earliest());
        assertFalse(w.latest().isBefore(now));
        assertEquals(Duration.ZERO, service.achievableRpo());
        List<OciTestServer.Request> lists = server.requests("GET", BASE + "/autonomousDatabaseBackups");
        assertEquals("autonomousDatabaseId=" + SOURCE + "&lifecycleState=ACTIVE", lists.get(0).query());
        assertEquals(List.of(), server.problems());

        oci.set(SOURCE, "backupRetentionPeriodInDays", 5);
        RestoreWindow retained = service.restoreWindow();
        assertTrue(retained.earliest().isAfter(now.minus(5, ChronoUnit.DAYS).minusSeconds(5))
                && retained.earliest().isBefore(Instant.now().minus(5, ChronoUnit.DAYS).plusSeconds(5)), retained.toString());

        backups.clear();
        IllegalStateException none = assertThrows(IllegalStateException.class, service::restoreWindow);
        assertTrue(none.getMessage().contains("OCI lists no ACTIVE backup of " + SOURCE), none.getMessage());
    }

    @Test
    void takeBackupWaitsForItsWorkRequest() {
        String id = "ocid1.autonomousdatabasebackup.oc1.eu-frankfurt-1.manual";
        server.on("POST", BASE + "/autonomousDatabaseBackups", r -> {
            Map<String, Object> b = new LinkedHashMap<>();
            backup(id, Instant.now().truncatedTo(ChronoUnit.MILLIS), "CREATING");
            b.putAll(backups.get(id));
            b.put("displayName", r.json().get("displayName").asText());
            String wr = oci.workRequest("CREATE_AUTONOMOUS_DATABASE_BACKUP", 4, () -> backups.get(id).put("lifecycleState", "ACTIVE"));
            return OciTestServer.json(200, b).header("opc-work-request-id", wr);
        });
        List<Progress> progress = new CopyOnWriteArrayList<>();
        Backup b = service.takeBackup(progress::add);
        assertEquals(id, b.id());
        assertEquals(Instant.parse(String.valueOf(backups.get(id).get("timeEnded"))), b.stopTime());
        assertEquals(1L << 39, b.sizeBytes());
        assertEquals(List.of("requested", "running", "done"), progress.stream().map(Progress::phase).distinct().toList());

        OciTestServer.Request post = server.requests("POST", BASE + "/autonomousDatabaseBackups").get(0);
        JsonNode body = post.json();
        assertEquals(SOURCE, body.get("autonomousDatabaseId").asText());
        assertTrue(body.get("displayName").asText().startsWith("hadr4j-"), body.toString());
        assertEquals(2, body.size(), "only the database and a name: " + body);
        assertTrue(post.header("opc-retry-token") != null);
        assertTrue(server.requests("GET", BASE + "/workRequests/[^/]+").size() >= 5);
        assertEquals(List.of(), server.problems());
    }

    @Test
    void restoreCreatesANewDatabaseFromTheBackupAtTheInstantAndDropTerminatesIt() {
        String newId = "ocid1.autonomousdatabase.oc1.eu-frankfurt-1.aaaaaaaarestored";
        createSucceeds(newId, 3);
        Instant at = now.minus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS);
        List<Progress> progress = new ArrayList<>();
        AutonomousRestoredDatabase copy = service.restore(RestoreRequest.builder().targetName("orders-before-delete").pointInTime(at)
                .timeout(Duration.ofSeconds(20)).progressListener(progress::add).build());
        assertEquals(newId, copy.ocid());
        assertEquals("orders-before-delete", copy.name());
        assertEquals(at.toString(), copy.restorePoint());
        assertEquals("jdbc:oracle:thin:@" + HIGH, copy.jdbcUrl());
        assertEquals("done", progress.get(progress.size() - 1).phase());

        OciTestServer.Request create = server.requests("POST", BASE + "/autonomousDatabases").get(0);
        assertEquals(null, create.query());
        JsonNode body = create.json();
        assertEquals("BACKUP_FROM_TIMESTAMP", body.get("source").asText());
        assertEquals("FULL", body.get("cloneType").asText());
        assertEquals(SOURCE, body.get("autonomousDatabaseId").asText());
        assertEquals(at, Instant.parse(body.get("timestamp").asText()));
        assertEquals(COMPARTMENT, body.get("compartmentId").asText());
        assertEquals("orders-before-delete", body.get("displayName").asText());
        assertEquals("ORDERSBEFOREDELETE", body.get("dbName").asText());
        assertEquals(ADMIN_SECRET, body.get("secretId").asText());
        assertFalse(body.has("adminPassword"), "the password comes from Vault, never through this process");
        assertEquals("ECPU", body.get("computeModel").asText());
        assertEquals(2.0, body.get("computeCount").asDouble());
        assertEquals(1, body.get("dataStorageSizeInTBs").asInt());
        assertEquals("OLTP", body.get("dbWorkload").asText());
        assertTrue(create.header("opc-retry-token") != null);
        OciTestServer.Request nameCheck = server.requests("GET", BASE + "/autonomousDatabases").get(0);
        assertEquals(Map.of("compartmentId", COMPARTMENT, "displayName", "orders-before-delete"), nameCheck.params());

        copy.drop();
        copy.close(); // idempotent
        List<OciTestServer.Request> deletes = server.requests("DELETE", ".*");
        assertEquals(1, deletes.size());
        assertEquals(BASE + "/autonomousDatabases/" + newId, deletes.get(0).path());
        assertEquals("TERMINATED", oci.databases.get(newId).get("lifecycleState"));
        assertEquals(List.of(), server.problems());
        assertFalse(copy.toString().contains("password"));
    }

    @Test
    void badRequestsFailBeforeAnyCall() {
        IllegalArgumentException scn = assertThrows(IllegalArgumentException.class, () -> service.restore(RestoreRequest.builder()
                .targetName("orders-scn").logPosition("0/3000060").build()));
        assertTrue(scn.getMessage().contains("restores to a point in time, not to a log position"), scn.getMessage());
        IllegalArgumentException future = assertThrows(IllegalArgumentException.class,
                () -> service.restore(request("orders-future", Instant.now().plus(1, ChronoUnit.HOURS))));
        assertTrue(future.getMessage().contains("it is in the future; the restore window ends now"), future.getMessage());
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> service.restore(request("orders-restored-for-the-audit-of-november", now.minus(1, ChronoUnit.DAYS))));
        assertTrue(name.getMessage().contains("at most 30 letters and digits"), name.getMessage());
        assertEquals(List.of(), server.requests(), "nothing was asked of OCI");
    }

    @Test
    void outsideTheWindowOrANameInUseFailsAfterReadingOnlyAndSaysTheWindow() {
        Instant tooOld = now.minus(20, ChronoUnit.DAYS);
        IllegalArgumentException old = assertThrows(IllegalArgumentException.class, () -> service.restore(request("orders-old", tooOld)));
        assertTrue(old.getMessage().contains("outside the restore window [" + now.minus(10, ChronoUnit.DAYS) + ", "), old.getMessage());

        oci.databases.put("ocid1.autonomousdatabase.oc1.eu-frankfurt-1.taken", FakeAutonomous.database(
                "ocid1.autonomousdatabase.oc1.eu-frankfurt-1.taken", "orders-copy", null, "AVAILABLE"));
        IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
                () -> service.restore(request("orders-copy", now.minus(1, ChronoUnit.DAYS))));
        assertTrue(taken.getMessage().contains("a database named 'orders-copy' already exists in compartment " + COMPARTMENT), taken.getMessage());
        assertEquals(List.of("GET"), server.requests().stream().map(OciTestServer.Request::method).distinct().toList(), "only reads");
    }

    @Test
    void aWorkRequestThatFailsPartWayTerminatesWhatWasCreated() {
        String newId = "ocid1.autonomousdatabase.oc1.eu-frankfurt-1.aaaaaaaahalfmade";
        createSucceeds(newId, 1);
        server.on("POST", BASE + "/autonomousDatabases", r -> {
            oci.databases.put(newId, FakeAutonomous.database(newId, "orders-half", "PRIMARY", "PROVISIONING"));
            oci.serve(server, newId);
            return OciTestServer.json(200, oci.databases.get(newId)).header("opc-work-request-id",
                    oci.failingWorkRequest("CREATE_AUTONOMOUS_DATABASE", 2, "InternalError", "Restore of the backup failed"));
        });
        BackupException e = assertThrows(BackupException.class, () -> service.restore(request("orders-half", now.minus(1, ChronoUnit.DAYS))));
        assertTrue(e.getMessage().contains("ended FAILED (CREATE_AUTONOMOUS_DATABASE): InternalError: Restore of the backup failed"), e.getMessage());
        assertTrue(e.getMessage().endsWith("; the new database " + newId + " was terminated"), e.getMessage());
        assertEquals(List.of(BASE + "/autonomousDatabases/" + newId), server.requests("DELETE", ".*").stream().map(OciTestServer.Request::path).toList());
        assertEquals(List.of(), server.problems());
    }

    @Test
    void aRestoreThatTakesLongerThanItsTimeoutTerminatesWhatWasCreated() {
        String newId = "ocid1.autonomousdatabase.oc1.eu-frankfurt-1.aaaaaaaaslow";
        createSucceeds(newId, 1_000_000);
        BackupException e = assertThrows(BackupException.class, () -> service.restore(RestoreRequest.builder().targetName("orders-slow")
                .pointInTime(now.minus(1, ChronoUnit.DAYS)).timeout(Duration.ofMillis(300)).build()));
        assertTrue(e.getMessage().contains("did not finish in time: work request"), e.getMessage());
        assertTrue(e.getMessage().contains("was terminated"), e.getMessage());
        assertEquals(1, server.requests("DELETE", ".*").size());
    }

    @Test
    void aRefusedCreateLeavesNothingToTerminate() {
        server.on("POST", BASE + "/autonomousDatabases", r -> OciTestServer.error(400, "InvalidParameter",
                "The timestamp is outside the database's backup retention"));
        BackupException e = assertThrows(BackupException.class, () -> service.restore(request("orders-refused", now.minus(1, ChronoUnit.DAYS))));
        assertTrue(e.getMessage().contains("OCI answered HTTP 400 InvalidParameter: The timestamp is outside the database's backup retention"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("; nothing was created"), e.getMessage());
        assertEquals(List.of(), server.requests("DELETE", ".*"));
    }

    @Test
    void noAnswerFromOciIsANamedTimeout() {
        server.on("GET", BASE + "/autonomousDatabases/" + SOURCE, server.noAnswer());
        OciException e = assertThrows(OciException.class, service::restoreWindow);
        assertTrue(e.isTimeout(), e.getMessage());
        assertTrue(e.getMessage().startsWith("reading the source database " + SOURCE + " failed: OCI did not answer in time"), e.getMessage());
    }

    @Test
    void badConfigurationFailsWhenBuilt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AutonomousBackupConfig.custom()
                .connection(KEYS.connection(server)).autonomousDatabaseId(SOURCE).build());
        assertTrue(e.getMessage().startsWith("adminPasswordSecretId must be the OCID of the Vault secret"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AutonomousBackupConfig.custom().connection(KEYS.connection(server))
                .autonomousDatabaseId("orders").adminPasswordSecretId(ADMIN_SECRET).build());
        assertTrue(e.getMessage().contains("starting with ocid1.autonomousdatabase., got 'orders'"), e.getMessage());
    }
}
