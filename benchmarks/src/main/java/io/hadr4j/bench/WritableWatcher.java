package io.hadr4j.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

import io.hadr4j.testkit.PgNode;

/**
 * Notes the moment a node being promoted first answers as writable ({@code pg_is_in_recovery()} false, asked every
 * 0.5 ms on a direct connection, past any pool or router): the start of every recovery time the benchmarks print.
 */
final class WritableWatcher extends Thread {
    private final PgNode node;
    private final LongConsumer onWritable;
    private volatile long writableAt = -1;
    private volatile Exception failure;

    /** {@code onWritable} gets the {@link System#nanoTime()} of that moment, on this thread, before anyone waiting does. */
    WritableWatcher(String threadName, PgNode node, LongConsumer onWritable) {
        super(threadName);
        setDaemon(true);
        this.node = node;
        this.onWritable = onWritable;
    }

    @Override
    public void run() {
        try (Connection c = node.directDataSource().getConnection(); Statement st = c.createStatement()) {
            while (true) {
                try (ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        long at = System.nanoTime();
                        onWritable.accept(at);
                        writableAt = at;
                        return;
                    }
                }
                LockSupport.parkNanos(500_000);
            }
        } catch (Exception e) {
            failure = e;
        }
    }

    /** When the node first answered as writable; fails when it did not within {@code timeoutMillis}. */
    long awaitWritable(long timeoutMillis) throws InterruptedException {
        join(timeoutMillis);
        if (writableAt < 0) {
            throw new IllegalStateException("node " + node.name() + " never answered as writable within " + timeoutMillis + " ms", failure);
        }
        return writableAt;
    }
}
