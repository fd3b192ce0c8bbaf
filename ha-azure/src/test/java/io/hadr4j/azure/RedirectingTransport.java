package io.hadr4j.azure;

import java.net.MalformedURLException;
import java.net.URL;
import java.util.Objects;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;

import reactor.core.publisher.Mono;

/**
 * An azure-core {@link HttpClient} (the SDK's transport extension point) that sends every request for
 * {@code http://169.254.169.254} (IMDS, the VM managed-identity endpoint) over the real Netty client to a
 * {@link LocalHttp} on loopback instead, and refuses every other host: what the real azure-identity credential
 * sends is asserted there, and no request of a test can leave the machine.
 */
final class RedirectingTransport implements HttpClient {
    static final String IMDS_HOST = "169.254.169.254";

    private final HttpClient delegate = HttpClient.createDefault();
    private final LocalHttp target;

    RedirectingTransport(LocalHttp target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request) {
        URL url = request.getUrl();
        if (!IMDS_HOST.equals(url.getHost()) || !"http".equals(url.getProtocol())) {
            return Mono.error(new IllegalStateException("the test transport only serves http://" + IMDS_HOST + ", not " + url));
        }
        try {
            request.setUrl(new URL("http", "127.0.0.1", target.port(), url.getFile()));
        } catch (MalformedURLException e) {
            return Mono.error(e);
        }
        return delegate.send(request);
    }
}
