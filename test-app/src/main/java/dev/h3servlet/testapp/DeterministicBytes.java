package dev.h3servlet.testapp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A reproducible byte sequence of any length, so that a sender and a receiver can produce and check the same content
 * without holding it in memory: byte {@code i} is the top byte of {@code i * 0x9E3779B97F4A7C15} (no short period).
 */
public final class DeterministicBytes {

	private DeterministicBytes() {
	}

	/** The byte at a position of the sequence. */
	public static byte at(long position) {
		return (byte) ((position * 0x9E3779B97F4A7C15L) >>> 56);
	}

	/** The first {@code length} bytes of the sequence as a stream. */
	public static InputStream stream(long length) {
		if (length < 0) {
			throw new IllegalArgumentException("length: " + length + " (expected: >= 0)");
		}
		return new InputStream() {

			private long position;

			@Override
			public int read() {
				return (this.position < length) ? at(this.position++) & 0xFF : -1;
			}

			@Override
			public int read(byte[] buffer, int offset, int count) {
				Objects.checkFromIndexSize(offset, count, buffer.length);
				if (count == 0) {
					return 0;
				}
				if (this.position >= length) {
					return -1;
				}
				int n = (int) Math.min(count, length - this.position);
				for (int i = 0; i < n; i++) {
					buffer[offset + i] = at(this.position++);
				}
				return n;
			}

			@Override
			public int available() {
				return (int) Math.min(Integer.MAX_VALUE, length - this.position);
			}

		};
	}

	/** Lower-case hex SHA-256 of the first {@code length} bytes of the sequence. */
	public static String sha256Hex(long length) {
		try {
			return sha256Hex(stream(length));
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Lower-case hex SHA-256 of what is left in a stream, which is read to its end. */
	public static String sha256Hex(InputStream in) throws IOException {
		MessageDigest digest = sha256();
		try (DigestInputStream digesting = new DigestInputStream(in, digest)) {
			digesting.transferTo(OutputStream.nullOutputStream());
		}
		return HexFormat.of().formatHex(digest.digest());
	}

	/** Lower-case hex SHA-256 of bytes. */
	public static String sha256Hex(byte[] bytes) {
		return HexFormat.of().formatHex(sha256().digest(bytes));
	}

	public static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

}
