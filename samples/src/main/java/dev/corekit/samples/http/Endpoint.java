package dev.corekit.samples.http;

/**
 * What serves one route: a request in, a response out. Throw {@link HttpError} for an answer in the error shape
 * (400, 404, ...); any other exception is a 500, recorded by the pipeline with its request id and never shown to the
 * client.
 */
@FunctionalInterface
public interface Endpoint {
    /** Serves {@code request}. */
    Response handle(Request request) throws Exception;
}
