package io.hadr4j.core.datasource;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hadr4j.core.Secrets;

/**
 * The router's listeners and the one thread that calls them. {@link #publish} never blocks and never runs a
 * listener: it queues the event, so that a slow, blocked or throwing listener delays neither the application thread
 * that hit a connection error nor a probe round. Events are delivered one at a time, in the order they were
 * published. The queue is bounded ({@value #CAPACITY} events); when a listener is so slow that it fills up, newer
 * events are dropped and counted, and a warning says so.
 */
final class Listeners implements AutoCloseable {

    static final int CAPACITY = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(RegionAwareDataSource.class);

    private final String name;
    private final List<Consumer<RouterEvent>> listeners = new CopyOnWriteArrayList<>();
    private final ThreadPoolExecutor thread; // its one worker is started with the first event
    // Guarded by this: events queued (or dropped) and events done (delivered, or dropped).
    private long published;
    private long done;
    private long dropped;

    Listeners(String name, ThreadFactory threads) {
        this.name = name;
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.NANOSECONDS, new ArrayBlockingQueue<>(CAPACITY), threads);
    }

    void add(Consumer<RouterEvent> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    void remove(Consumer<RouterEvent> listener) {
        listeners.remove(listener);
    }

    /** Queues {@code event} for the listeners; returns at once. */
    void publish(RouterEvent event) {
        if (listeners.isEmpty()) return;
        long drops = 0;
        synchronized (this) { // sequence and queue together, so that "published before" means "queued before"
            published++;
            try {
                thread.execute(() -> deliver(event));
            } catch (RejectedExecutionException e) { // full, or closed
                done++;
                drops = ++dropped;
                notifyAll();
            }
        }
        if (drops == 1 || (drops > 0 && drops % 1000 == 0)) {
            LOG.warn("{}: dropped {} RouterEvent(s) so far because the listeners do not keep up (a listener must return quickly);"
                    + " dropped: {}", name, drops, event.type());
        }
    }

    private void deliver(RouterEvent event) {
        try {
            for (Consumer<RouterEvent> l : listeners) {
                try {
                    l.accept(event);
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (Throwable e) { // an AssertionError of a test's listener too: the next events are still delivered
                    LOG.warn("{}: a RouterEvent listener failed on {}: {}", name, event.type(), Secrets.mask(e.toString()));
                }
            }
        } finally {
            synchronized (this) {
                done++;
                notifyAll();
            }
        }
    }

    /**
     * Waits until every event published before this call has been delivered to every listener (or dropped); false
     * when {@code timeout} passed first (a listener is blocked) or the thread was interrupted.
     */
    boolean awaitDelivered(Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            long target = published;
            while (done < target) {
                if (thread.isTerminated()) return false;
                long left = end - System.nanoTime();
                if (left <= 0) return false;
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Delivers what is queued (for up to {@code grace}), then stops the thread. */
    void close(Duration grace) {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(grace.toNanos(), TimeUnit.NANOSECONDS)) thread.shutdownNow();
        } catch (InterruptedException e) {
            thread.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(1));
    }
}
