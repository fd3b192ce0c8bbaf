package io.hadr4j.core.drill;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The outcomes of a workload's operations, kept so that one costs the same at the first second of a drill and
 * at the tenth hour. Nothing is kept per operation and nothing is scanned: per layer, the last outcome, the
 * time of the last failure and the counts per second (for the timeline); per open {@link Window} (a step
 * being measured), its first failure, its last failure and the first success after that; and the last
 * {@value #RECENT} outcomes, for messages. Adding an outcome and every question cost the same whatever the
 * number of outcomes so far. Times are milliseconds from {@code clock}, which the outcomes are stamped with.
 *
 * <p>Thread-safe: the workload's threads add while the drill's thread asks, under one lock held for a few
 * field updates at a time.
 */
final class SampleLog {
    /** How many of the latest outcomes {@link #recent()} returns. */
    static final int RECENT = 6;
    private static final long NONE = Long.MIN_VALUE;

    /**
     * One operation of the workload: when it ended (ms), on which layer, whether it worked, what it said, and when it
     * started (a slow operation fails from its start).
     */
    record Sample(long atMillis, Layer layer, boolean ok, String detail, long startMillis) {
        Sample(long atMillis, Layer layer, boolean ok, String detail) {
            this(atMillis, layer, ok, detail, atMillis);
        }
    }

    private final LongSupplier clock;
    private final Map<Layer, LayerState> layers = new EnumMap<>(Layer.class);
    private final ArrayDeque<Sample> recent = new ArrayDeque<>(RECENT);
    private final List<Window> open = new ArrayList<>(2);

    SampleLog(Collection<Layer> measured, LongSupplier clock) {
        if (measured.isEmpty()) {
            throw new IllegalArgumentException("a sample log needs at least one layer");
        }
        for (Layer l : measured) {
            layers.put(l, new LayerState());
        }
        this.clock = clock;
    }

    /** The layers outcomes are kept for, in report order. */
    List<Layer> layers() {
        return List.copyOf(layers.keySet());
    }

    /** Records the outcome of an operation of {@code layer} that ends now (and took no time to speak of). */
    synchronized Sample add(Layer layer, boolean ok, String detail) {
        return add(layer, ok, detail, clock.getAsLong());
    }

    /**
     * Records the outcome of an operation of {@code layer} that started at {@code startMillis} and ends now. A failed
     * operation counts as failing from its start (a request that timed out, a write that took too long): a window's
     * recovery time runs from the start of its first failure (or from the window's start, when the operation was
     * already under way).
     */
    synchronized Sample add(Layer layer, boolean ok, String detail, long startMillis) {
        LayerState state = layers.get(layer);
        if (state == null) {
            throw new IllegalArgumentException("layer " + layer + " is not measured here; the layers are " + layers.keySet());
        }
        long now = clock.getAsLong();
        Sample s = new Sample(now, layer, ok, detail, Math.min(startMillis, now));
        state.add(s);
        for (Window w : open) {
            w.fold(s);
        }
        if (recent.size() == RECENT) {
            recent.removeFirst();
        }
        recent.addLast(s);
        return s;
    }

    /** Starts measuring a step now: the window sees every outcome added until {@link #close(Window)}. */
    synchronized Window open() {
        Window w = new Window(clock.getAsLong());
        open.add(w);
        return w;
    }

    /** Ends the window now; its recovery times are then fixed. */
    synchronized Window close(Window w) {
        if (open.remove(w)) {
            w.end = clock.getAsLong();
        }
        return w;
    }

    /**
     * Whether every layer's latest outcome succeeded and no layer failed in the last {@code settleMillis}
     * (failures before {@code from} do not count).
     */
    synchronized boolean steady(long from, long settleMillis) {
        long now = clock.getAsLong();
        for (LayerState state : layers.values()) {
            if (state.last == null || !state.last.ok() || now - Math.max(from, state.lastFailure) < settleMillis) {
                return false;
            }
        }
        return true;
    }

    /** The latest outcomes, oldest first. */
    synchronized List<Sample> recent() {
        return List.copyOf(recent);
    }

    /** Outcomes per second per layer: layer by layer, seconds in order, only seconds that had an outcome. */
    synchronized List<DrillReport.Bucket> timeline() {
        List<DrillReport.Bucket> out = new ArrayList<>();
        layers.forEach((layer, state) -> {
            for (int s = 0; s < state.seconds; s++) {
                if (state.ok[s] + state.failed[s] > 0) {
                    out.add(new DrillReport.Bucket(s, layer, state.ok[s], state.failed[s]));
                }
            }
        });
        return out;
    }

    /** How many entries this log holds now: seconds with outcomes, per layer, plus the latest outcomes. */
    synchronized int retained() {
        int n = recent.size();
        for (LayerState state : layers.values()) {
            for (int s = 0; s < state.seconds; s++) {
                n += state.ok[s] + state.failed[s] > 0 ? 1 : 0;
            }
        }
        return n;
    }

    /** What one layer has seen over the whole drill. */
    private static final class LayerState {
        Sample last;
        long lastFailure = NONE;
        int[] ok = new int[64];
        int[] failed = new int[64];
        int seconds;

        void add(Sample s) {
            last = s;
            if (!s.ok()) {
                lastFailure = s.atMillis();
            }
            int second = (int) Math.max(0, s.atMillis() / 1000);
            if (second >= ok.length) {
                int size = Math.max(second + 1, ok.length * 2);
                ok = Arrays.copyOf(ok, size);
                failed = Arrays.copyOf(failed, size);
            }
            if (s.ok()) {
                ok[second]++;
            } else {
                failed[second]++;
            }
            seconds = Math.max(seconds, second + 1);
        }
    }

    /**
     * The outcomes of one step, from {@link #open()} to {@link #close(Window)}. A layer's recovery time is
     * from its first failure in the window (from the start of that operation, or of the window when it was already
     * under way) to its first success after the last failure in the window (to the window's end when none came); zero
     * without failures.
     */
    static final class Window {
        private final long start;
        private volatile long end = NONE;
        private final Map<Layer, long[]> perLayer = new EnumMap<>(Layer.class);

        private Window(long start) {
            this.start = start;
        }

        /** Per layer: first failure (its start), last failure (its end), first success after the last failure. */
        private void fold(Sample s) {
            if (s.atMillis() < start) {
                return;
            }
            long[] f = perLayer.computeIfAbsent(s.layer(), l -> new long[] {NONE, NONE, NONE});
            if (!s.ok()) {
                if (f[0] == NONE) {
                    f[0] = Math.max(start, s.startMillis());
                }
                f[1] = s.atMillis();
                f[2] = NONE;
            } else if (f[1] != NONE && f[2] == NONE && s.atMillis() > f[1]) {
                f[2] = s.atMillis();
            }
        }

        long start() {
            return start;
        }

        /** When the window was closed; only once it is. */
        long end() {
            if (end == NONE) {
                throw new IllegalStateException("the window is still open");
            }
            return end;
        }

        /** The layer's recovery time in this window (ms); only once it is closed. */
        long rtoMillis(Layer layer) {
            long end = end();
            long[] f = perLayer.get(layer);
            if (f == null || f[0] == NONE) {
                return 0;
            }
            return (f[2] != NONE ? f[2] : end) - f[0];
        }
    }
}
