package io.hadr4j.core.drill;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A DR drill: a {@link Workload} runs while the {@link Step}s act one at a time, and the {@link DrillReport}
 * says, per step and per {@link Layer}, the RTO (from the first failed operation to the first successful one
 * after the last failure) and the RPO (acknowledged writes missing afterwards, and the time span they were
 * acknowledged in), compared with the {@link Objectives}. Immutable and checked when built; each {@link #run()} is
 * a new drill.
 *
 * <pre>{@code
 * DrillReport report = Drill.custom()
 *         .workload(Workload.writes(regionAwareDataSource, WriteTable.POSTGRESQL))
 *         .step(Step.inject("planned switchover", switchover))
 *         .step(Step.inject("primary killed", killAndFailover))
 *         .objectives(Objectives.of(Duration.ofSeconds(30), Duration.ZERO))
 *         .build().run();
 * report.write(Path.of("target/drill"));
 * }</pre>
 *
 * @param settle      how long every layer must be failure-free to end a step (default 5 s)
 * @param warmUp      how long every layer must be failure-free before the first step (default: {@code settle}); longer
 *                    when the steady state must include something periodic, such as a WAL archive interval
 * @param stepTimeout the longest a step may take to recover (default 5 min); a step that takes longer fails
 * @param progress    where the drill says what it is doing, one line at a time (for example {@code System.out::println})
 */
public record Drill(Workload workload, List<Step> steps, Duration settle, Duration warmUp, Duration stepTimeout, Objectives objectives,
                    Consumer<String> progress) {

    public Drill {
        Check.that(workload != null, "a drill needs a workload to measure: workload(Workload.of(entryUrl, dataSource, table))");
        Check.that(steps != null && !steps.isEmpty(), "a drill needs at least one step: step(Step.inject(name, fault))");
        steps = List.copyOf(steps);
        for (Step s : steps) {
            Check.that(workload.writes() != null || !(s instanceof Step.Restore), "restore step '" + s.name()
                    + "' deletes and restores the workload's writes, but the workload writes nothing: give it a DataSource, Workload.of(entryUrl, dataSource, table)");
        }
        Check.positive("settle", settle, "Duration.ofSeconds(5)");
        Check.positive("stepTimeout", stepTimeout, "Duration.ofMinutes(5)");
        Check.that(settle.compareTo(stepTimeout) < 0, "settle " + settle + " must be shorter than stepTimeout " + stepTimeout
                + ": a step ends after settle failure-free, within stepTimeout");
        warmUp = warmUp == null ? settle : warmUp;
        Check.positive("warmUp", warmUp, "Duration.ofSeconds(10), or leave it out to warm up for settle");
        Check.that(warmUp.compareTo(stepTimeout) < 0, "warmUp " + warmUp + " must be shorter than stepTimeout " + stepTimeout
                + ": the first step starts after warmUp failure-free, within stepTimeout");
        Check.that(objectives != null, "objectives(null): give Objectives.of(rto, rpo), or leave the default " + Objectives.DEFAULT);
        Check.that(progress != null, "progress(null): give a consumer of lines, such as System.out::println, or leave the default (none)");
    }

    public static Builder custom() {
        return new Builder();
    }

    /**
     * Runs the workload and every step in order, and returns the report.
     *
     * @throws IllegalStateException when the workload does not run failure-free before the first step (the
     *                               message shows its last operations), or its table cannot be created
     * @throws InterruptedException  when this thread is interrupted; the workload is stopped
     */
    public DrillReport run() throws InterruptedException {
        return new DrillRun(this).run();
    }

    /** Collects a drill's parts; {@link #build()} checks them and says what to change. */
    public static final class Builder {
        private Workload workload;
        private final List<Step> steps = new ArrayList<>();
        private Duration settle = Duration.ofSeconds(5);
        private Duration warmUp;
        private Duration stepTimeout = Duration.ofMinutes(5);
        private Objectives objectives = Objectives.DEFAULT;
        private Consumer<String> progress = line -> { };

        private Builder() {
        }

        public Builder workload(Workload workload) {
            this.workload = workload;
            return this;
        }

        /** Adds a step; steps run in the order they are added. */
        public Builder step(Step step) {
            Check.that(step != null, "step(null): give a Step.inject(name, fault) or a Step.restore(name, backups)");
            steps.add(step);
            return this;
        }

        public Builder settle(Duration settle) {
            this.settle = settle;
            return this;
        }

        /** How long the workload runs failure-free before the first step; default: as long as {@link #settle}. */
        public Builder warmUp(Duration warmUp) {
            this.warmUp = warmUp;
            return this;
        }

        public Builder stepTimeout(Duration stepTimeout) {
            this.stepTimeout = stepTimeout;
            return this;
        }

        /** What every step must meet (default: {@link Objectives#DEFAULT}). */
        public Builder objectives(Objectives objectives) {
            this.objectives = objectives;
            return this;
        }

        /** Nowhere by default. */
        public Builder progress(Consumer<String> progress) {
            this.progress = progress;
            return this;
        }

        public Drill build() {
            return new Drill(workload, steps, settle, warmUp, stepTimeout, objectives, progress);
        }
    }
}
