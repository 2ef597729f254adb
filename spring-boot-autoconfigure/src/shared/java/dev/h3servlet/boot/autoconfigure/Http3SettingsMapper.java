package dev.h3servlet.boot.autoconfigure;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

import dev.h3servlet.connector.Http3Setting;
import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.connector.Http3StartupException;
import dev.h3servlet.connector.InvalidHttp3SettingException;

import org.springframework.util.unit.DataSize;

/**
 * Maps {@link Http3Properties} to {@link Http3Settings}. A value the settings reject fails with the name of the
 * property that holds it, {@linkplain #propertyName(Http3Setting) derived} from the setting's.
 */
final class Http3SettingsMapper {

	private static final String PREFIX = "server.http3.";

	/** Settings whose names start so are properties of a group: {@code altSvcPort} is {@code alt-svc.port}. */
	private static final List<String> GROUPS = List.of("alt-svc", "web-transport");

	private Http3SettingsMapper() {
	}

	static Http3Settings map(Http3Properties properties) {
		Http3Settings.Builder settings = Http3Settings.builder();
		apply(properties.getTransport(), settings::transport);
		apply(properties.getPort(), settings::port);
		apply(properties.getHost(), settings::host);
		apply(properties.getIdleTimeout(), settings::idleTimeout);
		apply(properties.getMaxConcurrentStreams(), settings::maxConcurrentStreams);
		apply(properties.getSessionReceiveWindow(), (size) -> settings.sessionReceiveWindow(size.toBytes()));
		apply(properties.getStreamReceiveWindow(), (size) -> settings.streamReceiveWindow(size.toBytes()));
		apply(properties.getMaxRequestHeaderSize(),
				(size) -> settings.maxRequestHeaderSize(toInt(Http3Setting.MAX_REQUEST_HEADER_SIZE, size)));
		apply(properties.getStreamIdleTimeout(), settings::streamIdleTimeout);
		apply(properties.getPemWorkDir(), settings::pemWorkDir);
		apply(properties.getUdpReceiveBufferSize(),
				(size) -> settings.udpReceiveBufferSize(toInt(Http3Setting.UDP_RECEIVE_BUFFER_SIZE, size)));
		apply(properties.getUdpSendBufferSize(),
				(size) -> settings.udpSendBufferSize(toInt(Http3Setting.UDP_SEND_BUFFER_SIZE, size)));
		apply(properties.getEventLoops(), settings::eventLoops);
		apply(properties.getAltSvc().isEnabled(), settings::altSvcEnabled);
		apply(properties.getWebTransport().isEnabled(), settings::webTransportEnabled);
		apply(properties.getWebTransport().getMaxSessions(), settings::webTransportMaxSessions);
		apply(properties.getWebTransport().getMaxStreamsPerSession(), settings::webTransportMaxStreamsPerSession);
		apply(properties.getWebTransport().getDatagramQueue(), settings::webTransportDatagramQueue);
		apply(properties.getAltSvc().getMaxAge(), settings::altSvcMaxAge);
		apply(properties.getAltSvc().getPort(), settings::altSvcPort);
		return settings.build();
	}

	/**
	 * The property that holds a setting: its name in kebab case under {@code server.http3.}, the Alt-Svc ones in the
	 * {@code alt-svc} group ({@code altSvcMaxAge}: {@code server.http3.alt-svc.max-age}).
	 */
	static String propertyName(Http3Setting<?> setting) {
		String kebab = setting.name().replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
		for (String group : GROUPS) {
			if (kebab.startsWith(group + "-")) {
				return PREFIX + group + "." + kebab.substring(group.length() + 1);
			}
		}
		return PREFIX + kebab;
	}

	private static int toInt(Http3Setting<Integer> setting, DataSize size) {
		long bytes = size.toBytes();
		if (bytes > Integer.MAX_VALUE) {
			throw invalid(propertyName(setting), size, "at most " + Integer.MAX_VALUE + "B", null);
		}
		return (int) bytes;
	}

	/**
	 * Applies a property's value, when it has one, to the settings; a value the settings reject fails naming the
	 * property and the value as it was given. (Not Boot's {@code PropertyMapper}: its handling of unset values differs
	 * between Boot 3 and Boot 4, and this class serves both.)
	 */
	private static <T> void apply(T value, Consumer<T> setter) {
		if (value == null) {
			return;
		}
		try {
			setter.accept(value);
		}
		catch (InvalidHttp3SettingException ex) {
			throw invalid(propertyName(ex.setting()), value, ex.expected(), ex);
		}
	}

	private static Http3StartupException invalid(String property, Object value, String expected, Exception cause) {
		return new Http3StartupException(property + ": " + value + " (expected: " + expected + ")",
				"Change " + property + " (allowed: " + expected + "), or remove it to keep the default", cause);
	}

}
