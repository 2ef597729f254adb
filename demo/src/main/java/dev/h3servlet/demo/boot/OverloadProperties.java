package dev.h3servlet.demo.boot;

import java.time.Duration;
import java.util.List;

import org.eclipse.jetty.http.pathmap.PathSpec;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the demo sheds load ({@code h3servlet.demo.overload.*}): Jetty's {@code QoSHandler} in front of the whole app,
 * for HTTP/1.1, HTTP/2 and HTTP/3 alike. At most {@code max-requests} requests are handled at once; up to
 * {@code max-queued} more wait (without holding a thread) for at most {@code max-queue-time}; anything beyond, or
 * waiting longer, is answered {@code 503 Service Unavailable} before the app sees it, so the server's own queue stays
 * bounded however many requests the clients send. Requests to {@code exempt-paths} (Jetty path specs:
 * {@code /api/health}, {@code /actuator/*}, {@code *.css}) bypass the limit, so a load balancer's health check is
 * answered however busy the app is.
 *
 * @param enabled whether the demo limits concurrent requests at all
 * @param maxRequests requests handled at once (at least 1)
 * @param maxQueued requests waiting for one of those places (0 or more); beyond them a request gets 503 at once
 * @param maxQueueTime how long a request may wait (more than 0); then it gets 503
 * @param exemptPaths paths never limited
 */
@ConfigurationProperties("h3servlet.demo.overload")
public record OverloadProperties(@DefaultValue("true") boolean enabled, @DefaultValue("64") int maxRequests,
		@DefaultValue("256") int maxQueued, @DefaultValue("1s") Duration maxQueueTime,
		@DefaultValue("/api/health") List<String> exemptPaths) {

	public OverloadProperties {
		if (maxRequests < 1) {
			throw new IllegalArgumentException(
					"h3servlet.demo.overload.max-requests must be at least 1, not " + maxRequests);
		}
		if (maxQueued < 0) {
			throw new IllegalArgumentException(
					"h3servlet.demo.overload.max-queued must be 0 or more, not " + maxQueued);
		}
		if (maxQueueTime.isNegative() || maxQueueTime.isZero()) {
			throw new IllegalArgumentException(
					"h3servlet.demo.overload.max-queue-time must be longer than 0, not " + maxQueueTime);
		}
		for (String path : exemptPaths) {
			try {
				PathSpec.from(path);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("h3servlet.demo.overload.exempt-paths: '" + path + "' is not a path "
						+ "spec (e.g. /api/health, /actuator/*, *.css): " + ex.getMessage());
			}
		}
		exemptPaths = List.copyOf(exemptPaths);
	}

}
