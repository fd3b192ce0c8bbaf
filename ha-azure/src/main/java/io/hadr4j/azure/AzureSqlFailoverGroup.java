package io.hadr4j.azure;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.azure.resourcemanager.sql.SqlServerManager;
import com.azure.resourcemanager.sql.models.PartnerInfo;
import com.azure.resourcemanager.sql.models.SqlFailoverGroup;

import reactor.core.publisher.Mono;

/**
 * One Azure SQL failover group, through azure-resourcemanager-sql: its state as one server sees it, and a planned or
 * forced failover. A failover is called on the server that becomes primary (the current secondary); it waits for
 * Azure's long-running operation, at most {@link Builder#failoverTimeout(Duration)}, and says how long it took.
 *
 * <pre>{@code
 * AzureSqlFailoverGroup fog = AzureSqlFailoverGroup.custom()
 *         .manager(SqlServerManager.authenticate(new DefaultAzureCredentialBuilder().build(), profile))
 *         .resourceGroup("orders").name("orders-fog").build();
 * AzureSqlFailoverGroup.State s = fog.state("orders-sin");          // Secondary, CATCH_UP, partner orders-cin
 * AzureSqlFailoverGroup.Failover f = fog.plannedFailover("orders-sin"); // orders-sin is primary; f.took()
 * }</pre>
 *
 * <p>Every failure is a {@link FailoverGroupException} naming the group, the server, the operation and what Azure
 * answered: an unknown group or server (404), a conflicting operation (409), an operation that ended Failed (Azure's
 * code from the operation's status, not the HTTP status of the poll), or no answer within the timeout.
 */
public final class AzureSqlFailoverGroup {

    private static final Logger LOG = LoggerFactory.getLogger(AzureSqlFailoverGroup.class);

    /** One partner server as a failover group lists it. */
    public record Partner(String server, String id, String location, String replicationRole) {
    }

    /**
     * A failover group as one of its servers reports it.
     *
     * @param replicationRole    {@code Primary} or {@code Secondary}: this server's role in the group
     * @param replicationState   for example {@code CATCH_UP}, {@code SEEDING}, {@code PENDING}
     * @param readWritePolicy    {@code Automatic} or {@code Manual}
     * @param gracePeriodMinutes how long Azure waits before an automatic failover with data loss, or null (Manual)
     * @param readOnlyPolicy     {@code Enabled} or {@code Disabled}: whether the read-only listener fails over
     * @param databases          the resource ids of the group's databases
     */
    public record State(String group, String server, String replicationRole, String replicationState, String readWritePolicy,
                        Integer gracePeriodMinutes, String readOnlyPolicy, List<Partner> partners, List<String> databases) {
        public State {
            partners = List.copyOf(partners);
            databases = List.copyOf(databases);
        }

        public boolean primary() {
            return "Primary".equalsIgnoreCase(replicationRole);
        }
    }

    /** A failover that completed: to which server, planned or forced, how long Azure took, and the group after it. */
    public record Failover(String group, String newPrimary, boolean forced, Duration took, State after) {
    }

    private final SqlServerManager manager;
    private final String resourceGroup;
    private final String name;
    private final Duration readTimeout;
    private final Duration failoverTimeout;

    private AzureSqlFailoverGroup(Builder b) {
        this.manager = b.manager;
        this.resourceGroup = b.resourceGroup;
        this.name = b.name;
        this.readTimeout = b.readTimeout;
        this.failoverTimeout = b.failoverTimeout;
    }

    public static Builder custom() {
        return new Builder();
    }

    public String name() {
        return name;
    }

    public String resourceGroup() {
        return resourceGroup;
    }

    /** The group as {@code server} reports it ({@code GET .../servers/{server}/failoverGroups/{name}}). */
    public State state(String server) {
        checkServer(server);
        SqlFailoverGroup g = call(server, "read", manager.sqlServers().failoverGroups().getBySqlServerAsync(resourceGroup, server, name), readTimeout);
        if (g == null) {
            throw new FailoverGroupException(name, server, what(server, "read") + " failed: Azure answered with no failover group", null, -1, false, null);
        }
        return state(server, g);
    }

    /**
     * A planned failover ({@code POST .../failover}) to {@code newPrimary}, with full synchronisation: no data is
     * lost. Reads the group on {@code newPrimary} first (it must be the secondary) and after (it must be primary).
     */
    public Failover plannedFailover(String newPrimary) {
        return failover(newPrimary, false);
    }

    /**
     * A forced failover ({@code POST .../forceFailoverAllowDataLoss}) to {@code newPrimary}: at once, losing what the
     * old primary had not replicated. For when the primary's region is down.
     */
    public Failover forcedFailover(String newPrimary) {
        return failover(newPrimary, true);
    }

    private Failover failover(String newPrimary, boolean forced) {
        String op = forced ? "forced failover (allow data loss)" : "planned failover";
        State before = state(newPrimary);
        if (before.primary()) {
            throw new FailoverGroupException(name, newPrimary, what(newPrimary, op) + " refused: " + newPrimary
                    + " is already the primary; call the failover on the secondary, the server that becomes primary ("
                    + before.partners().stream().map(Partner::server).toList() + ")", null, -1, false, null);
        }
        LOG.info("failover group {}: {} to {} ...", name, op, newPrimary);
        long start = System.nanoTime();
        Mono<SqlFailoverGroup> call = forced
                ? manager.sqlServers().failoverGroups().forceFailoverAllowDataLossAsync(resourceGroup, newPrimary, name)
                : manager.sqlServers().failoverGroups().failoverAsync(resourceGroup, newPrimary, name);
        call(newPrimary, op, call, failoverTimeout);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        State after = state(newPrimary);
        if (!after.primary()) {
            throw new FailoverGroupException(name, newPrimary, what(newPrimary, op) + ": Azure reported the operation done after "
                    + took.toMillis() + " ms, but " + newPrimary + " is still " + after.replicationRole(), null, -1, false, null);
        }
        LOG.info("failover group {}: {} to {} done in {} ms", name, op, newPrimary, took.toMillis());
        return new Failover(name, newPrimary, forced, took, after);
    }

    private <T> T call(String server, String op, Mono<T> mono, Duration timeout) {
        try {
            return ArmCalls.await(mono, timeout);
        } catch (TimeoutException | RuntimeException e) {
            String answer = ArmCalls.describe(e, timeout);
            throw new FailoverGroupException(name, server, what(server, op) + " failed: " + answer, ArmCalls.code(e),
                    e instanceof TimeoutException ? -1 : ArmCalls.status(e), e instanceof TimeoutException, e);
        }
    }

    private String what(String server, String op) {
        return "failover group '" + name + "' on server '" + server + "' (resource group '" + resourceGroup + "'): " + op;
    }

    private static void checkServer(String server) {
        if (server == null || !ArmCalls.ARM_NAME.matcher(server).matches()) {
            throw new IllegalArgumentException("server '" + server + "' is not an Azure SQL logical server name: use its short name, "
                    + "lower-case letters, digits and '-', for example 'orders-sin' (not orders-sin.database.windows.net)");
        }
    }

    private State state(String server, SqlFailoverGroup g) {
        List<Partner> partners = g.partnerServers() == null ? List.of() : g.partnerServers().stream().map(AzureSqlFailoverGroup::partner).toList();
        return new State(name, server, g.replicationRole() == null ? null : g.replicationRole().toString(), g.replicationState(),
                g.readWriteEndpointPolicy() == null ? null : g.readWriteEndpointPolicy().toString(),
                g.readWriteEndpointPolicy() != null && "Automatic".equalsIgnoreCase(g.readWriteEndpointPolicy().toString())
                        ? g.readWriteEndpointDataLossGracePeriodMinutes() : null,
                g.readOnlyEndpointPolicy() == null ? null : g.readOnlyEndpointPolicy().toString(), partners,
                g.databases() == null ? List.of() : g.databases());
    }

    private static Partner partner(PartnerInfo p) {
        String id = p.id();
        String server = id == null ? null : id.substring(id.lastIndexOf('/') + 1);
        return new Partner(server, id, p.location(), p.replicationRole() == null ? null : p.replicationRole().toString());
    }

    @Override
    public String toString() {
        return "AzureSqlFailoverGroup{" + resourceGroup + "/" + name + "}";
    }

    /** Settings of an {@link AzureSqlFailoverGroup}; {@link #build()} checks them. */
    public static final class Builder {
        private SqlServerManager manager;
        private String resourceGroup;
        private String name;
        private Duration readTimeout = Duration.ofSeconds(30);
        private Duration failoverTimeout = Duration.ofMinutes(15);

        private Builder() {
        }

        /** The SDK's manager: {@code SqlServerManager.authenticate(credential, profile)}. */
        public Builder manager(SqlServerManager manager) {
            this.manager = manager;
            return this;
        }

        public Builder resourceGroup(String resourceGroup) {
            this.resourceGroup = resourceGroup;
            return this;
        }

        /** The failover group's name (its listener is {@code <name>.database.windows.net}). */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** How long reading the group may take (default 30 s). */
        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = readTimeout;
            return this;
        }

        /** How long a failover may take, Azure's long-running operation included (default 15 minutes). */
        public Builder failoverTimeout(Duration failoverTimeout) {
            this.failoverTimeout = failoverTimeout;
            return this;
        }

        public AzureSqlFailoverGroup build() {
            if (manager == null) {
                throw new IllegalArgumentException("manager is missing: pass manager(SqlServerManager.authenticate(credential, profile))");
            }
            if (resourceGroup == null || resourceGroup.isBlank()) {
                throw new IllegalArgumentException("resourceGroup is missing: pass the resource group of the failover group's servers");
            }
            if (name == null || !ArmCalls.ARM_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("failover group name '" + name + "' is not valid: lower-case letters, digits and '-', "
                        + "at most 63, for example name(\"orders-fog\")");
            }
            positive("readTimeout", readTimeout, "readTimeout(Duration.ofSeconds(30))");
            positive("failoverTimeout", failoverTimeout, "failoverTimeout(Duration.ofMinutes(15))");
            return new AzureSqlFailoverGroup(this);
        }

        static void positive(String what, Duration d, String example) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d + "; for example " + example);
            }
        }
    }
}
