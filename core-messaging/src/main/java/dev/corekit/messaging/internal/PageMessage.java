package dev.corekit.messaging.internal;

import com.fasterxml.jackson.databind.JsonNode;

/** The payload of a fan-out page event: the job's parameters stay JSON until the worker reads them as its type. */
public record PageMessage(String jobId, JsonNode job, int index, int count, long offset, int limit, long total) {}
