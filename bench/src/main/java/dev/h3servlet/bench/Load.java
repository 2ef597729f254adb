package dev.h3servlet.bench;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.http3.api.Session;
import org.eclipse.jetty.http3.client.HTTP3Client;
import org.eclipse.jetty.http3.client.HTTP3ClientQuicConfiguration;
import org.eclipse.jetty.http3.client.transport.HttpClientTransportOverHTTP3;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.quic.quiche.client.QuicheClientQuicConfiguration;
import org.eclipse.jetty.quic.quiche.client.QuicheTransport;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The load generator: Jetty's {@link HttpClient} over HTTP/1.1, HTTP/2 or HTTP/3 (the same API and the same loops for
 * the three), in the harness JVM. Every loop is bounded in count and in time.
 */
final class Load {

	/** Client-side QUIC knobs ({@code --client key=value}): quic.inputBufferSize, quic.outputBufferSize, sessionMaxData, streamMaxData. */
	private final Map<String, String> clientTuning;

	Load(Map<String, String> clientTuning) {
		this.clientTuning = clientTuning;
	}

	enum Protocol {

		H1("h1", HttpVersion.HTTP_1_1), H2("h2", HttpVersion.HTTP_2), H3("h3", HttpVersion.HTTP_3);

		final String label;

		final HttpVersion version;

		Protocol(String label, HttpVersion version) {
			this.label = label;
			this.version = version;
		}

	}

	HttpClient newClient(Protocol protocol, int maxConnections) throws Exception {
		ClientConnector connector = new ClientConnector();
		connector.setSslContextFactory(new SslContextFactory.Client(true));
		HttpClient client = switch (protocol) {
			case H1 -> new HttpClient(new HttpClientTransportOverHTTP(connector));
			case H2 -> new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client(connector)));
			case H3 -> {
				udpBuffers(connector);
				QuicheClientQuicConfiguration quic = quicConfiguration();
				yield new HttpClient(new HttpClientTransportOverHTTP3(new HTTP3Client(quic, connector),
						new QuicheTransport(quic)));
			}
		};
		QueuedThreadPool threads = new QueuedThreadPool(64);
		threads.setName("bench-client-" + protocol.label);
		client.setExecutor(threads);
		client.setMaxConnectionsPerDestination(maxConnections);
		client.setMaxRequestsQueuedPerDestination(4096);
		client.setIdleTimeout(60_000);
		client.start();
		return client;
	}

	private void udpBuffers(ClientConnector connector) {
		String value = this.clientTuning.get("udpBufferSize");
		if (value != null) {
			connector.setReceiveBufferSize(Integer.parseInt(value));
			connector.setSendBufferSize(Integer.parseInt(value));
		}
	}

	QuicheClientQuicConfiguration quicConfiguration() {
		QuicheClientQuicConfiguration quic = HTTP3ClientQuicConfiguration.configure(new QuicheClientQuicConfiguration());
		String value;
		if ((value = this.clientTuning.get("quic.inputBufferSize")) != null) {
			quic.setInputBufferSize(Integer.parseInt(value));
		}
		if ((value = this.clientTuning.get("quic.outputBufferSize")) != null) {
			quic.setOutputBufferSize(Integer.parseInt(value));
		}
		if ((value = this.clientTuning.get("sessionMaxData")) != null) {
			quic.setSessionMaxData(Long.parseLong(value));
		}
		if ((value = this.clientTuning.get("streamMaxData")) != null) {
			quic.setLocalBidirectionalStreamMaxData(Long.parseLong(value));
		}
		return quic;
	}

	/** One repeat of sequential requests: requests per second, p50 and p99 latency in microseconds. */
	record Sequential(double perSecond, double p50Micros, double p99Micros, int count) {

		/**
		 * The repeat whose first {@code count} latencies (nanoseconds) are given, begun at {@code startNanos} and ended
		 * now.
		 */
		static Sequential of(long[] latencies, int count, long startNanos) {
			double seconds = (System.nanoTime() - startNanos) / 1e9;
			long[] sorted = Arrays.copyOf(latencies, count);
			Arrays.sort(sorted);
			return new Sequential(count / seconds, percentile(sorted, 0.50) / 1e3, percentile(sorted, 0.99) / 1e3,
					count);
		}

		private static double percentile(long[] sorted, double p) {
			return (sorted.length == 0) ? Double.NaN
					: sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
		}

	}

	/** Why a bench server's small response is wrong (status, version, the protocol it saw), or {@code null}. */
	static String smallProblem(String url, ContentResponse response, Protocol protocol) {
		if (response.getStatus() == 200 && response.getVersion() == protocol.version
				&& protocol.version.asString().equals(response.getHeaders().get(BenchServer.PROTOCOL_HEADER))) {
			return null;
		}
		return url + " answered " + response.getStatus() + " over " + response.getVersion() + ", served over "
				+ response.getHeaders().get(BenchServer.PROTOCOL_HEADER);
	}

	/**
	 * One repeat of sequential GETs on one connection, each checked by {@code problem} (why an answer is wrong, or
	 * {@code null}): rate and latency.
	 */
	static Sequential sequential(HttpClient client, String url, long millis, int maxRequests, Protocol protocol,
			Function<ContentResponse, String> problem) throws Exception {
		long[] latencies = new long[maxRequests];
		int count = 0;
		long start = System.nanoTime();
		long deadline = start + TimeUnit.MILLISECONDS.toNanos(millis);
		while (count < maxRequests && System.nanoTime() < deadline) {
			long begin = System.nanoTime();
			ContentResponse response = client.newRequest(url).version(protocol.version).timeout(10, TimeUnit.SECONDS).send();
			latencies[count++] = System.nanoTime() - begin;
			String wrong = problem.apply(response);
			check(wrong == null, () -> wrong);
		}
		return Sequential.of(latencies, count, start);
	}

	/**
	 * One repeat of {@code perClient} requests kept in flight on each client (one connection each for h2 and h3,
	 * {@code perClient} connections each for h1, which cannot multiplex): completed requests per second.
	 */
	static double concurrent(List<HttpClient> clients, String url, int perClient, long millis, Protocol protocol,
			Function<ContentResponse, String> problem) throws InterruptedException {
		List<AsyncRequest> loops = new ArrayList<>();
		for (HttpClient client : clients) {
			for (int i = 0; i < perClient; i++) {
				loops.add((outcome) -> client.newRequest(url)
					.version(protocol.version)
					.timeout(10, TimeUnit.SECONDS)
					.send(new BufferingResponseListener() {
						@Override
						public void onComplete(Result result) {
							if (!result.isSucceeded()) {
								outcome.accept(result.getFailure() + " " + result.getResponse().getStatus());
								return;
							}
							outcome.accept(problem.apply(ContentResponse.from(result.getResponse(),
									getContent(), getMediaType(), getEncoding())));
						}
					}));
			}
		}
		return closedLoop(loops, millis, "concurrent requests");
	}

	/** One request of a closed loop, sent without waiting; it reports {@code null} when it succeeded, else why not. */
	interface AsyncRequest {

		void send(Consumer<String> outcome);

	}

	/**
	 * Runs each loop (one request in flight each, the next sent as the last completes) until the time is up: completed
	 * requests per second. A failed request ends every loop, and the repeat fails naming the first failure.
	 */
	static double closedLoop(List<AsyncRequest> loops, long millis, String what) throws InterruptedException {
		AtomicLong completed = new AtomicLong();
		AtomicLong failed = new AtomicLong();
		AtomicReference<String> firstFailure = new AtomicReference<>();
		long start = System.nanoTime();
		long deadline = start + TimeUnit.MILLISECONDS.toNanos(millis);
		CountDownLatch done = new CountDownLatch(loops.size());
		for (AsyncRequest request : loops) {
			new Runnable() {
				@Override
				public void run() {
					if (System.nanoTime() >= deadline || failed.get() > 0) {
						done.countDown();
						return;
					}
					request.send((problem) -> {
						if (problem == null) {
							completed.incrementAndGet();
						}
						else {
							failed.incrementAndGet();
							firstFailure.compareAndSet(null, problem);
							System.err.println("  request failed: " + problem);
						}
						run();
					});
				}
			}.run();
		}
		check(done.await(millis + 30_000, TimeUnit.MILLISECONDS), () -> what + " did not end in time");
		double seconds = (System.nanoTime() - start) / 1e9;
		check(failed.get() == 0, () -> failed.get() + " " + what + " failed, the first: " + firstFailure.get());
		return completed.get() / seconds;
	}

	/** Downloads {@code bytes} bytes, discarding them: MB/s (10^6 bytes per second). */
	static double download(HttpClient client, String url, long bytes, Protocol protocol) throws Exception {
		AtomicLong received = new AtomicLong();
		CompletableFuture<Result> result = new CompletableFuture<>();
		long start = System.nanoTime();
		client.newRequest(url + "?bytes=" + bytes).version(protocol.version).timeout(60, TimeUnit.SECONDS)
			.onResponseContent((response, content) -> received.addAndGet(content.remaining()))
			.send(result::complete);
		Result done = result.get(70, TimeUnit.SECONDS);
		double seconds = (System.nanoTime() - start) / 1e9;
		check(done.isSucceeded() && done.getResponse().getStatus() == 200 && received.get() == bytes,
				() -> "download of " + bytes + " bytes got " + received.get() + ": " + done.getFailure());
		return bytes / seconds / 1e6;
	}

	/** One transfer's outcome: intact (all bytes, and for an upload the server's SHA-256), seconds, or the failure. */
	record Transfer(boolean intact, boolean stalled, double seconds, String failure) {

		double megabytesPerSecond(int bytes) {
			return bytes / this.seconds / 1e6;
		}

	}

	/** Uploads the body and checks the server's answer ({@code <count> <sha256>}); a stall is no answer in time. */
	static Transfer upload(HttpClient client, String url, byte[] body, String sha256, Protocol protocol, long timeoutSeconds)
			throws Exception {
		CompletableFuture<Result> result = new CompletableFuture<>();
		BufferingResponseListener listener = new BufferingResponseListener() {
			@Override
			public void onComplete(Result r) {
				result.complete(r);
			}
		};
		long start = System.nanoTime();
		client.newRequest(url).method(HttpMethod.POST).version(protocol.version)
			.body(new BytesRequestContent("application/octet-stream", body))
			.timeout(timeoutSeconds, TimeUnit.SECONDS)
			.send(listener);
		Result done;
		try {
			done = result.get(timeoutSeconds + 10, TimeUnit.SECONDS);
		}
		catch (java.util.concurrent.TimeoutException ex) {
			return new Transfer(false, true, (System.nanoTime() - start) / 1e9, "no result in " + (timeoutSeconds + 10) + " s");
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		if (!done.isSucceeded()) {
			boolean stalled = done.getFailure() instanceof java.util.concurrent.TimeoutException;
			return new Transfer(false, stalled, seconds, String.valueOf(done.getFailure()));
		}
		String answer = listener.getContentAsString(StandardCharsets.US_ASCII).trim();
		boolean intact = done.getResponse().getStatus() == 200 && answer.equals(body.length + " " + sha256);
		return new Transfer(intact, false, seconds, intact ? null : "status " + done.getResponse().getStatus() + ": " + answer);
	}

	/**
	 * Opens {@code count} HTTP/3 connections (QUIC handshake and HTTP/3 SETTINGS) with Jetty's low-level HTTP/3
	 * client and keeps them idle; returns the client, whose stop closes them all.
	 */
	IdleConnections openIdleConnections(InetSocketAddress server, int count, long millis) throws Exception {
		QuicheClientQuicConfiguration quic = quicConfiguration();
		ClientConnector connector = new ClientConnector();
		connector.setSslContextFactory(new SslContextFactory.Client(true));
		udpBuffers(connector);
		connector.setConnectTimeout(java.time.Duration.ofSeconds(30));
		QueuedThreadPool threads = new QueuedThreadPool(32);
		threads.setName("bench-idle-client");
		connector.setExecutor(threads);
		HTTP3Client client = new HTTP3Client(quic, connector);
		client.start();
		QuicheTransport transport = new QuicheTransport(quic);
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		List<CompletableFuture<Session.Client>> sessions = new ArrayList<>();
		for (int i = 0; i < count && System.nanoTime() < deadline; i++) {
			CompletableFuture<Session.Client> session = new CompletableFuture<>();
			client.connect(transport, server, new Session.Client.Listener() {
			}, new Promise.Invocable.NonBlocking<>() {
				@Override
				public void succeeded(Session.Client result) {
					session.complete(result);
				}

				@Override
				public void failed(Throwable failure) {
					session.completeExceptionally(failure);
				}
			});
			sessions.add(session);
			if (sessions.size() % 20 == 0) {
				// at most 20 handshakes in flight
				awaitQuietly(sessions, deadline);
			}
		}
		awaitQuietly(sessions, deadline);
		long open = sessions.stream().filter((s) -> s.isDone() && !s.isCompletedExceptionally()).count();
		return new IdleConnections(client, (int) open, sessions.size() - (int) open);
	}

	/** The client holding the connections (stop it to close them), how many opened and how many failed. */
	record IdleConnections(HTTP3Client client, int open, int failed) {
	}

	private static void awaitQuietly(List<CompletableFuture<Session.Client>> sessions, long deadline)
			throws InterruptedException {
		try {
			CompletableFuture.allOf(sessions.toArray(CompletableFuture[]::new))
				.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
		}
		catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ex) {
			// counted by the caller
		}
	}

	static void check(boolean condition, java.util.function.Supplier<String> message) {
		if (!condition) {
			throw new IllegalStateException(message.get());
		}
	}

}
