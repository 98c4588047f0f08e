package dev.corekit.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.corekit.logging.ErrorInfo;
import dev.corekit.messaging.internal.ConsumerBuilder;
import dev.corekit.messaging.internal.DefaultEventPublisher;
import dev.corekit.messaging.internal.EventCodec;
import dev.corekit.messaging.internal.PageMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.event.Level;

/**
 * A bulk job split into page events: the producer probes the total size, records the job in a {@link JobLedger} and
 * publishes one event per page, all in parallel; workers handle each page as an independent, idempotent unit that
 * retries (and is dead-lettered) on its own; the ledger records each page's outcome and, with the last one, the job's
 * completion, which is reported once (a {@code fanout.job.completed} record and an optional callback).
 *
 * <pre>{@code
 * FanOut<Export> exports = FanOut.of("exports.rows", Export.class, 500, MongoJobLedger.of(jobs));
 *
 * // producer
 * exports.start(messaging, exportId, export, () -> rows.count(export.filter()));
 *
 * // every worker instance
 * exports.worker(messaging, "exports-worker")
 *         .idempotencyStore(store)
 *         .onJobCompleted(status -> notifier.exportDone(status))
 *         .start(page -> files.write(page.jobId(), page.index(), rows.read(page.job().filter(), page.offset(), page.limit())));
 * }</pre>
 *
 * <p>Page events have the type {@code fanout.<name>.page} (version 1) and the id {@code <jobId>/<page index>}, so a
 * producer that starts the same job again after a failure re-publishes the same events and workers recognise them.
 *
 * @param <J> the job's parameters, serializable by Jackson
 */
public final class FanOut<J> {
    /** Pages a job may have at most. */
    public static final int MAX_PAGES = 1_000_000;

    /**
     * One page of a job.
     *
     * @param jobId the job
     * @param job its parameters
     * @param index this page, from 0
     * @param count how many pages the job has
     * @param offset the first item of this page
     * @param limit how many items this page covers (the last page may cover fewer than the page size)
     * @param total the job's total size
     * @param <J> the parameters' type
     */
    public record Page<J>(String jobId, J job, int index, int count, long offset, int limit, long total) {}

    /** Handles one page; throws to have it retried. */
    @FunctionalInterface
    public interface PageHandler<J> {
        void handle(Page<J> page) throws Exception;
    }

    private final String name;
    private final Class<J> jobType;
    private final int pageSize;
    private final JobLedger ledger;
    private final EventType<PageMessage> pageType;

    private FanOut(String name, Class<J> jobType, int pageSize, JobLedger ledger) {
        this.name = name;
        this.jobType = jobType;
        this.pageSize = pageSize;
        this.ledger = ledger;
        this.pageType = EventType.of("fanout." + name + ".page", 1, PageMessage.class);
    }

    /**
     * A fan-out named {@code name} (its page events are {@code fanout.<name>.page}).
     *
     * @throws IllegalArgumentException when the name does not make a valid event type name or {@code pageSize < 1}
     */
    public static <J> FanOut<J> of(String name, Class<J> jobType, int pageSize, JobLedger ledger) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(jobType, "jobType");
        Objects.requireNonNull(ledger, "ledger");
        if (pageSize < 1) {
            throw new IllegalArgumentException("fan-out '" + name + "': page size must be 1 or more, got " + pageSize);
        }
        return new FanOut<>(name, jobType, pageSize, ledger);
    }

    /** The event type of this fan-out's pages. */
    public EventType<?> pageType() {
        return pageType;
    }

    /**
     * Starts job {@code jobId}: probes its total size, records it and publishes its pages in parallel. The future
     * completes with the job's status once every page event is confirmed, or fails with the first
     * {@link PublishException}; starting the same job again then publishes the same page events (workers deduplicate
     * them). A job of size 0 has no page and is complete at once.
     *
     * @throws IllegalArgumentException when the probe returns a negative size, the job would exceed
     *     {@link #MAX_PAGES} pages, or {@code jobId} does not make valid page event ids ({@code <jobId>/<index>}, 1 to
     *     128 visible ASCII characters); nothing is recorded then
     */
    public CompletableFuture<JobStatus> start(Messaging messaging, String jobId, J job, LongSupplier probe) {
        Objects.requireNonNull(messaging, "messaging");
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(job, "job");
        Objects.requireNonNull(probe, "probe");
        return messaging.recorder().callAsync("fanout.start", op -> {
            long total = probe.getAsLong();
            if (total < 0) {
                throw new IllegalArgumentException(
                        "fan-out '" + name + "' job " + jobId + ": the probe returned a negative size " + total);
            }
            long pageCount = total / pageSize + (total % pageSize == 0 ? 0 : 1); // no overflow near Long.MAX_VALUE
            if (pageCount > MAX_PAGES) {
                throw new IllegalArgumentException("fan-out '" + name + "' job " + jobId + ": " + total
                        + " items in pages of " + pageSize + " make " + pageCount + " pages, over " + MAX_PAGES);
            }
            int pages = (int) pageCount;
            String lastPageId = jobId + "/" + Math.max(0, pages - 1);
            if (!DefaultEventPublisher.isEventId(lastPageId)) {
                throw new IllegalArgumentException("fan-out '" + name + "' job id '" + jobId + "' makes page event ids"
                        + " like '" + lastPageId + "': they must be 1 to 128 visible ASCII characters");
            }
            op.attr("fanout", name).attr("jobId", jobId).attr("total", total).attr("pages", pages);
            ledger.started(jobId, name, total, pages);
            JsonNode parameters = messaging.codec().mapper().valueToTree(job);
            List<CompletableFuture<PublishReceipt>> published = new ArrayList<>(pages);
            for (int index = 0; index < pages; index++) {
                long offset = (long) index * pageSize;
                int limit = (int) Math.min(pageSize, total - offset);
                published.add(messaging
                        .publisher()
                        .publish(
                                pageType,
                                jobId + "/" + index,
                                new PageMessage(jobId, parameters, index, pages, offset, limit, total)));
            }
            return CompletableFuture.allOf(published.toArray(CompletableFuture[]::new))
                    .thenApply(all -> ledger.status(jobId).orElseThrow());
        });
    }

    /** Starts building a worker that consumes this fan-out's pages from {@code queue}. */
    public Worker worker(Messaging messaging, String queue) {
        return new Worker(messaging, queue);
    }

    /** Builds a page worker: a consumer whose handler records each page's outcome in the ledger. */
    public final class Worker {
        private final Messaging messaging;
        private final ConsumerBuilder consumer;
        private Consumer<JobStatus> onCompleted = status -> {};
        private boolean hasStore;

        private Worker(Messaging messaging, String queue) {
            this.messaging = Objects.requireNonNull(messaging, "messaging");
            this.consumer = (ConsumerBuilder) messaging.consumer(queue);
        }

        /** The store that makes each page run once per id; required. */
        public Worker idempotencyStore(IdempotencyStore store) {
            consumer.idempotencyStore(store);
            hasStore = true;
            return this;
        }

        /** Called once per job, on the worker that recorded its last page outcome. */
        public Worker onJobCompleted(Consumer<JobStatus> listener) {
            this.onCompleted = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Overrides the concurrency of page handlers in this instance. */
        public Worker concurrency(int concurrency) {
            consumer.concurrency(concurrency);
            return this;
        }

        /**
         * Starts consuming pages with {@code handler}.
         *
         * @throws IllegalStateException without an idempotency store
         */
        public EventConsumer start(PageHandler<J> handler) {
            Objects.requireNonNull(handler, "handler");
            if (!hasStore) {
                throw new IllegalStateException("fan-out '" + name + "' worker needs an idempotency store, so that a"
                        + " redelivered page does not run twice");
            }
            EventCodec codec = messaging.codec();
            consumer.on(pageType, event -> {
                PageMessage message = event.payload();
                Page<J> page = new Page<>(
                        message.jobId(),
                        codec.mapper().treeToValue(message.job(), jobType),
                        message.index(),
                        message.count(),
                        message.offset(),
                        message.limit(),
                        message.total());
                handler.handle(page);
                finished(message.jobId(), message.index(), JobLedger.Outcome.SUCCEEDED, null);
            });
            consumer.onDeadLetter((body, reason, error, attempts) -> {
                PageMessage message = readPage(codec, body);
                if (message != null) {
                    finished(message.jobId(), message.index(), JobLedger.Outcome.FAILED, describe(reason, error));
                }
            });
            return consumer.start();
        }

        private PageMessage readPage(EventCodec codec, byte[] body) {
            try {
                return codec.payload(codec.decode(body), PageMessage.class);
            } catch (RuntimeException e) {
                return null; // not a page at all: the dead-letter queue has it, no job to record it for
            }
        }

        private void finished(String jobId, int index, JobLedger.Outcome outcome, String error) {
            if (!ledger.pageFinished(jobId, index, outcome, error)) {
                return;
            }
            JobStatus status = ledger.status(jobId).orElseThrow();
            Map<String, Object> attributes = new LinkedHashMap<>();
            attributes.put("fanout", name);
            attributes.put("jobId", jobId);
            attributes.put("total", status.total());
            attributes.put("pages", status.pages());
            attributes.put("succeeded", status.succeeded());
            attributes.put("failed", status.failed());
            attributes.put(
                    "durationMs",
                    Duration.between(status.startedAt(), status.completedAt()).toMillis());
            messaging
                    .recorder()
                    .event(
                            status.failed() == 0 ? Level.INFO : Level.WARN,
                            "fanout.job.completed",
                            "fan-out '" + name + "' job " + jobId + " completed: " + status.succeeded() + " of "
                                    + status.pages() + " pages succeeded",
                            attributes,
                            null);
            onCompleted.accept(status);
        }
    }

    private static String describe(String reason, ErrorInfo error) {
        return reason + ": " + error.type() + (error.message() == null ? "" : ": " + error.message());
    }
}
