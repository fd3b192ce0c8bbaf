package io.hadr4j.azure;

import java.util.Objects;

import io.hadr4j.core.drill.Fault;

/**
 * A drill fault: fails an Azure SQL failover group over to {@code newPrimary}, planned (no data lost) or forced (as
 * when the primary's region is down), through {@link AzureSqlFailoverGroup}: it waits for Azure's operation within
 * the group's failover timeout and throws a {@link FailoverGroupException} naming group, server and Azure's answer.
 * A failback is a fault of its own (the other server as {@code newPrimary}); {@link #heal()} does nothing.
 */
public final class FailoverGroupFault implements Fault {

    private final AzureSqlFailoverGroup group;
    private final String newPrimary;
    private final boolean forced;
    private volatile AzureSqlFailoverGroup.Failover last;

    private FailoverGroupFault(AzureSqlFailoverGroup group, String newPrimary, boolean forced) {
        this.group = Objects.requireNonNull(group, "group");
        if (newPrimary == null || !ArmCalls.ARM_NAME.matcher(newPrimary).matches()) {
            throw new IllegalArgumentException("newPrimary '" + newPrimary + "' is not a logical server's short name, for example orders-sin");
        }
        this.newPrimary = newPrimary;
        this.forced = forced;
    }

    /** A planned failover to {@code newPrimary} (the current secondary). */
    public static FailoverGroupFault planned(AzureSqlFailoverGroup group, String newPrimary) {
        return new FailoverGroupFault(group, newPrimary, false);
    }

    /** A forced failover (allow data loss) to {@code newPrimary} (the current secondary). */
    public static FailoverGroupFault forced(AzureSqlFailoverGroup group, String newPrimary) {
        return new FailoverGroupFault(group, newPrimary, true);
    }

    @Override
    public String describe() {
        return (forced ? "forced failover (allow data loss)" : "planned failover") + " of Azure SQL failover group " + group.name()
                + " to " + newPrimary;
    }

    @Override
    public void inject() {
        last = forced ? group.forcedFailover(newPrimary) : group.plannedFailover(newPrimary);
    }

    /** The last failover this fault made (how long Azure took, the group after it), or null. */
    public AzureSqlFailoverGroup.Failover lastFailover() {
        return last;
    }

    @Override
    public String toString() {
        return describe();
    }
}
