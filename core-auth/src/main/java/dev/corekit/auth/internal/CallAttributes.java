package dev.corekit.auth.internal;

import dev.corekit.auth.CallAttribute;
import dev.corekit.logging.Operation;

/** Attributes the built-in interceptors hand each other. */
public final class CallAttributes {
    /** The stable error code of the response an interceptor wrote (see {@code ErrorBody}). */
    public static final CallAttribute<String> ERROR_CODE = CallAttribute.of("corekit.error-code", String.class);
    /** The call's operation, opened by the call-record interceptor. */
    public static final CallAttribute<Operation> OPERATION = CallAttribute.of("corekit.operation", Operation.class);

    private CallAttributes() {}
}
