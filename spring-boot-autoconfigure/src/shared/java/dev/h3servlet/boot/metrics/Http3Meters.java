package dev.h3servlet.boot.metrics;

import dev.h3servlet.connector.Http3Connector;
import dev.h3servlet.connector.Http3ConnectorStatistics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;

/**
 * The Micrometer meters of each {@link Http3Connector} of a Jetty server; each Boot generation's
 * {@code Http3MetricsBinder} binds them once the application has started:
 * <ul>
 * <li>{@code jetty.http3.connections.open} (gauge): QUIC connections established and not yet closed;</li>
 * <li>{@code jetty.http3.streams.active} (gauge): HTTP/3 request streams open;</li>
 * <li>{@code jetty.http3.handshake.failures} (counter): QUIC connections that ended before their handshake
 * completed;</li>
 * <li>{@code jetty.http3.bytes.received} and {@code jetty.http3.bytes.sent} (counters, bytes): UDP payload bytes
 * through the connector's socket.</li>
 * </ul>
 * Each is tagged with {@code connector.name} (the connector's name, or {@code h3}) and {@code port} (its UDP port).
 * See {@link Http3ConnectorStatistics} for what each can and cannot see.
 */
final class Http3Meters {

	private Http3Meters() {
	}

	/**
	 * Registers the meters of every HTTP/3 connector of the server.
	 * @param server the server
	 * @param registry the registry to register them with
	 * @param tags tags added to every meter
	 */
	static void bind(Server server, MeterRegistry registry, Tags tags) {
		for (Connector connector : server.getConnectors()) {
			if (connector instanceof Http3Connector http3Connector) {
				bind(http3Connector, registry, tags);
			}
		}
	}

	private static void bind(Http3Connector connector, MeterRegistry registry, Tags commonTags) {
		Http3ConnectorStatistics statistics = connector.getStatistics();
		String name = (connector.getName() != null) ? connector.getName() : "h3";
		Tags tags = commonTags.and("connector.name", name).and("port", Integer.toString(connector.getLocalPort()));
		Gauge.builder("jetty.http3.connections.open", statistics, Http3ConnectorStatistics::getOpenConnections)
			.description("QUIC connections established and not yet closed")
			.baseUnit("connections")
			.tags(tags)
			.register(registry);
		Gauge.builder("jetty.http3.streams.active", statistics, Http3ConnectorStatistics::getActiveStreams)
			.description("HTTP/3 request streams open")
			.baseUnit("streams")
			.tags(tags)
			.register(registry);
		FunctionCounter
			.builder("jetty.http3.handshake.failures", statistics, Http3ConnectorStatistics::getHandshakeFailures)
			.description("QUIC connections that ended before their handshake completed")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder("jetty.http3.bytes.received", statistics, Http3ConnectorStatistics::getBytesReceived)
			.description("UDP payload bytes received by the HTTP/3 connector")
			.baseUnit("bytes")
			.tags(tags)
			.register(registry);
		FunctionCounter.builder("jetty.http3.bytes.sent", statistics, Http3ConnectorStatistics::getBytesSent)
			.description("UDP payload bytes sent by the HTTP/3 connector")
			.baseUnit("bytes")
			.tags(tags)
			.register(registry);
		Gauge.builder("jetty.http3.webtransport.sessions", statistics, Http3ConnectorStatistics::getWebTransportSessions)
			.description("WebTransport sessions open")
			.baseUnit("sessions")
			.tags(tags)
			.register(registry);
		FunctionCounter
			.builder("jetty.http3.webtransport.datagrams.dropped", statistics,
					Http3ConnectorStatistics::getWebTransportDatagramsDropped)
			.description("WebTransport datagrams the server dropped: for no session, over the handler's queue,"
					+ " or not sent")
			.baseUnit("datagrams")
			.tags(tags)
			.register(registry);
	}

}
