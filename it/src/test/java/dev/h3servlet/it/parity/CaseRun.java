package dev.h3servlet.it.parity;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import dev.h3servlet.testapp.TestApp;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;

/**
 * One case over one protocol: builds requests carrying a request id, sends them, checks the protocol the client
 * got, and records the normalised result in an {@link Observation}. At the end, {@link #finish} adds what the
 * servlet context saw as {@code request.getProtocol()} for each request.
 */
final class CaseRun {

	static final long TIMEOUT_SECONDS = 30;

	/** The largest response body a case buffers (the 5 MB download). */
	static final int MAX_RESPONSE_SIZE = 8 * 1024 * 1024;

	/** How long a download over HTTP/3 may take before it counts as a stall of Jetty's HTTP/3 client. */
	static final long STALL_SECONDS = 10;

	private final String caseName;

	private final HttpVersion version;

	private final ClientRenewal renewal;

	private HttpClient client;

	private final URI base;

	private final Observation observation = new Observation();

	private final List<String[]> requests = new ArrayList<>();

	private boolean exchangeFailed;

	CaseRun(String caseName, HttpVersion version, HttpClient client, ClientRenewal renewal, URI base) {
		this.renewal = renewal;
		this.caseName = caseName;
		this.version = version;
		this.client = client;
		this.base = base;
	}

	/** Whether an exchange sent with {@link #sendOutcome} failed (its connection may be unusable). */
	boolean exchangeFailed() {
		return this.exchangeFailed;
	}

	HttpVersion version() {
		return this.version;
	}

	HttpClient client() {
		return this.client;
	}

	URI uri(String pathAndQuery) {
		return this.base.resolve(pathAndQuery);
	}

	/** A request for {@code pathAndQuery} with its request id, recorded under {@code step} at {@link #finish}. */
	Request request(String step, String pathAndQuery) {
		String id = this.caseName + "/" + step + "/" + this.version + "/" + System.nanoTime();
		this.requests.add(new String[] { step, id });
		return this.client.newRequest(uri(pathAndQuery))
			.headers((headers) -> headers.put(TestApp.REQUEST_ID, id))
			.timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS);
	}

	/** A GET for {@code pathAndQuery}, sent and recorded under {@code step}. */
	ContentResponse get(String step, String pathAndQuery) throws Exception {
		return send(step, request(step, pathAndQuery));
	}

	/** A GET with extra request fields, sent and recorded under {@code step}. */
	ContentResponse get(String step, String pathAndQuery, Consumer<HttpFields.Mutable> headers) throws Exception {
		return send(step, request(step, pathAndQuery).headers(headers));
	}

	/**
	 * A GET of a large body, sent and recorded under {@code step}; over HTTP/3 a download that stalls for
	 * {@value #STALL_SECONDS} s is sent once more on a new client, and the stall is observed as {@code "<step> client
	 * stall"}. Jetty's HTTP/3 client stops taking a download now and then, on any server (about 1 in 80 downloads of
	 * 5 MB against the netty transport, 3 in 80 against Jetty's own HTTP/3 server: README, Known limits); the second
	 * try must bring the whole body, so a server that stalls still fails the case.
	 */
	ContentResponse getAgainAfterClientStall(String step, String pathAndQuery) throws Exception {
		if (this.version != HttpVersion.HTTP_3) {
			return get(step, pathAndQuery);
		}
		Request request = request(step, pathAndQuery).timeout(STALL_SECONDS, TimeUnit.SECONDS);
		ContentResponse response;
		try {
			response = new CompletableResponseListener(request, MAX_RESPONSE_SIZE).send()
				.get(STALL_SECONDS + 5, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			if (!(ex.getCause() instanceof TimeoutException)) {
				throw new AssertionError(step + ": GET " + request.getURI() + " failed: " + ex.getCause(),
						ex.getCause());
			}
			this.observation.put(step + " client stall", "stalled, sent again on a new client");
			this.client = this.renewal.renew(this.version);
			return get(step, pathAndQuery);
		}
		checkResponse(step, response);
		this.observation.response(step, response, response.getContent());
		return response;
	}

	/** A request with {@code method} and {@code body} (or none), sent and recorded under {@code step}. */
	ContentResponse send(String step, HttpMethod method, String pathAndQuery, Request.Content body) throws Exception {
		Request request = request(step, pathAndQuery).method(method);
		return send(step, (body != null) ? request.body(body) : request);
	}

	/** Sends the request and records its response under {@code step}. */
	ContentResponse send(String step, Request request) throws Exception {
		ContentResponse response;
		try {
			response = new CompletableResponseListener(request, MAX_RESPONSE_SIZE).send()
				.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			throw new AssertionError(step + ": " + request.getMethod() + " " + request.getURI() + " failed: "
					+ ex.getCause(), ex.getCause());
		}
		checkResponse(step, response);
		this.observation.response(step, response, response.getContent());
		return response;
	}

	/**
	 * Sends the request, bounded by {@code timeoutSeconds}, and records whether it completed ({@code "<step>
	 * outcome"}), and if so its response: for exchanges known to fail over some protocol.
	 */
	ContentResponse sendOutcome(String step, Request request, long timeoutSeconds) throws Exception {
		try {
			request.timeout(timeoutSeconds, TimeUnit.SECONDS);
			ContentResponse response = new CompletableResponseListener(request, MAX_RESPONSE_SIZE).send()
				.get(timeoutSeconds + 5, TimeUnit.SECONDS);
			checkResponse(step, response);
			this.observation.put(step + " outcome", "completed");
			this.observation.response(step, response, response.getContent());
			return response;
		}
		catch (ExecutionException ex) {
			this.observation.put(step + " outcome", "failed: " + ex.getCause().getClass().getSimpleName());
			this.exchangeFailed = true;
			return null;
		}
	}

	/** Checks the protocol the client used, and that HTTP/2 and HTTP/3 carry no connection-specific fields. */
	void checkResponse(String step, Response response) {
		if (response.getVersion() != this.version) {
			throw new AssertionError(step + ": the client got a " + response.getVersion() + " response, expected "
					+ this.version);
		}
		if (this.version != HttpVersion.HTTP_1_1) {
			for (HttpField field : response.getHeaders()) {
				if (Observation.CONNECTION_SPECIFIC_FIELDS.contains(field.getName().toLowerCase(Locale.ROOT))) {
					throw new AssertionError(step + ": connection-specific field over " + this.version + ": " + field);
				}
			}
		}
	}

	/** A sanity check of what the case is about, so that three equally broken runs do not pass as parity. */
	void require(boolean condition, String what) {
		if (!condition) {
			throw new AssertionError(this.caseName + " over " + this.version + ": expected " + what);
		}
	}

	void observe(String key, Object value) {
		this.observation.put(key, value);
	}

	Observation observation() {
		return this.observation;
	}

	/**
	 * Adds, per step, what the servlet context saw as the protocol (the expected one shows as {@code <protocol>} so
	 * the three runs compare equal), and fails if a request reached the servlets with another protocol or if none
	 * reached them at all.
	 */
	void finish(ProtocolLookup log) throws Exception {
		String expected = servletProtocol(this.version);
		boolean seen = false;
		Map<String, List<String>> seenById = log
			.protocolsOf(this.requests.stream().map((request) -> request[1]).toList());
		for (String[] request : this.requests) {
			List<String> protocols = seenById.getOrDefault(request[1], List.of());
			List<String> shown = new ArrayList<>();
			for (String protocol : protocols) {
				if (!protocol.equals(expected)) {
					throw new AssertionError(request[0] + ": the servlet saw " + protocol + ", expected " + expected);
				}
				shown.add("<protocol>");
				seen = true;
			}
			this.observation.put(request[0] + " servlet saw", shown);
		}
		if (!seen) {
			throw new AssertionError("no request of the case reached a servlet");
		}
	}

	static String servletProtocol(HttpVersion version) {
		return switch (version) {
			case HTTP_1_1 -> "HTTP/1.1";
			case HTTP_2 -> "HTTP/2.0";
			case HTTP_3 -> "HTTP/3.0";
			default -> throw new IllegalArgumentException(version.toString());
		};
	}

	/** A new client for a protocol, in place of one that is no longer usable. */
	@FunctionalInterface
	interface ClientRenewal {

		HttpClient renew(HttpVersion version) throws Exception;

	}

	/** What the app's servlets saw as the protocol of each request id, once per dispatch. */
	@FunctionalInterface
	interface ProtocolLookup {

		Map<String, List<String>> protocolsOf(List<String> ids) throws Exception;

	}

}
