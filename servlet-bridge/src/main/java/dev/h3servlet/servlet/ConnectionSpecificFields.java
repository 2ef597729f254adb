package dev.h3servlet.servlet;

import java.util.Locale;
import java.util.Set;

import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

/**
 * Finds the connection-specific header fields that make an HTTP/3 request malformed (RFC 9114 section 4.2:
 * "Connection-specific fields", listing Connection, Keep-Alive, Proxy-Connection, Transfer-Encoding and Upgrade, and
 * TE with any value but "trailers").
 * <p>
 * See docs/workarounds/jetty-http3-connection-specific-request-fields.md for the Jetty behaviour this works around,
 * with its reproducer.
 */
final class ConnectionSpecificFields {

	private static final Set<String> FORBIDDEN = Set.of("connection", "keep-alive", "proxy-connection",
			"transfer-encoding", "upgrade");

	private ConnectionSpecificFields() {
	}

	/**
	 * The first connection-specific field of the request, described for the error response, or {@code null} if it
	 * has none.
	 */
	static String find(HttpFields fields) {
		for (HttpField field : fields) {
			String name = field.getLowerCaseName();
			if (FORBIDDEN.contains(name)) {
				return "connection-specific header field '" + name + "' is not allowed in HTTP/3 (RFC 9114 4.2)";
			}
			if ("te".equals(name) && !"trailers".equals(field.getValue().trim().toLowerCase(Locale.ROOT))) {
				return "header field 'te' may only be 'trailers' in HTTP/3 (RFC 9114 4.2)";
			}
		}
		return null;
	}

}
