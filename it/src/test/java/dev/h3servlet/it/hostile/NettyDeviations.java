package dev.h3servlet.it.hostile;

import java.util.List;
import java.util.Map;

import dev.h3servlet.it.hostile.HostileHttp3Tests.Deviation;
import dev.h3servlet.it.hostile.HostileHttp3Tests.HostileCase;

/**
 * Where the netty transport (Netty 4.2's HTTP/3 codec under h3servlet's {@code NettyHttp3Connector}) departs from RFC
 * 9114/9204, measured by {@link HostileHttp3Tests}: nowhere today, so every case must pass as the RFC says. A
 * deviation added here must state exactly what is observed instead, as in {@link JettyDeviations}.
 * <p>
 * What h3servlet adds on top of Netty's codec to pass them all: a frame-boundary guard on request streams (a stream
 * ended inside a HEADERS or DATA frame closes the connection with H3_FRAME_ERROR), a control-stream guard (a reset
 * control stream closes it with H3_CLOSED_CRITICAL_STREAM), a unidirectional-stream guard (a control frame Netty's
 * codec cannot decode, such as a SETTINGS payload cut inside its last value, closes it with H3_FRAME_ERROR), 431
 * within a headroom above the configured header size instead of Netty's connection-wide H3_EXCESSIVE_LOAD, the
 * connection-specific request fields Netty lets pass (400), values with CR/LF/NUL (400), and no dispatch of a request
 * whose connection Netty is already closing.
 * <p>
 * The tests run with Netty's own assertions off, as production does: with them on, an insert into the 0-capacity
 * QPACK dynamic table trips an assert in Netty's {@code QpackAttributes.decoderStream()} and goes unanswered, where
 * production Netty closes the connection with QPACK_ENCODER_STREAM_ERROR as RFC 9204 4.3.2 says.
 */
final class NettyDeviations {

	private static final Map<String, Deviation> DEVIATIONS = Map.of();

	private NettyDeviations() {
	}

	/** The cases with their documented deviation attached; fails if a deviation names no case. */
	static List<HostileCase> apply(List<HostileCase> cases) {
		return Deviation.attach(cases, DEVIATIONS);
	}

}
