package dev.h3servlet.it.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.jetty.http.compression.EncodingException;
import org.eclipse.jetty.http.compression.HuffmanDecoder;

/**
 * HTTP/3 frames (RFC 9114 section 7) and QPACK field sections (RFC 9204 section 4.5) written byte by byte, so that a
 * test can send what no HTTP/3 library would: frames on the wrong stream, malformed field sections, references past
 * the tables. The encoder side never uses the dynamic table or Huffman coding unless a test writes those bytes itself;
 * the decoder side reads what a server sends to a peer that allowed no dynamic table (static references and
 * literals, Huffman-coded or not).
 */
final class Http3Wire {

	static final long DATA = 0x00;

	static final long HEADERS = 0x01;

	static final long CANCEL_PUSH = 0x03;

	static final long SETTINGS = 0x04;

	static final long PUSH_PROMISE = 0x05;

	static final long GOAWAY = 0x07;

	static final long MAX_PUSH_ID = 0x0d;

	static final long STREAM_CONTROL = 0x00;

	static final long STREAM_PUSH = 0x01;

	static final long STREAM_QPACK_ENCODER = 0x02;

	static final long STREAM_QPACK_DECODER = 0x03;

	static final long SETTINGS_QPACK_MAX_TABLE_CAPACITY = 0x01;

	static final long SETTINGS_MAX_FIELD_SECTION_SIZE = 0x06;

	static final long SETTINGS_QPACK_BLOCKED_STREAMS = 0x07;

	/** The {@code N}th reserved ("grease") code point of a registry: {@code 0x1f * N + 0x21} (RFC 9114 7.2.8, 6.2.3). */
	static long reserved(long n) {
		return 0x1f * n + 0x21;
	}

	private Http3Wire() {
	}

	/** A QUIC variable-length integer (RFC 9000 section 16) in its shortest form. */
	static byte[] varint(long value) {
		if (value < 0 || value > 0x3fffffffffffffffL) {
			throw new IllegalArgumentException("value: " + value + " (expected: 0 to 2^62-1)");
		}
		if (value < 0x40) {
			return new byte[] { (byte) value };
		}
		if (value < 0x4000) {
			return new byte[] { (byte) (0x40 | (value >>> 8)), (byte) value };
		}
		if (value < 0x40000000) {
			return ByteBuffer.allocate(4).putInt((int) (0x80000000L | value)).array();
		}
		return ByteBuffer.allocate(8).putLong(0xc000000000000000L | value).array();
	}

	static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			out.writeBytes(part);
		}
		return out.toByteArray();
	}

	/** A frame: type, length, payload. */
	static byte[] frame(long type, byte[] payload) {
		return concat(varint(type), varint(payload.length), payload);
	}

	/** A frame whose length field says more bytes than the payload that follows (a truncated frame). */
	static byte[] truncatedFrame(long type, int declaredLength, byte[] payload) {
		return concat(varint(type), varint(declaredLength), payload);
	}

	/** A SETTINGS frame from identifier/value pairs. */
	static byte[] settings(long... pairs) {
		ByteArrayOutputStream payload = new ByteArrayOutputStream();
		for (long value : pairs) {
			payload.writeBytes(varint(value));
		}
		return frame(SETTINGS, payload.toByteArray());
	}

	static byte[] data(byte[] content) {
		return frame(DATA, content);
	}

	static byte[] data(String content) {
		return data(content.getBytes(StandardCharsets.UTF_8));
	}

	static byte[] headers(byte[] fieldSection) {
		return frame(HEADERS, fieldSection);
	}

	/** Field lines after the two-byte prefix (required insert count 0, base 0) that a static-only encoder writes. */
	static final class FieldSection {

		private final ByteArrayOutputStream lines = new ByteArrayOutputStream();

		private byte[] prefix = { 0x00, 0x00 };

		/** The field section of a request: the four pseudo-header fields, then any regular fields. */
		static FieldSection request(String method, String authority, String path) {
			return new FieldSection().add(":method", method)
				.add(":scheme", "https")
				.add(":authority", authority)
				.add(":path", path);
		}

		/** A literal field line with a literal name (RFC 9204 4.5.6): the name exactly as given, any case. */
		FieldSection add(String name, String value) {
			byte[] nameBytes = name.getBytes(StandardCharsets.ISO_8859_1);
			writeInteger(this.lines, 0x20, 3, nameBytes.length);
			this.lines.writeBytes(nameBytes);
			byte[] valueBytes = value.getBytes(StandardCharsets.ISO_8859_1);
			writeInteger(this.lines, 0x00, 7, valueBytes.length);
			this.lines.writeBytes(valueBytes);
			return this;
		}

		/** An indexed field line (RFC 9204 4.5.2) referring to the static table, at any index. */
		FieldSection staticIndex(long index) {
			writeInteger(this.lines, 0xc0, 6, index);
			return this;
		}

		/** Raw bytes appended to the field lines. */
		FieldSection raw(byte... bytes) {
			this.lines.writeBytes(bytes);
			return this;
		}

		/** Replaces the encoded field section prefix (required insert count, sign bit and delta base). */
		FieldSection prefix(byte... bytes) {
			this.prefix = bytes.clone();
			return this;
		}

		byte[] encode() {
			return concat(this.prefix, this.lines.toByteArray());
		}

		/** A HEADERS frame holding this field section. */
		byte[] frame() {
			return headers(encode());
		}

	}

	/** A QPACK prefixed integer (RFC 9204 4.1.1, from RFC 7541 5.1) with the given flag bits in its first byte. */
	static void writeInteger(ByteArrayOutputStream out, int flags, int prefixBits, long value) {
		int max = (1 << prefixBits) - 1;
		if (value < max) {
			out.write(flags | (int) value);
			return;
		}
		out.write(flags | max);
		value -= max;
		while (value >= 0x80) {
			out.write((int) ((value & 0x7f) | 0x80));
			value >>>= 7;
		}
		out.write((int) value);
	}

	static byte[] integer(int flags, int prefixBits, long value) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		writeInteger(out, flags, prefixBits, value);
		return out.toByteArray();
	}

	/** One frame read from a stream. */
	record Frame(long type, byte[] payload) {
	}

	/** The frames in the bytes of a stream, from the given offset; a truncated last frame is left out. */
	static List<Frame> frames(byte[] bytes, int offset) {
		ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, bytes.length - offset);
		List<Frame> frames = new ArrayList<>();
		while (buffer.hasRemaining()) {
			int start = buffer.position();
			Long type = readVarint(buffer);
			Long length = (type != null) ? readVarint(buffer) : null;
			if (length == null || buffer.remaining() < length) {
				buffer.position(start);
				break;
			}
			byte[] payload = new byte[length.intValue()];
			buffer.get(payload);
			frames.add(new Frame(type, payload));
		}
		return frames;
	}

	/** Reads a variable-length integer, or returns {@code null} (position unchanged) if it is not all there. */
	static Long readVarint(ByteBuffer buffer) {
		if (!buffer.hasRemaining()) {
			return null;
		}
		int first = buffer.get(buffer.position()) & 0xff;
		int length = 1 << (first >>> 6);
		if (buffer.remaining() < length) {
			return null;
		}
		long value = buffer.get() & 0x3f;
		for (int i = 1; i < length; i++) {
			value = (value << 8) | (buffer.get() & 0xff);
		}
		return value;
	}

	/** Identifier/value pairs of a SETTINGS frame's payload. */
	static Map<Long, Long> settingsOf(byte[] payload) {
		ByteBuffer buffer = ByteBuffer.wrap(payload);
		Map<Long, Long> settings = new java.util.LinkedHashMap<>();
		while (buffer.hasRemaining()) {
			Long id = readVarint(buffer);
			Long value = readVarint(buffer);
			if (id == null || value == null) {
				throw new IllegalArgumentException("Malformed SETTINGS payload from the server");
			}
			settings.put(id, value);
		}
		return settings;
	}

	/**
	 * Decodes a field section that refers to no dynamic table entry (the peer allowed none) into name/value pairs, in
	 * order.
	 */
	static List<Map.Entry<String, String>> decodeFieldSection(byte[] section) {
		ByteBuffer buffer = ByteBuffer.wrap(section);
		long requiredInsertCount = readInteger(buffer, 8);
		readInteger(buffer, 7);
		if (requiredInsertCount != 0) {
			throw new IllegalArgumentException("The server's field section refers to the dynamic table");
		}
		List<Map.Entry<String, String>> fields = new ArrayList<>();
		while (buffer.hasRemaining()) {
			int first = buffer.get(buffer.position()) & 0xff;
			if ((first & 0x80) != 0) {
				if ((first & 0x40) == 0) {
					throw new IllegalArgumentException("Dynamic table reference from the server");
				}
				String[] entry = StaticTable.entry(readInteger(buffer, 6));
				fields.add(Map.entry(entry[0], entry[1]));
			}
			else if ((first & 0x40) != 0) {
				if ((first & 0x10) == 0) {
					throw new IllegalArgumentException("Dynamic table name reference from the server");
				}
				String name = StaticTable.entry(readInteger(buffer, 4))[0];
				fields.add(Map.entry(name, readString(buffer, 7)));
			}
			else if ((first & 0x20) != 0) {
				String name = readString(buffer, 3);
				fields.add(Map.entry(name, readString(buffer, 7)));
			}
			else {
				throw new IllegalArgumentException("Post-base reference from the server");
			}
		}
		return fields;
	}

	private static long readInteger(ByteBuffer buffer, int prefixBits) {
		int max = (1 << prefixBits) - 1;
		long value = buffer.get() & max;
		if (value < max) {
			return value;
		}
		int shift = 0;
		int b;
		do {
			b = buffer.get() & 0xff;
			value += (long) (b & 0x7f) << shift;
			shift += 7;
		}
		while ((b & 0x80) != 0);
		return value;
	}

	/** A string literal whose H bit sits just above a {@code prefixBits} length. */
	private static String readString(ByteBuffer buffer, int prefixBits) {
		boolean huffman = (buffer.get(buffer.position()) & (1 << prefixBits)) != 0;
		int length = (int) readInteger(buffer, prefixBits);
		ByteBuffer slice = buffer.slice(buffer.position(), length);
		buffer.position(buffer.position() + length);
		if (!huffman) {
			return StandardCharsets.ISO_8859_1.decode(slice).toString();
		}
		HuffmanDecoder decoder = new HuffmanDecoder();
		decoder.setLength(length);
		try {
			return decoder.decode(slice);
		}
		catch (EncodingException ex) {
			throw new IllegalArgumentException("Bad Huffman string from the server", ex);
		}
	}

}
