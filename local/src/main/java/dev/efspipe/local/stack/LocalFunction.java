package dev.efspipe.local.stack;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A handler as the Lambda Java runtime calls it: JSON in, JSON out. Typed handlers get their event
 * deserialised (and their response serialised) by {@code aws-lambda-java-serialization}, the runtime's
 * own serializers, so field names and dates behave as they do in Lambda; stream handlers get the bytes.
 */
public final class LocalFunction {
    private final String name;
    private final Duration timeout;
    private final int memoryMb;
    private final Invoker invoker;

    private interface Invoker {
        byte[] invoke(byte[] event, LocalContext context) throws IOException;
    }

    private LocalFunction(String name, Duration timeout, int memoryMb, Invoker invoker) {
        this.name = name;
        this.timeout = timeout;
        this.memoryMb = memoryMb;
        this.invoker = invoker;
    }

    public static LocalFunction of(String name, Duration timeout, int memoryMb, RequestStreamHandler handler) {
        return new LocalFunction(name, timeout, memoryMb, (event, context) -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            handler.handleRequest(new ByteArrayInputStream(event), out, context);
            return out.toByteArray();
        });
    }

    public static <I, O> LocalFunction of(String name, Duration timeout, int memoryMb, RequestHandler<I, O> handler,
                                          Class<I> eventType, Class<O> responseType) {
        ClassLoader loader = LocalFunction.class.getClassLoader();
        PojoSerializer<I> in = LambdaEventSerializers.serializerFor(eventType, loader);
        PojoSerializer<O> out = LambdaEventSerializers.serializerFor(responseType, loader);
        return new LocalFunction(name, timeout, memoryMb, (event, context) -> {
            O response = handler.handleRequest(in.fromJson(new ByteArrayInputStream(event)), context);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            out.toJson(response, bytes);
            return bytes.toByteArray();
        });
    }

    public String name() {
        return name;
    }

    /** Invokes the handler with one event, as Lambda would; returns the response JSON. */
    public String invoke(String eventJson) throws IOException {
        byte[] response = invoker.invoke(eventJson.getBytes(StandardCharsets.UTF_8), new LocalContext(name, timeout, memoryMb));
        return new String(response, StandardCharsets.UTF_8);
    }
}
