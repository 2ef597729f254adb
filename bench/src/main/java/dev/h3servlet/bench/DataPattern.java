package dev.h3servlet.bench;

import java.security.MessageDigest;

/** The bytes every download and upload carries: a fixed 64 KiB pattern, repeated. */
final class DataPattern {

	static final int CHUNK_SIZE = 64 * 1024;

	private DataPattern() {
	}

	static byte[] chunk() {
		byte[] chunk = new byte[CHUNK_SIZE];
		for (int i = 0; i < chunk.length; i++) {
			chunk[i] = (byte) (i * 31 + (i >>> 8));
		}
		return chunk;
	}

	/** A body of the given size made of the pattern. */
	static byte[] body(int size) {
		byte[] chunk = chunk();
		byte[] body = new byte[size];
		for (int offset = 0; offset < size; offset += chunk.length) {
			System.arraycopy(chunk, 0, body, offset, Math.min(chunk.length, size - offset));
		}
		return body;
	}

	static String sha256Hex(byte[] body) {
		MessageDigest digest = BenchServer.newSha256();
		digest.update(body);
		return BenchServer.sha256(digest);
	}

}
