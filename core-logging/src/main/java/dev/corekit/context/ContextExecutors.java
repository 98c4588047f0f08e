package dev.corekit.context;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one place where corekit code and services create thread pools: every pool propagates {@link CallContext} from
 * submitter to task, and names its threads. (The ArchUnit rule pack forbids raw {@code Executors.new*} elsewhere.)
 *
 * <pre>{@code
 * ExecutorService pricing = ContextExecutors.newFixedThreadPool("pricing", 4);
 * }</pre>
 */
public final class ContextExecutors {
    private ContextExecutors() {}

    /** A fixed pool of daemon threads named {@code namePrefix-N}. */
    public static ExecutorService newFixedThreadPool(String namePrefix, int threads) {
        return CallContext.taskWrapping(Executors.newFixedThreadPool(threads, named(namePrefix)));
    }

    /** A scheduled pool of daemon threads named {@code namePrefix-N}. */
    public static ScheduledExecutorService newScheduledThreadPool(String namePrefix, int threads) {
        return CallContext.taskWrapping(Executors.newScheduledThreadPool(threads, named(namePrefix)));
    }

    /**
     * One virtual thread per task (JDK 21+), named {@code namePrefix-N}.
     *
     * @throws UnsupportedOperationException on a JDK without virtual threads
     */
    public static ExecutorService newVirtualThreadPerTaskExecutor(String namePrefix) {
        return CallContext.taskWrapping(VirtualThreads.executor(namePrefix));
    }

    /**
     * Registers {@code task} to run at JVM shutdown on a thread named {@code name}, in the context current now.
     * Returns the hook thread, for {@link Runtime#removeShutdownHook}.
     */
    public static Thread addShutdownHook(String name, Runnable task) {
        Thread hook = new Thread(CallContext.wrap(task), java.util.Objects.requireNonNull(name, "name"));
        Runtime.getRuntime().addShutdownHook(hook);
        return hook;
    }

    /** Whether this JDK has virtual threads. */
    public static boolean virtualThreadsAvailable() {
        return VirtualThreads.AVAILABLE;
    }

    private static ThreadFactory named(String namePrefix) {
        java.util.Objects.requireNonNull(namePrefix, "namePrefix");
        AtomicInteger counter = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, namePrefix + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Virtual threads through method handles: corekit compiles for Java 17 and uses them where the JDK has them. */
    private static final class VirtualThreads {
        static final boolean AVAILABLE;
        private static final MethodHandle OF_VIRTUAL;
        private static final MethodHandle NAME;
        private static final MethodHandle FACTORY;
        private static final MethodHandle PER_TASK;

        static {
            MethodHandle ofVirtual = null;
            MethodHandle name = null;
            MethodHandle factory = null;
            MethodHandle perTask = null;
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
            } catch (ReflectiveOperationException e) {
                ofVirtual = null;
            }
            AVAILABLE = ofVirtual != null;
            OF_VIRTUAL = ofVirtual;
            NAME = name;
            FACTORY = factory;
            PER_TASK = perTask;
        }

        static ExecutorService executor(String namePrefix) {
            if (!AVAILABLE) {
                throw new UnsupportedOperationException("virtual threads need JDK 21 or newer; this is "
                        + Runtime.version() + ": use ContextExecutors.newFixedThreadPool instead");
            }
            try {
                Object builder = NAME.invoke(OF_VIRTUAL.invoke(), namePrefix + "-", 1L);
                ThreadFactory factory = (ThreadFactory) FACTORY.invoke(builder);
                return (ExecutorService) PER_TASK.invoke(factory);
            } catch (Throwable e) {
                throw new IllegalStateException("cannot create a virtual-thread executor", e);
            }
        }
    }
}
