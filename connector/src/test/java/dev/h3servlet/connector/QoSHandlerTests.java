package dev.h3servlet.connector;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.h3servlet.connector.testing.TestServers;
import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.test.JettyClientsExtension;
import dev.h3servlet.test.TestCertificate;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static dev.h3servlet.connector.testing.TestServers.TIMEOUT_SECONDS;
import static dev.h3servlet.test.LifeCycles.stopAll;
import static dev.h3servlet.connector.testing.TestServers.tlsPort;
import static dev.h3servlet.connector.testing.TestServers.uri;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Load shedding over HTTP/3 with Jetty's {@link QoSHandler} in front of the app, as the demo does: a request over the
 * concurrency limit waits without a thread and is handled when a place frees, one beyond the queue gets 503 at once,
 * one that waits too long gets 503, all on streams of one HTTP/3 connection that carries on serving afterwards. The
 * handler answers with the protocol it saw, so every 200 proves HTTP/3 on both sides.
 */
@Tag(TestTransport.BOTH)
@Timeout(60)
class QoSHandlerTests {

	@RegisterExtension
	static final JettyClientsExtension clients = new JettyClientsExtension();

	@TempDir
	static Path directory;

	static TestCertificate certificate;

	private final HoldingHandler app = new HoldingHandler();

	private Server server;

	@BeforeAll
	static void createCertificate() throws Exception {
		certificate = TestCertificate.create(directory);
	}

	@AfterEach
	void stopServer() throws Exception {
		this.app.release.countDown();
		stopAll(this.server);
	}

	@Test
	void aRequestOverTheLimitWaitsAndOneBeyondTheQueueGets503AtOnce() throws Exception {
		QoSHandler qos = start(1, 1, Duration.ofSeconds(TIMEOUT_SECONDS));
		CompletableFuture<ContentResponse> held = send("/hold");
		assertThat(this.app.holding.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
		CompletableFuture<ContentResponse> queued = send("/");
		awaitSuspended(qos, 1);

		ContentResponse rejected = send("/").get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		assertThat(rejected.getStatus()).isEqualTo(503);
		assertThat(rejected.getVersion()).isEqualTo(HttpVersion.HTTP_3);
		assertThat(queued).isNotDone();
		assertThat(this.app.handled).hasValue(1);

		this.app.release.countDown();
		assertServedOverHttp3(held.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
		assertServedOverHttp3(queued.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
		assertServedOverHttp3(send("/").get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
		assertThat(this.app.handled).hasValue(3);
		assertThat(qos.getSuspendedRequestCount()).isZero();
	}

	@Test
	void aRequestWaitingLongerThanMaxSuspendGets503AndTheHeldOneStillCompletes() throws Exception {
		Duration maxSuspend = Duration.ofMillis(300);
		start(1, 8, maxSuspend);
		CompletableFuture<ContentResponse> held = send("/hold");
		assertThat(this.app.holding.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();

		long start = System.nanoTime();
		ContentResponse expired = send("/").get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThat(expired.getStatus()).isEqualTo(503);
		assertThat(expired.getVersion()).isEqualTo(HttpVersion.HTTP_3);
		assertThat(waitedMillis).isGreaterThanOrEqualTo(maxSuspend.toMillis());
		assertThat(this.app.handled).hasValue(1);

		this.app.release.countDown();
		assertServedOverHttp3(held.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
	}

	private QoSHandler start(int maxRequests, int maxSuspended, Duration maxSuspend) throws Exception {
		QoSHandler qos = new QoSHandler(this.app);
		qos.setMaxRequestCount(maxRequests);
		qos.setMaxSuspendedRequestCount(maxSuspended);
		qos.setMaxSuspend(maxSuspend);
		this.server = TestServers.startServer(certificate.newServerSslContextFactory(),
				TestTransport.on(Http3Settings.defaults()), qos);
		return qos;
	}

	private CompletableFuture<ContentResponse> send(String path) {
		return new CompletableResponseListener(
				clients.http3().newRequest(uri(tlsPort(this.server))).path(path).timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS))
			.send();
	}

	private static void awaitSuspended(QoSHandler qos, int count) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
		while (qos.getSuspendedRequestCount() < count && System.nanoTime() < deadline) {
			TimeUnit.MILLISECONDS.sleep(10);
		}
		assertThat(qos.getSuspendedRequestCount()).as("requests waiting in the QoSHandler").isEqualTo(count);
	}

	private static void assertServedOverHttp3(ContentResponse response) {
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
		assertThat(response.getContentAsString()).isEqualTo("HTTP/3.0");
	}

	/** Answers with the protocol it saw; {@code /hold} first waits until the test releases it. */
	private static final class HoldingHandler extends Handler.Abstract {

		final CountDownLatch holding = new CountDownLatch(1);

		final CountDownLatch release = new CountDownLatch(1);

		final AtomicInteger handled = new AtomicInteger();

		@Override
		public boolean handle(Request request, Response response, Callback callback) throws Exception {
			this.handled.incrementAndGet();
			if (Request.getPathInContext(request).equals("/hold")) {
				this.holding.countDown();
				if (!this.release.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
					throw new IllegalStateException("/hold was not released");
				}
			}
			Content.Sink.write(response, true, request.getConnectionMetaData().getHttpVersion().asString(), callback);
			return true;
		}

	}

}
