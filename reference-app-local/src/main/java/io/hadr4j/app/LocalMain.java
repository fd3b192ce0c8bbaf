package io.hadr4j.app;

import io.hadr4j.core.drill.DrillOutcome;
import io.hadr4j.postgres.PostgresBackupService;
import io.hadr4j.testkit.DrillFaults;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The local jar's command line: {@link Main}'s commands, plus {@code local} and the drills against a fresh local setup
 * (the four-step drill, and the region-loss drill of one {@link Strategy} or of all four), which run the testkit's
 * two-region PostgreSQL. What {@code ./run-local} runs.
 */
public final class LocalMain implements Main.LocalCommands {
    private final StrategyDrill.Observer observer;

    private LocalMain(StrategyDrill.Observer observer) {
        this.observer = observer;
    }

    public static void main(String[] args) {
        Main.setLogDefaults();
        System.exit(run(args, System.out, System.err, System::getenv));
    }

    /** {@link Main#run} with the local commands. */
    static int run(String[] args, PrintStream out, PrintStream err, Function<String, String> env) {
        return run(args, out, err, env, StrategyDrill.Observer.NONE);
    }

    /** {@link #run}, with {@code observer} shown each strategy drill's live setup: for tests. */
    static int run(String[] args, PrintStream out, PrintStream err, Function<String, String> env, StrategyDrill.Observer observer) {
        return Main.run(args, out, err, env, new LocalMain(observer));
    }

    @Override
    public String usage() {
        return LocalSetup.Settings.USAGE;
    }

    @Override
    public int local(Options o, PrintStream out) throws Exception {
        LocalSetup.Settings settings = LocalSetup.Settings.from(o);
        o.rejectUnknown("local");
        LocalSetup setup = LocalSetup.start(settings, out);
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("stopping: app processes, global entry, database ...");
            setup.close();
            main.interrupt();
        }, "local-shutdown"));
        out.println("\n" + setup.describe() + "\nopen " + setup.entryUri() + "/ (" + serving(settings.strategy()) + ")."
                + "\nCtrl-C stops everything.");
        try {
            TimeUnit.DAYS.sleep(365);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Main.OK;
    }

    private static String serving(Strategy s) {
        switch (s) {
            case ACTIVE_ACTIVE:
                return "served by both regions by weight while they are healthy";
            case ACTIVE_PASSIVE:
                return "served by region A while it is healthy, else region B";
            default:
                return "served by region A; region B's app starts only at a failover: ./run-local drill --strategy " + s + " shows one";
        }
    }

    /**
     * With {@code --strategy S} or {@code --compare}: the region-loss drill of one strategy or of all four, compared in
     * one report. Otherwise the four-step drill with the testkit's faults: region A's app process stopped, a switchover,
     * the primary killed and the standby promoted, and a point-in-time restore.
     */
    @Override
    public DrillOutcome drill(Options o, DrillCommand.Settings settings, PrintStream out) throws Exception {
        boolean compare = o.flag("compare");
        boolean oneStrategy = o.string("strategy", null) != null;
        if (compare && oneStrategy) {
            throw new Options.ConfigException("give drill --strategy S (the region loss of one strategy) or drill --compare (all four), not both");
        }
        if (compare && (o.string("priority-a", null) != null || o.string("priority-b", null) != null)) {
            throw new Options.ConfigException("drill --compare gives each strategy its own priorities (1 and 1 for active-active, "
                    + "else 1 and 2): leave out --priority-a and --priority-b, or drill one strategy with --strategy S");
        }
        if (compare || oneStrategy) {
            List<Strategy> strategies = compare ? Strategy.all() : List.of(Strategy.from(o));
            Map<Strategy, LocalSetup.Settings> setups = new LinkedHashMap<>();
            for (Strategy s : strategies) {
                setups.put(s, LocalSetup.Settings.from(o, s)); // every strategy's settings checked before anything starts
            }
            o.rejectUnknown("drill");
            return StrategyDrill.run(strategies, setups, settings, out, observer);
        }
        LocalSetup.Settings localSettings = LocalSetup.Settings.from(o);
        o.rejectUnknown("drill");
        try (LocalSetup setup = LocalSetup.start(localSettings, out);
             RoutedDatabase db = new RoutedDatabase("drill", LocalSetup.REGION_B, setup.dbEndpoints(), setup.dbUser(),
                     setup.dbPassword(), localSettings.routerProbeInterval())) {
            out.println(setup.describe());
            DrillCommand.Faults faults = new DrillCommand.Faults(
                    DrillFaults.stopProcess("region A's app", setup.appProcess("a"), false),
                    DrillFaults.switchover(setup.database()),
                    DrillFaults.killAndFailover(setup.database()),
                    () -> new PostgresBackupService(setup.backupConfig()));
            return DrillCommand.run(setup.entryUri(), db.dataSource(), AppSql.POSTGRESQL, faults, settings, out);
        }
    }
}
