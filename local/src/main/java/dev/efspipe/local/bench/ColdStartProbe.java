package dev.efspipe.local.bench;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs inside a fresh JVM whose class path is a Lambda deployment zip's contents (plus this one class):
 * constructs the handler the way the Lambda runtime does (public no-argument constructor, configuration
 * from the environment) and hands it one event, then prints the timings as one line of JSON.
 *
 * <p>Arguments: {@code none} (baseline: the JVM alone), or a handler class, {@code stream|sqs|http}, and a file
 * with the event JSON ({@code stream}), the SQS message body ({@code sqs}) or the path of an HTTP API GET
 * ({@code http}).
 */
public final class ColdStartProbe {
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static void main(String[] args) throws Exception {
        long mainAt = System.currentTimeMillis();
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long initMs = 0;
        long firstMs = 0;
        if (!args[0].equals("none")) {
            long t0 = System.nanoTime();
            Object handler = Class.forName(args[0]).getDeclaredConstructor().newInstance();
            long t1 = System.nanoTime();
            byte[] event = Files.readAllBytes(Path.of(args[2]));
            if (args[1].equals("http")) {
                // An HTTP API (payload 2.0) GET of the path in the file, as API Gateway sends it.
                var http = new com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext.Http();
                http.setMethod("GET");
                var ctx = new com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent.RequestContext();
                ctx.setHttp(http);
                var request = new com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent();
                request.setRawPath(new String(event, java.nio.charset.StandardCharsets.UTF_8).trim());
                request.setRequestContext(ctx);
                Object response = ((RequestHandler) handler).handleRequest(request, null);
                if (((com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse) response).getStatusCode() != 200) {
                    throw new IllegalStateException("the probe's request failed: " + response);
                }
            } else if (args[1].equals("stream")) {
                ((RequestStreamHandler) handler).handleRequest(new ByteArrayInputStream(event), new ByteArrayOutputStream(), null);
            } else {
                SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
                message.setMessageId("cold-start-probe");
                message.setBody(new String(event, StandardCharsets.UTF_8));
                SQSEvent sqs = new SQSEvent();
                sqs.setRecords(List.of(message));
                Object response = ((RequestHandler) handler).handleRequest(sqs, null);
                if (response.toString().contains("cold-start-probe")) {
                    throw new IllegalStateException("the probe's event failed: " + response);
                }
            }
            long t2 = System.nanoTime();
            initMs = (t1 - t0) / 1_000_000;
            firstMs = (t2 - t1) / 1_000_000;
        }
        System.out.printf("{\"jvmToMainMs\":%d,\"initMs\":%d,\"firstEventMs\":%d,\"totalMs\":%d}%n",
                mainAt - jvmStart, initMs, firstMs, System.currentTimeMillis() - jvmStart);
    }
}
