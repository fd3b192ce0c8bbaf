package io.hadr4j.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Bad input, named: every flag of {@code serve} and {@code drill} given a bad value (zero, negative, absurdly large,
 * not a number, blank names, duplicate names, secrets where none belong) is refused while the flags are read, before
 * anything connects, and the message names the flag and says what it accepts. No database.
 *
 * <p>Bounds: --health-interval and --router-probe-interval 100ms to 1h; --drain-delay 0s to 10m; drill
 * --request-interval up to 1m, --request-timeout up to 10m, --settle up to 1h, --step-timeout, --rto-objective and
 * --rpo-objective up to 1 day; --azure-restore-delay up to 1 day, --azure-timeout 1s to 1 day; any other duration
 * flag up to 7 days.
 */
class FlagsTest {
    private static final String SECRET = "hunter2-never-shown";
    private static final String DB = "a,r,jdbc:postgresql://127.0.0.1:5432/app";

    private static AppConfig serve(String... flags) {
        List<String> args = new ArrayList<>(List.of("--region", "r"));
        args.addAll(Arrays.asList(flags));
        if (!args.contains("--db")) {
            args.addAll(List.of("--db", DB));
        }
        return AppConfig.from(Options.parse(args, Map.of("HADR_DB_PASSWORD", SECRET)::get));
    }

    /** Fails unless {@code read} is refused with a ConfigException that has every fragment and shows no secret. */
    private static void refused(Executable read, String... fragments) {
        Options.ConfigException e = assertThrows(Options.ConfigException.class, read);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' should say '" + f + "'");
        }
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertFalse(e.getMessage().contains("eyJzdWIi"), e.getMessage());
    }

    @Test
    void serveDurations() {
        for (String bad : List.of("0s", "0ms", "99ms", "2h", "61m", "99999999999999999999h", "9223372036854775807h")) {
            refused(() -> serve("--health-interval", bad), "--health-interval must be from 100ms to 1h, got '" + bad + "'");
            refused(() -> serve("--router-probe-interval", bad), "--router-probe-interval must be from 100ms to 1h");
        }
        for (String bad : List.of("-1s", "2 s", "two seconds", "1d", "")) {
            refused(() -> serve("--health-interval", bad), "--health-interval must be a duration such as 500ms, 2s, 5m or 1h");
        }
        refused(() -> serve("--drain-delay", "11m"), "--drain-delay must be from 0ms to 10m, got '11m'");
        refused(() -> serve("--drain-delay", "99999999999999h"), "--drain-delay must be from 0ms to 10m");
        AppConfig ok = serve("--health-interval", "1h", "--router-probe-interval", "100ms", "--drain-delay", "0s");
        assertEquals(Duration.ofHours(1), ok.healthInterval(), "the bounds themselves are accepted");
        assertEquals(Duration.ofMillis(100), ok.routerProbeInterval());
    }

    @Test
    void servePort() {
        refused(() -> serve("--port", "-1"), "--port must be a TCP port from 1 to 65535 (or 0 for any free port), got '-1'");
        refused(() -> serve("--port", "65536"), "--port must be a TCP port from 1 to 65535");
        refused(() -> serve("--port", "99999999999"), "--port must be a TCP port from 1 to 65535");
        refused(() -> serve("--port", "eighty"), "--port must be a whole number, got 'eighty'");
        assertEquals(0, serve("--port", "0").port(), "0: any free port");
    }

    @Test
    void serveDatabaseEndpoints() {
        refused(() -> serve("--db", " ,r,jdbc:postgresql://h/app"), "--db must be NAME,REGION,JDBC_URL", "got ' ,r,");
        refused(() -> serve("--db", "a, ,jdbc:postgresql://h/app"), "--db must be NAME,REGION,JDBC_URL");
        refused(() -> serve("--db", "a,r"), "--db must be NAME,REGION,JDBC_URL");
        refused(() -> serve("--db", ""), "--db must be NAME,REGION,JDBC_URL");
        refused(() -> serve("--db", "a,r,jdbc:mysql://h/app"), "--db a: the JDBC URL must start with jdbc:postgresql:// or jdbc:sqlserver://");
        refused(() -> serve("--db", DB, "--db", "a,s,jdbc:postgresql://h2/app"), "two database endpoints are named 'a'", "a different name");
        refused(() -> serve("--db", DB, "--db", "b,s,jdbc:sqlserver://h:1433;databaseName=app"), "mix PostgreSQL and SQL Server");
        refused(() -> AppConfig.from(Options.parse(List.of("--region", "r"), Map.<String, String>of()::get)),
                "no database endpoint: pass --db NAME,REGION,JDBC_URL");
    }

    /** One rule, the library's: whatever {@link io.hadr4j.core.Secrets#mask} would hide is refused in a --db URL. */
    @Test
    void serveRefusesEveryUrlThatCarriesASecret() {
        String jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhcHAifQ.c2lnbmF0dXJl";
        for (String url : List.of(
                "jdbc:postgresql://h/app?user=app&password=" + SECRET,
                "jdbc:postgresql://h/app?PASSWORD=" + SECRET + "&ssl=true",
                "jdbc:sqlserver://h:1433;databaseName=app;password=" + SECRET + ";encrypt=true",
                "jdbc:sqlserver://h:1433;databaseName=app;Password={" + SECRET + "};encrypt=true",
                "jdbc:postgresql://app:" + SECRET + "@h/app",
                "jdbc:sqlserver://h:1433;databaseName=app;accessToken=" + jwt,
                "jdbc:sqlserver://h:1433;databaseName=app;authentication=x;" + jwt)) {
            refused(() -> serve("--db", "a,r," + url), "--db a: the endpoint carries a secret", "set HADR_DB_PASSWORD", "******");
        }
    }

    @Test
    void serveSignInAndOtherFlags() {
        refused(() -> serve("--db-password", SECRET), "passwords are not accepted as flags", "set HADR_DB_PASSWORD in the environment");
        refused(() -> serve("--db-password", SECRET), "remove --db-password");
        refused(() -> serve("--db-token", SECRET), "passwords are not accepted as flags", "remove --db-token");
        refused(() -> serve("--api-key", SECRET), "passwords are not accepted as flags");
        // a secret's id is no secret: the flag the usage documents is accepted (it used to be refused as a password)
        assertEquals("ocid1.vaultsecret.oc1.iad.abc", serve("--db-secret-id", "ocid1.vaultsecret.oc1.iad.abc").dbSecretId());
        refused(() -> serve("--db-auth", "msi"), "--db-auth must be password or entra-id, got 'msi'");
        refused(() -> serve("--db-secret-id", "my-secret"), "--db-secret-id must be the OCID of an OCI Vault secret (ocid1.vaultsecret...)");
        refused(() -> serve("--db-identity-client-id", "x"), "--db-identity-client-id is for --db-auth entra-id");
        refused(() -> serve("--front-door-id", "my-fd"), "--front-door-id", "is not a Front Door id");
        refused(() -> serve("--health-intervall", "2s"), "unknown flag --health-intervall for 'serve'", "--health-interval");
        refused(() -> Options.parse(List.of("serve-me"), Map.<String, String>of()::get), "unexpected argument 'serve-me'", "--name value");
        refused(() -> Options.parse(List.of("--"), Map.<String, String>of()::get), "unexpected argument '--'");
        refused(() -> serve("--port", "8080", "--port=9090"), "--port is given 2 times ('8080', '9090') but takes one value: keep one of them");
        refused(() -> serve("--region", "x"), "--region is given 2 times ('r', 'x')");
        assertEquals(2, serve("--db", DB, "--db", "b,r2,jdbc:postgresql://127.0.0.1:5433/app").endpoints().size(), "--db repeats, once per region");
    }

    @Test
    void drillDurations() {
        refused(() -> drill("--request-interval", "0s"), "--request-interval must be more than zero");
        refused(() -> drill("--request-interval", "2m"), "--request-interval must be from 0ms to 1m, got '2m'");
        refused(() -> drill("--request-timeout", "0ms"), "--request-timeout must be more than zero");
        refused(() -> drill("--request-timeout", "11m"), "--request-timeout must be from 0ms to 10m");
        refused(() -> drill("--settle", "0s"), "--settle must be more than zero");
        refused(() -> drill("--settle", "2h"), "--settle must be from 0ms to 1h");
        refused(() -> drill("--settle", "10m", "--step-timeout", "5m"), "--settle 600s must be shorter than --step-timeout 300s");
        refused(() -> drill("--step-timeout", "25h"), "--step-timeout must be from 0ms to 24h");
        refused(() -> drill("--rto-objective", "0s"), "--rto-objective must be more than zero");
        refused(() -> drill("--rto-objective", "99999999999999999h"), "--rto-objective must be from 0ms to 24h");
        refused(() -> drill("--rpo-objective", "2000h"), "--rpo-objective must be from 0ms to 24h");
        refused(() -> drill("--settle", "5 seconds"), "--settle must be a duration such as 500ms");
        assertEquals(Duration.ZERO, drill("--rpo-objective", "0s").rpoObjective(), "an RPO of zero is a real objective");
    }

    @Test
    void azureDrillDurations() {
        String fog = "/subscriptions/s/resourceGroups/g/providers/Microsoft.Sql/servers/a/failoverGroups/f";
        refused(() -> AzureDrill.from(options("--azure-failover-group", fog, "--azure-partner-server", "b", "--azure-timeout", "0s")),
                "--azure-timeout must be from 1s to 24h, got '0s'");
        refused(() -> AzureDrill.from(options("--azure-failover-group", fog, "--azure-partner-server", "b", "--azure-restore-delay", "2000h")),
                "--azure-restore-delay must be from 0ms to 24h");
    }

    @Test
    void anyOtherDurationFlagStopsAtAWeek() {
        refused(() -> options("--out-of-range", "169h").duration("out-of-range", Duration.ZERO), "--out-of-range must be from 0ms to 7 days"
                .replace("7 days", "168h"));
        assertEquals(Duration.ofHours(168), options("--d", "168h").duration("d", Duration.ZERO));
    }

    private static DrillCommand.Settings drill(String... flags) {
        return DrillCommand.Settings.from(options(flags));
    }

    private static Options options(String... flags) {
        return Options.parse(List.of(flags), Map.<String, String>of()::get);
    }
}
