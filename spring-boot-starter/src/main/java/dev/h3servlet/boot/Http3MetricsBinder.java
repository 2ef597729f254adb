package dev.h3servlet.boot;

import dev.h3servlet.connector.Http3ConnectorStatistics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.eclipse.jetty.server.Server;

import org.springframework.boot.jetty.metrics.AbstractJettyMetricsBinder;
import org.springframework.util.Assert;

/**
 * Binds Micrometer meters for each {@link dev.h3servlet.connector.Http3Connector} of the embedded Jetty server once the application has
 * started, in the manner of Boot's own Jetty metrics binders:
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
public class Http3MetricsBinder extends AbstractJettyMetricsBinder {

	private final MeterRegistry meterRegistry;

	private final Tags tags;

	/**
	 * Create a new binder.
	 * @param meterRegistry the registry to bind the meters to
	 */
	public Http3MetricsBinder(MeterRegistry meterRegistry) {
		this(meterRegistry, Tags.empty());
	}

	/**
	 * Create a new binder.
	 * @param meterRegistry the registry to bind the meters to
	 * @param tags tags added to every meter
	 */
	public Http3MetricsBinder(MeterRegistry meterRegistry, Iterable<io.micrometer.core.instrument.Tag> tags) {
		Assert.notNull(meterRegistry, "'meterRegistry' must not be null");
		this.meterRegistry = meterRegistry;
		this.tags = Tags.of(tags);
	}

	@Override
	protected void bindMetrics(Server server) {
		Http3Meters.bind(server, this.meterRegistry, this.tags);
	}

}
