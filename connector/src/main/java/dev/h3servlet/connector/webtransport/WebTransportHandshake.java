package dev.h3servlet.connector.webtransport;

import java.security.Principal;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the CONNECT that opened a session carried, as the application saw it when it accepted the session: its path,
 * its fields (lower-case names), the authenticated user (after the application's filters, such as Spring
 * Security's), and the request attributes those filters set.
 *
 * @param path the CONNECT's path
 * @param headers its fields by lower-case name, each name's values in order
 * @param principal the authenticated user, or {@code null}
 * @param attributes the request's attributes when the session was accepted
 */
public record WebTransportHandshake(String path, Map<String, List<String>> headers, Principal principal,
		Map<String, Object> attributes) {

	public WebTransportHandshake {
		headers = Map.copyOf(headers);
		attributes = Map.copyOf(attributes);
	}

	/** The first value of a field, or {@code null}. */
	public String header(String name) {
		List<String> values = this.headers.get(name.toLowerCase(Locale.ROOT));
		return (values == null || values.isEmpty()) ? null : values.get(0);
	}

}
