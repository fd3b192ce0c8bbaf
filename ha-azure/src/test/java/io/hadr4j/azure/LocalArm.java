package io.hadr4j.azure;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.policy.RequestIdPolicy;
import com.azure.core.http.policy.UserAgentPolicy;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.core.util.HttpClientOptions;
import com.azure.resourcemanager.appservice.AppServiceManager;
import com.azure.resourcemanager.resources.fluentcore.utils.ResourceManagerUtils;
import com.azure.resourcemanager.sql.SqlServerManager;

/**
 * The real resource-manager clients pointed at a {@link LocalHttp}: a profile whose Resource Manager endpoint is the
 * local server, and a pipeline with the real Netty client whose only authentication is a fixed bearer header (the
 * SDK refuses a TokenCredential over plain http). Long-running operations poll without waiting.
 */
final class LocalArm {
    static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    static final String SUBSCRIPTION = "00000000-1111-2222-3333-444444444444";
    static final String BEARER = "Bearer arm-test-token";

    static {
        ResourceManagerUtils.InternalRuntimeContext.setDelayProvider(d -> Duration.ofMillis(1));
    }

    private LocalArm() {
    }

    static AzureProfile profile(LocalHttp http) {
        Map<String, String> endpoints = new HashMap<>(AzureEnvironment.AZURE.getEndpoints());
        endpoints.put("resourceManagerEndpointUrl", http.base() + "/");
        return new AzureProfile(TENANT, SUBSCRIPTION, new AzureEnvironment(endpoints));
    }

    static HttpPipeline pipeline(Duration responseTimeout) {
        HttpClient client = HttpClient.createDefault(new HttpClientOptions().setResponseTimeout(responseTimeout)
                .setReadTimeout(responseTimeout).setConnectTimeout(Duration.ofSeconds(2)));
        return new HttpPipelineBuilder().httpClient(client)
                .policies(new UserAgentPolicy("hadr4j-test"), new RequestIdPolicy(), (ctx, next) -> {
                    ctx.getHttpRequest().setHeader(HttpHeaderName.AUTHORIZATION, BEARER);
                    return next.process();
                }).build();
    }

    static SqlServerManager sql(LocalHttp http) {
        return SqlServerManager.authenticate(pipeline(Duration.ofSeconds(30)), profile(http));
    }

    static AppServiceManager appService(LocalHttp http) {
        return AppServiceManager.authenticate(pipeline(Duration.ofSeconds(30)), profile(http));
    }

    /** {@code /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Sql/servers/{server}}. */
    static String server(String rg, String server) {
        return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + rg + "/providers/Microsoft.Sql/servers/" + server;
    }

    /** An ARM error body. */
    static String error(String code, String message) {
        return "{\"error\":{\"code\":\"" + code + "\",\"message\":\"" + message + "\"}}";
    }

    /** An Azure-AsyncOperation status body. */
    static String status(String status) {
        return "{\"name\":\"op-1\",\"status\":\"" + status + "\",\"startTime\":\"2026-12-01T10:00:00Z\"}";
    }

    static String failed(String code, String message) {
        return "{\"name\":\"op-1\",\"status\":\"Failed\",\"startTime\":\"2026-12-01T10:00:00Z\",\"error\":{\"code\":\"" + code
                + "\",\"message\":\"" + message + "\"}}";
    }
}
