package dev.h3servlet.servlet;

import org.eclipse.jetty.http.HostPortHttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;

/**
 * Gives an HTTP/3 request without a {@code Host} field one, made of its {@code :authority}, as every HTTP/1.1
 * request has.
 * <p>
 * HTTP/3 clients name the target in {@code :authority} and usually leave {@code Host} out (RFC 9114 4.3.1; Jetty's
 * HTTP/3 client does). Jetty 12.1.5 does not add it, so {@code request.getHeader("Host")} was {@code null} and
 * {@code getHeaderNames()} lacked it for a servlet reached over HTTP/3, while over HTTP/1.1 it names the host and
 * port the client asked for. Jetty's own {@code HostHeaderCustomizer} would add it from the server name and port
 * for HTTP/2 too; this keeps the client's authority and touches HTTP/3 only.
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
