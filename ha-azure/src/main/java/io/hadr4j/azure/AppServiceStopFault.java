package io.hadr4j.azure;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.azure.resourcemanager.appservice.AppServiceManager;
import com.azure.resourcemanager.appservice.fluent.WebAppsClient;
import com.azure.resourcemanager.appservice.fluent.models.SiteInner;
import com.azure.resourcemanager.resources.fluentcore.arm.ResourceId;

import io.hadr4j.core.drill.Fault;
import reactor.core.publisher.Mono;

/**
 * A drill fault: stops one region's App Service app ({@code POST .../sites/{name}/stop}, azure-resourcemanager-appservice)
 * and checks that Azure reports it {@code Stopped}; {@link #heal()} starts it again and checks it is {@code Running}.
 * What Azure Chaos Studio calls {@code appService:stop}, without Chaos Studio. Each call is bounded by the timeout;
 * a failure names the app and what Azure answered.
 */
public final class AppServiceStopFault implements Fault {

    private static final Logger LOG = LoggerFactory.getLogger(AppServiceStopFault.class);

    private final AppServiceManager manager;
    private final String resourceGroup;
    private final String name;
    private final Duration timeout;

    private AppServiceStopFault(AppServiceManager manager, String resourceGroup, String name, Duration timeout) {
        this.manager = manager;
        this.resourceGroup = resourceGroup;
        this.name = name;
        this.timeout = timeout;
    }

    /**
     * @param webAppId the app's resource id, {@code /subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Web/sites/<name>}
     *                 ({@code az webapp show -g <rg> -n <name> --query id})
     * @param timeout  the bound of each call to Azure (stop, start, and reading the app's state)
     */
    public static AppServiceStopFault of(AppServiceManager manager, String webAppId, Duration timeout) {
        Objects.requireNonNull(manager, "manager");
        AzureSqlFailoverGroup.Builder.positive("timeout", timeout, "Duration.ofMinutes(2)");
        ResourceId id;
        try {
            id = ResourceId.fromString(webAppId);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(idMessage(webAppId), e);
        }
        if (!"Microsoft.Web/sites".equalsIgnoreCase(id.fullResourceType()) || id.resourceGroupName() == null) {
            throw new IllegalArgumentException(idMessage(webAppId));
        }
        if (!id.subscriptionId().equalsIgnoreCase(manager.subscriptionId())) {
            throw new IllegalArgumentException("the App Service " + id.name() + " is in subscription " + id.subscriptionId()
                    + ", but the manager works in " + manager.subscriptionId() + ": use a manager (AzureProfile) for that subscription");
        }
        return new AppServiceStopFault(manager, id.resourceGroupName(), id.name(), timeout);
    }

    private static String idMessage(String webAppId) {
        return "'" + webAppId + "' is not an App Service resource id: it looks like /subscriptions/<subscription>/resourceGroups/<rg>"
                + "/providers/Microsoft.Web/sites/<name> (az webapp show -g <rg> -n <name> --query id)";
    }

    @Override
    public String describe() {
        return "stop App Service " + name + " (resource group " + resourceGroup + ")";
    }

    @Override
    public void inject() throws Exception {
        call("stop", apps().stopAsync(resourceGroup, name));
        expectState("Stopped", "stop");
        LOG.info("App Service {} stopped", name);
    }

    @Override
    public void heal() throws Exception {
        call("start", apps().startAsync(resourceGroup, name));
        expectState("Running", "start");
        LOG.info("App Service {} started", name);
    }

    private WebAppsClient apps() {
        return manager.serviceClient().getWebApps();
    }

    private void expectState(String expected, String op) {
        SiteInner site = call("read after " + op, apps().getByResourceGroupAsync(resourceGroup, name));
        String state = site == null ? null : site.state();
        if (!expected.equalsIgnoreCase(state)) {
            throw new IllegalStateException("App Service " + name + " (resource group " + resourceGroup + "): " + op
                    + " was accepted, but Azure reports the app " + (state == null ? "without a state" : state) + ", not " + expected);
        }
    }

    private <T> T call(String op, Mono<T> mono) {
        try {
            return ArmCalls.await(mono, timeout);
        } catch (TimeoutException | RuntimeException e) {
            throw new IllegalStateException("App Service " + name + " (resource group " + resourceGroup + "): " + op + " failed: "
                    + ArmCalls.describe(e, timeout), e);
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
