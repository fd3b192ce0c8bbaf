package io.hadr4j.postgres;

import io.hadr4j.core.backup.Backup;
import io.hadr4j.core.backup.Expectations;
import io.hadr4j.core.backup.Progress;
import io.hadr4j.core.backup.RestoreRequest;
import io.hadr4j.core.backup.VerificationResult;
import io.hadr4j.testkit.PgNode;
import io.hadr4j.testkit.TwoRegionPostgres;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Benchmark of {@code bench/run restore}: base backup and point-in-time restore times on the testkit at
 * given data sizes, with the WAL volume the restore replayed. Not a test (it does not run in CI).
 *
 * <p>For each size (arguments such as {@code 100MB 1GB}; default {@code 100MB}) it starts a testkit, loads
 * about that much data with plain SQL (rows of about 1 KB, stored uncompressed), takes a base backup,
 * changes about a third of that again (updates and inserts: the WAL to replay), notes the instant,
 * archives the WAL, restores to the instant and checks the row count. It prints one line per size:
 * <pre>restore size=100MB dataMB=... backupMB=... backupMs=... restoreMs=... walReplayedMB=...</pre>
 * and at the end one line {@code RESULT restore 100MB.backupMs=... 100MB.restoreMs=... ...}.
 */
public final class RestoreBench {
    private static final int ROW_BYTES = 1045; // ~960 characters of text plus tuple and page overhead

    private RestoreBench() {
    }

    public static void main(String[] args) throws Exception {
        List<String> sizes = args.length == 0 ? List.of("100MB") : List.of(args);
        List<String> results = new ArrayList<>();
        for (String size : sizes) {
            results.add(run(size, megabytes(size)));
        }
        StringBuilder line = new StringBuilder("RESULT restore");
        for (String r : results) {
            System.out.println(r);
            String[] kv = r.split(" ");
            String size = kv[1].substring("size=".length());
            for (int i = 2; i < kv.length; i++) {
                line.append(' ').append(size).append('.').append(kv[i]);
            }
        }
        System.out.println(line);
    }

    static long megabytes(String size) {
        String s = size.toUpperCase(Locale.ROOT);
        if (s.endsWith("GB")) {
            return Long.parseLong(s.substring(0, s.length() - 2)) * 1024;
        }
        if (s.endsWith("MB")) {
            return Long.parseLong(s.substring(0, s.length() - 2));
        }
        throw new IllegalArgumentException("size '" + size + "': write it as <n>MB or <n>GB, for example 100MB or 1GB");
    }

    private static String run(String label, long megabytes) throws Exception {
        Path work = BackupTestSupport.workDirectory();
        try (TwoRegionPostgres db = TwoRegionPostgres.builder().build().start()) {
            PgNode source = db.nodeA();
            PostgresBackupService service = new PostgresBackupService(BackupTestSupport.config(db, source, work).build());
            long rows = megabytes * 1024 * 1024 / ROW_BYTES;
            source.execute("CREATE TABLE bench (id bigint PRIMARY KEY, pad text NOT NULL)");
            insert(source, 1, rows);
            long dataMB = source.queryForLong("SELECT pg_total_relation_size('bench')") >> 20;

            long t0 = System.nanoTime();
            Backup backup = service.takeBackup();
            long backupMs = (System.nanoTime() - t0) / 1_000_000;

            source.execute("UPDATE bench SET pad = upper(pad) WHERE id % 5 = 0");
            insert(source, rows + 1, rows + rows / 8);
            Expectations expected = Expectations.builder().rowCount("bench", rows + rows / 8).build();
            Instant t = Instant.parse(source.queryForString("SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', "
                    + "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"));
            source.execute("INSERT INTO bench VALUES (-1, 'after the restore point')");
            BackupTestSupport.switchWalAndAwaitArchived(db, source);

            List<Progress> events = new CopyOnWriteArrayList<>();
            long t1 = System.nanoTime();
            try (PostgresRestoredDatabase restored = service.restore(RestoreRequest.builder().targetName("bench-" + label.toLowerCase(Locale.ROOT))
                    .pointInTime(t).timeout(Duration.ofHours(2)).progressListener(events::add).build())) {
                long restoreMs = (System.nanoTime() - t1) / 1_000_000;
                VerificationResult check = service.verify(restored, expected);
                if (!check.passed()) {
                    throw new IllegalStateException("the restored copy is wrong: " + check);
                }
                long walReplayed = events.stream().filter(e -> e.phase().equals("replay")).mapToLong(Progress::bytesDone).max().orElse(0);
                return String.format(Locale.ROOT, "restore size=%s dataMB=%d backupMB=%d backupMs=%d restoreMs=%d walReplayedMB=%d",
                        label, dataMB, backup.sizeBytes() >> 20, backupMs, restoreMs, walReplayed >> 20);
            }
        } finally {
            PgFiles.deleteTree(work);
        }
    }

    /** Rows {@code from..to} of about 1 KB each, in batches of 50,000, kept below the TOAST threshold so they stay uncompressed. */
    private static void insert(PgNode node, long from, long to) {
        for (long start = from; start <= to; start += 50_000) {
            long end = Math.min(to, start + 49_999);
            node.execute("INSERT INTO bench SELECT g, repeat(md5(g::text), 30) FROM generate_series(" + start + ", " + end + ") g");
        }
    }
}
