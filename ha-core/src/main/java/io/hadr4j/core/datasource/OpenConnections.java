package io.hadr4j.core.datasource;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * The connections the router has handed out to one endpoint and that are not closed yet, so that they can be
 * aborted when the endpoint becomes unreachable, is fenced or is demoted (a caller blocked in a statement on a
 * blackholed server would otherwise wait forever: drivers have no socket timeout by default).
 *
 * <p>Built for the hot path: registering is one compare-and-set on a slot chosen from the calling thread's id
 * (threads mostly land on their own cache line), and releasing is one ordered store by the owner. No allocation.
 * Only when the slots near a thread's home are all taken does a connection go to a concurrent set.
 */
final class OpenConnections {

    private static final int SLOTS = 1024; // a power of two
    private static final int MASK = SLOTS - 1;
    private static final int PROBES = 16;
    static final int OVERFLOW = -1;

    private final AtomicReferenceArray<RouterConnection> slots = new AtomicReferenceArray<>(SLOTS);
    private final Set<RouterConnection> overflow = ConcurrentHashMap.newKeySet();

    /** Registers {@code c}; returns the slot to pass to {@link #release}. */
    int register(RouterConnection c) {
        int home = (int) (Thread.currentThread().getId() * 0x9E3779B9L) >>> 22; // 10 bits: 0..1023
        for (int k = 0; k < PROBES; k++) {
            int i = (home + k) & MASK;
            if (slots.getPlain(i) == null && slots.compareAndSet(i, null, c)) return i;
        }
        overflow.add(c);
        return OVERFLOW;
    }

    /** Unregisters {@code c} (called once, by the thread that closes it). */
    void release(int slot, RouterConnection c) {
        if (slot >= 0) {
            slots.setRelease(slot, null);
        } else {
            overflow.remove(c);
        }
    }

    /** Calls {@code action} for every registered connection (a weakly consistent view). */
    void forEach(Consumer<RouterConnection> action) {
        for (int i = 0; i < SLOTS; i++) {
            RouterConnection c = slots.getAcquire(i);
            if (c != null) action.accept(c);
        }
        for (RouterConnection c : overflow) action.accept(c);
    }
}
