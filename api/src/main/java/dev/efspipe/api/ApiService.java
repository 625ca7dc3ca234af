package dev.efspipe.api;

import dev.efspipe.api.http.ApiProblem;
import dev.efspipe.api.http.ApiRequest;
import dev.efspipe.api.http.ApiResponse;
import dev.efspipe.api.http.PathSegments;
import dev.efspipe.api.messages.MessageRoutes;
import dev.efspipe.api.messages.MessageWall;
import dev.efspipe.api.web.WebAssets;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.lock.LockTimeoutException;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP API as plain Java: a request in, a response out, whatever carried it (the Lambda handler, the
 * local server). It routes by method and path and sorts failures: a bad request is a 4xx problem
 * document naming what was wrong; an I/O failure (EFS or S3 unavailable, a lock held too long) is a 503
 * the client may retry; anything else is a bug, logged, and answered 500.
 *
 * <pre>
 * GET    /                                   the web page (web/index.html)
 * GET    /assets/{file}                      the page's other files (web/{file})
 * GET    /api/messages                       the MessageWall
 * POST   /api/messages                       append one line, answer the wall
 * DELETE /api/messages                       delete the wall
 * </pre>
 */
public final class ApiService {
    private static final Logger LOG = Logger.getLogger(ApiService.class.getName());

    private final ApiConfig config;
    private final MessageRoutes messages;
    private final WebAssets web;

    public ApiService(ApiConfig config, WebAssets web) {
        this.config = config;
        EfsLayout layout = new EfsLayout(config.efsRoot());
        DurableFiles files = new DurableFiles(config.pipeline().permissions());
        this.messages = new MessageRoutes(new MessageWall(layout.messageDir().resolve(config.messageFile()), files,
                config.pipeline().lockTimeout(), config.maxResponseBytes()));
        this.web = web;
    }

    /** What the Lambda handler and the local server both use: everything from the environment, built once. */
    public static ApiService fromEnvironment(Map<String, String> env) {
        ApiConfig config = ApiConfig.fromEnvironment(env);
        return new ApiService(config, new WebAssets("web/", ApiService.class.getClassLoader(), config.maxResponseBytes()));
    }

    public ApiConfig config() {
        return config;
    }

    public ApiResponse handle(ApiRequest request) {
        try {
            return route(request, PathSegments.of(request.rawPath()));
        } catch (ApiProblem p) {
            return p.toResponse(request.rawPath());
        } catch (LockTimeoutException e) {
            LOG.warning(() -> request.method() + " " + request.rawPath() + ": " + e.getMessage());
            return new ApiProblem(503, "Busy", "The store is busy; retry shortly (" + e.getMessage() + ")",
                    Map.of("retry-after", "1")).toResponse(request.rawPath());
        } catch (IOException e) {
            LOG.log(Level.WARNING, request.method() + " " + request.rawPath() + ": " + e.getMessage(), e);
            return new ApiProblem(503, "Unavailable", "Storage is unavailable; retry shortly (" + e.getMessage() + ")",
                    Map.of("retry-after", "2")).toResponse(request.rawPath());
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "Bug answering " + request.method() + " " + request.rawPath(), e);
            return new ApiProblem(500, "Internal error", "An unexpected error; it was logged").toResponse(request.rawPath());
        }
    }

    private ApiResponse route(ApiRequest r, List<String> p) throws IOException, ApiProblem {
        int n = p.size();
        if (n == 1 && p.get(0).isEmpty()) {
            requireGet(r);
            return web.get("index.html");
        }
        if (n == 2 && p.get(0).equals("assets")) {
            requireGet(r);
            return web.get(p.get(1));
        }
        if (n >= 2 && p.get(0).equals("api")) {
            String area = p.get(1);
            if (area.equals("messages") && n == 2) {
                return messages.handle(r);
            }
        }
        throw ApiProblem.notFound("No route for " + r.method() + " " + dev.efspipe.layout.DatasetName.printable(r.rawPath())
                + "; see GET / and the README's route table");
    }

    private static void requireGet(ApiRequest r) throws ApiProblem {
        if (!r.method().equals("GET")) {
            throw MessageRoutes.methodNotAllowed(r.method(), "GET");
        }
    }
}
