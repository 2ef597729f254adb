package dev.h3servlet.connector;

/**
 * A value that an {@link Http3Setting} does not accept. It carries the setting, the value and what was expected, so
 * that a layer with its own keys ({@code server.http3.idle-timeout}, {@code jetty.quic.idleTimeout}) can name its key
 * in its own message without taking this one apart.
 */
public final class InvalidHttp3SettingException extends IllegalArgumentException {

	private static final long serialVersionUID = 1L;

	private final transient Http3Setting<?> setting;

	private final transient Object value;

	InvalidHttp3SettingException(Http3Setting<?> setting, Object value) {
		super(setting.name() + ": " + value + " (expected: " + setting.expected() + ", or null for the default)");
		this.setting = setting;
		this.value = value;
	}

	/** The setting that refused the value. */
	public Http3Setting<?> setting() {
		return this.setting;
	}

	/** The refused value. */
	public Object value() {
		return this.value;
	}

	/** What the setting accepts ({@code "> 0"}, {@code "1 to 65535"}), as {@link Http3Setting#expected()}. */
	public String expected() {
		return this.setting.expected();
	}

}
