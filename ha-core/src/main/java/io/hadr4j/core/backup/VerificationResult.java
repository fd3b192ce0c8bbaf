package io.hadr4j.core.backup;

import java.util.List;

/**
 * The outcome of {@link BackupService#verify}: how many expectations were checked and which did not hold.
 *
 * @param checked    number of expectations checked
 * @param mismatches the expectations that failed, with what was found instead
 */
public record VerificationResult(int checked, List<Mismatch> mismatches) {
    public VerificationResult {
        mismatches = List.copyOf(mismatches);
    }

    /** One failed expectation: expected vs actual. */
    public record Mismatch(Expectations.Expectation expectation, String actual) {
        @Override
        public String toString() {
            return expectation + ": expected " + expectation.expected() + ", actual " + actual;
        }
    }

    public boolean passed() {
        return mismatches.isEmpty();
    }

    @Override
    public String toString() {
        return passed() ? "verified: all " + checked + " expectations hold"
                : mismatches.size() + " of " + checked + " expectations failed: " + mismatches;
    }
}
