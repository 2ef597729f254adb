package dev.h3servlet.it.parity;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import dev.h3servlet.testapp.DeterministicBytes;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

/**
 * What one case produced over one protocol, normalised so that the three protocols can be compared key by key:
 * status, response fields (lower-cased names, values of one name in order), body (text, or SHA-256 and length when
 * large or binary), trailers, and whatever else the case records (the servlet reports what it saw in the body).
 */
final class Observation {

	/**
	 * Response fields left out of the comparison, with the reason. Everything else is compared.
	 */
	static final Map<String, String> IGNORED_RESPONSE_FIELDS = Map.of(
			"date", "the time of the response",
			"connection",
			"HTTP/1.1 connection management; forbidden in HTTP/2 and HTTP/3 (RFC 9113 8.2.2, RFC 9114 4.2)",
			"keep-alive", "HTTP/1.1 connection management; forbidden in HTTP/2 and HTTP/3",
			"transfer-encoding", "HTTP/1.1 framing (chunked); HTTP/2 and HTTP/3 frame bodies themselves and forbid it",
			"alt-svc", "advertises HTTP/3 on HTTP/1.1 and HTTP/2 responses only (an HTTP/3 response need not)");

	/** Fields a connection-level protocol must not carry over HTTP/2 and HTTP/3; checked, not compared. */
	static final Set<String> CONNECTION_SPECIFIC_FIELDS = Set.of("connection", "keep-alive", "transfer-encoding",
			"upgrade", "proxy-connection");

	private static final int TEXT_LIMIT = 2048;

	private static final Pattern SESSION_ID = Pattern.compile("(JSESSIONID=)[^;\\s]+");

	private static final Pattern COOKIE_EXPIRES = Pattern.compile("(Expires=)[^;]+");

	/** The time in Spring Boot's JSON error body ({@code "timestamp":"2026-..."}). */
	private static final Pattern ERROR_TIMESTAMP = Pattern.compile("(\"timestamp\":\")[^\"]*");

	private final Map<String, String> facts = new LinkedHashMap<>();

	void put(String key, Object value) {
		this.facts.put(key, normalise(String.valueOf(value)));
	}

	/** Records a response under {@code step}: status, compared fields, body, trailers. */
	void response(String step, Response response, byte[] body) {
		put(step + " status", response.getStatus());
		fields(step + " header ", response.getHeaders());
		put(step + " body", describe(body));
		if (response.getTrailers() != null) {
			fields(step + " trailer ", response.getTrailers());
		}
	}

	private void fields(String prefix, HttpFields fields) {
		Map<String, List<String>> byName = new LinkedHashMap<>();
		for (HttpField field : fields) {
			String name = field.getName().toLowerCase(Locale.ROOT);
			if (!IGNORED_RESPONSE_FIELDS.containsKey(name)) {
				byName.computeIfAbsent(name, (key) -> new java.util.ArrayList<>()).add(field.getValue());
			}
		}
		byName.forEach((name, values) -> put(prefix + name, values));
	}

	/** Text when short and UTF-8, else length and SHA-256. */
	static String describe(byte[] body) {
		if (body.length <= TEXT_LIMIT) {
			try {
				return StandardCharsets.UTF_8.newDecoder()
					.onMalformedInput(CodingErrorAction.REPORT)
					.onUnmappableCharacter(CodingErrorAction.REPORT)
					.decode(ByteBuffer.wrap(body))
					.toString();
			}
			catch (CharacterCodingException ex) {
				// binary: described by digest below
			}
		}
		return "length=" + body.length + " sha256=" + DeterministicBytes.sha256Hex(body);
	}

	private static String normalise(String value) {
		String normalised = SESSION_ID.matcher(value).replaceAll("$1<session-id>");
		normalised = COOKIE_EXPIRES.matcher(normalised).replaceAll("$1<date>");
		return ERROR_TIMESTAMP.matcher(normalised).replaceAll("$1<date>");
	}

	Map<String, String> facts() {
		return this.facts;
	}

}
