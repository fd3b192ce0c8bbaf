package io.hadr4j.app;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.azure.core.credential.TokenCredential;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.resourcemanager.appservice.AppServiceManager;
import com.azure.resourcemanager.resources.fluentcore.arm.ResourceId;
import com.azure.resourcemanager.sql.SqlServerManager;

import io.hadr4j.app.Options.ConfigException;
import io.hadr4j.azure.AppServiceStopFault;
import io.hadr4j.azure.AzureSqlBackupConfig;
import io.hadr4j.azure.AzureSqlBackupService;
import io.hadr4j.azure.AzureSqlFailoverGroup;
import io.hadr4j.azure.AzureSqlTokenCallback;
import io.hadr4j.azure.FailoverGroupFault;
import io.hadr4j.core.backup.BackupService;
import io.hadr4j.core.drill.Fault;

/**
 * The drill's faults on Azure, chosen by the {@code --azure-*} flags of {@code drill --entry ...}: region A's App
 * Service stopped (and started again when the switchover step begins), the failover group failed over planned to the
 * partner server and then forced back, and the restore with Azure SQL's point-in-time restore. Every flag is checked
 * when parsed, before anything reaches Azure; the SDK calls use {@code DefaultAzureCredential}.
 */
final class AzureDrill {

    static final String USAGE = String.join("\n",
            "  on Azure, instead of the commands (Azure SDK calls with DefaultAzureCredential):",
            "  --azure-app-service ID       region A's web app (az webapp show ... --query id): stopped; started again when the switchover step begins",
            "  --azure-failover-group ID    the failover group on region A's server (az sql failover-group show ... --query id):",
            "                               planned failover to --azure-partner-server, then forced back",
            "  --azure-partner-server NAME  the failover group's other server (region B)",
            "  --azure-database NAME        the database, for the point-in-time restore step on region A's server",
            "  --azure-restore-delay D      how far behind now Azure's latest restorable instant is (default 10m)",
            "  --azure-tenant ID            the Entra tenant (default: the credential's)",
            "  --azure-timeout D            bound of each Azure operation (default 15m)");

    /** The parsed {@code --azure-*} flags; {@code null} fields were not given. */
    record Settings(ResourceId appService, ResourceId failoverGroup, String partnerServer, String database, Duration restoreDelay,
                    String tenant, Duration timeout) {
    }

    /** How the faults reach Resource Manager for a subscription. */
    interface Managers {
        SqlServerManager sql(String subscription);

        AppServiceManager appService(String subscription);

        /** With {@code DefaultAzureCredential} (az login, a managed identity, environment variables ...). */
        static Managers defaultCredential(String tenant) {
            TokenCredential credential = new DefaultAzureCredentialBuilder().build();
            return new Managers() {
                @Override
                public SqlServerManager sql(String subscription) {
                    return SqlServerManager.authenticate(credential, new AzureProfile(tenant, subscription, AzureEnvironment.AZURE));
                }

                @Override
                public AppServiceManager appService(String subscription) {
                    return AppServiceManager.authenticate(credential, new AzureProfile(tenant, subscription, AzureEnvironment.AZURE));
                }
            };
        }
    }

    /** The faults of each step, or null for a step without one, and the restore's backup service, or null. */
    record Selection(Fault stopApp, Fault switchover, Fault failover, BackupService backups) {
    }

    private AzureDrill() {
    }

    /** The {@code --azure-*} flags, checked; null when none is given. */
    static Settings from(Options o) {
        String app = o.string("azure-app-service", null);
        String fog = o.string("azure-failover-group", null);
        String partner = o.string("azure-partner-server", null);
        String database = o.string("azure-database", null);
        Duration delay = o.duration("azure-restore-delay", Duration.ofMinutes(10), Duration.ZERO, Duration.ofDays(1));
        String tenant = o.string("azure-tenant", null, "AZURE_TENANT_ID");
        Duration timeout = o.duration("azure-timeout", Duration.ofMinutes(15), Duration.ofSeconds(1), Duration.ofDays(1));
        if (app == null && fog == null && partner == null && database == null) return null;
        ResourceId appId = app == null ? null : id(app, "Microsoft.Web/sites", "--azure-app-service",
                "/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Web/sites/<app>");
        ResourceId fogId = fog == null ? null : id(fog, "Microsoft.Sql/servers/failoverGroups", "--azure-failover-group",
                "/subscriptions/<sub>/resourceGroups/<rg>/providers/Microsoft.Sql/servers/<server>/failoverGroups/<group>");
        if (fogId == null && (partner != null || database != null)) {
            throw new ConfigException("--azure-partner-server and --azure-database go with --azure-failover-group (the group on region A's server)");
        }
        if (fogId != null && partner == null) {
            throw new ConfigException("--azure-failover-group also needs --azure-partner-server NAME: the group's server in region B");
        }
        if (partner != null && partner.toLowerCase(Locale.ROOT).equals(fogId.parent().name().toLowerCase(Locale.ROOT))) {
            throw new ConfigException("--azure-partner-server " + partner + " is the server of --azure-failover-group itself: give the other one");
        }
        return new Settings(appId, fogId, partner, database, delay, tenant, timeout);
    }

    private static ResourceId id(String value, String type, String flag, String shape) {
        try {
            ResourceId id = ResourceId.fromString(value);
            if (type.equalsIgnoreCase(id.fullResourceType()) && id.resourceGroupName() != null) return id;
        } catch (RuntimeException e) {
            // said below
        }
        throw new ConfigException(flag + " must be a resource id like " + shape + ", got '" + value + "'");
    }

    /**
     * The faults the settings name (no call to Azure happens here). With a database, the restore runs on region A's
     * server (the primary once the forced failover is back), signing in with {@code tokens}, or else {@code user} and
     * {@code password}.
     */
    static Selection select(Settings s, Managers managers, AzureSqlTokenCallback tokens, String user, AppConfig.Secret password) {
        Fault stop = null;
        if (s.appService() != null) {
            try {
                stop = AppServiceStopFault.of(managers.appService(s.appService().subscriptionId()), s.appService().id(), s.timeout());
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--azure-app-service: " + e.getMessage());
            }
        }
        Fault switchover = null;
        Fault failover = null;
        BackupService backups = null;
        if (s.failoverGroup() != null) {
            ResourceId server = s.failoverGroup().parent();
            SqlServerManager sql = managers.sql(s.failoverGroup().subscriptionId());
            try {
                AzureSqlFailoverGroup fog = AzureSqlFailoverGroup.custom().manager(sql).resourceGroup(s.failoverGroup().resourceGroupName())
                        .name(s.failoverGroup().name()).failoverTimeout(s.timeout()).build();
                switchover = FailoverGroupFault.planned(fog, s.partnerServer());
                failover = FailoverGroupFault.forced(fog, server.name());
                if (s.database() != null) {
                    backups = new AzureSqlBackupService(AzureSqlBackupConfig.custom().manager(sql).resourceGroup(server.resourceGroupName())
                            .server(server.name()).database(s.database()).latestRestorableDelay(s.restoreDelay())
                            .cleanupTimeout(s.timeout())
                            .connector(tokens != null ? AzureSqlBackupConfig.Connector.entraId(tokens)
                                    : AzureSqlBackupConfig.Connector.sqlLogin(user, password.reveal()))
                            .build());
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException("--azure-failover-group / --azure-partner-server / --azure-database / --azure-restore-delay: " + e.getMessage());
            }
        }
        return new Selection(stop, switchover, failover, backups);
    }

    /** What the selection does, one line per step, for the drill's output. */
    static List<String> describe(Selection s) {
        List<String> out = new ArrayList<>();
        if (s.stopApp() != null) out.add(DrillCommand.STOP_APP + ": " + s.stopApp().describe());
        if (s.switchover() != null) out.add(DrillCommand.SWITCHOVER + ": " + s.switchover().describe());
        if (s.failover() != null) out.add(DrillCommand.FAILOVER + ": " + s.failover().describe());
        if (s.backups() != null) out.add(DrillCommand.RESTORE_STEP + ": " + s.backups());
        return out;
    }

    /** {@code then}, injected once {@code stopped} is healed: the switchover step starts region A's app again first. */
    static Fault afterStarting(Fault stopped, Fault then) {
        return new Fault() {
            @Override
            public String describe() {
                return then.describe() + ", after: " + stopped.describe() + " healed";
            }

            @Override
            public void inject() throws Exception {
                stopped.heal();
                then.inject();
            }

            @Override
            public void heal() throws Exception {
                then.heal();
            }

            @Override
            public String unavailable() {
                return then.unavailable();
            }
        };
    }
}
