package io.hadr4j.core.backup;

/** Receives {@link Progress} of a running backup or restore, on the thread that runs it. Exceptions it throws are logged and ignored. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = p -> { };

    void onProgress(Progress progress);
}
