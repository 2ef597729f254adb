package dev.h3servlet.connector.quiche;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.List;
import java.util.ServiceConfigurationError;

import org.eclipse.jetty.quic.quiche.Quiche;
import org.eclipse.jetty.quic.quiche.QuicheBinding;
import org.eclipse.jetty.quic.quiche.QuicheConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class QuicheBindingsTests {

	@Test
	void theBindingJettyWillUseHereIsFound() {
		String expected = (Runtime.version().feature() >= 22) ? "foreign" : "jna";
		assertThat(QuicheBindings.requireUsable()).isEqualTo(expected);
	}

	@Test
	void noBindingAtAllNamesTheArtifactsAndTheJavaVersionRule() {
		assertThatIllegalStateException()
			.isThrownBy(() -> QuicheBindings.requireUsable(Collections.emptyIterator()))
			.withMessageContaining("No usable quiche binding for HTTP/3 on Java " + Runtime.version().feature())
			.withMessageContaining("org.eclipse.jetty.quic:jetty-quic-quiche-jna (Java 17-21)")
			.withMessageContaining("org.eclipse.jetty.quic:jetty-quic-quiche-foreign (Java 22+")
			.withMessageContaining("org.mortbay.jetty.quiche:jetty-quiche-native");
	}

	@Test
	void bindingsThatFailToLoadOrInitializeAreReportedWithTheirCause() {
		QuicheBinding broken = new FakeBinding(new UnsatisfiedLinkError("libquiche.so: cannot open"), 100);
		assertThatIllegalStateException()
			.isThrownBy(() -> QuicheBindings.requireUsable(List.of(broken).iterator()))
			.withMessageContaining("FakeBinding: UnsatisfiedLinkError: libquiche.so: cannot open");
		assertThatIllegalStateException()
			.isThrownBy(() -> QuicheBindings.requireUsable(new FailingIterator()))
			.withMessageContaining("UnsupportedClassVersionError: compiled for Java 22");
	}

	@Test
	void theUsableBindingOfLowestPriorityNumberIsChosen() {
		QuicheBinding broken = new FakeBinding(new UnsatisfiedLinkError("nope"), 1);
		assertThat(QuicheBindings.requireUsable(
				List.of(new JnaFakeBinding(200), broken, new ForeignFakeBinding(100)).iterator()))
			.isEqualTo("foreign");
		assertThat(QuicheBindings.requireUsable(
				List.of(new ForeignFakeBinding(300), broken, new JnaFakeBinding(200)).iterator()))
			.isEqualTo("jna");
	}

	/** An iterator whose only provider cannot be loaded, as the foreign binding on Java 17. */
	private static final class FailingIterator implements java.util.Iterator<QuicheBinding> {

		private boolean failed;

		@Override
		public boolean hasNext() {
			return !this.failed;
		}

		@Override
		public QuicheBinding next() {
			this.failed = true;
			throw new ServiceConfigurationError("provider could not be instantiated",
					new UnsupportedClassVersionError("compiled for Java 22"));
		}

	}

	private static final class JnaFakeBinding extends FakeBinding {

		JnaFakeBinding(int priority) {
			super(null, priority);
		}

	}

	private static final class ForeignFakeBinding extends FakeBinding {

		ForeignFakeBinding(int priority) {
			super(null, priority);
		}

	}

	private static class FakeBinding implements QuicheBinding {

		private final Throwable failure;

		private final int priority;

		FakeBinding(Throwable failure, int priority) {
			this.failure = failure;
			this.priority = priority;
		}

		@Override
		public Throwable initialize() {
			return this.failure;
		}

		@Override
		public int priority() {
			return this.priority;
		}

		@Override
		public byte[] fromPacket(ByteBuffer packet) {
			throw new UnsupportedOperationException();
		}

		@Override
		public Quiche connect(QuicheConfig config, InetSocketAddress local, InetSocketAddress peer, int idLength)
				throws IOException {
			throw new UnsupportedOperationException();
		}

		@Override
		public boolean negotiate(Quiche.TokenMinter tokenMinter, ByteBuffer packetRead, ByteBuffer packetToSend) {
			throw new UnsupportedOperationException();
		}

		@Override
		public Quiche tryAccept(QuicheConfig config, Quiche.TokenValidator tokenValidator, ByteBuffer packetRead,
				SocketAddress local, SocketAddress peer) {
			throw new UnsupportedOperationException();
		}

	}

}
