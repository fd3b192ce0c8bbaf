package io.hadr4j.core.datasource;

import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes connections away from an endpoint the router no longer trusts: aborts the connections it handed out that are
 * still open (so that callers blocked on an unreachable, fenced or demoted server get an error now, not at a socket
 * timeout), and soft-evicts the endpoint's pool (idle connections now, busy ones when returned) together with the
 * probe's own connection. Each withdrawal also counts in {@link Router.Node#withdrawals}, which a handed-out connection
 * compares at its first use ({@link #withdrawnSince}). Called on the probe-round thread, and on a probe thread when a
 * probe finds its path was reset; holds no state of its own.
 */
final class Withdrawals {
    private static final Logger LOG = LoggerFactory.getLogger(RegionAwareDataSource.class);

    /** The high half of {@link Router.Node#withdrawals} counts withdrawals of write connections only. */
    private static final int WRITES_ONLY = 1 << 16;
    private static final AtomicIntegerFieldUpdater<Router.Node> COUNT = AtomicIntegerFieldUpdater.newUpdater(Router.Node.class, "withdrawals");

    private final String routerName;
    private final Executor abortExecutor;
    private final Consumer<RouterEvent> publish;

    Withdrawals(String routerName, Executor abortExecutor, Consumer<RouterEvent> publish) {
        this.routerName = routerName;
        this.abortExecutor = abortExecutor;
        this.publish = publish;
    }

    /** Whether a connection taken when the withdrawal count was {@code taken} was withdrawn by {@code now}. */
    static boolean withdrawnSince(int taken, int now, boolean write) {
        return (short) taken != (short) now || (write && (taken >>> 16) != (now >>> 16));
    }

    /**
     * Aborts the connections handed out to {@code node} that are still open ({@code writesOnly}: only those taken
     * for writes), so that callers blocked in a statement get an {@link java.sql.SQLException} now instead of
     * waiting for a socket timeout the driver may not have.
     */
    void abortOpen(Router.Node node, boolean writesOnly, String why) {
        node.withdrawnBecause = why;
        COUNT.getAndAdd(node, writesOnly ? WRITES_ONLY : 1); // before the sweep: see RouterConnection.track
        int[] count = {0};
        node.open.forEach(c -> {
            if (!writesOnly || c.isWrite()) {
                c.abortByRouter(abortExecutor);
                count[0]++;
            }
        });
        if (count[0] > 0) {
            report(node, "aborted " + count[0] + " open " + (writesOnly ? "write " : "") + "connection(s) to " + node.name() + " because " + why);
        }
    }

    /** Soft-evicts {@code node}'s pool and renews the probe's connection (it may reach a server that changed). */
    void softEvict(Router.Node node, String why) {
        node.probe.renew(abortExecutor);
        evictPool(node, why);
    }

    /** Soft-evicts {@code node}'s pool only (the probe's connection was just replaced). */
    void evictPool(Router.Node node, String why) {
        if (PoolSupport.softEvict(node.pool)) {
            report(node, "soft-evicted the pool of " + node.name() + " because " + why);
        } else {
            LOG.debug("{}: the DataSource of {} cannot be soft-evicted (not a pool hadr4j knows)", routerName, node.name());
        }
    }

    private void report(Router.Node node, String cause) {
        LOG.info("{}: {}", routerName, cause);
        publish.accept(new RouterEvent(RouterEvent.Type.POOL_EVICTED, node.name(), null, null, cause, null, Instant.now()));
    }
}
