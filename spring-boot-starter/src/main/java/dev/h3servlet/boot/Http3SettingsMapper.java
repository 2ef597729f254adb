package dev.h3servlet.boot;

import java.util.function.Consumer;

import dev.h3servlet.connector.Http3Settings;

import org.springframework.boot.context.properties.PropertyMapper;
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
		PropertyMapper map = PropertyMapper.get();
		map.from(properties::getTransport).to(property("transport", settings::transport));
		map.from(properties::getPort).to(property("port", settings::port));
		map.from(properties::getHost).to(property("host", settings::host));
		map.from(properties::getIdleTimeout).to(property("idle-timeout", settings::idleTimeout));
		map.from(properties::getMaxConcurrentStreams)
			.to(property("max-concurrent-streams", settings::maxConcurrentStreams));
		map.from(properties::getSessionReceiveWindow)
			.as(DataSize::toBytes)
			.to(property("session-receive-window", settings::sessionReceiveWindow));
		map.from(properties::getStreamReceiveWindow)
			.as(DataSize::toBytes)
			.to(property("stream-receive-window", settings::streamReceiveWindow));
		map.from(properties::getMaxHeaderSize)
			.to(property("max-header-size", (size) -> settings.maxRequestHeaderSize(toInt(size))));
		map.from(properties::getStreamIdleTimeout).to(property("stream-idle-timeout", settings::streamIdleTimeout));
		map.from(properties::getPemWorkDir).to(property("pem-work-dir", settings::pemWorkDir));
		map.from(properties::getUdpReceiveBufferSize)
			.to(property("udp-receive-buffer-size", (size) -> settings.udpReceiveBufferSize(toInt(size))));
		map.from(properties::getUdpSendBufferSize)
			.to(property("udp-send-buffer-size", (size) -> settings.udpSendBufferSize(toInt(size))));
		map.from(properties.getAltSvc()::isEnabled).to(property("alt-svc.enabled", settings::altSvcEnabled));
		map.from(properties.getAltSvc()::getMaxAge).to(property("alt-svc.max-age", settings::altSvcMaxAge));
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
	 * Applies a value to the settings, naming the property in the failure when the settings reject the value.
	 */
	private static <T> Consumer<T> property(String name, Consumer<T> setter) {
		return (value) -> {
			try {
				setter.accept(value);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(PREFIX + name + ": " + reason(ex.getMessage()), ex);
			}
		};
	}

	/** The builder's message without the builder's own name for the setting ("idleTimeout: PT0S (...)"). */
	private static String reason(String message) {
		int separator = (message != null) ? message.indexOf(": ") : -1;
		return (separator >= 0) ? message.substring(separator + 2) : String.valueOf(message);
	}

}
