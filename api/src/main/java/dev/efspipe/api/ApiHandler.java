package dev.efspipe.api;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.efspipe.api.http.ApiProblem;
import dev.efspipe.api.http.ApiRequest;
import dev.efspipe.api.http.ApiResponse;
import dev.efspipe.logging.LogContext;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * The api Lambda behind an API Gateway HTTP API (payload format 2.0). An adapter: the event becomes an
 * {@link ApiRequest}, {@link ApiService} answers it, and the answer becomes the response (binary bodies
 * base64-encoded). The service is built once per execution environment; the invocation's request id is in every
 * log line written while it answers ({@link LogContext}).
 */
public final class ApiHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final ApiService service;

    /** Used by the Lambda runtime: configuration from the environment. */
    public ApiHandler() {
        this(ApiService.fromEnvironment(System.getenv()));
    }

    /** Used by tests and the local stack. */
    public ApiHandler(ApiService service) {
        this.service = service;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        String path = event.getRawPath() == null ? "/" : event.getRawPath();
        ApiResponse response;
        try (LogContext.Scope request = LogContext.with(LogContext.REQUEST_ID, context == null ? null : context.getAwsRequestId())) {
            response = service.handle(request(event, path));
        } catch (ApiProblem p) {
            response = p.toResponse(path);
        }
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(response.status())
                .withHeaders(response.headers())
                .withBody(response.binary() ? Base64.getEncoder().encodeToString(response.body()) : response.bodyText())
                .withIsBase64Encoded(response.binary())
                .build();
    }

    private static ApiRequest request(APIGatewayV2HTTPEvent event, String path) throws ApiProblem {
        var http = event.getRequestContext() == null ? null : event.getRequestContext().getHttp();
        String method = http == null || http.getMethod() == null ? "GET" : http.getMethod();
        byte[] body;
        if (event.getBody() == null) {
            body = new byte[0];
        } else if (event.getIsBase64Encoded()) {
            try {
                body = Base64.getDecoder().decode(event.getBody());
            } catch (IllegalArgumentException e) {
                throw ApiProblem.badRequest("The request body is marked base64 but does not decode: " + e.getMessage());
            }
        } else {
            body = event.getBody().getBytes(StandardCharsets.UTF_8);
        }
        Map<String, String> headers = event.getHeaders() == null ? Map.of() : event.getHeaders();
        return new ApiRequest(method, path, ApiRequest.parseQuery(event.getRawQueryString()), headers, body);
    }
}
