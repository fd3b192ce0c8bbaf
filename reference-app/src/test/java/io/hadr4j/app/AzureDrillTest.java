package io.hadr4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The drill's {@code --azure-*} flags: checked before anything reaches Azure or the database, and turned into the
 * Azure faults of each step (those faults are tested against a local Resource Manager in ha-azure).
 */
class AzureDrillTest {

    static final String SUB = "00000000-1111-2222-3333-444444444444";
    static final String APP = "/subscriptions/" + SUB + "/resourceGroups/orders/providers/Microsoft.Web/sites/orders-app-a";
    static final String FOG = "/subscriptions/" + SUB + "/resourceGroups/orders/providers/Microsoft.Sql/servers/orders-cin/failoverGroups/orders-fog";
    static final String DB = "a,centralindia,jdbc:sqlserver://127.0.0.1:1;databaseName=orders;encrypt=false;loginTimeout=1";

    private static String[] drill(String... flags) {
        List<String> args = new ArrayList<>(List.of("drill", "--entry", "https://orders.azurefd.net", "--db", DB));
        args.addAll(List.of(flags));
        return args.toArray(String[]::new);
    }

    private static String run(int expectedCode, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8),
                Map.of("HADR_DB_USER", "app", "HADR_DB_PASSWORD", "x")::get, null);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(expectedCode, code, printed);
        return printed;
    }

    @Test
    void badAzureFlagsStopTheDrillBeforeAnythingIsReached() {
        assertTrue(run(Main.USAGE, drill("--azure-app-service", "orders-app-a"))
                .contains("--azure-app-service must be a resource id like /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Web/sites/<app>"));
        assertTrue(run(Main.USAGE, drill("--azure-failover-group", FOG)).contains("also needs --azure-partner-server NAME"));
        assertTrue(run(Main.USAGE, drill("--azure-failover-group", FOG, "--azure-partner-server", "orders-cin"))
                .contains("is the server of --azure-failover-group itself"));
        assertTrue(run(Main.USAGE, drill("--azure-failover-group", APP, "--azure-partner-server", "orders-sin"))
                .contains("--azure-failover-group must be a resource id like"));
        assertTrue(run(Main.USAGE, drill("--azure-database", "orders")).contains("go with --azure-failover-group"));
        assertTrue(run(Main.USAGE, drill("--azure-app-service", APP, "--stop-app-command", "true")).contains("not both"));
        assertTrue(run(Main.USAGE, drill("--azure-restore-delay", "ten")).contains("--azure-restore-delay must be a duration"));
        String unreachable = run(Main.USAGE, drill("--azure-app-service", APP, "--azure-failover-group", FOG,
                "--azure-partner-server", "orders-sin", "--azure-database", "orders"));
        assertTrue(unreachable.contains("no database endpoint answers"), "good flags get as far as the database: " + unreachable);
        assertTrue(unreachable.contains("on Azure: stop region A's app: stop App Service orders-app-a (resource group orders)"), unreachable);
        assertTrue(run(Main.OK, "help").contains("--azure-failover-group ID"));
    }

    @Test
    void theFlagsChooseEachStepsAzureFault() {
        Options o = Options.parse(List.of("--azure-app-service", APP, "--azure-failover-group", FOG, "--azure-partner-server", "orders-sin",
                "--azure-database", "orders", "--azure-restore-delay", "15m"), Map.<String, String>of()::get);
        AzureDrill.Settings s = AzureDrill.from(o);
        assertNotNull(s);
        AzureDrill.Selection selected = AzureDrill.select(s, AzureDrill.Managers.defaultCredential(null), null, "app", new AppConfig.Secret("x"));
        assertEquals(List.of(
                "stop region A's app: stop App Service orders-app-a (resource group orders)",
                "planned database switchover: planned failover of Azure SQL failover group orders-fog to orders-sin",
                "forced database failover (primary killed): forced failover (allow data loss) of Azure SQL failover group orders-fog to orders-cin",
                "point-in-time restore before a bad delete: AzureSqlBackupService{database 'orders' on server orders-cin (resource group orders)}"),
                AzureDrill.describe(selected));
        assertEquals(java.time.Duration.ofMinutes(15), ((io.hadr4j.azure.AzureSqlBackupService) selected.backups()).config().latestRestorableDelay());

        AzureDrill.Selection onlyApp = AzureDrill.select(AzureDrill.from(Options.parse(List.of("--azure-app-service", APP),
                Map.<String, String>of()::get)), AzureDrill.Managers.defaultCredential(null), null, "app", new AppConfig.Secret("x"));
        assertNotNull(onlyApp.stopApp());
        assertNull(onlyApp.switchover());
        assertNull(onlyApp.backups(), "no failover group, no database: the restore step is not run");
        assertNull(AzureDrill.from(Options.parse(List.of(), Map.<String, String>of()::get)), "no --azure-* flag: the commands decide");
    }
}
