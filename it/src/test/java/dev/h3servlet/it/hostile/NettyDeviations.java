package dev.h3servlet.it.hostile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import dev.h3servlet.it.hostile.HostileHttp3Tests.Deviation;
import dev.h3servlet.it.hostile.HostileHttp3Tests.HostileCase;

/**
 * Where the netty transport (Netty 4.2's HTTP/3 codec under h3servlet's {@code NettyHttp3Connector}) departs from RFC
 * 9114/9204, measured by {@link HostileHttp3Tests}. Both happen inside Netty's codec on the client's control and QPACK
 * encoder streams, whose pipelines Netty builds itself in front of any handler of ours. As for
 * {@link JettyDeviations}, a deviation only holds while the server behaves exactly as described.
 * <p>
 * What h3servlet adds on top of Netty's codec to pass the rest: a frame-boundary guard on request streams (a stream
 * ended inside a HEADERS or DATA frame closes the connection with H3_FRAME_ERROR), a control-stream guard (a reset
 * control stream closes it with H3_CLOSED_CRITICAL_STREAM), 431 within a headroom above the configured header size
 * instead of Netty's connection-wide H3_EXCESSIVE_LOAD, the connection-specific request fields Netty lets pass
 * (400), values with CR/LF/NUL (400), and no dispatch of a request whose connection Netty is already closing.
 */
final class NettyDeviations {

	private static final Map<String, Deviation> DEVIATIONS = new LinkedHashMap<>();

	static {
		Predicate<Outcome> notActedOn = (o) -> o.kind() == Outcome.Kind.NO_ERROR_CLOSE
				|| o.kind() == Outcome.Kind.NOTHING;
		add("settings-payload-truncated", notActedOn, false,
				"Netty's frame codec waits for the rest of a SETTINGS payload whose last value is cut by the frame's "
						+ "length, as Jetty does. RFC 9114 7.1: a payload that ends before its fields MUST be a "
						+ "connection error H3_FRAME_ERROR. The control stream's codec is Netty's, ahead of any handler "
						+ "of ours");
		add("qpack-insert-beyond-capacity", notActedOn, false,
				"Netty's QPACK decoder ignores an insert into a dynamic table whose capacity is 0 (the server "
						+ "advertises QPACK_MAX_TABLE_CAPACITY 0). RFC 9204 3.2.2/4.3.2: MUST be a connection error "
						+ "QPACK_ENCODER_STREAM_ERROR. The encoder stream's handler is Netty's");
	}

	private NettyDeviations() {
	}

	private static void add(String name, Predicate<Outcome> observed, boolean servletInvoked, String reason) {
		DEVIATIONS.put(name, new Deviation(observed, servletInvoked, reason));
	}

	/** The cases with their documented deviation attached; fails if a deviation names no case. */
	static List<HostileCase> apply(List<HostileCase> cases) {
		return Deviation.attach(cases, DEVIATIONS);
	}

}
