package dev.h3servlet.it.parity;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.eclipse.jetty.http.HttpVersion;

/**
 * The differences between protocols that the parity suite accepts, each with its reason. None is the bridge's: each
 * comes from Jetty 12.1.5 itself and shows over HTTP/2 too. A difference is found by comparing a protocol's
 * observation with HTTP/1.1's; an entry accepts it when the case, the protocol and the observation key match, and
 * its rule holds for the two values.
 */
final class KnownDifferences {

	private static final Set<HttpVersion> HTTP2_AND_HTTP3 = Set.of(HttpVersion.HTTP_2, HttpVersion.HTTP_3);

	static final List<KnownDifference> ALL = List.of(
			new KnownDifference("*", " header content-length", HTTP2_AND_HTTP3,
					(key, reference, value, referenceFacts, facts) -> reference == null && "[0]".equals(value)
							&& "204".equals(referenceFacts.get(step(key) + " status")),
					"Jetty's HTTP/2 and HTTP/3 send 'content-length: 0' on a 204 response, which RFC 9110 8.6 says a "
							+ "server must not send; its HTTP/1.1 leaves it out. Clients ignore it."),
			new KnownDifference("encoded-slash-rejected", "encoded-slash ", HTTP2_AND_HTTP3,
					(key, reference, value, referenceFacts, facts) -> key.endsWith(" body")
							|| key.endsWith(" header content-length"),
					"A request Jetty rejects before any servlet (400 'Ambiguous URI path separator') gets Jetty's core "
							+ "error page, which prints the request URI as received: the origin-form path over "
							+ "HTTP/1.1, the absolute URI made of :scheme and :authority over HTTP/2 and HTTP/3."),
			new KnownDifference("encoded-slash-rejected", "encoded-slash ", Set.of(HttpVersion.HTTP_2),
					(key, reference, value, referenceFacts, facts) -> facts.get("encoded-slash outcome")
						.equals("failed: EOFException"),
					"Jetty 12.1.5 over HTTP/2 answers that 400 and resets the stream right after it; once in a "
							+ "while (seen 1 in about 10 CI runs, on a loaded machine) the reset reaches Jetty's client "
							+ "before it has taken the answer, and it reports 'EOFException: Stream has been reset' "
							+ "instead of the 400. HTTP/1.1 and HTTP/3 always answered 400."),
			new KnownDifference("large-download-5mb", "get client stall", Set.of(HttpVersion.HTTP_3),
					(key, reference, value, referenceFacts, facts) -> reference == null,
					"Jetty 12.1.5's HTTP/3 client (quiche) stops taking a download now and then, whatever the server: "
							+ "1 in 80 downloads of 5 MB against the netty transport, 3 in 80 against Jetty's own "
							+ "HTTP/3 server, each on a new connection (README, Known limits). The case sends the GET "
							+ "once more on a new client, which must bring the whole body."),
			new KnownDifference("head-large-body", "head-bytes", Set.of(HttpVersion.HTTP_2),
					(key, reference, value, referenceFacts, facts) -> facts.get("head-bytes outcome")
						.startsWith("failed: "),
					"Jetty 12.1.5 bug over HTTP/2 (and HTTP/3, where the bridge's HeadContentConsumed fixes it): a "
							+ "servlet answering HEAD with a Content-Length and writing the GET's body (as Servlet 6's "
							+ "HttpServlet.doHead does) fails once the body passes the output buffer, 'IOException: "
							+ "written 65768 > 40000 content-length' for 40000 bytes in 1000-byte writes, because the "
							+ "HTTP/2 stream leaves the dropped buffer unconsumed and it is written again; the stream "
							+ "is reset (or left without an answer) instead of answered. HTTP/1.1 answers 200."));

	private KnownDifferences() {
	}

	static KnownDifference find(String caseName, String key, HttpVersion version, Map<String, String> referenceFacts,
			Map<String, String> facts) {
		for (KnownDifference known : ALL) {
			if ((known.caseName().equals("*") || known.caseName().equals(caseName)) && key.contains(known.keyPart())
					&& known.versions().contains(version) && known.rule()
				.accepts(key, referenceFacts.get(key), facts.get(key), referenceFacts, facts)) {
				return known;
			}
		}
		return null;
	}

	/** The step of an observation key: its first word. */
	static String step(String key) {
		int space = key.indexOf(' ');
		return (space < 0) ? key : key.substring(0, space);
	}

	/**
	 * @param caseName the case, or {@code "*"}
	 * @param keyPart a part of the observation key (e.g. {@code " header content-length"})
	 * @param versions the protocols that differ from HTTP/1.1
	 * @param rule when the two values may differ
	 * @param reason why the protocols differ here
	 */
	record KnownDifference(String caseName, String keyPart, Set<HttpVersion> versions, Rule rule, String reason) {

	}

	@FunctionalInterface
	interface Rule {

		/**
		 * @param key the observation key
		 * @param reference the HTTP/1.1 value ({@code null} if absent)
		 * @param value the other protocol's value ({@code null} if absent)
		 * @param referenceFacts all HTTP/1.1 observations of the case
		 * @param facts all observations of the other protocol
		 */
		boolean accepts(String key, String reference, String value, Map<String, String> referenceFacts,
				Map<String, String> facts);

	}

}
