package dev.h3servlet.it.hostile;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.h3servlet.connector.Http3Transport;
import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.it.hostile.HostileHttp3Tests.Context;
import dev.h3servlet.it.hostile.HostileHttp3Tests.HostileCase;
import dev.h3servlet.it.hostile.HostileHttp3Tests.Scenario;
import dev.h3servlet.it.hostile.HostileHttp3Tests.ServletRule;
import dev.h3servlet.it.hostile.Http3Wire.FieldSection;
import dev.h3servlet.it.hostile.RawQuicConnection.RawStream;

import static dev.h3servlet.it.hostile.Http3Wire.concat;
import static dev.h3servlet.it.hostile.Http3Wire.data;
import static dev.h3servlet.it.hostile.Http3Wire.frame;
import static dev.h3servlet.it.hostile.Http3Wire.varint;

/** The cases of {@link HostileHttp3Tests}, with the RFC section each one tests and the outcome the RFC names. */
final class HostileCases {

	static final long H3_STREAM_CREATION_ERROR = 0x103;

	static final long H3_CLOSED_CRITICAL_STREAM = 0x104;

	static final long H3_FRAME_UNEXPECTED = 0x105;

	static final long H3_FRAME_ERROR = 0x106;

	static final long H3_ID_ERROR = 0x108;

	static final long H3_SETTINGS_ERROR = 0x109;

	static final long H3_MISSING_SETTINGS = 0x10a;

	static final long H3_REQUEST_CANCELLED = 0x10c;

	static final long H3_MESSAGE_ERROR = 0x10e;

	static final long QPACK_DECOMPRESSION_FAILED = 0x200;

	static final long QPACK_ENCODER_STREAM_ERROR = 0x201;

	private HostileCases() {
	}

	static List<HostileCase> all() {
		List<HostileCase> cases = new ArrayList<>();

		// Frames in the wrong order or on the wrong stream (RFC 9114 4.1, 7.2)
		cases.add(connectionError("data-before-headers", "9114 4.1", H3_FRAME_UNEXPECTED,
				(c) -> request(c, data("early"), c.get().frame())));
		cases.add(connectionError("settings-on-request-stream", "9114 7.2.4", H3_FRAME_UNEXPECTED,
				(c) -> request(c, Http3Wire.settings(), c.get().frame())));
		cases.add(connectionError("goaway-on-request-stream", "9114 7.2.6", H3_FRAME_UNEXPECTED,
				(c) -> request(c, frame(Http3Wire.GOAWAY, varint(0)), c.get().frame())));
		cases.add(connectionError("max-push-id-on-request-stream", "9114 7.2.7", H3_FRAME_UNEXPECTED,
				(c) -> request(c, frame(Http3Wire.MAX_PUSH_ID, varint(10)), c.get().frame())));
		cases.add(connectionError("cancel-push-on-request-stream", "9114 7.2.3", H3_FRAME_UNEXPECTED,
				(c) -> request(c, frame(Http3Wire.CANCEL_PUSH, varint(0)), c.get().frame())));
		cases.add(connectionError("push-promise-from-client", "9114 7.2.5", H3_FRAME_UNEXPECTED,
				(c) -> request(c, frame(Http3Wire.PUSH_PROMISE, concat(varint(0), c.get().encode())),
						c.get().frame())));
		cases.add(connectionError("goaway-after-headers", "9114 7.2.6", H3_FRAME_UNEXPECTED,
				(c) -> request(c, c.get().frame(), frame(Http3Wire.GOAWAY, varint(0))))
			.withServletRule(ServletRule.ANY));
		cases.add(connectionError("headers-after-trailers", "9114 4.1", H3_FRAME_UNEXPECTED,
				(c) -> request(c, c.get().frame(), new FieldSection().add("x-trailer", "1").frame(),
						new FieldSection().add("x-more", "1").frame()))
			.withServletRule(ServletRule.ANY));
		cases.add(connectionError("data-after-trailers", "9114 4.1", H3_FRAME_UNEXPECTED,
				(c) -> request(c, FieldSection.request("POST", c.authority(), c.path()).frame(), data("body"),
						new FieldSection().add("x-trailer", "1").frame(), data("more")))
			.withServletRule(ServletRule.ANY));
		cases.add(connectionError("second-settings", "9114 7.2.4", H3_FRAME_UNEXPECTED,
				(c) -> control(c, Http3Wire.settings())));
		cases.add(connectionError("data-on-control-stream", "9114 7.2.1", H3_FRAME_UNEXPECTED,
				(c) -> control(c, data("x"))));
		cases.add(connectionError("headers-on-control-stream", "9114 7.2.2", H3_FRAME_UNEXPECTED,
				(c) -> control(c, c.get().frame())));
		cases.add(connectionError("control-stream-without-settings", "9114 6.2.1", H3_MISSING_SETTINGS,
				(c) -> {
					RawQuicConnection connection = c.connectWithoutControlStream();
					RawStream control = connection.openUnidirectional(Http3Wire.STREAM_CONTROL);
					control.write(frame(Http3Wire.GOAWAY, varint(0)));
					return c.await(connection, null);
				}));

		// SETTINGS (RFC 9114 7.2.4)
		for (long id = 0x02; id <= 0x05; id++) {
			long setting = id;
			cases.add(connectionError("http2-setting-0x0" + id, "9114 7.2.4.1", H3_SETTINGS_ERROR,
					(c) -> settingsOnly(c, Http3Wire.settings(setting, 100))));
		}
		cases.add(ignored("reserved-setting", "9114 7.2.4.1", (c) -> {
			RawQuicConnection connection = c.connectWithoutControlStream();
			connection.openUnidirectional(Http3Wire.STREAM_CONTROL)
				.write(Http3Wire.settings(Http3Wire.reserved(7), 42, Http3Wire.SETTINGS_QPACK_BLOCKED_STREAMS, 0));
			return c.awaitIgnoredThenGet(connection);
		}));
		cases.add(connectionError("settings-payload-truncated", "9114 7.1, 7.2.4", H3_FRAME_ERROR,
				(c) -> settingsOnly(c, frame(Http3Wire.SETTINGS, concat(varint(Http3Wire.SETTINGS_MAX_FIELD_SECTION_SIZE),
						new byte[] { (byte) 0x80 })))));

		// Critical streams (RFC 9114 6.2, RFC 9204 4.2)
		cases.add(connectionError("control-stream-closed", "9114 6.2.1", H3_CLOSED_CRITICAL_STREAM, (c) -> {
			RawQuicConnection connection = c.connectWithoutControlStream();
			connection.openUnidirectional(Http3Wire.STREAM_CONTROL).writeAndFin(Http3Wire.settings());
			return c.await(connection, null);
		}));
		cases.add(connectionError("control-stream-reset", "9114 6.2.1", H3_CLOSED_CRITICAL_STREAM, (c) -> {
			RawQuicConnection connection = c.connectWithoutControlStream();
			RawStream control = connection.openUnidirectional(Http3Wire.STREAM_CONTROL);
			control.write(Http3Wire.settings());
			control.reset(H3_REQUEST_CANCELLED);
			return c.await(connection, null);
		}));
		cases.add(connectionError("second-control-stream", "9114 6.2.1", H3_STREAM_CREATION_ERROR, (c) -> {
			RawQuicConnection connection = c.connect();
			connection.openUnidirectional(Http3Wire.STREAM_CONTROL).write(Http3Wire.settings());
			return c.await(connection, null);
		}));
		cases.add(connectionError("client-push-stream", "9114 6.2.2", H3_STREAM_CREATION_ERROR, (c) -> {
			RawQuicConnection connection = c.connect();
			RawStream push = connection.openUnidirectional(Http3Wire.STREAM_PUSH, varint(0));
			Outcome outcome = c.await(connection, null);
			c.note("later write on the push stream: " + push.probeWrite());
			return outcome;
		}));
		cases.add(connectionError("second-qpack-encoder-stream", "9204 4.2", H3_STREAM_CREATION_ERROR, (c) -> {
			RawQuicConnection connection = c.connect();
			connection.openUnidirectional(Http3Wire.STREAM_QPACK_ENCODER);
			connection.openUnidirectional(Http3Wire.STREAM_QPACK_ENCODER);
			return c.await(connection, null);
		}));
		cases.add(connectionError("qpack-encoder-stream-closed", "9204 4.2", H3_CLOSED_CRITICAL_STREAM, (c) -> {
			RawQuicConnection connection = c.connect();
			connection.openUnidirectional(Http3Wire.STREAM_QPACK_ENCODER).fin();
			return c.await(connection, null);
		}));
		cases.add(ignored("unknown-unidirectional-stream-type", "9114 6.2.3", (c) -> {
			RawQuicConnection connection = c.connect();
			c.note(connection.openUnidirectionalMayBeStopped(Http3Wire.reserved(3), "grease".getBytes()));
			return c.awaitIgnoredThenGet(connection);
		}));

		// Reserved frame types are ignored (RFC 9114 7.2.8, 9)
		cases.add(ignored("reserved-frame-on-request-stream", "9114 7.2.8", (c) -> {
			RawQuicConnection connection = c.connect();
			RawStream stream = connection.openRequestStream();
			stream.writeAndFin(concat(frame(Http3Wire.reserved(0), "x".getBytes()), c.get().frame(),
					frame(Http3Wire.reserved(1000), new byte[10])));
			return c.await(connection, stream);
		}));
		cases.add(ignored("reserved-frame-on-control-stream", "9114 7.2.8", (c) -> {
			RawQuicConnection connection = c.connectWithoutControlStream();
			connection.openUnidirectional(Http3Wire.STREAM_CONTROL)
				.write(concat(Http3Wire.settings(), frame(Http3Wire.reserved(2), new byte[5])));
			return c.awaitIgnoredThenGet(connection);
		}));

		// Malformed requests (RFC 9114 4.1.2, 4.2, 4.3.1): stream error H3_MESSAGE_ERROR or a 4xx response
		cases.add(malformed("missing-method", "9114 4.3.1", (c) -> request(c, new FieldSection().add(":scheme", "https")
			.add(":authority", c.authority()).add(":path", c.path()).frame())));
		cases.add(malformed("missing-path", "9114 4.3.1", (c) -> request(c, new FieldSection().add(":method", "GET")
			.add(":scheme", "https").add(":authority", c.authority()).frame())));
		cases.add(malformed("missing-scheme", "9114 4.3.1", (c) -> request(c, new FieldSection().add(":method", "GET")
			.add(":authority", c.authority()).add(":path", c.path()).frame())));
		cases.add(malformed("empty-path", "9114 4.3.1", (c) -> request(c, FieldSection.request("GET", c.authority(), "")
			.frame())));
		cases.add(malformed("duplicate-path", "9114 4.3.1", (c) -> request(c, c.get().add(":path", c.path()).frame())));
		cases.add(malformed("duplicate-method", "9114 4.3.1", (c) -> request(c, new FieldSection().add(":method", "GET")
			.add(":method", "POST").add(":scheme", "https").add(":authority", c.authority()).add(":path", c.path())
			.frame())));
		cases.add(malformed("pseudo-after-regular", "9114 4.3", (c) -> request(c, new FieldSection().add(":method", "GET")
			.add(":scheme", "https").add("accept", "*/*").add(":authority", c.authority()).add(":path", c.path())
			.frame())));
		cases.add(malformed("unknown-pseudo-header", "9114 4.3", (c) -> request(c, c.get().add(":foo", "bar").frame())));
		cases.add(malformed("status-in-request", "9114 4.3", (c) -> request(c, c.get().add(":status", "200").frame())));
		cases.add(malformed("uppercase-field-name", "9114 4.2", (c) -> request(c, c.get().add("X-Upper", "1").frame())));
		cases.add(malformed("field-value-with-crlf", "9114 4.2 (RFC 9110 5.5)",
				(c) -> request(c, c.get().add("x-bad", "a\r\nb").frame())));
		cases.add(malformed("connection-header", "9114 4.2",
				(c) -> request(c, c.get().add("connection", "keep-alive").frame())));
		cases.add(malformed("keep-alive-header", "9114 4.2",
				(c) -> request(c, c.get().add("keep-alive", "timeout=5").frame())));
		cases.add(malformed("transfer-encoding-header", "9114 4.2",
				(c) -> request(c, c.get().add("transfer-encoding", "chunked").frame())));
		cases.add(malformed("upgrade-header", "9114 4.2",
				(c) -> request(c, c.get().add("upgrade", "websocket").frame())));
		cases.add(malformed("te-gzip", "9114 4.2", (c) -> request(c, c.get().add("te", "gzip").frame())));
		cases.add(ignored("te-trailers-allowed", "9114 4.2", (c) -> request(c, c.get().add("te", "trailers").frame())));
		cases.add(malformed("connect-without-authority", "9114 4.4", (c) -> request(c,
				new FieldSection().add(":method", "CONNECT").frame()))
			.withServletRule(new ServletRule("never invoked (servlet mapped at /*)", (seen) -> seen.isEmpty()
					&& HostileHttp3Tests.servlet.invocations(HostileHttp3Tests.CountingServlet.NO_CASE).isEmpty())));
		cases.add(bodyMismatch("content-length-longer-than-body", (c) -> request(c,
				FieldSection.request("POST", c.authority(), c.path()).add("content-length", "10").frame(),
				data("short"))));
		cases.add(bodyMismatch("content-length-shorter-than-body", (c) -> request(c,
				FieldSection.request("POST", c.authority(), c.path()).add("content-length", "5").frame(),
				data("much longer body"))));
		cases.add(malformed("oversize-field-section", "9114 4.2.2", (c) -> request(c,
				c.get().add("x-big", "a".repeat(HostileHttp3Tests.MAX_HEADER_SIZE * 2)).frame()))
			.withExpected("431 or stream error; servlet not invoked",
					(o) -> o.isResponse(431) || o.isClientError() || o.kind() == Outcome.Kind.STREAM_RESET));

		// QPACK (RFC 9204)
		cases.add(connectionError("qpack-static-index-out-of-range", "9204 3.1, 4.5.2", QPACK_DECOMPRESSION_FAILED,
				(c) -> request(c, c.get().staticIndex(StaticTable.SIZE + 100).frame())));
		cases.add(connectionError("qpack-required-insert-count-out-of-range", "9204 4.5.1.1",
				QPACK_DECOMPRESSION_FAILED, (c) -> {
					RawQuicConnection connection = c.connect();
					long capacity = connection.serverSettings().getOrDefault(Http3Wire.SETTINGS_QPACK_MAX_TABLE_CAPACITY,
							0L);
					// MaxEntries = capacity / 32; an encoded Required Insert Count above 2 * MaxEntries is an error
					// (with capacity 0, any non-zero one is).
					long encoded = 2 * (capacity / 32) + 1;
					c.note("server max table capacity " + capacity + ", encoded RIC " + encoded);
					RawStream stream = connection.openRequestStream();
					stream.writeAndFin(Http3Wire.headers(concat(Http3Wire.integer(0x00, 8, encoded), new byte[] { 0 },
							c.get().encode())));
					return c.await(connection, stream);
				}));
		cases.add(connectionError("qpack-dynamic-reference-empty-table", "9204 4.5.2", QPACK_DECOMPRESSION_FAILED,
				(c) -> request(c, c.get().raw((byte) 0x80).frame())));
		cases.add(connectionError("qpack-post-base-reference", "9204 4.5.3", QPACK_DECOMPRESSION_FAILED,
				(c) -> request(c, c.get().raw((byte) 0x10).frame())));
		cases.add(connectionError("qpack-set-capacity-beyond-maximum", "9204 4.3.1", QPACK_ENCODER_STREAM_ERROR,
				(c) -> {
					RawQuicConnection connection = c.connect();
					Map<Long, Long> settings = connection.serverSettings();
					long maximum = settings.getOrDefault(Http3Wire.SETTINGS_QPACK_MAX_TABLE_CAPACITY, 0L);
					c.note("server SETTINGS (id=value) " + settings);
					connection.openUnidirectional(Http3Wire.STREAM_QPACK_ENCODER)
						.write(Http3Wire.integer(0x20, 5, maximum + 1024));
					return c.await(connection, null);
				}));
		cases.add(connectionError("qpack-insert-beyond-capacity", "9204 3.2.2, 4.3.2", QPACK_ENCODER_STREAM_ERROR,
				(c) -> {
					RawQuicConnection connection = c.connect();
					// Insert with literal name "x-a: b" while the dynamic table capacity is still 0.
					connection.openUnidirectional(Http3Wire.STREAM_QPACK_ENCODER)
						.write(concat(Http3Wire.integer(0x40, 5, 3), "x-a".getBytes(), Http3Wire.integer(0x00, 7, 1),
								"b".getBytes()));
					return c.await(connection, null);
				}));

		// Truncated frames (RFC 9114 7.1)
		cases.add(connectionError("headers-truncated-then-fin", "9114 7.1", H3_FRAME_ERROR, (c) -> {
			byte[] section = c.get().encode();
			return request(c, Http3Wire.truncatedFrame(Http3Wire.HEADERS, section.length + 50, section));
		}));
		cases.add(connectionError("data-truncated-then-fin", "9114 7.1", H3_FRAME_ERROR, (c) -> request(c,
				FieldSection.request("POST", c.authority(), c.path()).frame(),
				Http3Wire.truncatedFrame(Http3Wire.DATA, 100, "only ten b".getBytes())))
			.withServletRule(ServletRule.NO_BODY_ACCEPTED));

		// Two violations at once: the body is shorter than its Content-Length (4.1.2) and the stream ends inside a
		// DATA frame (7.1); either error answers it.
		cases.add(new HostileCase("data-truncated-with-content-length", "9114 4.1.2, 7.1",
				"stream error 0x10e, 4xx, or CONNECTION_CLOSE 0x106 (H3_FRAME_ERROR); servlet (dispatched on HEADERS) "
						+ "never reads a complete body",
				(c) -> request(c,
						FieldSection.request("POST", c.authority(), c.path()).add("content-length", "100").frame(),
						Http3Wire.truncatedFrame(Http3Wire.DATA, 100, "only ten b".getBytes())),
				(o) -> isMessageError(o) || o.isConnectionError(H3_FRAME_ERROR), ServletRule.NO_BODY_ACCEPTED, null));

		cases.addAll(StreamCases.all());
		return TestTransport.is(Http3Transport.JETTY_QUICHE) ? JettyDeviations.apply(cases) : NettyDeviations.apply(cases);
	}

	/** Opens a connection and a request stream, sends the parts with FIN, and waits for the reaction. */
	static Outcome request(Context c, byte[]... parts) throws IOException {
		RawQuicConnection connection = c.connect();
		RawStream stream = connection.openRequestStream();
		stream.writeAndFin(concat(parts));
		return c.await(connection, stream);
	}

	/** Opens a connection, sends the frames on the control stream after its SETTINGS, and waits for the reaction. */
	static Outcome control(Context c, byte[]... frames) throws IOException {
		RawQuicConnection connection = c.connectWithoutControlStream();
		connection.openUnidirectional(Http3Wire.STREAM_CONTROL).write(concat(Http3Wire.settings(), concat(frames)));
		return c.await(connection, null);
	}

	/** Opens a connection whose control stream starts with the given (first) SETTINGS frame. */
	static Outcome settingsOnly(Context c, byte[] settings) throws IOException {
		RawQuicConnection connection = c.connectWithoutControlStream();
		connection.openUnidirectional(Http3Wire.STREAM_CONTROL).write(settings);
		return c.await(connection, null);
	}

	static HostileCase connectionError(String name, String section, long code, Scenario scenario) {
		return new HostileCase(name, section, "CONNECTION_CLOSE " + Outcome.hex(code) + " (" + Outcome.name(code) + ")",
				scenario, (o) -> o.isConnectionError(code), ServletRule.NEVER, null);
	}

	static HostileCase malformed(String name, String section, Scenario scenario) {
		return new HostileCase(name, section, "stream error 0x10e (H3_MESSAGE_ERROR) or 4xx; servlet not invoked",
				scenario, HostileCases::isMessageError, ServletRule.NEVER, null);
	}

	/**
	 * A body that disagrees with its Content-Length: a streaming server dispatches the request on its field section,
	 * before the body, so the servlet runs, but must never read a complete body.
	 */
	static HostileCase bodyMismatch(String name, Scenario scenario) {
		return new HostileCase(name, "9114 4.1.2",
				"stream error 0x10e or 4xx; servlet (dispatched on HEADERS) never reads a complete body", scenario,
				HostileCases::isMessageError, ServletRule.NO_BODY_ACCEPTED, null);
	}

	static HostileCase ignored(String name, String section, Scenario scenario) {
		return new HostileCase(name, section, "ignored: 200 on the same connection", scenario,
				(o) -> o.isResponse(200) && o.detail().contains("x-protocol=HTTP/3.0"), ServletRule.ONCE_OVER_HTTP3,
				null);
	}

	/** H3_MESSAGE_ERROR as a stream error (or, as RFC 9114 8 allows, a connection error), or a 4xx response. */
	static boolean isMessageError(Outcome o) {
		return o.isStreamReset(H3_MESSAGE_ERROR) || o.isClientError() || o.isConnectionError(H3_MESSAGE_ERROR);
	}

}
