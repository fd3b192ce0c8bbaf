package io.hadr4j.core.backup;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import io.hadr4j.core.Secrets;

/**
 * What to restore: a point in time (or a position in the database's log: a PostgreSQL LSN, an Oracle
 * SCN), into a new database of a given name. Immutable; {@link Builder#build()}
 * checks everything that can be checked without asking the database. Whether the point is inside the
 * restore window and the name is free is checked by {@link BackupService#restore} before it starts.
 *
 * <pre>{@code
 * RestoreRequest r = RestoreRequest.builder()
 *         .targetName("orders-before-bad-delete")
 *         .pointInTime(Instant.parse("2026-11-25T03:40:00Z"))
 *         .progressListener(p -> System.out.println(p))
 *         .build();
 * }</pre>
 */
public final class RestoreRequest {
    /** Names that are valid as a PostgreSQL directory, an Azure SQL database and an OCI display name alike. */
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    /** A log position in a database's own notation: a PostgreSQL LSN ({@code 0/3000060}), an Oracle SCN, ... */
    private static final Pattern LOG_POSITION = Pattern.compile("[A-Za-z0-9/._:-]{1,64}");
    /** The longest {@link #timeout()} accepted: a week (the largest cloud restores take hours, not days). */
    public static final Duration MAX_TIMEOUT = Duration.ofDays(7);

    private final String targetName;
    private final Instant pointInTime;
    private final String logPosition;
    private final Duration timeout;
    private final ProgressListener listener;

    private RestoreRequest(Builder b) {
        this.targetName = b.targetName;
        this.pointInTime = b.pointInTime;
        this.logPosition = b.logPosition;
        this.timeout = b.timeout;
        this.listener = b.listener;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The name of the new database (its directory, database or display name), unique among restores. */
    public String targetName() {
        return targetName;
    }

    /** The instant whose committed state the new database holds; empty when the request names a log position. */
    public Optional<Instant> pointInTime() {
        return Optional.ofNullable(pointInTime);
    }

    /**
     * The position in the source's log up to which (excluded) the new database replays, in the database's
     * own notation (PostgreSQL LSN such as {@code 0/3000060}, Oracle SCN); empty when the request names a time.
     */
    public Optional<String> logPosition() {
        return Optional.ofNullable(logPosition);
    }

    /** The point in time or the log position, for messages. */
    public String restorePoint() {
        return pointInTime != null ? pointInTime.toString() : "log position " + logPosition;
    }

    /** How long the restore may take before it is abandoned (and what it created removed). */
    public Duration timeout() {
        return timeout;
    }

    public ProgressListener progressListener() {
        return listener;
    }

    @Override
    public String toString() {
        return Secrets.mask("RestoreRequest[" + targetName + " at " + restorePoint() + ", timeout " + timeout + "]");
    }

    public static final class Builder {
        private String targetName;
        private Instant pointInTime;
        private String logPosition;
        private Duration timeout = Duration.ofMinutes(30);
        private ProgressListener listener = ProgressListener.NONE;

        private Builder() {
        }

        /** Lower-case letters, digits and '-', starting with a letter, at most 63 characters. */
        public Builder targetName(String targetName) {
            this.targetName = targetName;
            return this;
        }

        /** Restore the state committed at this instant. Set this or {@link #logPosition}, not both. */
        public Builder pointInTime(Instant pointInTime) {
            this.pointInTime = pointInTime;
            return this;
        }

        /** Restore up to this position in the log (excluded). Set this or {@link #pointInTime}, not both. */
        public Builder logPosition(String logPosition) {
            this.logPosition = logPosition;
            return this;
        }

        /** Default 30 minutes; more than zero and at most {@link #MAX_TIMEOUT} (7 days). */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder progressListener(ProgressListener listener) {
            this.listener = Objects.requireNonNull(listener, "progressListener: pass ProgressListener.NONE for none");
            return this;
        }

        public RestoreRequest build() {
            if (targetName == null || targetName.isBlank()) {
                throw new IllegalArgumentException("targetName is missing: set the name of the new database, 1 to 63 lower-case "
                        + "letters, digits and '-', starting with a letter (for example targetName(\"orders-restore-1\"))");
            }
            if (!NAME.matcher(targetName).matches()) {
                throw new IllegalArgumentException("targetName '" + Secrets.mask(targetName) + "' is not valid: use 1 to 63 lower-case letters, "
                        + "digits and '-', starting with a letter (for example 'orders-restore-1')");
            }
            if (logPosition != null && !LOG_POSITION.matcher(logPosition).matches()) {
                throw new IllegalArgumentException("logPosition '" + Secrets.mask(logPosition) + "' is not a log position: give the "
                        + "database's own notation, 1 to 64 letters, digits and / . _ : - (a PostgreSQL LSN such as 0/3000060, an "
                        + "Oracle SCN such as 4562789), or leave it unset and set pointInTime");
            }
            if (pointInTime == null && (logPosition == null || logPosition.isBlank())) {
                throw new IllegalArgumentException("pointInTime is missing: set the instant to restore to, for example "
                        + "pointInTime(Instant.parse(\"2026-11-25T03:40:00Z\")) (BackupService.restoreWindow() says which instants "
                        + "are possible), or a logPosition");
            }
            if (pointInTime != null && logPosition != null) {
                throw new IllegalArgumentException("both pointInTime (" + pointInTime + ") and logPosition (" + logPosition
                        + ") are set: set only one of them");
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
                throw new IllegalArgumentException("timeout must be positive and at most " + MAX_TIMEOUT.toDays() + " days, got "
                        + timeout + "; for example timeout(Duration.ofMinutes(30))");
            }
            return new RestoreRequest(this);
        }
    }
}
