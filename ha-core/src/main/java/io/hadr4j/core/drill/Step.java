package io.hadr4j.core.drill;

import io.hadr4j.core.backup.BackupService;

import java.util.concurrent.Callable;

/**
 * One step of a drill: what it does, under a name for the report. Two kinds:
 * <ul>
 *   <li>{@link Inject}: a {@link Fault} is injected (optionally healed once the workload has recovered), and the
 *       step measures how long each layer took to recover and which acknowledged writes were lost;</li>
 *   <li>{@link Restore}: a bad delete of the workload's rows, then a point-in-time restore into a new database to
 *       the instant before it, verified against what was captured then; the restore layer's RTO runs from the
 *       delete to the verified copy, and its lost writes are acknowledged writes before that instant that the copy
 *       lacks.</li>
 * </ul>
 */
public sealed interface Step permits Step.Inject, Step.Restore {

    /** The step's name in the report and the log. */
    String name();

    /** A step that injects {@code fault}. */
    static Inject inject(String name, Fault fault) {
        return new Inject(name, fault, false);
    }

    /**
     * A restore step on the backup service that {@code backups} gives when the step starts (it may depend on which
     * server is primary by then); a null service makes the step "not run".
     */
    static Restore restore(String name, Callable<? extends BackupService> backups) {
        return new Restore(name, backups);
    }

    /** Injects {@code fault}; with {@code heal}, heals it once every layer has recovered, and waits for them to recover again. */
    record Inject(String name, Fault fault, boolean heal) implements Step {
        public Inject {
            name = requireName(name);
            Check.that(fault != null, "step '" + name + "' needs a fault to inject, not null");
        }

        /** This step, healing its fault once the workload has recovered from it. */
        public Inject thenHeal() {
            return new Inject(name, fault, true);
        }
    }

    /** A bad delete and a point-in-time restore to the instant before it, verified. */
    record Restore(String name, Callable<? extends BackupService> backups) implements Step {
        public Restore {
            name = requireName(name);
            Check.that(backups != null, "step '" + name + "' needs a source of its backup service, not null "
                    + "(() -> null reports the step as not run)");
        }
    }

    private static String requireName(String name) {
        Check.that(name != null && !name.isBlank(), "a step needs a non-blank name for the report, for example \"planned database switchover\"");
        return name.trim();
    }
}
