package dev.h3servlet.servlet;

import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which request header fields make an HTTP/3 request malformed (RFC 9114 4.2). End to end, with a client that can
 * send them (Jetty's QPACK encoder drops them), in it/'s {@code HostileHttp3Tests}.
 */
class ConnectionSpecificFieldsTests {

	@ParameterizedTest
	@CsvSource({ "Connection,keep-alive", "Keep-Alive,timeout=5", "Proxy-Connection,keep-alive",
			"Transfer-Encoding,chunked", "Upgrade,websocket", "TE,gzip", "te,'trailers, gzip'" })
	void connectionSpecificFieldIsFound(String name, String value) {
		HttpFields fields = HttpFields.build().put("accept", "*/*").put(name, value);
		assertThat(ConnectionSpecificFields.find(fields)).contains("'" + name.toLowerCase() + "'")
			.contains("RFC 9114 4.2");
	}

	@ParameterizedTest
	@CsvSource({ "te,trailers", "te,' Trailers '", "accept,*/*", "x-upgrade,1" })
	void otherFieldsPass(String name, String value) {
		assertThat(ConnectionSpecificFields.find(HttpFields.build().put(name, value))).isNull();
	}

}
