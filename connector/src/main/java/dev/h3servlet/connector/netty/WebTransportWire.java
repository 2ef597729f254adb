package dev.h3servlet.connector.netty;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;

/**
 * The bytes of WebTransport over HTTP/3, draft-02 (what Chromium speaks, see docs/webtransport-plan.md): the
 * settings that advertise it, the signals that open its streams, the datagram prefix and the session close capsule.
 */
final class WebTransportWire {

	/** SETTINGS_ENABLE_WEBTRANSPORT, draft-02. */
	static final long SETTINGS_ENABLE_WEBTRANSPORT = 0x2b603742L;

	/** The first varint of a bidirectional WebTransport stream, before the session id (no length follows). */
	static final long BIDIRECTIONAL_STREAM_SIGNAL = 0x41;

	/** The stream type of a unidirectional WebTransport stream, before the session id. */
	static final long UNIDIRECTIONAL_STREAM_TYPE = 0x54;

	/** CLOSE_WEBTRANSPORT_SESSION: a 32-bit code and a UTF-8 reason, on the CONNECT stream before its FIN. */
	static final long CLOSE_SESSION_CAPSULE = 0x2843;

	/** DRAIN_WEBTRANSPORT_SESSION: no value; the session should end soon. */
	static final long DRAIN_SESSION_CAPSULE = 0x78ae;

	/** The longest reason a CLOSE_WEBTRANSPORT_SESSION carries, in bytes. */
	static final int MAX_CLOSE_REASON = 1024;

	/** The response field draft-02 has the server send. */
	static final String DRAFT_FIELD = "sec-webtransport-http3-draft";

	/** The CONNECT's {@code :protocol}. */
	static final String PROTOCOL = "webtransport";

	private WebTransportWire() {
	}

	/** The length of the varint that starts at the buffer's reader index (which must be readable). */
	static int varintLength(ByteBuf buffer) {
		return 1 << (buffer.getUnsignedByte(buffer.readerIndex()) >> 6);
	}

	/** Whether a whole varint can be read. */
	static boolean hasVarint(ByteBuf buffer) {
		return buffer.isReadable() && buffer.readableBytes() >= varintLength(buffer);
	}

	/** Reads a varint (RFC 9000 16); {@link #hasVarint} must hold. */
	static long readVarint(ByteBuf buffer) {
		int length = varintLength(buffer);
		long value = buffer.readUnsignedByte() & 0x3f;
		for (int i = 1; i < length; i++) {
			value = (value << 8) | buffer.readUnsignedByte();
		}
		return value;
	}

	/** The bytes a varint of this value takes. */
	static int varintSize(long value) {
		if (value < 0x40) {
			return 1;
		}
		if (value < 0x4000) {
			return 2;
		}
		return (value < 0x40000000L) ? 4 : 8;
	}

	static void writeVarint(ByteBuf buffer, long value) {
		switch (varintSize(value)) {
			case 1 -> buffer.writeByte((int) value);
			case 2 -> buffer.writeShort((int) (0x4000 | value));
			case 4 -> buffer.writeInt((int) (0x80000000L | value));
			default -> buffer.writeLong(0xC000000000000000L | value);
		}
	}

	/** CLOSE_WEBTRANSPORT_SESSION with its code and reason (cut to {@link #MAX_CLOSE_REASON} bytes). */
	static void writeCloseCapsule(ByteBuf buffer, int code, String reason) {
		byte[] text = (reason != null) ? reason.getBytes(StandardCharsets.UTF_8) : new byte[0];
		int length = Math.min(text.length, MAX_CLOSE_REASON);
		writeVarint(buffer, CLOSE_SESSION_CAPSULE);
		writeVarint(buffer, 4 + length);
		buffer.writeInt(code);
		buffer.writeBytes(text, 0, length);
	}

}
