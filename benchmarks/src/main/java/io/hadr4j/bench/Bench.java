package io.hadr4j.bench;

import java.util.Arrays;

/** Entry point of {@code bench/run NAME}: each benchmark prints its figures and ends with one RESULT line. */
public final class Bench {
    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        String name = args.length == 0 ? "" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (name) {
            case "overhead" -> OverheadBench.run(rest);
            case "failover" -> FailoverBench.run(rest);
            case "soak" -> SoakBench.run(rest);
            case "health" -> io.hadr4j.core.health.HealthLoadBench.main(rest);
            case "restore" -> io.hadr4j.postgres.RestoreBench.main(rest);
            default -> {
                System.err.println("unknown benchmark '" + name + "': choose one of overhead, failover, soak, health, restore");
                System.exit(2);
            }
        }
    }
}
