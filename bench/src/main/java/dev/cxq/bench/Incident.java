package dev.cxq.bench;

/** A fired degradation incident: what cxq and the CEP baseline must agree on. */
public record Incident(String sessionId, long firedAtMillis) {}
