package dev.cxq.udf.model;

/** Where an event came from, the canonical format or a platform adapter. */
public enum Platform implements WireEnum {
    CANONICAL,
    GENESYS,
    NICE
}
