package io.hadr4j.core.backup;

import java.time.Instant;
import java.util.Objects;

/**
 * One complete backup.
 *
 * @param id            the implementation's identifier (a directory name, an OCI backup OCID)
 * @param startTime     when it started (database clock)
 * @param stopTime      when it became consistent: the earliest instant it can restore to
 * @param sizeBytes     its size, or -1 when unknown
 * @param startPosition the log position where it starts (PostgreSQL LSN, Oracle SCN), or "" when unknown
 * @param stopPosition  the log position where it is consistent, or "" when unknown
 */
public record Backup(String id, Instant startTime, Instant stopTime, long sizeBytes, String startPosition, String stopPosition) {
    public Backup {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(startTime, "startTime");
        Objects.requireNonNull(stopTime, "stopTime");
        startPosition = startPosition == null ? "" : startPosition;
        stopPosition = stopPosition == null ? "" : stopPosition;
    }
}
