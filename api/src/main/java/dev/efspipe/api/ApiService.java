package dev.efspipe.api;

import dev.efspipe.api.config.ApiConfig;
import dev.efspipe.api.http.ApiProblem;
import dev.efspipe.api.http.ApiRequest;
import dev.efspipe.api.http.ApiResponse;
import dev.efspipe.api.datasets.Datasets;
import dev.efspipe.api.http.PathSegments;
import dev.efspipe.api.jobs.JobStatus;
import dev.efspipe.api.messages.MessageRoutes;
import dev.efspipe.api.messages.MessageWall;
import dev.efspipe.api.uploads.Uploads;
import dev.efspipe.api.web.WebAssets;
import dev.efspipe.layout.JobId;
import dev.efspipe.fs.DurableFiles;
import dev.efspipe.layout.EfsLayout;
import dev.efspipe.lock.LockTimeoutException;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.io.IOException;
import java.time.Clock;
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
 * POST   /api/uploads                        a presigned PUT, or a multipart plan
 * GET    /api/uploads/{key}                  what became of an upload
 * POST   /api/uploads/{key}/complete         finish a multipart upload
 * POST   /api/uploads/{key}/abort            drop a multipart upload
 * GET    /api/jobs/{id}                      a job's state
 * GET    /api/datasets                       the published datasets
 * GET    /api/datasets/{name}                a version's manifest (?version=, default CURRENT)
 * GET    /api/datasets/{name}/versions       its versions, newest first, and which is current
 * GET    /api/datasets/{name}/records        a page of NDJSON records (?limit=&amp;cursor=&amp;version=)
 * GET    /api/datasets/{name}/files/{path}   a published file, in ranges (Range, ?version=)
 * </pre>
 *
 * An object key in a path may be sent as it is (its slashes as slashes) or percent-encoded.
 */
public final class ApiService {
    private static final Logger LOG = Logger.getLogger(ApiService.class.getName());

    private final ApiConfig config;
    private final MessageRoutes messages;
    private final WebAssets web;
    private final Uploads uploads;
    private final JobStatus jobs;
    private final Datasets datasets;

    /** Used by tests: the S3 client and presigner are the caller's (and closed by it). */
    public ApiService(ApiConfig config, WebAssets web, S3Client s3, S3Presigner presigner, Clock clock) {
        this.config = config;
        EfsLayout layout = new EfsLayout(config.efs().root());
        DurableFiles files = new DurableFiles(config.efs().permissions());
        this.messages = new MessageRoutes(new MessageWall(layout.messageDir().resolve(config.messageFile()), files,
                config.efs().lockTimeout(), config.maxResponseBytes()));
        this.web = web;
        this.jobs = new JobStatus(layout);
        this.uploads = new Uploads(config, s3, presigner, jobs, clock);
        this.datasets = new Datasets(layout, config.maxResponseBytes());
    }

    /**
     * What the Lambda handler and the local server both use: everything from the environment, built once.
     * Credentials come from {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}/{@code AWS_SESSION_TOKEN}
     * in {@code env} when it has them (Lambda sets them; so does the local stack), else from the SDK's default chain.
     */
    public static ApiService fromEnvironment(Map<String, String> env) {
        ApiConfig config = ApiConfig.fromEnvironment(env);
        AwsCredentialsProvider credentials = credentials(env);
        Region region = Region.of(config.clients().region());
        var client = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(region).credentialsProvider(credentials);
        var presigner = S3Presigner.builder().region(region).credentialsProvider(credentials);
        if (config.clients().s3Endpoint() != null) {
            client.endpointOverride(config.clients().s3Endpoint()).forcePathStyle(true);
            presigner.endpointOverride(config.clients().s3Endpoint())
                    .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build());
        }
        return new ApiService(config, new WebAssets("web/", ApiService.class.getClassLoader(), config.maxResponseBytes()),
                client.build(), presigner.build(), Clock.systemUTC());
    }

    private static AwsCredentialsProvider credentials(Map<String, String> env) {
        String id = env.get("AWS_ACCESS_KEY_ID");
        String secret = env.get("AWS_SECRET_ACCESS_KEY");
        if (id == null || id.isBlank() || secret == null || secret.isBlank()) {
            return DefaultCredentialsProvider.builder().build();
        }
        String token = env.get("AWS_SESSION_TOKEN");
        return StaticCredentialsProvider.create(token == null || token.isBlank()
                ? AwsBasicCredentials.create(id, secret) : AwsSessionCredentials.create(id, secret, token));
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
            if (area.equals("uploads")) {
                return uploads(r, p);
            }
            if (area.equals("jobs") && n == 3) {
                requireGet(r);
                JobId id;
                try {
                    id = new JobId(p.get(2));
                } catch (IllegalArgumentException e) {
                    throw ApiProblem.badRequest(e.getMessage());
                }
                return ApiResponse.json(200, jobs.read(id).orElseThrow(() ->
                        ApiProblem.notFound("EFS has no record of job " + id + " (queued jobs have none yet)")));
            }
            if (area.equals("datasets")) {
                requireGet(r);
                if (n == 2) {
                    return datasets.list(r);
                }
                if (n == 3) {
                    return datasets.manifest(p.get(2), r);
                }
                if (n == 4 && p.get(3).equals("versions")) {
                    return datasets.versions(p.get(2));
                }
                if (n == 4 && p.get(3).equals("records")) {
                    return datasets.records(p.get(2), r);
                }
                if (n >= 5 && p.get(3).equals("files")) {
                    return datasets.file(p.get(2), String.join("/", p.subList(4, n)), r);
                }
            }
        }
        throw ApiProblem.notFound("No route for " + r.method() + " " + dev.efspipe.layout.DatasetName.printable(r.rawPath())
                + "; see GET / and the README's route table");
    }

    private ApiResponse uploads(ApiRequest r, List<String> p) throws IOException, ApiProblem {
        int n = p.size();
        if (n == 2) {
            if (!r.method().equals("POST")) {
                throw MessageRoutes.methodNotAllowed(r.method(), "POST");
            }
            return ApiResponse.json(201, uploads.create(r));
        }
        String last = p.get(n - 1);
        if (r.method().equals("POST") && n >= 4 && (last.equals("complete") || last.equals("abort"))) {
            String key = String.join("/", p.subList(2, n - 1));
            return ApiResponse.json(200, last.equals("complete") ? uploads.complete(key, r) : uploads.abort(key, r));
        }
        if (r.method().equals("POST")) {
            throw ApiProblem.notFound("POST /api/uploads/{key} must end in /complete or /abort");
        }
        requireGet(r);
        return ApiResponse.json(200, uploads.status(String.join("/", p.subList(2, n))));
    }

    private static void requireGet(ApiRequest r) throws ApiProblem {
        if (!r.method().equals("GET")) {
            throw MessageRoutes.methodNotAllowed(r.method(), "GET");
        }
    }
}
