package dev.efspipe.api;

import dev.efspipe.config.Settings;
import dev.efspipe.config.TelemetryConfig;
import dev.efspipe.logging.LogContext;
import dev.efspipe.logging.Logs;
import dev.efspipe.metrics.EmbeddedMetrics;
import dev.efspipe.metrics.PipelineMetrics;
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
import dev.efspipe.layout.DatasetName;
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
import java.util.LinkedHashMap;
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
 *
 * <p>Every request is logged with what it is about ({@link LogContext}: the job id of {@code /api/jobs/{id}},
 * the key of {@code /api/uploads/{key}}, the dataset of {@code /api/datasets/{name}}) and counted in the
 * pipeline's metrics ({@link PipelineMetrics#API_REQUESTS}, client and server errors, latency). A request answered
 * 4xx gets one INFO line (the client's mistake, for whoever debugs the client); a 5xx one WARN or ERROR line
 * with the exception; a success none but its metrics.
 */
public final class ApiService {
    private static final Logger LOG = Logger.getLogger(ApiService.class.getName());

    private final ApiConfig config;
    private final MessageRoutes messages;
    private final WebAssets web;
    private final Uploads uploads;
    private final JobStatus jobs;
    private final Datasets datasets;
    private final PipelineMetrics metrics;
    private final Clock clock;

    /** Used by tests: the S3 client and presigner are the caller's (and closed by it); no metrics. */
    public ApiService(ApiConfig config, WebAssets web, S3Client s3, S3Presigner presigner, Clock clock) {
        this(config, web, s3, presigner, clock, PipelineMetrics.disabled());
    }

    /** The same, with the metrics each request is counted in. */
    public ApiService(ApiConfig config, WebAssets web, S3Client s3, S3Presigner presigner, Clock clock,
                      PipelineMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
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
        // JSON log lines with AWS_LAMBDA_LOG_FORMAT=JSON, as the other functions (README "Operating it").
        TelemetryConfig telemetry = TelemetryConfig.from(Settings.environment(env), "api");
        Logs.configure(telemetry);
        AwsCredentialsProvider credentials = credentials(env);
        Region region = Region.of(config.clients().region());
        var client = S3Client.builder().httpClient(UrlConnectionHttpClient.create()).region(region).credentialsProvider(credentials);
        var presigner = S3Presigner.builder().region(region).credentialsProvider(credentials);
        if (config.clients().s3Endpoint() != null) {
            client.endpointOverride(config.clients().s3Endpoint()).forcePathStyle(true);
            presigner.endpointOverride(config.clients().s3Endpoint())
                    .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build());
        }
        Clock clock = Clock.systemUTC();
        return new ApiService(config, new WebAssets("web/", ApiService.class.getClassLoader(), config.maxResponseBytes()),
                client.build(), presigner.build(), clock, PipelineMetrics.from(telemetry, PipelineMetrics.lines(System.err), clock));
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

    /** Answers {@code request}: never throws; a failure is a problem document (4xx or 5xx). */
    public ApiResponse handle(ApiRequest request) {
        long started = clock.millis();
        try (LogContext.Scope about = LogContext.restore(subject(request))) {
            ApiResponse response = answer(request);
            measure(request, response.status(), clock.millis() - started);
            return response;
        }
    }

    private ApiResponse answer(ApiRequest request) {
        try {
            return route(request, PathSegments.of(request.rawPath()));
        } catch (ApiProblem p) {
            if (p.status() >= 500) {
                LOG.log(Level.WARNING, request.method() + " " + DatasetName.printable(request.rawPath()) + ": " + p.status()
                        + " " + p.getMessage(), p.getCause());
            } else {
                LOG.info(() -> request.method() + " " + DatasetName.printable(request.rawPath()) + ": " + p.status() + " "
                        + DatasetName.printable(p.getMessage()));
            }
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

    /** One metrics document per request: counted, sorted by status class, timed; its request id and status as properties. */
    private void measure(ApiRequest request, int status, long millis) {
        EmbeddedMetrics.Document document = metrics.document()
                .count(PipelineMetrics.API_REQUESTS, 1)
                .count(PipelineMetrics.API_CLIENT_ERRORS, status >= 400 && status < 500 ? 1 : 0)
                .count(PipelineMetrics.API_SERVER_ERRORS, status >= 500 ? 1 : 0)
                .add(PipelineMetrics.API_LATENCY, millis, EmbeddedMetrics.Unit.MILLISECONDS)
                .property("method", request.method())
                .property("status", status);
        LogContext.current().forEach(document::property);
        document.emit();
    }

    /**
     * What a request is about, for its log lines: a well-formed job id, an upload's key, a dataset's name (as sent:
     * the JSON log escapes it). Empty for other routes and for paths that do not parse (the answer says why).
     */
    private static Map<String, String> subject(ApiRequest r) {
        List<String> p;
        try {
            p = PathSegments.of(r.rawPath());
        } catch (ApiProblem e) {
            return Map.of();
        }
        Map<String, String> fields = new LinkedHashMap<>();
        int n = p.size();
        if (n < 3 || !p.get(0).equals("api") || p.get(2).isEmpty()) {
            return fields;
        }
        switch (p.get(1)) {
            case "jobs" -> {
                if (n == 3 && isJobId(p.get(2))) {
                    fields.put(LogContext.JOB_ID, p.get(2));
                }
            }
            case "uploads" -> {
                boolean action = r.method().equals("POST") && n >= 4 && (p.get(n - 1).equals("complete") || p.get(n - 1).equals("abort"));
                fields.put(LogContext.KEY, String.join("/", p.subList(2, action ? n - 1 : n)));
            }
            case "datasets" -> fields.put(LogContext.DATASET, p.get(2));
            default -> { }
        }
        return fields;
    }

    private static boolean isJobId(String text) {
        try {
            new JobId(text);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
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
        throw ApiProblem.notFound("No route for " + r.method() + " " + DatasetName.printable(r.rawPath())
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
