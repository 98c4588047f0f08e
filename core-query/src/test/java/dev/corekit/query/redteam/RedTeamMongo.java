package dev.corekit.query.redteam;

import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import dev.corekit.config.Config;
import dev.corekit.logging.InMemorySink;
import dev.corekit.logging.LogRecord;
import dev.corekit.logging.Recorder;
import dev.corekit.query.QueryClient;
import dev.corekit.query.QuerySettings;
import io.netty.channel.Channel;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.bson.BsonDocument;

/**
 * The red team's own in-process MongoDB-wire server (memory backend, plus latency on chosen collections) and a
 * {@link QueryClient} on it through the real driver, recording into an {@link InMemorySink}. A second command listener
 * (added through {@link QueryClient.Builder#configure}) keeps a copy of every command sent, so tests can count queries
 * and {@code $in} sizes independently of the monitor under test.
 */
final class RedTeamMongo implements AutoCloseable {
    static final String DATABASE = "shop";
    static final String CURSOR_KEY = "red-team-cursor-key-0123456789abcdef-0123";

    final LatencyBackend backend = new LatencyBackend();
    final MongoServer server = new MongoServer(backend);
    final InMemorySink sink = new InMemorySink();
    final List<SentCommand> sent = new CopyOnWriteArrayList<>();
    final String uri;
    final QueryClient client;

    RedTeamMongo() {
        this(settings -> settings);
    }

    RedTeamMongo(UnaryOperator<QuerySettings.Builder> settings) {
        this(settings, null);
    }

    RedTeamMongo(UnaryOperator<QuerySettings.Builder> settings, Function<InMemorySink, Recorder> recorderOf) {
        InetSocketAddress address = server.bind();
        uri = "mongodb://" + address.getHostString() + ":" + address.getPort() + "/" + DATABASE;
        Recorder recorder = recorderOf == null ? Recorder.of(sink) : recorderOf.apply(sink);
        CommandListener spy = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                // the driver's command document is backed by a buffer released after the event: keep a copy
                sent.add(new SentCommand(
                        event.getCommandName(), event.getCommand().clone()));
            }
        };
        client = QueryClient.custom()
                .settings(settings.apply(QuerySettings.custom(Config.defaultsOnly())
                                .mongodbUri(uri)
                                .cursorKey(CURSOR_KEY))
                        .build())
                .recorder(recorder)
                .configure(builder -> builder.addCommandListener(spy))
                .build();
    }

    /** Commands named {@code name} sent so far (as the driver started them). */
    List<BsonDocument> sent(String name) {
        return sent.stream()
                .filter(e -> e.name().equals(name))
                .map(SentCommand::command)
                .toList();
    }

    /** A command as sent. */
    record SentCommand(String name, BsonDocument command) {}

    long finds() {
        return sent("find").size();
    }

    /** Everything every record says, as one string: to look for leaked values. */
    String allRecordsText() {
        StringBuilder text = new StringBuilder();
        for (LogRecord record : sink.records()) {
            text.append(record).append('\n');
        }
        return text.toString();
    }

    @Override
    public void close() {
        client.close();
        server.shutdownNow();
    }

    /** The memory backend with latency added to commands on chosen collections. */
    static final class LatencyBackend extends MemoryBackend {
        final Map<String, Long> latencyMillis = new ConcurrentHashMap<>();

        @Override
        public Document handleCommand(Channel channel, String database, String command, Document query) {
            Object target = query.get(command);
            Long latency = target instanceof String name ? latencyMillis.get(name) : null;
            if (latency != null) {
                try {
                    Thread.sleep(latency);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return super.handleCommand(channel, database, command, query);
        }
    }
}
