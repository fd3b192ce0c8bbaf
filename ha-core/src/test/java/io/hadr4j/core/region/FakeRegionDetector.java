package io.hadr4j.core.region;

import java.util.Optional;

/** Registered in src/test/resources/META-INF/services; answers only while the test property is set. */
public final class FakeRegionDetector implements RegionDetector {

    static final String PROPERTY = "hadr4j.test.detected-region";

    @Override
    public String name() {
        return "test";
    }

    @Override
    public Optional<RegionInfo> detect() {
        String region = System.getProperty(PROPERTY);
        return region == null ? Optional.empty() : Optional.of(RegionInfo.of(region, "zone-1", null, "instance-7"));
    }
}
