package io.hadr4j.core.datasource;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A steady write load through the router: one thread inserts sequence-numbered rows, one at a time, and
 * remembers which were acknowledged (commit returned) and by which server.
 */
final class WriteLoad implements AutoCloseable {

    private final RegionAwareDataSource ds;
    private final Thread thread;
    private final AtomicLong next;
    private volatile boolean running = true;
    final Map<Long, Integer> acknowledged = new ConcurrentHashMap<>(); // id -> server port
    final List<SQLException> failures = new CopyOnWriteArrayList<>();

    WriteLoad(RegionAwareDataSource ds, long firstId) {
        this.ds = ds;
        this.next = new AtomicLong(firstId);
        this.thread = new Thread(this::run, "write-load");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        while (running) {
            long id = next.getAndIncrement();
            try {
                acknowledged.put(id, PgRouterSupport.insert(ds, id));
            } catch (SQLException e) {
                failures.add(e);
            }
            PgRouterSupport.sleep(5);
        }
    }

    long acknowledgedOn(int port) {
        return acknowledged.values().stream().filter(p -> p == port).count();
    }

    List<Long> ids() {
        return new ArrayList<>(acknowledged.keySet());
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(60_000);
        if (thread.isAlive()) throw new AssertionError("the write-load thread is still blocked: " + List.of(thread.getStackTrace()));
    }
}
