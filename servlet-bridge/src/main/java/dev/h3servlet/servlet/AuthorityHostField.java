package dev.h3servlet.servlet;

import org.eclipse.jetty.http.HostPortHttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;

/**
 * Gives an HTTP/3 request without a {@code Host} field one, made of its {@code :authority}, as every HTTP/1.1
 * request has. HTTP/3 clients name the target in {@code :authority} and usually leave {@code Host} out (RFC 9114
 * 4.3.1). This keeps the client's authority and touches HTTP/3 only.
 * <p>
 * See docs/workarounds/jetty-http3-no-host-field.md for the Jetty behaviour this works around, with its reproducer.
 */
final class AuthorityHostField {

	private AuthorityHostField() {
	}

	/** The request with a {@code Host} field first; the request itself if it has one or has no authority. */
	static Request wrap(Request request) {
		HttpFields fields = request.getHeaders();
		HttpURI uri = request.getHttpURI();
		if (fields.contains(HttpHeader.HOST) || uri.getHost() == null || uri.getHost().isEmpty()) {
			return request;
		}
		HttpFields withHost = HttpFields.build(fields.size() + 1)
			.add(new HostPortHttpField(uri.getHost(), uri.getPort()))
			.add(fields)
			.asImmutable();
		return new Request.Wrapper(request) {

			@Override
			public HttpFields getHeaders() {
				return withHost;
			}

		};
	}

}
