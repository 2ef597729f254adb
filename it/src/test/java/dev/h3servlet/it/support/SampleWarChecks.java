package dev.h3servlet.it.support;

import java.net.URI;
import java.nio.file.Path;

import dev.h3servlet.test.Chromium;
import dev.h3servlet.testapp.DeterministicBytes;
import dev.h3servlet.test.NettyHttp3Client;
import dev.h3servlet.test.NettyHttp3Client.Request;
import dev.h3servlet.test.NettyHttp3Client.Response;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checks of the sample WAR ({@code test-app}) that hold wherever a standalone Jetty runs it, as a process or in
 * a container: one place for what the two scenarios assert alike.
 */
public final class SampleWarChecks {

	private SampleWarChecks() {
	}

	/** Headless Chromium, forced onto QUIC, loads {@code /page}: the page read {@code h3}, the servlet HTTP/3.0. */
	public static void chromiumLoadsThePageOverHttp3(URI page, String spkiSha256Base64, Path work) throws Exception {
		ChromiumAssumptions.assumeInstalled();
		Chromium.Result result = Chromium.forceQuicOn(page).trustSpki(spkiSha256Base64).dumpDom(page, work);
		assertThat(result.textOf("proto")).as(result.describe()).isEqualTo("h3");
		assertThat(result.textOf("servlet")).as(result.describe()).isEqualTo("HTTP/3.0");
	}

	/** A POST of {@code size} bytes to {@code /upload} over h3 comes back with its length and SHA-256, as HTTP/3.0. */
	public static void echoesAnUploadOverHttp3(NettyHttp3Client client, String context, int size) throws Exception {
		Response echo = client.send(Request.post(context + "/upload", DeterministicBytes.stream(size), size));
		assertThat(echo.status()).as(echo.toString()).isEqualTo(200);
		assertThat(echo.bodyAsString()).isEqualTo(
				"length=" + size + " sha256=" + DeterministicBytes.sha256Hex(size) + " protocol=HTTP/3.0");
	}

	/**
	 * {@code /info} over the client's TCP protocol: that protocol on both sides, and {@code Alt-Svc} naming the h3
	 * port. Stops the client.
	 */
	public static void advertisesHttp3(HttpClient client, URI info, HttpVersion version, int http3Port)
			throws Exception {
		try {
			ContentResponse response = client.GET(info);
			assertThat(response.getVersion()).isEqualTo(version);
			assertThat(response.getContentAsString()).contains("protocol=" + version.asString() + "\n",
					"secure=true\n");
			assertThat(response.getHeaders().get(HttpHeader.ALT_SVC))
				.isEqualTo("h3=\":" + http3Port + "\"; ma=86400");
		}
		finally {
			client.stop();
		}
	}

}
