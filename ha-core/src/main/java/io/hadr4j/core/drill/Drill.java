package io.hadr4j.core.drill;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A DR drill: a {@link Workload} runs while the {@link Step}s act one at a time, and the {@link DrillReport}
 * says, per step and per {@link Layer}, the RTO (from the first failed operation to the first successful one
 * after the last failure) and the RPO (acknowledged writes missing afterwards, and the time span they were
 * acknowledged in), compared with the {@link Objectives}. Immutable; {@link Builder#build()} checks it, and
 * each {@link #run()} is a new drill.
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
 * <p>Before the first step the workload must run failure-free for {@link Builder#settle(Duration) settle}; a step
 * ends once every layer has been failure-free that long again (or after {@link Builder#stepTimeout(Duration)
 * stepTimeout}, and the step fails).
 */
public final class Drill {
    private final Workload workload;
    private final List<Step> steps;
    private final Duration settle;
    private final Duration stepTimeout;
    private final Objectives objectives;
    private final Consumer<String> progress;

    private Drill(Builder b) {
        this.workload = b.workload;
        this.steps = List.copyOf(b.steps);
        this.settle = b.settle;
        this.stepTimeout = b.stepTimeout;
        this.objectives = b.objectives;
        this.progress = b.progress;
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

    public Workload workload() {
        return workload;
    }

    public List<Step> steps() {
        return steps;
    }

    public Duration settle() {
        return settle;
    }

    public Duration stepTimeout() {
        return stepTimeout;
    }

    public Objectives objectives() {
        return objectives;
    }

    Consumer<String> progress() {
        return progress;
    }

    public static final class Builder {
        private Workload workload;
        private final List<Step> steps = new ArrayList<>();
        private Duration settle = Duration.ofSeconds(5);
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
            if (step == null) {
                throw new IllegalArgumentException("step(null): give a Step.inject(name, fault) or a Step.restore(name, backups)");
            }
            steps.add(step);
            return this;
        }

        /** How long every layer must be failure-free before the first step and to end a step (default 5 s). */
        public Builder settle(Duration settle) {
            this.settle = settle;
            return this;
        }

        /** The longest a step may take to recover (default 5 min); a step that takes longer fails. */
        public Builder stepTimeout(Duration stepTimeout) {
            this.stepTimeout = stepTimeout;
            return this;
        }

        /** What every step must meet (default: {@link Objectives#DEFAULT}). */
        public Builder objectives(Objectives objectives) {
            this.objectives = objectives;
            return this;
        }

        /** Where the drill says what it is doing, one line at a time (for example {@code System.out::println}); nowhere by default. */
        public Builder progress(Consumer<String> progress) {
            this.progress = progress;
            return this;
        }

        public Drill build() {
            if (workload == null) {
                throw new IllegalArgumentException("a drill needs a workload to measure: workload(Workload.custom().requests(url).writes(dataSource, table).build())");
            }
            if (steps.isEmpty()) {
                throw new IllegalArgumentException("a drill needs at least one step: step(Step.inject(name, fault))");
            }
            if (workload.writes() == null) {
                for (Step s : steps) {
                    if (s instanceof Step.Restore) {
                        throw new IllegalArgumentException("restore step '" + s.name() + "' deletes and restores the workload's writes, "
                                + "but the workload writes nothing: give it writes(dataSource, table)");
                    }
                }
            }
            Workload.Builder.requirePositive("settle", settle, "Duration.ofSeconds(5)");
            Workload.Builder.requirePositive("stepTimeout", stepTimeout, "Duration.ofMinutes(5)");
            if (settle.compareTo(stepTimeout) >= 0) {
                throw new IllegalArgumentException("settle " + settle + " must be shorter than stepTimeout " + stepTimeout
                        + ": a step ends after settle failure-free, within stepTimeout");
            }
            if (objectives == null) {
                throw new IllegalArgumentException("objectives(null): give Objectives.of(rto, rpo), or leave the default " + Objectives.DEFAULT);
            }
            if (progress == null) {
                throw new IllegalArgumentException("progress(null): give a consumer of lines, such as System.out::println, or leave the default (none)");
            }
            return new Drill(this);
        }
    }
}
