package dev.h3servlet.connector.netty;

import java.util.Map;
import java.util.Set;

import io.netty.handler.codec.http3.DefaultHttp3Headers;
import io.netty.handler.codec.http3.Http3Headers;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;

/**
 * Converts HTTP/3 field sections between Netty's {@link Http3Headers} and Jetty's {@link MetaData}.
 * <p>
 * Netty's decoder already rejects what RFC 9114 4.3 makes malformed in the pseudo-header fields and names (missing,
 * duplicated, misplaced or unknown pseudo-headers, upper-case names, {@code connection}, a {@code te} other than
 * {@code trailers}) with a stream error. It does not look into values: a value holding CR, LF or NUL (RFC 9114 4.2)
 * is refused here with a 400. Responses leave the connection-specific fields HTTP/3 forbids (RFC 9114 4.2) off the
 * wire.
 */
final class Http3Fields {

	private static final Set<String> CONNECTION_SPECIFIC = Set.of("connection", "keep-alive", "proxy-connection",
			"transfer-encoding", "upgrade");

	private Http3Fields() {
	}

	/**
	 * The request a field section describes.
	 * @throws BadMessageException (400) for a value with CR, LF or NUL, or a malformed {@code content-length}
	 */
	static MetaData.Request request(Http3Headers headers, long beginNanoTime) {
		HttpFields.Mutable fields = HttpFields.build(headers.size());
		for (Map.Entry<CharSequence, CharSequence> header : headers) {
			CharSequence name = header.getKey();
			if (name.length() > 0 && name.charAt(0) == ':') {
				continue;
			}
			String value = value(name, header.getValue());
			fields.add(new HttpField(name.toString(), value));
		}
		String method = string(headers.method());
		HttpURI.Mutable uri = HttpURI.build();
		String scheme = string(headers.scheme());
		if (scheme != null) {
			uri.scheme(scheme);
		}
		String authority = string(headers.authority());
		if (authority != null) {
			uri.authority(checked(":authority", authority));
		}
		String path = string(headers.path());
		if (path != null) {
			uri.pathQuery(checked(":path", path));
		}
		long contentLength = contentLength(fields);
		String protocol = string(headers.protocol());
		if (protocol != null) {
			// An extended CONNECT (RFC 9220); Jetty's own ConnectRequest would say HTTP/2.
			return new MetaData.Request(beginNanoTime, method, uri, HttpVersion.HTTP_3, fields, -1) {

				@Override
				public String getProtocol() {
					return protocol;
				}

			};
		}
		return new MetaData.Request(beginNanoTime, method, uri, HttpVersion.HTTP_3, fields, contentLength);
	}

	/**
	 * The size of a field section as HTTP/3 counts it for SETTINGS_MAX_FIELD_SECTION_SIZE (RFC 9114 4.2.2): each field's
	 * name and value lengths plus 32, pseudo-header fields included.
	 */
	static long size(Http3Headers headers) {
		long size = 0;
		for (Map.Entry<CharSequence, CharSequence> header : headers) {
			size += header.getKey().length() + ((header.getValue() != null) ? header.getValue().length() : 0) + 32;
		}
		return size;
	}

	/** The trailer fields of a request. */
	static HttpFields trailers(Http3Headers headers) {
		HttpFields.Mutable fields = HttpFields.build(headers.size());
		for (Map.Entry<CharSequence, CharSequence> header : headers) {
			fields.add(new HttpField(header.getKey().toString(), value(header.getKey(), header.getValue())));
		}
		return fields.asImmutable();
	}

	/**
	 * The field section of a response: {@code :status}, then every field with a lower-case name except the
	 * connection-specific ones, and a {@code content-length} when Jetty knows the length but the fields do not say it.
	 */
	static Http3Headers response(MetaData.Response response, long contentLength) {
		HttpFields fields = response.getHttpFields();
		DefaultHttp3Headers headers = new DefaultHttp3Headers(false, fields.size() + 2);
		headers.status(Integer.toString(response.getStatus()));
		boolean hasContentLength = false;
		for (HttpField field : fields) {
			String name = field.getLowerCaseName();
			if (CONNECTION_SPECIFIC.contains(name)) {
				continue;
			}
			hasContentLength |= field.getHeader() == HttpHeader.CONTENT_LENGTH;
			headers.add(name, field.getValue());
		}
		if (!hasContentLength && contentLength >= 0 && !HttpStatus.isInformational(response.getStatus())) {
			headers.add("content-length", Long.toString(contentLength));
		}
		return headers;
	}

	/** The trailer section of a response. */
	static Http3Headers trailers(HttpFields trailers) {
		DefaultHttp3Headers headers = new DefaultHttp3Headers(false, trailers.size());
		for (HttpField field : trailers) {
			String name = field.getLowerCaseName();
			if (!CONNECTION_SPECIFIC.contains(name)) {
				headers.add(name, field.getValue());
			}
		}
		return headers;
	}

	private static long contentLength(HttpFields fields) {
		HttpField field = fields.getField(HttpHeader.CONTENT_LENGTH);
		if (field == null) {
			return -1;
		}
		try {
			long length = Long.parseLong(field.getValue().trim());
			if (length < 0) {
				throw new NumberFormatException();
			}
			return length;
		}
		catch (NumberFormatException ex) {
			throw new BadMessageException(HttpStatus.BAD_REQUEST_400, "Invalid content-length: " + field.getValue());
		}
	}

	private static String value(CharSequence name, CharSequence value) {
		return checked(name, (value != null) ? value.toString() : "");
	}

	private static String checked(CharSequence name, String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == '\r' || c == '\n' || c == 0) {
				throw new BadMessageException(HttpStatus.BAD_REQUEST_400,
						"Field '" + name + "' holds a CR, LF or NUL character (RFC 9114 4.2)");
			}
		}
		return value;
	}

	private static String string(CharSequence value) {
		return (value != null) ? value.toString() : null;
	}

}
