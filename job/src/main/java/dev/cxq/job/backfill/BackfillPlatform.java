package dev.cxq.job.backfill;

import java.util.Locale;

/** The platforms a backfill reads from, by their {@code --backfill} name. */
public enum BackfillPlatform {
    /** Genesys Cloud: asynchronous analytics conversation-details jobs. */
    GENESYS,
    /** NICE CXone: the reporting API's completed contacts. */
    NICE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException for any other name
     */
    public static BackfillPlatform of(String name) {
        for (BackfillPlatform platform : values()) {
            if (platform.wireName().equals(name)) {
                return platform;
            }
        }
        throw new IllegalArgumentException("unknown platform: " + name);
    }
}
