package dev.h3servlet.bench.webflux;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import dev.h3servlet.development.DevelopmentCertificate;
import dev.h3servlet.test.NettyHttp3Client;
import dev.h3servlet.test.NettyHttp3Client.Request;
import dev.h3servlet.test.NettyHttp3Client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WebFluxBenchApplication}: started in this JVM as the bench starts it (port 0, a PKCS12 key store),
 * it answers {@code /api/info} over HTTP/3 on the TLS port number and over HTTP/2 and HTTP/1.1 on TLS, each saying
 * the protocol it was served over.
 */
class WebFluxBenchApplicationTests {

	private static final String PASSWORD = "h3servlet-test";

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@TempDir
	static Path directory;

	private static X509Certificate certificate;

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() throws Exception {
		Path keyStore = directory.resolve("bench.p12");
		certificate = DevelopmentCertificate.loadOrCreate(keyStore, PASSWORD, "CN=localhost", 1).certificate();
		context = SpringApplication.run(WebFluxBenchApplication.class, "--server.port=0",
				"--server.ssl.key-store=" + keyStore, "--server.ssl.key-store-password=" + PASSWORD);
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
	}

	@Test
	void http3ListensOnTheTlsPortNumberAndTheReadyLineSaysSo() {
		int tlsPort = tlsPort();
		assertThat(context.getBean(Http3Server.class).port()).isEqualTo(tlsPort);
		assertThat(context.getBean(BenchReadyLine.class).line(1234)).matches("BENCH-READY tls=" + tlsPort + " h3="
				+ tlsPort + " startMillis=1234 binding=reactor-netty-1\\.3\\.\\d+ java=\\S+");
	}

	@Test
	void servesInfoOverHttp3() throws Exception {
		try (NettyHttp3Client client = NettyHttp3Client
			.connect(new InetSocketAddress("127.0.0.1", context.getBean(Http3Server.class).port()), certificate,
					TIMEOUT)) {
			Response response = client.send(Request.get("/api/info").header("user-agent", "netty-h3-test"));
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.header(InfoController.PROTOCOL_HEADER)).isEqualTo("HTTP/3.0");
			assertThat(response.bodyAsString()).contains("\"protocol\":\"HTTP/3.0\"", "\"scheme\":\"https\"",
					"\"secure\":true", "\"remoteAddress\":\"127.0.0.1\"",
					"\"remotePort\":" + client.localAddress().getPort(), "\"localPort\":" + tlsPort(),
					"\"cipherSuite\":\"TLS_", "\"keySize\":null", "\"userAgent\":\"netty-h3-test\"");
		}
	}

	@Test
	void servesInfoOverHttp2() throws Exception {
		HttpResponse<String> response = sendOverTls(HttpClient.Version.HTTP_2);
		assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue(InfoController.PROTOCOL_HEADER)).hasValue("HTTP/2.0");
		assertThat(response.body()).contains("\"protocol\":\"HTTP/2.0\"", "\"secure\":true", "\"cipherSuite\":\"TLS_");
	}

	@Test
	void servesInfoOverHttp11() throws Exception {
		HttpResponse<String> response = sendOverTls(HttpClient.Version.HTTP_1_1);
		assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue(InfoController.PROTOCOL_HEADER)).hasValue("HTTP/1.1");
		assertThat(response.body()).contains("\"protocol\":\"HTTP/1.1\"", "\"secure\":true");
	}

	private static HttpResponse<String> sendOverTls(HttpClient.Version version) throws Exception {
		KeyStore trusted = KeyStore.getInstance("PKCS12");
		trusted.load(null, null);
		trusted.setCertificateEntry("server", certificate);
		TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trustManagers.init(trusted);
		SSLContext ssl = SSLContext.getInstance("TLS");
		ssl.init(null, trustManagers.getTrustManagers(), null);
		HttpClient client = HttpClient.newBuilder().sslContext(ssl).version(version).connectTimeout(TIMEOUT).build();
		HttpRequest request = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tlsPort() + "/api/info"))
			.timeout(TIMEOUT)
			.build();
		return client.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private static int tlsPort() {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

}
