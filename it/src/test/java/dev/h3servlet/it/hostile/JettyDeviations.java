package dev.h3servlet.it.hostile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import dev.h3servlet.it.hostile.HostileHttp3Tests.Deviation;
import dev.h3servlet.it.hostile.HostileHttp3Tests.HostileCase;

/**
 * Where Jetty 12.1.5 (jetty-http3-server/-common/-qpack) departs from RFC 9114/9204, measured by
 * {@link HostileHttp3Tests} and read in Jetty's sources, with what it does instead. None of these can be fixed above
 * Jetty without reaching into its internal parsers: they happen in frame parsing, unidirectional stream handling and
 * the QPACK decoder, before any handler runs. A deviation only holds while Jetty behaves exactly as described; if it
 * starts doing what the RFC says the case passes, and anything else fails.
 */
final class JettyDeviations {

	private static final Map<String, Deviation> DEVIATIONS = new LinkedHashMap<>();

	static {
		// Closed by the idle timeout, or still open when the wait ended.
		Predicate<Outcome> notActedOn = (o) -> o.kind() == Outcome.Kind.NO_ERROR_CLOSE
				|| o.kind() == Outcome.Kind.NOTHING;
		add("push-promise-from-client", (o) -> o.isConnectionError(0x102), false,
				"connection closed, but with H3_INTERNAL_ERROR (0x102) not H3_FRAME_UNEXPECTED: Jetty's server has no "
						+ "PUSH_PROMISE handling and fails generically. RFC 9114 7.2.5: a server MUST treat a "
						+ "PUSH_PROMISE as a connection error of type H3_FRAME_UNEXPECTED");
		add("goaway-after-headers", (o) -> o.isStreamReset(0x105), true,
				"after a request's HEADERS, Jetty resets only that stream (RESET_STREAM 0x105); before them it closes "
						+ "the connection. RFC 9114 7.2.6: a GOAWAY on any stream but the control stream MUST be a "
						+ "connection error H3_FRAME_UNEXPECTED");
		add("headers-after-trailers", (o) -> o.isResponse(200), true,
				"Jetty ignores a HEADERS frame after the trailers and answers 200. RFC 9114 4.1: an invalid sequence of "
						+ "frames MUST be a connection error H3_FRAME_UNEXPECTED");
		add("data-after-trailers", (o) -> o.isResponse(200), true,
				"Jetty ignores a DATA frame after the trailers (the servlet read the body before them) and answers "
						+ "200. RFC 9114 4.1: MUST be a connection error H3_FRAME_UNEXPECTED");
		add("second-settings", notActedOn, false,
				"Jetty's control stream parser accepts any number of SETTINGS frames. RFC 9114 7.2.4: a second SETTINGS "
						+ "MUST be a connection error H3_FRAME_UNEXPECTED");
		add("control-stream-without-settings", notActedOn, false,
				"Jetty does not require SETTINGS as the control stream's first frame. RFC 9114 6.2.1: otherwise it MUST "
						+ "be a connection error H3_MISSING_SETTINGS");
		add("settings-payload-truncated", notActedOn, false,
				"Jetty waits for the rest of a SETTINGS payload whose last value is cut by the frame's length. RFC 9114 "
						+ "7.1: a payload that ends before its fields MUST be a connection error H3_FRAME_ERROR");
		add("control-stream-closed", notActedOn, false,
				"Jetty closes its end of a control stream the client ended (FIN) and carries on. RFC 9114 6.2.1: closing "
						+ "a control stream MUST be a connection error H3_CLOSED_CRITICAL_STREAM");
		add("control-stream-reset", notActedOn, false,
				"as control-stream-closed, for a RESET_STREAM. RFC 9114 6.2.1: H3_CLOSED_CRITICAL_STREAM");
		add("second-control-stream", notActedOn, false,
				"Jetty opens a parser for every control stream it is given (UnidirectionalStreamConnection). RFC 9114 "
						+ "6.2.1: a second control stream MUST be a connection error H3_STREAM_CREATION_ERROR");
		add("client-push-stream", notActedOn.or((o) -> o.isConnectionError(0x102)), false,
				"Jetty aborts only that stream (its source: disconnect with H3_STREAM_CREATION_ERROR; the client's next "
						+ "write on it fails) and keeps the connection, then is told the dead stream is readable again "
						+ "and again (5 to 57 'failed to shutdown stream 6: QUICHE_ERR_INVALID_STREAM_STATE' logged in "
						+ "100 ms); in one run of several it closed the whole connection instead. RFC 9114 6.2.2: a "
						+ "client-initiated push stream MUST be a connection error H3_STREAM_CREATION_ERROR");
		add("second-qpack-encoder-stream", notActedOn, false,
				"Jetty accepts a second QPACK encoder stream. RFC 9204 4.2: MUST be a connection error "
						+ "H3_STREAM_CREATION_ERROR");
		add("qpack-encoder-stream-closed", notActedOn.or((o) -> o.isConnectionError(0x102)), false,
				"Jetty closes the connection with H3_INTERNAL_ERROR (0x102) \"internal_error\" or, in some runs, "
						+ "ignores it until the idle timeout. RFC 9204 4.2: "
						+ "closing the encoder stream MUST be a connection error H3_CLOSED_CRITICAL_STREAM");
		add("oversize-field-section", (o) -> o.isConnectionError(0x200), false,
				"Jetty advertises its limit (SETTINGS_MAX_FIELD_SECTION_SIZE = maxRequestHeaderSize, 4096 here) and "
						+ "enforces it in the QPACK decoder by closing the whole connection with "
						+ "QPACK_DECOMPRESSION_FAILED \"header_too_large\", taking every other request on it down. RFC "
						+ "9114 4.2.2 only says the peer will likely refuse it; HTTP semantics (RFC 9110 15.5/RFC 6585 "
						+ "431) and H3_MESSAGE_ERROR/H3_EXCESSIVE_LOAD are per request, and decompression did not fail");
		Predicate<Outcome> messageError = (o) -> o.isConnectionError(0x10e);
		String qpackCode = "connection closed, but with H3_MESSAGE_ERROR (0x10e) not QPACK_DECOMPRESSION_FAILED: "
				+ "Jetty maps this decoding failure to a message error. RFC 9204 ";
		add("qpack-static-index-out-of-range", messageError, false,
				qpackCode + "3.1: a reference to a static entry that does not exist MUST be a connection error "
						+ "QPACK_DECOMPRESSION_FAILED");
		add("qpack-dynamic-reference-empty-table", messageError, false,
				qpackCode + "4.5.2: a dynamic reference at or beyond the Required Insert Count MUST be "
						+ "QPACK_DECOMPRESSION_FAILED");
		add("qpack-post-base-reference", messageError, false,
				qpackCode + "4.5.3: a post-base reference beyond the Required Insert Count MUST be "
						+ "QPACK_DECOMPRESSION_FAILED");
		add("headers-truncated-then-fin", notActedOn, false,
				"Jetty leaves a stream that ends inside a HEADERS frame open until the idle timeout. RFC 9114 7.1: a "
						+ "truncated last frame on a cleanly ended stream MUST be a connection error H3_FRAME_ERROR");
		add("data-truncated-then-fin", (o) -> o.isResponse(200), true,
				"Jetty delivers a body that ends inside a DATA frame (100 bytes declared, 10 sent, FIN) to the servlet "
						+ "as complete: the servlet read 10 bytes and answered 200. With a Content-Length the bridge "
						+ "catches it (see data-truncated-with-content-length); without one nothing above Jetty can. "
						+ "RFC 9114 7.1: MUST be a connection error H3_FRAME_ERROR");
	}

	private JettyDeviations() {
	}

	private static void add(String name, Predicate<Outcome> observed, boolean servletInvoked, String reason) {
		DEVIATIONS.put(name, new Deviation(observed, servletInvoked, reason));
	}

	/** The cases with their documented deviation attached; fails if a deviation names no case. */
	static List<HostileCase> apply(List<HostileCase> cases) {
		return Deviation.attach(cases, DEVIATIONS);
	}

}
