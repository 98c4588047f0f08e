package dev.corekit.logging.mongo.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * A bounded, lock-free, multi-producer single-consumer queue of records: the MongoDB sink's hand-off from callers to
 * its writer. Producers never block and never take a lock (one compare-and-set on the producer index, one release
 * store of the element), so a caller never waits for the writer draining a batch, as it would on the single lock of an
 * {@code ArrayBlockingQueue}. The same layout as JCTools' {@code MpscArrayQueue}, without its dependency.
 *
 * <p>Indexes count every element ever offered ({@link #offered()}) and taken ({@link #taken()}), so the engine can wait
 * for "everything offered before now is settled" and count exactly. The consumer side ({@link #drainTo},
 * {@link #drainAll}) must be called by one thread at a time; the sink calls it under its hand-off lock.
 *
 * @param <E> the element type
 */
final class RecordQueue<E> extends RecordQueueFields {
    private static final VarHandle ELEMENTS = MethodHandles.arrayElementVarHandle(Object[].class);

    private final int capacity;
    private final int mask;
    private final Object[] elements;

    RecordQueue(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        int length = Integer.highestOneBit(capacity);
        length = length < capacity ? length << 1 : length;
        this.mask = length - 1;
        this.elements = new Object[length];
        producerLimit = capacity;
    }

    /** The most elements it holds. */
    int capacity() {
        return capacity;
    }

    /** Adds {@code element}; false when the queue is full. Lock-free; safe from any number of threads. */
    boolean offer(E element) {
        long limit = (long) PRODUCER_LIMIT.getVolatile(this);
        long index;
        do {
            index = (long) PRODUCER_INDEX.getVolatile(this);
            if (index >= limit) {
                limit = (long) CONSUMER_INDEX.getVolatile(this) + capacity;
                if (index >= limit) {
                    return false;
                }
                PRODUCER_LIMIT.setRelease(this, limit);
            }
        } while (!PRODUCER_INDEX.compareAndSet(this, index, index + 1));
        ELEMENTS.setRelease(elements, (int) (index & mask), element);
        return true;
    }

    /** How many elements were ever offered successfully (claimed slots, published or about to be). */
    long offered() {
        return (long) PRODUCER_INDEX.getVolatile(this);
    }

    /** How many elements were ever taken by the consumer. */
    long taken() {
        return (long) CONSUMER_INDEX.getVolatile(this);
    }

    /** Elements waiting: offered and not yet taken. */
    int size() {
        long taken = taken();
        long size = offered() - taken;
        return (int) Math.max(0, Math.min(capacity, size));
    }

    /**
     * Moves at most {@code max} published elements to {@code into}, oldest first; stops early at a slot a producer
     * claimed but has not published yet (it is taken next time). Consumer only.
     *
     * @return how many were moved
     */
    int drainTo(List<? super E> into, int max) {
        return drain(into, max, 0);
    }

    /**
     * Moves every element offered before this call to {@code into}, waiting for producers that claimed a slot to
     * publish it (they are between two instructions), at most {@code publishWaitNanos} for one slot. Consumer only;
     * used when nothing else will consume.
     *
     * @return how many were moved
     */
    int drainAll(List<? super E> into, long publishWaitNanos) {
        return drain(into, Integer.MAX_VALUE, publishWaitNanos);
    }

    @SuppressWarnings("unchecked")
    private int drain(List<? super E> into, int max, long publishWaitNanos) {
        boolean waitForClaimed = publishWaitNanos > 0;
        long index = (long) CONSUMER_INDEX.getOpaque(this);
        long end = waitForClaimed ? (long) PRODUCER_INDEX.getVolatile(this) : Long.MAX_VALUE;
        int moved = 0;
        long waitingSince = 0;
        while (moved < max && index < end) {
            int offset = (int) (index & mask);
            Object element = ELEMENTS.getAcquire(elements, offset);
            if (element == null) {
                if (!waitForClaimed) {
                    break; // empty, or claimed and not yet published: the writer takes it next time
                }
                long now = System.nanoTime();
                if (waitingSince == 0) {
                    waitingSince = now;
                } else if (now - waitingSince > publishWaitNanos) {
                    break; // a producer died between claiming and publishing: nothing will ever come
                }
                Thread.yield();
                continue;
            }
            waitingSince = 0;
            ELEMENTS.setOpaque(elements, offset, null);
            into.add((E) element);
            index++;
            moved++;
        }
        if (moved > 0) {
            CONSUMER_INDEX.setRelease(this, index);
        }
        return moved;
    }
}

/** Padding around the indexes, so that producers and the consumer do not share a cache line with other fields. */
abstract class RecordQueuePad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p10, p11, p12, p13, p14, p15, p16, p17;
}

abstract class RecordQueueProducer extends RecordQueuePad0 {
    volatile long producerIndex;
    volatile long producerLimit;
}

abstract class RecordQueuePad1 extends RecordQueueProducer {
    long p20, p21, p22, p23, p24, p25, p26, p27;
    long p30, p31, p32, p33, p34, p35, p36, p37;
}

abstract class RecordQueueConsumer extends RecordQueuePad1 {
    volatile long consumerIndex;
}

abstract class RecordQueueFields extends RecordQueueConsumer {
    long p40, p41, p42, p43, p44, p45, p46, p47;
    long p50, p51, p52, p53, p54, p55, p56, p57;

    static final VarHandle PRODUCER_INDEX;
    static final VarHandle PRODUCER_LIMIT;
    static final VarHandle CONSUMER_INDEX;

    static {
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            PRODUCER_INDEX = lookup.findVarHandle(RecordQueueProducer.class, "producerIndex", long.class);
            PRODUCER_LIMIT = lookup.findVarHandle(RecordQueueProducer.class, "producerLimit", long.class);
            CONSUMER_INDEX = lookup.findVarHandle(RecordQueueConsumer.class, "consumerIndex", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
