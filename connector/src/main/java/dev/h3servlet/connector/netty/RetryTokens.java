package dev.h3servlet.connector.netty;

import java.net.InetSocketAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.quic.QuicTokenHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Address validation with Retry tokens (RFC 9000 8.1.2) that only this server can make: each token is signed with
 * HMAC-SHA256 under a key drawn at random when the listener starts, and binds the client's address (IP and port),
 * the time it was issued and the original destination connection id. A token is accepted only with a valid
 * signature, from the address it was issued to, within {@link #DEFAULT_LIFETIME}; anything else is dropped before a
 * connection exists. Netty's {@code InsecureQuicTokenHandler} signs nothing and never expires: a client could make up
 * tokens for any address.
 * <p>
 * Layout: version (1 byte), issue time in seconds (4, unsigned), MAC (the first 16 bytes of the HMAC), original
 * destination connection id (the rest). Short on purpose: every client repeats the token in its Initial packets.
 * <p>
 * See docs/workarounds/quiche-client-ignores-long-retry-token.md for the client behaviour that bounds its length.
 */
final class RetryTokens implements QuicTokenHandler {

	private static final Logger logger = LoggerFactory.getLogger(RetryTokens.class);

	static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(30);

	private static final byte VERSION = 1;

	private static final int MAC_LENGTH = 16;

	private static final int HEADER_LENGTH = 1 + Integer.BYTES + MAC_LENGTH;

	/** RFC 9000 17.2: connection ids are at most 20 bytes. */
	private static final int MAX_CONNECTION_ID_LENGTH = 20;

	private final SecretKeySpec key;

	private final long lifetimeSeconds;

	private final Clock clock;

	private final LongAdder rejected = new LongAdder();

	private final ThreadLocal<Mac> macs;

	RetryTokens(Duration lifetime, Clock clock) {
		byte[] secret = new byte[32];
		new SecureRandom().nextBytes(secret);
		this.key = new SecretKeySpec(secret, "HmacSHA256");
		this.lifetimeSeconds = Math.max(1, lifetime.toSeconds());
		this.clock = clock;
		this.macs = ThreadLocal.withInitial(this::newMac);
	}

	private Mac newMac() {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(this.key);
			return mac;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HmacSHA256 is not available in this JVM", ex);
		}
	}

	@Override
	public boolean writeToken(ByteBuf out, ByteBuf dcid, InetSocketAddress address) {
		long issued = this.clock.instant().getEpochSecond() & 0xFFFFFFFFL;
		byte[] odcid = new byte[dcid.readableBytes()];
		dcid.getBytes(dcid.readerIndex(), odcid);
		out.writeByte(VERSION);
		out.writeInt((int) issued);
		out.writeBytes(mac(issued, address, odcid), 0, MAC_LENGTH);
		out.writeBytes(odcid);
		return true;
	}

	@Override
	public int validateToken(ByteBuf token, InetSocketAddress address) {
		int start = token.readerIndex();
		int length = token.readableBytes();
		if (length <= HEADER_LENGTH || length > maxTokenLength() || token.getByte(start) != VERSION) {
			return reject("malformed", address);
		}
		long issued = token.getUnsignedInt(start + 1);
		long now = this.clock.instant().getEpochSecond() & 0xFFFFFFFFL;
		if (issued > now + 1 || now - issued > this.lifetimeSeconds) {
			return reject("expired", address);
		}
		byte[] mac = new byte[MAC_LENGTH];
		token.getBytes(start + 1 + Integer.BYTES, mac);
		byte[] odcid = new byte[length - HEADER_LENGTH];
		token.getBytes(start + HEADER_LENGTH, odcid);
		if (!MessageDigest.isEqual(mac, Arrays.copyOf(mac(issued, address, odcid), MAC_LENGTH))) {
			return reject("not signed by this server for this address", address);
		}
		return HEADER_LENGTH;
	}

	@Override
	public int maxTokenLength() {
		return HEADER_LENGTH + MAX_CONNECTION_ID_LENGTH;
	}

	/** Tokens refused so far: forged, expired, or presented from another address. */
	long rejected() {
		return this.rejected.sum();
	}

	private int reject(String why, InetSocketAddress address) {
		logger.debug("Dropping an Initial packet from {}: its Retry token is {}", address, why);
		this.rejected.increment();
		return -1;
	}

	private byte[] mac(long issued, InetSocketAddress address, byte[] odcid) {
		Mac mac = this.macs.get();
		mac.update(VERSION);
		for (int shift = 24; shift >= 0; shift -= 8) {
			mac.update((byte) (issued >>> shift));
		}
		mac.update(address.getAddress().getAddress());
		mac.update((byte) (address.getPort() >>> 8));
		mac.update((byte) address.getPort());
		mac.update(odcid);
		return mac.doFinal();
	}

}
