package dev.h3servlet.connector.netty;

/** The HTTP/3 application error codes (RFC 9114 8.1) this transport sends. */
final class Http3ErrorCodes {

	static final int H3_NO_ERROR = 0x100;

	static final int H3_GENERAL_PROTOCOL_ERROR = 0x101;

	static final int H3_INTERNAL_ERROR = 0x102;

	static final int H3_CLOSED_CRITICAL_STREAM = 0x104;

	static final int H3_FRAME_ERROR = 0x106;

	static final int H3_REQUEST_REJECTED = 0x10b;

	static final int H3_REQUEST_CANCELLED = 0x10c;

	static final int H3_MESSAGE_ERROR = 0x10e;

	/** RFC 9114 8.1: the CONNECT's tunnel (here a WebTransport session) failed or ended; its streams are reset so. */
	static final int H3_CONNECT_ERROR = 0x10f;

	/** WebTransport draft-02 4.4: a stream for a session that does not exist (or is not open yet) is refused. */
	static final int WEBTRANSPORT_BUFFERED_STREAM_REJECTED = 0x3994bd84;

	private Http3ErrorCodes() {
	}

}
