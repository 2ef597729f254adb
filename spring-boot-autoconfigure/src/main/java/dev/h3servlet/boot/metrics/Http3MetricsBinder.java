package dev.h3servlet.boot.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.eclipse.jetty.server.Server;

import org.springframework.boot.jetty.metrics.AbstractJettyMetricsBinder;
import org.springframework.util.Assert;

/**
 * Binds the Micrometer meters of each HTTP/3 connector of the embedded Jetty server ({@code jetty.http3.*}, listed in
 * {@link Http3Meters}) once the application has started, in the manner of Boot's own Jetty metrics binders.
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
