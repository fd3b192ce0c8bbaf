package io.hadr4j.core.backup;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * What a restored database should hold: row counts and checksums of tables, and results of queries.
 * Immutable. Build it by hand, or take it from a live database with {@link BackupService#capture}, which
 * also records the instant it describes.
 *
 * <pre>{@code
 * Expectations e = Expectations.builder()
 *         .rowCount("orders", 1200)
 *         .checksum("orders", "9b2f...")                    // as BackupService.capture computes it
 *         .query("SELECT max(id) FROM orders", "1200")       // first column of the first row, as text
 *         .build();
 * }</pre>
 */
public final class Expectations {
    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

    /** What is checked. */
    public enum Kind { ROW_COUNT, CHECKSUM, QUERY }

    /**
     * One expectation.
     *
     * @param subject  the table (row count, checksum) or the SQL query
     * @param expected the expected value, as text
     */
    public record Expectation(Kind kind, String subject, String expected) {
        @Override
        public String toString() {
            return switch (kind) {
                case ROW_COUNT -> "row count of " + subject;
                case CHECKSUM -> "checksum of " + subject;
                case QUERY -> "result of '" + subject + "'";
            };
        }
    }

    private final List<Expectation> items;
    private final Instant capturedAt;

    private Expectations(List<Expectation> items, Instant capturedAt) {
        this.items = List.copyOf(items);
        this.capturedAt = capturedAt;
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<Expectation> items() {
        return items;
    }

    /** The instant (database clock) a {@link BackupService#capture capture} describes; empty when built by hand. */
    public Optional<Instant> capturedAt() {
        return Optional.ofNullable(capturedAt);
    }

    /**
     * For implementations: compares every expectation with what {@code measure} finds on the restored
     * database. An exception from {@code measure} counts as a mismatch whose actual value is the error.
     */
    public VerificationResult check(Function<Expectation, String> measure) {
        List<VerificationResult.Mismatch> mismatches = new ArrayList<>();
        for (Expectation e : items) {
            String actual;
            try {
                actual = measure.apply(e);
            } catch (RuntimeException ex) {
                actual = "error: " + ex.getMessage();
            }
            if (!Objects.equals(e.expected(), actual)) {
                mismatches.add(new VerificationResult.Mismatch(e, actual));
            }
        }
        return new VerificationResult(items.size(), mismatches);
    }

    @Override
    public String toString() {
        return "Expectations" + items + (capturedAt == null ? "" : " at " + capturedAt);
    }

    public static final class Builder {
        private final List<Expectation> items = new ArrayList<>();
        private Instant capturedAt;

        private Builder() {
        }

        public Builder rowCount(String table, long rows) {
            if (rows < 0) {
                throw new IllegalArgumentException("rowCount(" + table + ", " + rows + "): a row count cannot be negative");
            }
            items.add(new Expectation(Kind.ROW_COUNT, table(table), Long.toString(rows)));
            return this;
        }

        /** The checksum as {@link BackupService#capture} computes it (for PostgreSQL: md5 of the rows ordered by primary key). */
        public Builder checksum(String table, String checksum) {
            if (checksum == null || checksum.isBlank()) {
                throw new IllegalArgumentException("checksum(" + table + ", ...) needs a non-blank checksum; take one with BackupService.capture");
            }
            items.add(new Expectation(Kind.CHECKSUM, table(table), checksum));
            return this;
        }

        /** A query whose first column of the first row, as text, must equal {@code expected} (null for SQL NULL or no row). */
        public Builder query(String sql, String expected) {
            if (sql == null || sql.isBlank()) {
                throw new IllegalArgumentException("query(sql, expected) needs a non-blank SQL query");
            }
            items.add(new Expectation(Kind.QUERY, sql, expected));
            return this;
        }

        public Builder capturedAt(Instant capturedAt) {
            this.capturedAt = capturedAt;
            return this;
        }

        public Expectations build() {
            if (items.isEmpty()) {
                throw new IllegalArgumentException("no expectations: add at least one rowCount, checksum or query");
            }
            return new Expectations(items, capturedAt);
        }

        private static String table(String table) {
            return checkTableName(table);
        }
    }

    /**
     * Returns {@code table} when it is a plain table name ({@code name} or {@code schema.name} of letters,
     * digits and '_'), safe to put into SQL; else fails saying so.
     */
    public static String checkTableName(String table) {
        if (table == null || !TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("table '" + table + "' is not a plain table name: use name or schema.name "
                    + "(letters, digits, '_'); for anything else use query(sql, expected)");
        }
        return table;
    }
}
