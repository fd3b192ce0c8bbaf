package io.hadr4j.app;

import io.hadr4j.core.drill.DrillReport;
import io.hadr4j.postgres.PostgresBackupService;
import io.hadr4j.testkit.DrillFaults;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The local jar's command line: {@link Main}'s commands, plus {@code local} and the drill against a fresh local setup,
 * which run the testkit's two-region PostgreSQL. What {@code ./run-local} runs.
 */
public final class LocalMain implements Main.LocalCommands {

    private LocalMain() {
    }

    public static void main(String[] args) {
        Main.setLogDefaults();
        System.exit(run(args, System.out, System.err, System::getenv));
    }

    /** {@link Main#run} with the local commands. */
    static int run(String[] args, PrintStream out, PrintStream err, Function<String, String> env) {
        return Main.run(args, out, err, env, new LocalMain());
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
        out.println("\n" + setup.describe() + "\nopen " + setup.entryUri() + "/ (served by region A while it is healthy, else region B)."
                + "\nCtrl-C stops everything.");
        try {
            TimeUnit.DAYS.sleep(365);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Main.OK;
    }

    /** The drill with the testkit's faults: region A's app process stopped, a switchover, the primary killed and the standby promoted. */
    @Override
    public DrillReport drill(Options o, DrillCommand.Settings settings, PrintStream out) throws Exception {
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
