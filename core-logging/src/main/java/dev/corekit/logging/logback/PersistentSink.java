package dev.corekit.logging.logback;

import dev.corekit.logging.MongoSink;
import dev.corekit.logging.Operations;
import dev.corekit.logging.Sink;

/** Where persisted events go: the process-wide MongoDB sink, when one is configured. */
final class PersistentSink {
    private PersistentSink() {}

    static Sink get() {
        return Operations.mongoSink().orElse(null);
    }

    static boolean isWriterThread() {
        return MongoSink.isWriterThread();
    }
}
