package io.hadr4j.core.backup;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

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
        return "RestoreRequest[" + targetName + " at " + restorePoint() + ", timeout " + timeout + "]";
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

        /** Default 30 minutes. */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder progressListener(ProgressListener listener) {
            this.listener = Objects.requireNonNull(listener, "progressListener: pass ProgressListener.NONE for none");
            return this;
        }

        public RestoreRequest build() {
            if (targetName == null || !NAME.matcher(targetName).matches()) {
                throw new IllegalArgumentException("targetName '" + targetName + "' is not valid: use 1 to 63 lower-case letters, "
                        + "digits and '-', starting with a letter (for example 'orders-restore-1')");
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
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout + "; for example timeout(Duration.ofMinutes(30))");
            }
            return new RestoreRequest(this);
        }
    }
}
