package dev.corekit.context.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

/**
 * JDK 21 virtual threads through method handles: corekit compiles for Java 17 and uses them where the running JDK has
 * them. Internal: use {@code ContextExecutors.newVirtualThreadPerTaskExecutor}.
 *
 * <pre>{@code
 * if (VirtualThreads.available()) { ExecutorService raw = VirtualThreads.perTaskExecutor("io"); }
 * }</pre>
 */
public final class VirtualThreads {
    private static final MethodHandle OF_VIRTUAL;
    private static final MethodHandle NAME;
    private static final MethodHandle FACTORY;
    private static final MethodHandle PER_TASK;

    static {
        MethodHandle ofVirtual = null;
        MethodHandle name = null;
        MethodHandle factory = null;
        MethodHandle perTask = null;
        // JDK 19 and 20 have the methods as a preview that fails unless enabled: only 21+ counts.
        if (Runtime.version().feature() >= 21) {
            try {
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                Class<?> builder = Class.forName("java.lang.Thread$Builder");
                Class<?> ofVirtualType = Class.forName("java.lang.Thread$Builder$OfVirtual");
                ofVirtual = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtualType));
                name = lookup.findVirtual(
                        ofVirtualType, "name", MethodType.methodType(ofVirtualType, String.class, long.class));
                factory = lookup.findVirtual(builder, "factory", MethodType.methodType(ThreadFactory.class));
                perTask = lookup.findStatic(
                        Executors.class,
                        "newThreadPerTaskExecutor",
                        MethodType.methodType(ExecutorService.class, ThreadFactory.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                ofVirtual = null;
            }
        }
        OF_VIRTUAL = ofVirtual;
        NAME = name;
        FACTORY = factory;
        PER_TASK = perTask;
    }

    private VirtualThreads() {}

    /** Whether the running JDK has (final, non-preview) virtual threads. */
    public static boolean available() {
        return OF_VIRTUAL != null;
    }

    /**
     * A raw executor starting one virtual thread per task, named {@code namePrefix-1}, {@code namePrefix-2}, ...
     *
     * @throws UnsupportedOperationException on a JDK older than 21
     */
    public static ExecutorService perTaskExecutor(String namePrefix) {
        if (!available()) {
            throw new UnsupportedOperationException("virtual threads need JDK 21 or newer; this JVM is "
                    + Runtime.version() + ". Use ContextExecutors.newFixedThreadPool on older JDKs,"
                    + " or check ContextExecutors.virtualThreadsAvailable() first");
        }
        try {
            Object builder = NAME.invoke(OF_VIRTUAL.invoke(), namePrefix + "-", 1L);
            ThreadFactory factory = (ThreadFactory) FACTORY.invoke(builder);
            return (ExecutorService) PER_TASK.invoke(factory);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException("cannot create a virtual-thread executor", e);
        }
    }
}
