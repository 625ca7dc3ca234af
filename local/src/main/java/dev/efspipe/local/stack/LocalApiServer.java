package dev.efspipe.local.stack;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.efspipe.api.config.ApiConfig;
import dev.efspipe.api.ApiHandler;
import dev.efspipe.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * API Gateway (HTTP API, payload format 2.0) on loopback, in front of the api handler: each request
 * becomes the event JSON API Gateway sends, which the handler receives through the Lambda runtime's own
 * serializers ({@link LocalFunction}), and the handler's response JSON becomes the HTTP answer. The
 * limits are API Gateway's and Lambda's: a request body over 10 MB is refused with 413, and a function
 * response over 6 MB is a 502 (where AWS answers 500 with "Internal Server Error"), so tests see the cap.
 */
public final class LocalApiServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LocalApiServer.class.getName());
    /** API Gateway's payload limit for a request. */
    static final int MAX_REQUEST_BYTES = 10 * 1024 * 1024;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private final HttpServer server;
    private final LocalFunction function;
    private final ExecutorService workers;

    private LocalApiServer(HttpServer server, LocalFunction function, ExecutorService workers) {
        this.server = server;
        this.function = function;
        this.workers = workers;
    }

    /** Starts on {@code 127.0.0.1:port} (0 for any free port) with {@code handler} behind it. */
    public static LocalApiServer start(int port, ApiHandler handler, Duration timeout) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        ExecutorService workers = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "local-api");
            t.setDaemon(true);
            return t;
        });
        LocalFunction function = LocalFunction.of("api", timeout, 512, handler, APIGatewayV2HTTPEvent.class,
                APIGatewayV2HTTPResponse.class);
        LocalApiServer api = new LocalApiServer(server, function, workers);
        server.createContext("/", api::serve);
        server.setExecutor(workers);
        server.start();
        return api;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readNBytes(MAX_REQUEST_BYTES + 1);
            }
            if (body.length > MAX_REQUEST_BYTES) {
                send(exchange, 413, "application/json", "{\"message\":\"Request Entity Too Large\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String response;
            try {
                response = function.invoke(event(exchange, body));
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.SEVERE, "The api function failed on " + exchange.getRequestURI(), e);
                send(exchange, 500, "application/json", "{\"message\":\"Internal Server Error\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            if (response.getBytes(StandardCharsets.UTF_8).length > ApiConfig.LAMBDA_RESPONSE_CAP) {
                LOG.severe("The api function's response to " + exchange.getRequestURI() + " is over Lambda's "
                        + ApiConfig.LAMBDA_RESPONSE_CAP + " bytes");
                send(exchange, 502, "application/json", "{\"message\":\"Response payload size exceeded\"}"
                        .getBytes(StandardCharsets.UTF_8));
                return;
            }
            JsonNode r = Json.MAPPER.readTree(response);
            r.path("headers").fields().forEachRemaining(h -> exchange.getResponseHeaders().set(h.getKey(), h.getValue().asText()));
            String text = r.path("body").isNull() ? "" : r.path("body").asText("");
            byte[] out = r.path("isBase64Encoded").asBoolean(false) ? Base64.getDecoder().decode(text)
                    : text.getBytes(StandardCharsets.UTF_8);
            send(exchange, r.path("statusCode").asInt(500), null, out);
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        if (type != null) {
            exchange.getResponseHeaders().set("content-type", type);
        }
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** The HTTP API's payload 2.0 event for one request. */
    static String event(HttpExchange exchange, byte[] body) throws IOException {
        URI uri = exchange.getRequestURI();
        String rawPath = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        ObjectNode e = Json.MAPPER.createObjectNode();
        e.put("version", "2.0");
        e.put("routeKey", "$default");
        e.put("rawPath", rawPath);
        e.put("rawQueryString", uri.getRawQuery() == null ? "" : uri.getRawQuery());
        ObjectNode headers = e.putObject("headers");
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.put(name.toLowerCase(Locale.ROOT), String.join(",", values)));
        Instant now = Instant.now();
        ObjectNode ctx = e.putObject("requestContext");
        ctx.put("accountId", "000000000000");
        ctx.put("apiId", "local");
        ctx.put("domainName", exchange.getLocalAddress().getHostString() + ":" + exchange.getLocalAddress().getPort());
        ctx.put("domainPrefix", "local");
        ObjectNode http = ctx.putObject("http");
        http.put("method", exchange.getRequestMethod());
        http.put("path", rawPath);
        http.put("protocol", exchange.getProtocol());
        http.put("sourceIp", exchange.getRemoteAddress().getAddress().getHostAddress());
        http.put("userAgent", exchange.getRequestHeaders().getFirst("user-agent"));
        ctx.put("requestId", UUID.randomUUID().toString());
        ctx.put("routeKey", "$default");
        ctx.put("stage", "$default");
        ctx.put("time", TIME.format(now));
        ctx.put("timeEpoch", now.toEpochMilli());
        if (body.length > 0) {
            String type = exchange.getRequestHeaders().getFirst("content-type");
            boolean text = type != null && (type.startsWith("text/") || type.startsWith("application/json"));
            // Like API Gateway: text bodies as they are, anything else base64-encoded.
            e.put("body", text ? new String(body, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(body));
            e.put("isBase64Encoded", !text);
        } else {
            e.put("isBase64Encoded", false);
        }
        return e.toString();
    }

    @Override
    public void close() {
        server.stop(0);
        workers.shutdownNow();
    }

}
