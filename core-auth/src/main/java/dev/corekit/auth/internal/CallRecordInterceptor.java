package dev.corekit.auth.internal;

import dev.corekit.auth.Call;
import dev.corekit.auth.ErrorBody;
import dev.corekit.auth.Interceptor;
import dev.corekit.logging.GlobalRecorder;
import dev.corekit.logging.Operation;
import dev.corekit.logging.Recorder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One operation record per call, named after its procedure. 2xx/3xx succeed; 4xx and 5xx fail with a
 * {@link CallStatusError} carrying the error body's code; an exception fails the operation with that exception and is
 * answered with a 500 error body when the response is still open.
 */
public final class CallRecordInterceptor implements Interceptor {
    private static final Logger LOG = LoggerFactory.getLogger(CallRecordInterceptor.class);

    private final String name;
    private final Recorder recorder;

    public CallRecordInterceptor(String name, Recorder recorder) {
        this.name = name;
        this.recorder = recorder;
    }

    @Override
    public void intercept(Call call, Chain chain) throws Exception {
        Recorder target = recorder == null ? GlobalRecorder.get() : recorder;
        Operation operation = target.start(call.procedure().name());
        operation.attr("http.method", call.method()).attr("http.path", call.path());
        call.attribute(CallAttributes.OPERATION, operation);
        Throwable failure = null;
        try {
            chain.proceed(call);
        } catch (Exception | Error e) {
            failure = e;
        } finally {
            call.attribute(CallAttributes.OPERATION, null);
        }
        if (failure != null) {
            if (failure instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            answerFailure(call);
            operation.attr("http.status", call.status() == 0 ? 500 : call.status());
            operation.fail(failure);
            if (failure instanceof Error error) {
                throw error;
            }
            return;
        }
        int status = call.status();
        if (status == 0) {
            ErrorBody.respond(call, 500, ErrorBody.NO_RESPONSE, "The service sent no response.");
            status = 500;
        }
        operation.attr("http.status", status);
        if (status >= 400) {
            operation.fail(new CallStatusError(status, call.attribute(CallAttributes.ERROR_CODE)));
        } else {
            operation.succeed();
        }
    }

    private static void answerFailure(Call call) {
        if (call.isCommitted()) {
            return;
        }
        try {
            ErrorBody.respond(call, 500, ErrorBody.INTERNAL, "The service failed. Quote the request id to support.");
        } catch (Exception | LinkageError e) {
            LOG.debug("could not answer a failed call: {}", e.getClass().getName());
        }
    }

    @Override
    public String name() {
        return name;
    }
}
