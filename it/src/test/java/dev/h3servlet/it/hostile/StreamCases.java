package dev.h3servlet.it.hostile;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.it.hostile.HostileHttp3Tests.Context;
import dev.h3servlet.it.hostile.HostileHttp3Tests.HostileCase;
import dev.h3servlet.it.hostile.HostileHttp3Tests.ServletRule;
import dev.h3servlet.it.hostile.Http3Wire.FieldSection;
import dev.h3servlet.it.hostile.RawQuicConnection.RawStream;

import static dev.h3servlet.it.hostile.Http3Wire.concat;
import static dev.h3servlet.it.hostile.Http3Wire.data;

/**
 * Cases about streams and connections rather than single frames: a reset mid-body, late request ends, the stream
 * limit, and a peer that vanishes without closing.
 */
final class StreamCases {

	static final int LATE_END_REQUESTS = 20;

	static final int VANISHING_PEERS = 5;

	/** Tries at opening the GET after the stream limit case ended its uploads (see streamLimit). */
	static final int GET_ATTEMPTS = 5;

	private StreamCases() {
	}

	static List<HostileCase> all() {
		List<HostileCase> cases = new ArrayList<>();
		cases.add(new HostileCase("reset-mid-body", "9114 4.1.1, RFC 9000 3.2",
				"servlet's read fails; the connection keeps serving (200 on a new stream)", StreamCases::resetMidBody,
				(o) -> o.isResponse(200), new ServletRule("body read failed, then one GET",
						(seen) -> seen.size() == 2 && seen.get(0).contains("body read failed")
								&& seen.get(1).equals("GET HTTP/3.0")),
				null));
		cases.add(new HostileCase("late-fin-get-x" + LATE_END_REQUESTS, "9114 4.1 (FIN may come in its own frame)",
				"every GET answered 200; the connection keeps serving", StreamCases::lateFinGets,
				(o) -> o.isResponse(200),
				new ServletRule("invoked " + (LATE_END_REQUESTS + 1) + " times over HTTP/3.0",
						(seen) -> seen.size() == LATE_END_REQUESTS + 1
								&& seen.stream().allMatch((s) -> s.equals("GET HTTP/3.0"))),
				null));
		cases.add(new HostileCase("late-fin-post-empty-x" + LATE_END_REQUESTS, "9114 4.1 (FIN may come in its own frame)",
				"every POST (Content-Length: 0) answered 200; the connection keeps serving",
				(c) -> lateFins(c, "POST", "0"), (o) -> o.isResponse(200),
				new ServletRule("invoked " + (LATE_END_REQUESTS + 1) + " times over HTTP/3.0",
						(seen) -> seen.size() == LATE_END_REQUESTS + 1),
				null));
		cases.add(new HostileCase("late-fin-after-unread-post-response", "9114 4.1",
				"response 200; the late FIN changes nothing; next request on the connection 200",
				StreamCases::lateFinAfterUnreadPost, (o) -> o.isResponse(200),
				new ServletRule("POST (body unread), then one GET",
						(seen) -> seen.size() == 2 && seen.get(1).equals("GET HTTP/3.0")),
				null));
		cases.add(new HostileCase("stream-limit", "RFC 9000 4.6",
				"server advertises " + HostileHttp3Tests.MAX_STREAMS + " streams; a stream beyond them is not "
						+ "accepted; ending streams grants new ones (200)",
				StreamCases::streamLimit, (o) -> o.isResponse(200) && o.detail().contains("refused"),
				new ServletRule(HostileHttp3Tests.MAX_STREAMS + " POSTs and one GET",
						(seen) -> seen.size() == HostileHttp3Tests.MAX_STREAMS + 1),
				null));
		cases.add(new HostileCase("peers-vanish-without-close", "RFC 9000 10.1",
				"idle timeout reclaims the " + VANISHING_PEERS + " connections (each with a request open): server's "
						+ "open connections " + VANISHING_PEERS + " -> 0", StreamCases::vanish,
				(o) -> o.detail().startsWith("reclaimed"), ServletRule.ANY, null));
		return cases;
	}

	/** POST with Content-Length 1000, 100 bytes, then RESET_STREAM; then a GET on a new stream. */
	static Outcome resetMidBody(Context c) throws IOException {
		RawQuicConnection connection = c.connect();
		RawStream upload = connection.openRequestStream();
		upload.write(concat(FieldSection.request("POST", c.authority(), c.path()).add("content-length", "1000").frame(),
				data(new byte[100])));
		// The servlet is reading, blocked for the other 900 bytes.
		RawQuicConnection.sleep(200);
		upload.reset(HostileCases.H3_REQUEST_CANCELLED);
		boolean ended = awaitInvocations(c.caseName, 0, 1500);
		c.note(ended ? "servlet's read ended" : "servlet still reading 1.5 s after the reset");
		return c.getOnSameConnection(connection);
	}

	/** GETs whose FIN comes in a zero-length STREAM frame after the field section, one after another. */
	static Outcome lateFinGets(Context c) throws IOException {
		return lateFins(c, "GET", null);
	}

	/** Requests whose FIN comes in a zero-length STREAM frame after the field section, one after another. */
	static Outcome lateFins(Context c, String method, String contentLength) throws IOException {
		RawQuicConnection connection = c.connect();
		int slow = 0;
		for (int i = 0; i < LATE_END_REQUESTS; i++) {
			RawStream stream = connection.openRequestStream();
			FieldSection fields = FieldSection.request(method, c.authority(), c.path());
			if (contentLength != null) {
				fields.add("content-length", contentLength);
			}
			stream.write(fields.frame());
			RawQuicConnection.sleep(20);
			stream.fin();
			long start = System.nanoTime();
			Outcome outcome = c.await(connection, stream);
			slow += (System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(900)) ? 1 : 0;
			if (!outcome.isResponse(200)) {
				c.note(method + " " + (i + 1) + " of " + LATE_END_REQUESTS + ": " + outcome);
				return outcome;
			}
		}
		c.note(slow + " of " + LATE_END_REQUESTS + " answered only after >= 900 ms (the bridge waits up to "
				+ "1 s for the request's end before the response's last write)");
		return c.getOnSameConnection(connection);
	}

	/**
	 * A POST without Content-Length whose servlet answers without reading; the client sends the request's FIN only
	 * after the whole response arrived. Then a GET on the same connection.
	 */
	static Outcome lateFinAfterUnreadPost(Context c) throws IOException {
		RawQuicConnection connection = c.connect();
		RawStream post = connection.openRequestStream();
		post.write(FieldSection.request("POST", c.authority(), c.path() + "&noread").frame());
		Outcome response = c.await(connection, post);
		c.note("POST: " + response);
		RawQuicConnection.sleep(100);
		io.netty.channel.ChannelFuture fin = post.finWithoutWaiting();
		RawQuicConnection.sleep(100);
		Outcome next = c.getOnSameConnection(connection);
		c.note("late FIN " + (fin.isDone() ? (fin.isSuccess() ? "sent" : "failed: " + fin.cause()) : "still pending")
				+ "; POST stream reset by the server: " + (post.reset.isDone() ? Outcome.hex(post.reset.join()) : "no"));
		return next;
	}

	/** Fills the server's stream limit with uploads waiting for their bodies, tries one more, then ends them. */
	static Outcome streamLimit(Context c) throws IOException {
		RawQuicConnection connection = c.connect();
		long allowed = HostileHttp3Tests.peerAllowedBidi(connection);
		c.note("server allows " + allowed + " streams");
		List<RawStream> uploads = new ArrayList<>();
		for (int i = 0; i < allowed; i++) {
			RawStream upload = connection.openRequestStream();
			upload.write(FieldSection.request("POST", c.authority(), c.path()).add("content-length", "10").frame());
			uploads.add(upload);
		}
		String extra;
		// Netty takes the next stream id before quiche refuses the stream, and does not give it back: a refused
		// attempt uses up one stream the server's new credit has to cover before the GET's can be opened.
		long usedUp = 0;
		try {
			RawStream beyond = connection.openRequestStream();
			beyond.writeAndFin(c.get().frame());
			extra = "stream " + beyond.id() + " beyond the limit was sent: " + c.await(connection, beyond);
		}
		catch (IOException ex) {
			extra = "stream beyond the limit refused by the client's quiche (" + rootMessage(ex) + ")";
			usedUp = 1;
		}
		c.note(extra);
		int answered = 0;
		for (RawStream upload : uploads) {
			upload.writeAndFin(data("0123456789"));
		}
		for (RawStream upload : uploads) {
			answered += c.await(connection, upload).isResponse(200) ? 1 : 0;
		}
		c.note(answered + " of " + uploads.size() + " uploads answered 200");
		if (answered != uploads.size() || allowed != HostileHttp3Tests.MAX_STREAMS) {
			return Outcome.other("limit " + allowed + ", " + answered + " answered");
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
		while (HostileHttp3Tests.peerAllowedBidi(connection) == 0 && System.nanoTime() < deadline) {
			RawQuicConnection.sleep(10);
		}
		c.note("then the server allows " + HostileHttp3Tests.peerAllowedBidi(connection) + " more");
		// That count is Netty's, read from quiche only while it is 0: it shows the server's first new credit
		// (MAX_STREAMS), not the ones after it. And Netty takes a stream id before quiche refuses a stream, without
		// giving it back: after a refused attempt the GET's id needs one more credit than the count shows. So while the
		// client's quiche refuses the GET for want of credit, try again (each refusal uses up one more id: at most
		// GET_ATTEMPTS, well within the 8 the ended streams give back).
		RawStream get = null;
		List<String> refusals = new ArrayList<>();
		while (get == null) {
			try {
				get = connection.openRequestStream();
			}
			catch (IOException ex) {
				String refusal = rootMessage(ex);
				if (!refusal.contains("STREAM_LIMIT") || refusals.size() + 1 >= GET_ATTEMPTS) {
					c.note("GET on the same connection failed after " + refusals.size() + " refusal(s): " + refusal);
					return c.await(connection, null, Duration.ofMillis(500));
				}
				refusals.add(refusal);
				RawQuicConnection.sleep(50);
			}
		}
		c.note("GET on stream " + get.id() + ((usedUp > 0) ? " (stream " + (uploads.get(uploads.size() - 1).id() + 4)
				+ " used up by the refused attempt)" : "") + ((refusals.isEmpty()) ? ""
						: " after " + refusals.size() + " refusal(s) for want of credit"));
		get.writeAndFin(c.get().frame());
		Outcome outcome = c.await(connection, get);
		return extra.contains("refused") && outcome.kind() == Outcome.Kind.RESPONSE
				? Outcome.response(outcome.status(), outcome.detail() + " (beyond the limit: refused)") : outcome;
	}

	/** Peers with a request open each disappear: no CONNECTION_CLOSE, no more packets. */
	static Outcome vanish(Context c) throws IOException {
		long quiet = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
		while (HostileHttp3Tests.openConnections() > 0 && System.nanoTime() < quiet) {
			RawQuicConnection.sleep(10);
		}
		c.note("server's open connections at the start: " + HostileHttp3Tests.openConnections());
		List<RawQuicConnection> connections = new ArrayList<>();
		for (int i = 0; i < VANISHING_PEERS; i++) {
			RawQuicConnection connection = c.connect();
			connection.openRequestStream().write(c.get().frame());
			connections.add(connection);
		}
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
		while (HostileHttp3Tests.openConnections() < VANISHING_PEERS && System.nanoTime() < deadline) {
			RawQuicConnection.sleep(10);
		}
		int open = HostileHttp3Tests.openConnections();
		c.note("server's open connections before vanishing: " + open);
		connections.forEach(RawQuicConnection::vanish);
		long start = System.nanoTime();
		deadline = start + HostileHttp3Tests.IDLE_TIMEOUT.toNanos() + TimeUnit.SECONDS.toNanos(5);
		while (HostileHttp3Tests.openConnections() > 0 && System.nanoTime() < deadline) {
			RawQuicConnection.sleep(20);
		}
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		int left = HostileHttp3Tests.openConnections();
		long streams = HostileHttp3Tests.activeStreams();
		if (open == VANISHING_PEERS && left == 0 && streams == 0) {
			return Outcome.other("reclaimed: open connections " + open + " -> 0 (active streams 0) in " + millis
					+ " ms");
		}
		return Outcome.other("not reclaimed: open connections " + open + " -> " + left + ", active streams " + streams
				+ " after " + millis + " ms");
	}

	/** Waits until the servlet recorded more than {@code count} invocations of the case, at most the given time. */
	static boolean awaitInvocations(String caseName, int count, long millis) {
		long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
		while (System.nanoTime() < deadline) {
			if (HostileHttp3Tests.servlet.invocations(caseName).size() > count) {
				return true;
			}
			RawQuicConnection.sleep(10);
		}
		return false;
	}

	private static String rootMessage(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null) {
			cause = cause.getCause();
		}
		return cause.toString();
	}

}
