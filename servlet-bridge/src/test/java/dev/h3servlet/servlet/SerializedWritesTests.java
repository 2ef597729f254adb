package dev.h3servlet.servlet;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SerializedWrites} against a stream whose writes complete when the test says so: the way Jetty 12.1.5's
 * servlet error page writes (the page, then at once an empty last write) reaches the stream one write at a time, in
 * order, whether the first completes later, at once, or fails. The end-to-end trigger (a write completing later
 * because the QUIC session is busy) is timing-bound; the parity suite's POST to a {@code doGet}-only servlet met it.
 */
class SerializedWritesTests {

	@Test
	void aWriteIssuedBeforeTheFirstCompletesReachesTheStreamAfterIt() {
		Stream stream = new Stream();
		SerializedWrites writes = new SerializedWrites(null, stream);
		Outcome page = new Outcome();
		Outcome end = new Outcome();
		writes.write(true, bytes("page"), page);
		writes.write(true, ByteBuffer.allocate(0), end);
		assertThat(stream.issued).containsExactly("last page");
		stream.complete(0);
		assertThat(page.result).isEqualTo("succeeded");
		assertThat(stream.issued).containsExactly("last page", "last ");
		assertThat(end.result).isNull();
		stream.complete(1);
		assertThat(end.result).isEqualTo("succeeded");
	}

	@Test
	void writesThatCompleteAtOnceGoStraightThroughInOrder() {
		Stream stream = new Stream();
		stream.completeAtOnce = true;
		SerializedWrites writes = new SerializedWrites(null, stream);
		List<Outcome> outcomes = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			Outcome outcome = new Outcome();
			outcomes.add(outcome);
			writes.write(i == 2, bytes("part" + i), outcome);
		}
		assertThat(stream.issued).containsExactly("part0", "part1", "last part2");
		assertThat(outcomes).allMatch((outcome) -> "succeeded".equals(outcome.result));
	}

	@Test
	void aFailedWriteFailsItsCallbackAndTheWaitingWriteStillReachesTheStream() {
		Stream stream = new Stream();
		SerializedWrites writes = new SerializedWrites(null, stream);
		Outcome page = new Outcome();
		Outcome end = new Outcome();
		writes.write(false, bytes("page"), page);
		writes.write(true, ByteBuffer.allocate(0), end);
		stream.fail(0, new IllegalStateException("stream reset"));
		assertThat(page.result).isEqualTo("failed: stream reset");
		// The stream decides what becomes of it (Jetty fails a write after a failure): nothing is lost silently.
		assertThat(stream.issued).containsExactly("page", "last ");
		stream.fail(1, new IllegalStateException("stream reset"));
		assertThat(end.result).isEqualTo("failed: stream reset");
	}

	@Test
	void aWriteIssuedFromTheCompletionOfTheOneBeforeIsNotHeldBack() {
		Stream stream = new Stream();
		SerializedWrites writes = new SerializedWrites(null, stream);
		Outcome last = new Outcome();
		writes.write(false, bytes("head"), Callback.from(() -> writes.write(true, bytes("tail"), last)));
		stream.complete(0);
		assertThat(stream.issued).containsExactly("head", "last tail");
		stream.complete(1);
		assertThat(last.result).isEqualTo("succeeded");
	}

	private static ByteBuffer bytes(String text) {
		return ByteBuffer.wrap(text.getBytes(StandardCharsets.US_ASCII));
	}

	/** The stream below: records each write and completes it when told (or at once). */
	private static final class Stream extends Response.Wrapper {

		final List<String> issued = new ArrayList<>();

		final List<Callback> callbacks = new ArrayList<>();

		boolean completeAtOnce;

		Stream() {
			super(null, null);
		}

		@Override
		public void write(boolean last, ByteBuffer byteBuffer, Callback callback) {
			this.issued.add((last ? "last " : "") + StandardCharsets.US_ASCII.decode(byteBuffer));
			this.callbacks.add(callback);
			if (this.completeAtOnce) {
				callback.succeeded();
			}
		}

		void complete(int write) {
			this.callbacks.get(write).succeeded();
		}

		void fail(int write, Throwable failure) {
			this.callbacks.get(write).failed(failure);
		}

	}

	private static final class Outcome implements Callback {

		String result;

		@Override
		public void succeeded() {
			this.result = "succeeded";
		}

		@Override
		public void failed(Throwable failure) {
			this.result = "failed: " + failure.getMessage();
		}

	}

}
