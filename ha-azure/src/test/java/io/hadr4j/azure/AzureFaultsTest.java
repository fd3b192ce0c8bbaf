package io.hadr4j.azure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.hadr4j.core.drill.Fault;

/**
 * The Azure drill faults through the real resource-manager clients against a local Resource Manager: App Service
 * stop and start (azure-resourcemanager-appservice, api-version 2024-11-01) and failover-group failovers.
 */
class AzureFaultsTest {

    static final String RG = "orders";
    static final String SITE = "/subscriptions/" + LocalArm.SUBSCRIPTION + "/resourceGroups/" + RG + "/providers/Microsoft.Web/sites/orders-app-a";

    /** One web app, as Resource Manager shows it. */
    static final class FakeSite implements Function<LocalHttp.Request, LocalHttp.Answer> {
        volatile String state = "Running";
        volatile Function<LocalHttp.Request, LocalHttp.Answer> override;

        @Override
        public LocalHttp.Answer apply(LocalHttp.Request r) {
            assertEquals("2024-11-01", r.query().get("api-version"), r.toString());
            assertEquals(LocalArm.BEARER, r.header("Authorization"), r.toString());
            Function<LocalHttp.Request, LocalHttp.Answer> o = override;
            if (o != null) {
                LocalHttp.Answer a = o.apply(r);
                if (a != null) return a;
            }
            if (!r.path().startsWith(SITE)) {
                return LocalHttp.Answer.json(404, LocalArm.error("ResourceNotFound", "The Resource 'Microsoft.Web/sites/"
                        + r.path().substring(r.path().lastIndexOf('/') + 1) + "' under resource group '" + RG + "' was not found."));
            }
            String rest = r.path().substring(SITE.length());
            if (r.method().equals("POST") && rest.equals("/stop")) {
                assertEquals("", r.body());
                state = "Stopped";
                return new LocalHttp.Answer(200, java.util.Map.of(), "");
            }
            if (r.method().equals("POST") && rest.equals("/start")) {
                state = "Running";
                return new LocalHttp.Answer(200, java.util.Map.of(), "");
            }
            if (r.method().equals("GET") && rest.isEmpty()) {
                return LocalHttp.Answer.json(200, "{\"id\":\"" + SITE + "\",\"name\":\"orders-app-a\",\"type\":\"Microsoft.Web/sites\","
                        + "\"location\":\"Central India\",\"kind\":\"app,linux\",\"properties\":{\"name\":\"orders-app-a\",\"state\":\"" + state
                        + "\",\"hostNames\":[\"orders-app-a.azurewebsites.net\"],\"enabled\":true,\"defaultHostName\":\"orders-app-a.azurewebsites.net\"}}");
            }
            return LocalHttp.Answer.json(405, LocalArm.error("MethodNotAllowed", r.line()));
        }
    }

    private LocalHttp arm;
    private FakeSite site;

    @BeforeEach
    void start() throws Exception {
        site = new FakeSite();
        arm = new LocalHttp(site);
    }

    @AfterEach
    void stop() {
        arm.close();
        assertEquals(List.of(), arm.failures(), "every request as Azure documents it");
    }

    @Test
    void stoppingAndStartingAnAppService() throws Exception {
        Fault stop = AppServiceStopFault.of(LocalArm.appService(arm), SITE, Duration.ofSeconds(30));
        assertEquals("stop App Service orders-app-a (resource group orders)", stop.describe());
        assertNull(stop.unavailable());
        stop.inject();
        assertEquals("Stopped", site.state);
        stop.heal();
        assertEquals("Running", site.state);
        assertEquals(List.of("POST " + SITE + "/stop", "GET " + SITE, "POST " + SITE + "/start", "GET " + SITE), arm.lines());
    }

    @Test
    void anAppThatDoesNotStopOrDoesNotExistOrDoesNotAnswerIsNamed() throws Exception {
        site.override = r -> r.method().equals("POST") ? new LocalHttp.Answer(200, java.util.Map.of(), "") : null; // accepted, not done
        IllegalStateException still = assertThrows(IllegalStateException.class,
                () -> AppServiceStopFault.of(LocalArm.appService(arm), SITE, Duration.ofSeconds(30)).inject());
        assertTrue(still.getMessage().contains("stop was accepted, but Azure reports the app Running, not Stopped"), still.getMessage());

        site.override = null;
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> AppServiceStopFault.of(LocalArm.appService(arm), SITE.replace("orders-app-a", "orders-app-x"), Duration.ofSeconds(30)).inject());
        assertTrue(missing.getMessage().startsWith("App Service orders-app-x (resource group orders): stop failed: HTTP 404"), missing.getMessage());

        site.override = r -> LocalHttp.Answer.silence();
        IllegalStateException silent = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(IllegalStateException.class,
                () -> AppServiceStopFault.of(LocalArm.appService(arm), SITE, Duration.ofMillis(500)).inject()));
        assertTrue(silent.getMessage().contains("stop failed: no answer from Azure within 500 ms"), silent.getMessage());
    }

    @Test
    void badResourceIdsAreRefusedWhenTheFaultIsMade() {
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class,
                () -> AppServiceStopFault.of(LocalArm.appService(arm), "orders-app-a", Duration.ofSeconds(1)));
        assertTrue(name.getMessage().contains("az webapp show -g <rg> -n <name> --query id"), name.getMessage());
        assertThrows(IllegalArgumentException.class, () -> AppServiceStopFault.of(LocalArm.appService(arm),
                "/subscriptions/" + LocalArm.SUBSCRIPTION + "/resourceGroups/rg/providers/Microsoft.Sql/servers/x", Duration.ofSeconds(1)));
        IllegalArgumentException sub = assertThrows(IllegalArgumentException.class, () -> AppServiceStopFault.of(LocalArm.appService(arm),
                SITE.replace(LocalArm.SUBSCRIPTION, "99999999-1111-2222-3333-444444444444"), Duration.ofSeconds(1)));
        assertTrue(sub.getMessage().contains("use a manager (AzureProfile) for that subscription"), sub.getMessage());
        assertEquals(List.of(), arm.requests());
    }

    @Test
    void failoverGroupFaultsFailTheGroupOverPlannedThenForced() {
        AzureSqlFailoverGroupTest.FakeGroup group = new AzureSqlFailoverGroupTest.FakeGroup(arm.base());
        arm.handler(group);
        AzureSqlFailoverGroup fog = AzureSqlFailoverGroup.custom().manager(LocalArm.sql(arm)).resourceGroup(AzureSqlFailoverGroupTest.RG)
                .name(AzureSqlFailoverGroupTest.FOG).build();
        FailoverGroupFault planned = FailoverGroupFault.planned(fog, "orders-sin");
        assertEquals("planned failover of Azure SQL failover group orders-fog to orders-sin", planned.describe());
        planned.inject();
        assertEquals("orders-sin", group.primary);
        assertNotNull(planned.lastFailover().took());

        group.polls.set(0);
        FailoverGroupFault forced = FailoverGroupFault.forced(fog, "orders-cin"); // back, as if orders-sin's region were lost
        assertTrue(forced.describe().startsWith("forced failover (allow data loss)"), forced.describe());
        forced.inject();
        assertEquals("orders-cin", group.primary);
        assertTrue(arm.lines().contains("POST " + LocalArm.server(AzureSqlFailoverGroupTest.RG, "orders-cin") + "/failoverGroups/"
                + AzureSqlFailoverGroupTest.FOG + "/forceFailoverAllowDataLoss"), arm.lines()::toString);

        FailoverGroupException again = assertThrows(FailoverGroupException.class, forced::inject);
        assertTrue(again.getMessage().contains("orders-cin is already the primary"), again.getMessage());
    }
}
