package dev.h3servlet.boot;

import java.util.function.Consumer;

import dev.h3servlet.connector.Http3Settings;

import org.springframework.util.unit.DataSize;

/**
 * Maps {@link Http3Properties} to {@link Http3Settings}. A value the settings reject fails with the name of the
 * property that holds it.
 */
final class Http3SettingsMapper {

	private static final String PREFIX = "server.http3.";

	private Http3SettingsMapper() {
	}

	static Http3Settings map(Http3Properties properties) {
		Http3Settings.Builder settings = Http3Settings.builder();
		apply("transport", properties.getTransport(), settings::transport);
		apply("port", properties.getPort(), settings::port);
		apply("host", properties.getHost(), settings::host);
		apply("idle-timeout", properties.getIdleTimeout(), settings::idleTimeout);
		apply("max-concurrent-streams", properties.getMaxConcurrentStreams(), settings::maxConcurrentStreams);
		apply("session-receive-window", properties.getSessionReceiveWindow(),
				(size) -> settings.sessionReceiveWindow(size.toBytes()));
		apply("stream-receive-window", properties.getStreamReceiveWindow(),
				(size) -> settings.streamReceiveWindow(size.toBytes()));
		apply("max-header-size", properties.getMaxHeaderSize(),
				(size) -> settings.maxRequestHeaderSize(toInt(size)));
		apply("stream-idle-timeout", properties.getStreamIdleTimeout(), settings::streamIdleTimeout);
		apply("pem-work-dir", properties.getPemWorkDir(), settings::pemWorkDir);
		apply("udp-receive-buffer-size", properties.getUdpReceiveBufferSize(),
				(size) -> settings.udpReceiveBufferSize(toInt(size)));
		apply("udp-send-buffer-size", properties.getUdpSendBufferSize(),
				(size) -> settings.udpSendBufferSize(toInt(size)));
		apply("event-loops", properties.getEventLoops(), settings::eventLoops);
		apply("alt-svc.enabled", properties.getAltSvc().isEnabled(), settings::altSvcEnabled);
		apply("alt-svc.max-age", properties.getAltSvc().getMaxAge(), settings::altSvcMaxAge);
		apply("alt-svc.port", properties.getAltSvc().getPort(), settings::altSvcPort);
		return settings.build();
	}

	private static int toInt(DataSize size) {
		long bytes = size.toBytes();
		if (bytes > Integer.MAX_VALUE) {
			throw new IllegalArgumentException("size: " + size + " (expected: at most " + Integer.MAX_VALUE + "B)");
		}
		return (int) bytes;
	}

	/**
	 * Applies a property's value, when it has one, to the settings, naming the property in the failure when the
	 * settings reject the value. (Not Boot's {@code PropertyMapper}: its handling of unset values differs between
	 * Boot 3 and Boot 4, and this class serves both.)
	 */
	private static <T> void apply(String name, T value, Consumer<T> setter) {
		if (value == null) {
			return;
		}
		try {
			setter.accept(value);
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException(PREFIX + name + ": " + reason(ex.getMessage()), ex);
		}
	}

	/** The builder's message without the builder's own name for the setting ("idleTimeout: PT0S (...)"). */
	private static String reason(String message) {
		int separator = (message != null) ? message.indexOf(": ") : -1;
		return (separator >= 0) ? message.substring(separator + 2) : String.valueOf(message);
	}

}
