package dev.h3servlet.it.hostile;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the server did after a case's bytes: closed the connection (with a code), reset the request stream (with a
 * code), answered on the request stream (with a status), or nothing within the wait.
 */
record Outcome(Kind kind, long code, int status, String detail) {

	enum Kind {

		/** CONNECTION_CLOSE with an application (HTTP/3 or QPACK) error code. */
		CONNECTION_ERROR,

		/** CONNECTION_CLOSE with a QUIC transport error code. */
		TRANSPORT_ERROR,

		/** RESET_STREAM on the request stream. */
		STREAM_RESET,

		/** A complete response on the request stream. */
		RESPONSE,

		/**
		 * CONNECTION_CLOSE with H3_NO_ERROR: the server closed the connection without naming an error (Jetty does
		 * so when the idle timeout expires), that is the violation was not acted on.
		 */
		NO_ERROR_CLOSE,

		/** Nothing within the wait: the connection and stream stayed open. */
		NOTHING,

		/** Something else, described in {@link Outcome#detail()}. */
		OTHER

	}

	static Outcome connectionError(RawQuicConnection.Close close) {
		return new Outcome(close.application() ? Kind.CONNECTION_ERROR : Kind.TRANSPORT_ERROR, close.code(), 0,
				close.toString());
	}

	static Outcome idleClose(RawQuicConnection.Close close) {
		return new Outcome(Kind.NO_ERROR_CLOSE, close.code(), 0,
				"not acted on: CONNECTION_CLOSE 0x100 (H3_NO_ERROR) \"" + close.reason() + "\" when the idle timeout expired");
	}

	static Outcome streamReset(long code) {
		return new Outcome(Kind.STREAM_RESET, code, 0, "RESET_STREAM " + hex(code) + " (" + name(code) + ")");
	}

	static Outcome response(int status, String detail) {
		return new Outcome(Kind.RESPONSE, 0, status, status + (detail.isEmpty() ? "" : " " + detail));
	}

	static Outcome nothing(String detail) {
		return new Outcome(Kind.NOTHING, 0, 0, detail);
	}

	static Outcome other(String detail) {
		return new Outcome(Kind.OTHER, 0, 0, detail);
	}

	boolean isConnectionError(long expected) {
		return this.kind == Kind.CONNECTION_ERROR && this.code == expected;
	}

	boolean isStreamReset(long expected) {
		return this.kind == Kind.STREAM_RESET && this.code == expected;
	}

	boolean isResponse(int expected) {
		return this.kind == Kind.RESPONSE && this.status == expected;
	}

	boolean isClientError() {
		return this.kind == Kind.RESPONSE && this.status >= 400 && this.status < 500;
	}

	@Override
	public String toString() {
		return switch (this.kind) {
			case CONNECTION_ERROR -> "CONNECTION_CLOSE " + hex(this.code) + " (" + name(this.code) + ")"
					+ (this.detail.contains("\"") ? " " + this.detail.substring(this.detail.indexOf('"')) : "");
			case TRANSPORT_ERROR -> "CONNECTION_CLOSE transport " + hex(this.code) + " " + this.detail;
			default -> this.detail;
		};
	}

	static String hex(long code) {
		return "0x" + Long.toHexString(code).toLowerCase(Locale.ROOT);
	}

	private static final Map<Long, String> NAMES = Map.ofEntries(Map.entry(0x100L, "H3_NO_ERROR"),
			Map.entry(0x101L, "H3_GENERAL_PROTOCOL_ERROR"), Map.entry(0x102L, "H3_INTERNAL_ERROR"),
			Map.entry(0x103L, "H3_STREAM_CREATION_ERROR"), Map.entry(0x104L, "H3_CLOSED_CRITICAL_STREAM"),
			Map.entry(0x105L, "H3_FRAME_UNEXPECTED"), Map.entry(0x106L, "H3_FRAME_ERROR"),
			Map.entry(0x107L, "H3_EXCESSIVE_LOAD"), Map.entry(0x108L, "H3_ID_ERROR"),
			Map.entry(0x109L, "H3_SETTINGS_ERROR"), Map.entry(0x10aL, "H3_MISSING_SETTINGS"),
			Map.entry(0x10bL, "H3_REQUEST_REJECTED"), Map.entry(0x10cL, "H3_REQUEST_CANCELLED"),
			Map.entry(0x10dL, "H3_REQUEST_INCOMPLETE"), Map.entry(0x10eL, "H3_MESSAGE_ERROR"),
			Map.entry(0x10fL, "H3_CONNECT_ERROR"), Map.entry(0x110L, "H3_VERSION_FALLBACK"),
			Map.entry(0x200L, "QPACK_DECOMPRESSION_FAILED"), Map.entry(0x201L, "QPACK_ENCODER_STREAM_ERROR"),
			Map.entry(0x202L, "QPACK_DECODER_STREAM_ERROR"));

	static String name(long code) {
		return NAMES.getOrDefault(code, "unknown");
	}

	static String describeFields(List<Map.Entry<String, String>> fields) {
		StringBuilder text = new StringBuilder();
		for (Map.Entry<String, String> field : fields) {
			if (field.getKey().equals("x-protocol")) {
				text.append("x-protocol=").append(field.getValue());
			}
		}
		return text.toString();
	}

}
