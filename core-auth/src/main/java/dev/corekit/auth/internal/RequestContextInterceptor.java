package dev.corekit.auth.internal;

import dev.corekit.auth.Call;
import dev.corekit.auth.Interceptor;
import dev.corekit.context.CallContext;
import dev.corekit.context.ContextHeaders;
import dev.corekit.context.Scope;

/**
 * Makes the incoming call's context current for the rest of the chain: request id and W3C trace context from the
 * headers (or new ones), and echoes the request id in the response.
 */
public final class RequestContextInterceptor implements Interceptor {
    private final String name;

    public RequestContextInterceptor(String name) {
        this.name = name;
    }

    @Override
    public void intercept(Call call, Chain chain) throws Exception {
        CallContext context = ContextHeaders.extract(call::header);
        call.setResponseHeader(ContextHeaders.REQUEST_ID, context.requestId());
        try (Scope scope = context.activate()) {
            chain.proceed(call);
        }
    }

    @Override
    public String name() {
        return name;
    }
}
