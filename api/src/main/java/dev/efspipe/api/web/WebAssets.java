package dev.efspipe.api.web;

import dev.efspipe.api.http.ApiProblem;
import dev.efspipe.api.http.ApiResponse;
import dev.efspipe.layout.DatasetName;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The web page, served from class-path resources under one base ({@code web/} in the function's zip):
 * {@code GET /} is {@code index.html}, {@code GET /assets/<file>} any other file there. A file name is
 * one segment of {@code A-Z a-z 0-9 . _ -} starting with a letter or digit, so nothing but the base's own
 * files can be named; each is read up to {@code maxBytes}.
 */
public final class WebAssets {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("map", "application/json"));

    private final String base;
    private final ClassLoader loader;
    private final long maxBytes;

    /** @param base a resource folder such as {@code web/} */
    public WebAssets(String base, ClassLoader loader, long maxBytes) {
        this.base = base.endsWith("/") ? base : base + "/";
        this.loader = loader;
        this.maxBytes = maxBytes;
    }

    public ApiResponse get(String name) throws IOException, ApiProblem {
        if (!NAME.matcher(name).matches() || name.contains("..")) {
            throw ApiProblem.notFound("No web asset '" + DatasetName.printable(name) + "': asset names are one segment of"
                    + " A-Z a-z 0-9 . _ -");
        }
        int dot = name.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
        if (type == null) {
            throw ApiProblem.notFound("No web asset '" + name + "': its type is not one the page uses " + TYPES.keySet());
        }
        try (InputStream in = loader.getResourceAsStream(base + name)) {
            if (in == null) {
                throw ApiProblem.notFound("No web asset '" + name + "'");
            }
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw new IOException("Web asset " + base + name + " is over " + maxBytes + " bytes, too large for one response");
            }
            boolean text = type.startsWith("text/") || type.startsWith("application/json") || type.equals("image/svg+xml");
            return new ApiResponse(200, Map.of("content-type", type, "cache-control", "no-cache"), bytes, !text);
        }
    }
}
