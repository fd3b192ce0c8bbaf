package io.hadr4j.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.azure.json.JsonProviders;
import com.azure.json.JsonReader;
import com.microsoft.sqlserver.jdbc.SQLServerDataSource;

import io.hadr4j.core.backup.BackupException;
import io.hadr4j.core.backup.Expectations;
import io.hadr4j.core.backup.RestoreRequest;
import io.hadr4j.core.backup.RestoreWindow;
import io.hadr4j.core.backup.RestoredDatabase;
import io.hadr4j.core.backup.VerificationResult;
import io.hadr4j.core.datasource.TdsServer;
import io.hadr4j.core.datasource.TdsServer.Column;
import io.hadr4j.core.datasource.TdsServer.Result;

/**
 * Azure SQL point-in-time restore through the real azure-resourcemanager-sql client against a local Resource Manager
 * that keeps the server's databases and answers as Azure documents it (202 with Azure-AsyncOperation and Location,
 * the operation's status until it ends, the database's JSON); every request is asserted. capture and verify run their
 * SQL through the real mssql-jdbc driver on the scripted TDS server.
 */
class AzureSqlBackupServiceTest {

    static final String RG = "orders";
    static final String SERVER = "orders-cin";
    static final String API = "2021-11-01";
    static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    static final Instant EARLIEST = Instant.parse("2026-11-24T12:00:00Z");
    static final String DBS = LocalArm.server(RG, SERVER) + "/databases/";
    static final String OPS = "/subscriptions/" + LocalArm.SUBSCRIPTION + "/providers/Microsoft.Sql/locations/centralindia/databaseAzureAsyncOperation/";
    static final String RESULTS = "/subscriptions/" + LocalArm.SUBSCRIPTION + "/resourceGroups/" + RG
            + "/providers/Microsoft.Sql/locations/centralindia/databaseOperationResults/";

    /** How the restore's long-running operation ends. */
    enum Outcome { SUCCEEDS, FAILS, NEVER_ENDS, SUCCEEDS_WITHOUT_DATABASE }

    /** The databases of one logical server, as Resource Manager shows them; {@link #apply} answers its API. */
    static final class FakeServer implements Function<LocalHttp.Request, LocalHttp.Answer> {
        final Map<String, String> status = new ConcurrentHashMap<>(Map.of("orders", "Online"));
        final Map<String, String> operations = new ConcurrentHashMap<>(); // op id -> database it creates or deletes
        final AtomicInteger polls = new AtomicInteger();
        final List<String> putBodies = new ArrayList<>();
        volatile Outcome outcome = Outcome.SUCCEEDS;
        final String base;

        FakeServer(String base) {
            this.base = base;
        }

        static String database(String name, String status) {
            return "{\"id\":\"" + DBS + name + "\",\"name\":\"" + name + "\",\"type\":\"Microsoft.Sql/servers/databases\","
                    + "\"location\":\"centralindia\",\"sku\":{\"name\":\"GP_S_Gen5\",\"tier\":\"GeneralPurpose\",\"family\":\"Gen5\",\"capacity\":2},"
                    + "\"kind\":\"v12.0,user,vcore,serverless\",\"properties\":{\"collation\":\"SQL_Latin1_General_CP1_CI_AS\","
                    + "\"status\":\"" + status + "\",\"databaseId\":\"5a2b0e1c-0000-4000-8000-000000000001\","
                    + "\"creationDate\":\"2026-11-01T00:00:00Z\",\"earliestRestoreDate\":\"" + EARLIEST + "\","
                    + "\"currentServiceObjectiveName\":\"GP_S_Gen5_2\",\"requestedBackupStorageRedundancy\":\"Geo\"}}";
        }

        LocalHttp.Answer accepted(String op) {
            return LocalHttp.Answer.of(202, Map.of("Azure-AsyncOperation", base + OPS + op + "?api-version=" + API,
                    "Location", base + RESULTS + op + "?api-version=" + API, "Retry-After", "0"), "");
        }

        @Override
        public LocalHttp.Answer apply(LocalHttp.Request r) {
            assertEquals(API, r.query().get("api-version"), r.toString());
            assertEquals(LocalArm.BEARER, r.header("Authorization"), r.toString());
            String path = r.path();
            if (path.startsWith(OPS)) {
                String op = path.substring(OPS.length());
                String db = operations.get(op);
                if (op.startsWith("delete-")) {
                    status.remove(db);
                    return LocalHttp.Answer.json(200, LocalArm.status("Succeeded"));
                }
                if (polls.incrementAndGet() < 3 || outcome == Outcome.NEVER_ENDS) {
                    return LocalHttp.Answer.of(200, Map.of("Retry-After", "0"), LocalArm.status("InProgress"));
                }
                if (outcome == Outcome.FAILS) {
                    return LocalHttp.Answer.json(200, LocalArm.failed("RestoreFailed", "The restore of database '" + db + "' could not complete."));
                }
                if (outcome == Outcome.SUCCEEDS_WITHOUT_DATABASE) status.remove(db); else status.put(db, "Online");
                return LocalHttp.Answer.json(200, LocalArm.status("Succeeded"));
            }
            if (path.startsWith(RESULTS)) return new LocalHttp.Answer(204, Map.of(), "");
            if (!path.startsWith(DBS)) return LocalHttp.Answer.json(400, LocalArm.error("InvalidPath", "unexpected " + path));
            String name = path.substring(DBS.length());
            switch (r.method()) {
                case "GET":
                    String s = status.get(name);
                    return s == null
                            ? LocalHttp.Answer.json(404, LocalArm.error("ResourceNotFound", "The Resource 'Microsoft.Sql/servers/" + SERVER
                                    + "/databases/" + name + "' under resource group '" + RG + "' was not found."))
                            : LocalHttp.Answer.json(200, database(name, s));
                case "PUT":
                    synchronized (putBodies) {
                        putBodies.add(r.body());
                    }
                    status.put(name, "Restoring");
                    operations.put("restore-" + name, name);
                    return accepted("restore-" + name);
                case "DELETE":
                    operations.put("delete-" + name, name);
                    return accepted("delete-" + name);
                default:
                    return LocalHttp.Answer.json(405, LocalArm.error("MethodNotAllowed", r.line()));
            }
        }
    }

    private LocalHttp arm;
    private FakeServer server;
    private TdsServer sql;

    @BeforeEach
    void start() throws Exception {
        arm = new LocalHttp(r -> LocalHttp.Answer.json(500, "{}"));
        server = new FakeServer(arm.base());
        arm.handler(server);
        sql = new TdsServer();
    }

    @AfterEach
    void stop() throws Exception {
        arm.close();
        sql.close();
        assertEquals(List.of(), arm.failures(), "every request as Azure documents it");
    }

    private AzureSqlBackupService service() {
        return new AzureSqlBackupService(AzureSqlBackupConfig.custom().manager(LocalArm.sql(arm)).resourceGroup(RG).server(SERVER)
                .database("orders").connector(AzureSqlBackupConfig.Connector.sqlLogin("app", "not-shown"))
                .jdbcUrl(name -> sql.url().replace("databaseName=hadr", "databaseName=" + name))
                .requestTimeout(Duration.ofSeconds(30)).cleanupTimeout(Duration.ofSeconds(30))
                .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build());
    }

    private static RestoreRequest request(String target, Instant at, Duration timeout) {
        return RestoreRequest.builder().targetName(target).pointInTime(at).timeout(timeout).build();
    }

    private List<String> lines(String... expected) {
        return Arrays.asList(expected);
    }

    @Test
    void theWindowRunsFromEarliestRestoreDateToTheLatestRestorableInstant() {
        AzureSqlBackupService backups = service();
        assertEquals(new RestoreWindow(EARLIEST, NOW.minus(Duration.ofMinutes(10))), backups.restoreWindow());
        assertEquals(backups.restoreWindow(), backups.restoreWindow(), "read once a minute at most: waiting for it does not flood ARM");
        assertEquals(Duration.ofMinutes(10), backups.achievableRpo());
        assertEquals(List.of(), backups.listBackups());
        UnsupportedOperationException u = assertThrows(UnsupportedOperationException.class, backups::takeBackup);
        assertTrue(u.getMessage().contains("backs up by itself"), u.getMessage());
        assertEquals(lines("GET " + DBS + "orders"), arm.lines());
    }

    @Test
    void aRestoreCreatesANewDatabaseWaitsUntilItIsOnlineAndDropDeletesIt() throws Exception {
        Instant point = Instant.parse("2026-12-01T10:41:07.250Z");
        RestoredDatabase copy = service().restore(request("orders-before-delete", point, Duration.ofSeconds(20)));
        assertEquals("orders-before-delete", copy.name());
        assertEquals(point.toString(), copy.restorePoint());
        assertTrue(copy.jdbcUrl().contains("databaseName=orders-before-delete"), copy.jdbcUrl());
        assertEquals("app", copy.user());
        assertFalse(copy.toString().contains("not-shown"), copy.toString());
        assertEquals(lines("GET " + DBS + "orders",                      // the window
                "GET " + DBS + "orders-before-delete",                     // the target must not exist (404)
                "PUT " + DBS + "orders-before-delete",                     // the restore
                "GET " + OPS + "restore-orders-before-delete", "GET " + OPS + "restore-orders-before-delete",
                "GET " + OPS + "restore-orders-before-delete",             // InProgress, InProgress, Succeeded
                "GET " + DBS + "orders-before-delete",                     // the SDK's final GET of a PUT
                "GET " + DBS + "orders-before-delete"), arm.lines());        // and hadr4j's: is it Online?

        Map<?, ?> body = json(server.putBodies.get(0));
        assertEquals("centralindia", body.get("location"), "on the source's region");
        Map<?, ?> properties = (Map<?, ?>) body.get("properties");
        assertEquals(Set.of("createMode", "sourceDatabaseId", "restorePointInTime"), properties.keySet(), body.toString());
        assertEquals("PointInTimeRestore", properties.get("createMode"));
        assertEquals(DBS + "orders", properties.get("sourceDatabaseId"));
        assertEquals(point, Instant.parse((String) properties.get("restorePointInTime")));

        int before = arm.requests().size();
        copy.drop();
        copy.close(); // idempotent
        assertEquals(lines("DELETE " + DBS + "orders-before-delete", "GET " + OPS + "delete-orders-before-delete",
                "GET " + RESULTS + "delete-orders-before-delete"), arm.lines().subList(before, arm.lines().size()));
        assertFalse(server.status.containsKey("orders-before-delete"));
    }

    @Test
    void badRequestsAreRefusedBeforeAnyRequestIsSent() {
        AzureSqlBackupService backups = service();
        IllegalArgumentException lsn = assertThrows(IllegalArgumentException.class, () -> backups.restore(
                RestoreRequest.builder().targetName("copy").logPosition("0/3000060").build()));
        assertTrue(lsn.getMessage().contains("not to a log position"), lsn.getMessage());
        IllegalArgumentException master = assertThrows(IllegalArgumentException.class,
                () -> backups.restore(request("master", NOW.minus(Duration.ofHours(1)), Duration.ofMinutes(1))));
        assertTrue(master.getMessage().contains("a name Azure SQL keeps for itself"), master.getMessage());
        IllegalArgumentException self = assertThrows(IllegalArgumentException.class,
                () -> backups.restore(request("orders", NOW.minus(Duration.ofHours(1)), Duration.ofMinutes(1))));
        assertTrue(self.getMessage().contains("is the source database itself"), self.getMessage());
        IllegalArgumentException future = assertThrows(IllegalArgumentException.class,
                () -> backups.restore(request("copy", NOW.plusSeconds(60), Duration.ofMinutes(1))));
        assertTrue(future.getMessage().contains("is in the future") && future.getMessage().contains("2026-12-01T11:50:00Z"), future.getMessage());
        IllegalArgumentException recent = assertThrows(IllegalArgumentException.class,
                () -> backups.restore(request("copy", NOW.minus(Duration.ofMinutes(5)), Duration.ofMinutes(1))));
        assertTrue(recent.getMessage().contains("newer than the latest restorable instant 2026-12-01T11:50:00Z"), recent.getMessage());
        assertEquals(List.of(), arm.requests(), "the local Resource Manager saw nothing");
    }

    @Test
    void aTimeBeforeTheWindowAndAnExistingTargetAreRefusedBeforeAnythingIsCreated() {
        AzureSqlBackupService backups = service();
        IllegalArgumentException early = assertThrows(IllegalArgumentException.class,
                () -> backups.restore(request("copy", EARLIEST.minusSeconds(1), Duration.ofMinutes(1))));
        assertTrue(early.getMessage().contains("outside the restore window [" + EARLIEST + ", 2026-12-01T11:50:00Z]"), early.getMessage());
        assertEquals(lines("GET " + DBS + "orders"), arm.lines());

        server.status.put("orders-copy", "Online");
        IllegalArgumentException exists = assertThrows(IllegalArgumentException.class,
                () -> backups.restore(request("orders-copy", NOW.minus(Duration.ofHours(1)), Duration.ofMinutes(1))));
        assertTrue(exists.getMessage().contains("'orders-copy' already exists"), exists.getMessage());
        assertEquals(lines("GET " + DBS + "orders", "GET " + DBS + "orders", "GET " + DBS + "orders-copy"), arm.lines(), "reads only");
    }

    @Test
    void aRestoreThatEndsFailedDeletesWhatItCreated() {
        server.outcome = Outcome.FAILS;
        BackupException e = assertThrows(BackupException.class,
                () -> service().restore(request("orders-r1", NOW.minus(Duration.ofHours(2)), Duration.ofSeconds(20))));
        assertTrue(e.getMessage().contains("the long-running operation ended Failed with RestoreFailed: The restore of database 'orders-r1'"),
                e.getMessage());
        assertTrue(e.getMessage().contains("the database 'orders-r1' it created was deleted; the source was not touched"), e.getMessage());
        assertTrue(arm.lines().contains("DELETE " + DBS + "orders-r1"), arm.lines()::toString);
        assertFalse(server.status.containsKey("orders-r1"));
        assertTrue(server.status.containsKey("orders"));
    }

    @Test
    void aRestoreThatDoesNotEndInTimeDeletesWhatItCreatedInsteadOfHanging() {
        server.outcome = Outcome.NEVER_ENDS;
        BackupException e = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThrows(BackupException.class,
                () -> service().restore(request("orders-r2", NOW.minus(Duration.ofHours(2)), Duration.ofSeconds(1)))));
        assertTrue(e.getMessage().contains("no answer from Azure within 1000 ms"), e.getMessage());
        assertTrue(e.getMessage().contains("'orders-r2' it created was deleted"), e.getMessage());
        assertTrue(arm.lines().contains("DELETE " + DBS + "orders-r2"), arm.lines()::toString);
    }

    @Test
    void anOperationThatSucceedsWithoutAnOnlineDatabaseIsAFailureToo() {
        server.outcome = Outcome.SUCCEEDS_WITHOUT_DATABASE; // the SDK's final GET gets a 404 body and does not mind
        BackupException e = assertThrows(BackupException.class,
                () -> service().restore(request("orders-r3", NOW.minus(Duration.ofHours(2)), Duration.ofSeconds(20))));
        assertTrue(e.getMessage().contains("Azure reported the restore done, but database 'orders-r3' is not there"), e.getMessage());
        assertTrue(arm.lines().contains("DELETE " + DBS + "orders-r3"), arm.lines()::toString);
    }

    @Test
    void captureAndVerifySendTheirSqlToSqlServer() throws Exception {
        List<Column> captured = List.of(Column.nvarchar("at"), Column.bigint("rows"), Column.integer("checksum"),
                Column.bigint("rows"), Column.integer("checksum"));
        sql.answer("SYSUTCDATETIME", Result.of(captured, Arrays.asList("2026-12-01T10:41:07.2500000", 1200L, -1592443209, 0L, null)));
        Expectations e = service().capture(dataSource(sql), List.of("orders", "sales.refunds"));
        assertEquals(List.of("SELECT CONVERT(VARCHAR(33), SYSUTCDATETIME(), 126), (SELECT COUNT_BIG(*) FROM [orders]), "
                + "(SELECT ISNULL(CHECKSUM_AGG(BINARY_CHECKSUM(*)), 0) FROM [orders]), (SELECT COUNT_BIG(*) FROM [sales].[refunds]), "
                + "(SELECT ISNULL(CHECKSUM_AGG(BINARY_CHECKSUM(*)), 0) FROM [sales].[refunds])"), sql.batches(), "one statement: one instant");
        assertEquals(Instant.parse("2026-12-01T10:41:07.250Z"), e.capturedAt().orElseThrow());
        assertEquals(List.of("1200", "-1592443209", "0", "0"), e.items().stream().map(Expectations.Expectation::expected).toList());

        Expectations expected = Expectations.builder().rowCount("orders", 1200).checksum("orders", "-1592443209")
                .query("SELECT MAX(id) FROM orders", "1200").build();
        try (TdsServer restored = new TdsServer()) {
            restored.answer("SELECT COUNT_BIG(*) FROM [orders]", Result.of(List.of(Column.bigint("")), List.of(1200L)));
            restored.answer("CHECKSUM_AGG(BINARY_CHECKSUM(*))", Result.of(List.of(Column.integer("")), List.of(-1592443209)));
            restored.answer("SELECT MAX(id) FROM orders", Result.of(List.of(Column.bigint("")), List.of(1199L)));
            RestoredDatabase copy = restoredAt(restored);
            VerificationResult r = service().verify(copy, expected);
            assertEquals(3, r.checked());
            assertEquals(1, r.mismatches().size(), r.toString());
            assertEquals("1199", r.mismatches().get(0).actual(), "the query's answer on the copy");
            assertEquals(List.of("SELECT COUNT_BIG(*) FROM [orders]", "SELECT ISNULL(CHECKSUM_AGG(BINARY_CHECKSUM(*)), 0) FROM [orders]",
                    "SELECT MAX(id) FROM orders"), restored.batches());
            assertEquals(1, restored.loginLog().size());
            assertEquals("app", restored.loginLog().get(0).user());
        }
        assertThrows(IllegalArgumentException.class, () -> service().capture(dataSource(sql), List.of("orders; DROP TABLE x")));
    }

    @Test
    void badConfigurationFailsWhenBuilt() {
        IllegalArgumentException server = assertThrows(IllegalArgumentException.class, () -> AzureSqlBackupConfig.custom()
                .manager(LocalArm.sql(arm)).resourceGroup(RG).server("orders-cin.database.windows.net").database("orders")
                .connector(AzureSqlBackupConfig.Connector.sqlLogin("app", "x")).build());
        assertTrue(server.getMessage().contains("server(\"orders-cin\")"), server.getMessage());
        IllegalArgumentException connector = assertThrows(IllegalArgumentException.class, () -> AzureSqlBackupConfig.custom()
                .manager(LocalArm.sql(arm)).resourceGroup(RG).server(SERVER).database("orders").build());
        assertTrue(connector.getMessage().contains("Connector.entraId"), connector.getMessage());
        AzureSqlBackupConfig defaults = AzureSqlBackupConfig.custom().manager(LocalArm.sql(arm)).resourceGroup(RG).server(SERVER)
                .database("orders").connector(AzureSqlBackupConfig.Connector.sqlLogin("app", "s3cret")).build();
        assertEquals("jdbc:sqlserver://orders-cin.database.windows.net:1433;databaseName=copy;encrypt=true;trustServerCertificate=false;"
                + "hostNameInCertificate=*.database.windows.net;loginTimeout=30", defaults.jdbcUrl("copy"));
        assertFalse(defaults.toString().contains("s3cret"), defaults.toString());
    }

    private RestoredDatabase restoredAt(TdsServer restored) {
        return new RestoredDatabase() {
            public String name() { return "copy"; }
            public String restorePoint() { return NOW.toString(); }
            public String jdbcUrl() { return restored.url(); }
            public String user() { return "app"; }
            public Connection connect() throws SQLException { return AzureSqlBackupConfig.Connector.sqlLogin("app", "x").connect(restored.url()); }
            public void drop() { }
        };
    }

    private static DataSource dataSource(TdsServer s) {
        SQLServerDataSource ds = new SQLServerDataSource();
        ds.setURL(s.url());
        ds.setUser("app");
        ds.setPassword("x");
        return ds;
    }

    private static Map<?, ?> json(String body) throws IOException {
        assertNotNull(body);
        try (JsonReader r = JsonProviders.createReader(body)) {
            r.nextToken();
            return (Map<?, ?>) r.readUntyped();
        }
    }
}
