package dev.h3servlet.connector.netty;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RetryTokens}: what the server accepts back is only what it signed, for that address, in time.
 * On the wire: {@code NettyHttp3ConnectorTests} (tokens tampered with by a {@code QuicRelay}).
 */
class RetryTokensTests {

	private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40_000);

	private static final byte[] ODCID = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 };

	private final MutableClock clock = new MutableClock(Instant.parse("2026-12-04T12:00:00Z"));

	private final RetryTokens tokens = new RetryTokens(Duration.ofSeconds(30), this.clock);

	private final ByteBuf token = Unpooled.buffer();

	@AfterEach
	void release() {
		this.token.release();
	}

	@Test
	void aTokenItIssuedIsAcceptedAndGivesBackTheOriginalConnectionId() {
		issue();
		assertThat(this.token.readableBytes()).isLessThanOrEqualTo(this.tokens.maxTokenLength());
		int offset = this.tokens.validateToken(this.token.duplicate(), CLIENT);
		assertThat(offset).isPositive();
		byte[] odcid = new byte[this.token.readableBytes() - offset];
		this.token.getBytes(offset, odcid);
		assertThat(odcid).isEqualTo(ODCID);
		assertThat(this.tokens.rejected()).isZero();
	}

	@Test
	void aTokenWithAnyByteChangedIsRefused() {
		issue();
		for (int i = 0; i < this.token.readableBytes(); i++) {
			ByteBuf forged = this.token.copy();
			forged.setByte(i, forged.getByte(i) ^ 0x01);
			assertThat(this.tokens.validateToken(forged, CLIENT)).as("byte %d changed", i).isEqualTo(-1);
			forged.release();
		}
		assertThat(this.tokens.rejected()).isEqualTo(this.token.readableBytes());
	}

	@Test
	void aTokenFromAnotherAddressOrPortIsRefused() {
		issue();
		assertThat(this.tokens.validateToken(this.token.duplicate(), new InetSocketAddress("127.0.0.2", 40_000)))
			.isEqualTo(-1);
		assertThat(this.tokens.validateToken(this.token.duplicate(), new InetSocketAddress("127.0.0.1", 40_001)))
			.isEqualTo(-1);
	}

	@Test
	void aTokenPastItsLifetimeIsRefused() {
		issue();
		this.clock.advance(Duration.ofSeconds(30));
		assertThat(this.tokens.validateToken(this.token.duplicate(), CLIENT)).isPositive();
		this.clock.advance(Duration.ofSeconds(2));
		assertThat(this.tokens.validateToken(this.token.duplicate(), CLIENT)).isEqualTo(-1);
	}

	@Test
	void anotherServersTokenIsRefused() {
		issue();
		RetryTokens other = new RetryTokens(Duration.ofSeconds(30), this.clock);
		assertThat(other.validateToken(this.token.duplicate(), CLIENT)).isEqualTo(-1);
	}

	@Test
	void truncatedAndEmptyTokensAreRefused() {
		issue();
		assertThat(this.tokens.validateToken(this.token.slice(0, 21), CLIENT)).isEqualTo(-1);
		assertThat(this.tokens.validateToken(Unpooled.EMPTY_BUFFER, CLIENT)).isEqualTo(-1);
	}

	private void issue() {
		ByteBuf dcid = Unpooled.wrappedBuffer(ODCID);
		assertThat(this.tokens.writeToken(this.token, dcid, CLIENT)).isTrue();
		dcid.release();
	}

	/** A clock the test moves. */
	static final class MutableClock extends Clock {

		private volatile Instant now;

		MutableClock(Instant now) {
			this.now = now;
		}

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public ZoneOffset getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

}
