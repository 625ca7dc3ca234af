package dev.efspipe.api.messages;

import dev.efspipe.api.http.ApiProblem;
import dev.efspipe.api.http.ApiRequest;
import dev.efspipe.api.http.ApiResponse;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * {@code GET|POST|DELETE /api/messages}: the MessageWall over HTTP. A post's body is the message, taken
 * as text whatever form content type {@code curl -d} sends (as the seed did); it must be UTF-8, one line
 * (a trailing newline is dropped) and at most {@value #MAX_MESSAGE_BYTES} bytes.
 */
public final class MessageRoutes {
    public static final int MAX_MESSAGE_BYTES = 1 << 20;

    private final MessageWall wall;

    public MessageRoutes(MessageWall wall) {
        this.wall = wall;
    }

    public ApiResponse handle(ApiRequest request) throws IOException, ApiProblem {
        return switch (request.method()) {
            case "GET" -> answer(wall.read());
            case "POST" -> answer(wall.post(message(request)));
            case "DELETE" -> ApiResponse.text(200, wall.delete());
            default -> throw methodNotAllowed(request.method(), "GET, POST, DELETE");
        };
    }

    private static ApiResponse answer(MessageWall.Wall w) {
        ApiResponse r = ApiResponse.text(200, w.text());
        return w.truncatedFrom() < 0 ? r : r.withHeader("x-wall-bytes", Long.toString(w.truncatedFrom()));
    }

    static String message(ApiRequest request) throws ApiProblem {
        byte[] body = request.body();
        if (body.length > MAX_MESSAGE_BYTES) {
            throw ApiProblem.tooLarge("The message is " + body.length + " bytes, over the limit of " + MAX_MESSAGE_BYTES);
        }
        String type = request.header("content-type");
        if (type != null) {
            String t = type.toLowerCase(Locale.ROOT);
            if (!t.startsWith("text/") && !t.startsWith("application/x-www-form-urlencoded")) {
                throw new ApiProblem(415, "Unsupported media type", "A message is text (text/plain), not '" + type + "'");
            }
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw ApiProblem.badRequest("The message is not UTF-8 text").causedBy(e);
        }
        int end = text.length();
        while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
            end--;
        }
        text = text.substring(0, end);
        if (text.isEmpty()) {
            throw ApiProblem.badRequest("The message is empty: send the text as the request body");
        }
        int lineBreak = Math.max(text.indexOf('\n'), text.indexOf('\r'));
        if (lineBreak >= 0) {
            throw ApiProblem.badRequest("A message is one line; this one has a line break at character " + lineBreak);
        }
        return text;
    }

    public static ApiProblem methodNotAllowed(String method, String allowed) {
        return new ApiProblem(405, "Method not allowed", method + " is not allowed here; use " + allowed,
                java.util.Map.of("allow", allowed));
    }
}
