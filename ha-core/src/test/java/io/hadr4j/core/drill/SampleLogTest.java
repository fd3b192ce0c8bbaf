package io.hadr4j.core.drill;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The drill's sample log: it answers what a scan of every sample would (RTO per step window, steadiness, the timeline),
 * while what it holds grows with the seconds of a drill, never with the number of samples.
 */
class SampleLogTest {
    private final AtomicLong clock = new AtomicLong();
    private final SampleLog log = new SampleLog(List.of(Layer.ENTRY, Layer.DB_WRITE), clock::get);

    @Test
    void holdsTheSameWhetherASecondHadTenSamplesOrAHundredThousand() {
        for (int second = 0; second < 10; second++) {
            for (int i = 0; i < 10; i++) {
                clock.set(second * 1000L + i);
                log.add(Layer.ENTRY, i % 3 != 0, "x");
                log.add(Layer.DB_WRITE, true, "x");
            }
        }
        int afterTwoHundred = log.retained();

        SampleLog busy = new SampleLog(List.of(Layer.ENTRY, Layer.DB_WRITE), clock::get);
        for (int second = 0; second < 10; second++) {
            for (int i = 0; i < 100_000; i++) {
                clock.set(second * 1000L + i % 1000);
                busy.add(Layer.ENTRY, i % 3 != 0, "x");
                busy.add(Layer.DB_WRITE, true, "x");
            }
        }
        // Ten seconds of two layers, and the latest few samples: the same for 200 and for 2,000,000 samples.
        assertEquals(2 * 10 + SampleLog.RECENT, afterTwoHundred);
        assertEquals(afterTwoHundred, busy.retained());
        assertEquals(SampleLog.RECENT, busy.recent().size());
        assertEquals(new DrillReport.Bucket(3, Layer.ENTRY, 66_666, 33_334), busy.timeline().get(3));
    }

    @Test
    void answersWhatAScanOfEverySampleAnswers() {
        Random random = new Random(42);
        for (int run = 0; run < 200; run++) {
            clock.set(0);
            SampleLog log = new SampleLog(List.of(Layer.ENTRY, Layer.DB_WRITE), clock::get);
            List<SampleLog.Sample> all = new ArrayList<>();
            List<long[]> windows = new ArrayList<>();
            List<SampleLog.Window> measured = new ArrayList<>();
            SampleLog.Window open = null;
            long openedAt = 0;
            int openedIndex = 0;
            double failureRate = random.nextDouble();
            for (int i = 0; i < 400; i++) {
                clock.addAndGet(random.nextInt(3)); // several samples within one millisecond too
                if (random.nextInt(40) == 0) {
                    if (open == null) {
                        open = log.open();
                        openedAt = clock.get();
                        openedIndex = all.size();
                    } else {
                        log.close(open);
                        windows.add(new long[] {openedAt, clock.get(), openedIndex, all.size()});
                        measured.add(open);
                        open = null;
                    }
                }
                Layer layer = random.nextBoolean() ? Layer.ENTRY : Layer.DB_WRITE;
                all.add(log.add(layer, random.nextDouble() > failureRate, "op " + i));
                long from = clock.get() - random.nextInt(50);
                long settle = random.nextInt(60);
                assertEquals(scanSteady(all, clock.get(), from, settle), log.steady(from, settle), "steady at sample " + i + " of run " + run);
            }
            for (int w = 0; w < measured.size(); w++) {
                for (Layer layer : List.of(Layer.ENTRY, Layer.DB_WRITE)) {
                    long[] win = windows.get(w);
                    assertEquals(scanRto(all.subList((int) win[2], (int) win[3]), layer, win[0], win[1]), measured.get(w).rtoMillis(layer),
                            layer + " RTO of window " + w + " of run " + run);
                }
            }
            assertEquals(scanTimeline(all), log.timeline(), "run " + run);
            assertEquals(all.subList(all.size() - SampleLog.RECENT, all.size()), log.recent());
        }
    }

    @Test
    void aLayerRecoversAtItsFirstSuccessAfterItsLastFailureAndAnOpenWindowSaysSo() {
        SampleLog.Window step = log.open();
        clock.set(100);
        log.add(Layer.ENTRY, false, "503");
        clock.set(150);
        log.add(Layer.ENTRY, true, "200");
        clock.set(200);
        log.add(Layer.ENTRY, false, "503");
        clock.set(260);
        log.add(Layer.ENTRY, true, "200");
        log.add(Layer.DB_WRITE, true, "seq 1");
        assertThrows(IllegalStateException.class, () -> step.rtoMillis(Layer.ENTRY), "open windows have no RTO yet");
        clock.set(300);
        log.close(step);
        assertEquals(160, step.rtoMillis(Layer.ENTRY), "from the first failure (100) to the success after the last one (260)");
        assertEquals(0, step.rtoMillis(Layer.DB_WRITE), "no failure, no recovery time");
        assertEquals(300, step.end());

        SampleLog.Window unrecovered = log.open();
        clock.set(400);
        log.add(Layer.DB_WRITE, false, "08H01");
        clock.set(900);
        log.close(unrecovered);
        clock.set(950);
        log.add(Layer.DB_WRITE, true, "seq 2"); // after the window: not its business
        assertEquals(500, unrecovered.rtoMillis(Layer.DB_WRITE), "still failing at the end: up to the end");
        assertFalse(log.steady(0, 600), "db-write failed at 400: not 600 ms without a failure at 950");
        assertTrue(log.steady(0, 500));
        assertFalse(log.steady(500, 500), "failures before 'from' do not count, but 'from' itself starts the settle time");
        clock.set(1100);
        assertTrue(log.steady(0, 600));
        assertThrows(IllegalArgumentException.class, () -> log.add(Layer.RESTORE, true, "not measured"));
    }

    /** A slow operation fails from its start: a request that timed out, a write that stalled past the timeout. */
    @Test
    void aFailedOperationCountsFromItsStartOrFromTheWindowsStart() {
        clock.set(1_000);
        SampleLog.Window step = log.open();
        clock.set(3_500);
        log.add(Layer.DB_WRITE, false, "seq 7 acknowledged after 2400 ms", 1_100); // stalled since 1100
        clock.set(3_560);
        log.add(Layer.DB_WRITE, true, "seq 8");
        clock.set(3_600);
        log.add(Layer.ENTRY, false, "timed out", 600); // under way before the window opened: counts from its start (1000)
        clock.set(3_650);
        log.add(Layer.ENTRY, true, "200");
        clock.set(4_000);
        log.close(step);
        assertEquals(2_460, step.rtoMillis(Layer.DB_WRITE), "from the stalled write's start (1100) to the next success (3560)");
        assertEquals(2_650, step.rtoMillis(Layer.ENTRY), "from the window's start (1000), not the request's (600)");
        assertEquals(new DrillReport.Bucket(3, Layer.DB_WRITE, 1, 1), log.timeline().get(log.timeline().size() - 1),
                "the timeline counts an operation in the second it ended");
        SampleLog.Sample future = log.add(Layer.ENTRY, true, "200", 9_000);
        assertEquals(future.atMillis(), future.startMillis(), "a start after now is now");
    }

    /** What the drill did before the sample log: scan every sample. */
    private static boolean scanSteady(List<SampleLog.Sample> all, long now, long from, long settle) {
        for (Layer layer : List.of(Layer.ENTRY, Layer.DB_WRITE)) {
            long lastFailure = from;
            SampleLog.Sample last = null;
            for (SampleLog.Sample s : all) {
                if (s.layer() == layer) {
                    last = s;
                    if (!s.ok()) {
                        lastFailure = Math.max(lastFailure, s.atMillis());
                    }
                }
            }
            if (last == null || !last.ok() || now - lastFailure < settle) {
                return false;
            }
        }
        return true;
    }

    /** {@code all}: the samples added while the window was open. */
    private static long scanRto(List<SampleLog.Sample> all, Layer layer, long start, long end) {
        Long firstFailure = null;
        Long lastFailure = null;
        for (SampleLog.Sample s : all) {
            if (s.layer() == layer && s.atMillis() >= start && s.atMillis() <= end && !s.ok()) {
                firstFailure = firstFailure == null ? s.atMillis() : firstFailure;
                lastFailure = s.atMillis();
            }
        }
        if (firstFailure == null) {
            return 0;
        }
        for (SampleLog.Sample s : all) {
            if (s.layer() == layer && s.ok() && s.atMillis() > lastFailure && s.atMillis() <= end) {
                return s.atMillis() - firstFailure;
            }
        }
        return end - firstFailure;
    }

    private static List<DrillReport.Bucket> scanTimeline(List<SampleLog.Sample> all) {
        List<DrillReport.Bucket> out = new ArrayList<>();
        for (Layer layer : List.of(Layer.ENTRY, Layer.DB_WRITE)) {
            java.util.TreeMap<Long, int[]> perSecond = new java.util.TreeMap<>();
            for (SampleLog.Sample s : all) {
                if (s.layer() == layer) {
                    perSecond.computeIfAbsent(s.atMillis() / 1000, k -> new int[2])[s.ok() ? 0 : 1]++;
                }
            }
            perSecond.forEach((second, n) -> out.add(new DrillReport.Bucket(second, layer, n[0], n[1])));
        }
        return out;
    }
}
