package dev.h3servlet.servlet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.connector.Http3SecureRequestCustomizer;
import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import dev.h3servlet.test.JettyClients;
import dev.h3servlet.test.JettyClientsExtension;
import dev.h3servlet.test.TestCertificate;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.eclipse.jetty.http3.client.HTTP3ClientQuicConfiguration;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.quic.quiche.client.QuicheClientQuicConfiguration;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TLS request attributes a servlet reads, with client certificates required, over HTTP/3 and HTTP/2.
 */
@Tag(TestTransport.BOTH)
class TlsAttributesTests {

	@RegisterExtension
	static final JettyClientsExtension clients = new JettyClientsExtension();

	private static final String CIPHER_SUITE = "jakarta.servlet.request.cipher_suite";

	private static final String KEY_SIZE = "jakarta.servlet.request.key_size";

	private static final String SSL_SESSION_ID = "jakarta.servlet.request.ssl_session_id";

	private static final String PEER_CERTIFICATES = "jakarta.servlet.request.X509Certificate";

	static TestCertificate clientCertificate;

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension((builder) -> builder
		.sslContextFactory(clientAuthServerFactory(TlsAttributesTests.server.certificate()))
		.servlet("/tls/*", new TlsServlet()));

	static HttpClient h3;

	static HttpClient h2;

	@BeforeAll
	static void startClients() throws Exception {
		Path pemWorkDir = Files.createDirectories(directory().resolve("client-pem"));
		QuicheClientQuicConfiguration quic = HTTP3ClientQuicConfiguration
			.configure(new QuicheClientQuicConfiguration(pemWorkDir));
		h3 = JettyClients.http3(quic, clientSslContextFactory());
		ClientConnector connector = new ClientConnector();
		connector.setSslContextFactory(clientSslContextFactory());
		h2 = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client(connector)));
		QueuedThreadPool threads = new QueuedThreadPool();
		threads.setName("client-h2-cert");
		h2.setExecutor(threads);
		h2.start();
	}

	@AfterAll
	static void stopClients() throws Exception {
		h3.stop();
		h2.stop();
	}

	@Test
	void servletSeesTheClientCertificateAndTlsAttributesOverHttp3() throws Exception {
		Map<String, String> seen = get(h3, HttpVersion.HTTP_3);
		assertThat(seen).containsEntry("protocol", "HTTP/3.0")
			.containsEntry("secure", "true")
			.containsEntry("peerSubject", "CN=client")
			.containsEntry("peerChainLength", "1");
		String cipherSuite = seen.get(CIPHER_SUITE);
		assertThat(cipherSuite).isIn("TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256")
			.isEqualTo(new Http3SecureRequestCustomizer().getHttp3CipherSuite());
		assertThat(seen.get(KEY_SIZE)).isEqualTo(Integer.toString(SslContextFactory.deduceKeyLength(cipherSuite)));
		assertThat(seen.get(SSL_SESSION_ID)).matches("[0-9a-f]{16,}");
	}

	@Test
	void sslSessionIdIsTheSameOnOneConnectionAndDiffersAcrossConnections() throws Exception {
		String first = get(h3, HttpVersion.HTTP_3).get(SSL_SESSION_ID);
		String again = get(h3, HttpVersion.HTTP_3).get(SSL_SESSION_ID);
		assertThat(again).isEqualTo(first);
		HttpClient other = JettyClients.http3(HTTP3ClientQuicConfiguration.configure(new QuicheClientQuicConfiguration(
				Files.createDirectories(directory().resolve("other-client-pem")))), clientSslContextFactory());
		try {
			assertThat(get(other, HttpVersion.HTTP_3).get(SSL_SESSION_ID)).isNotNull().isNotEqualTo(first);
		}
		finally {
			other.stop();
		}
	}

	@Test
	void http3AndHttp2ShowTheSameTlsAttributes() throws Exception {
		Map<String, String> overH3 = get(h3, HttpVersion.HTTP_3);
		Map<String, String> overH2 = get(h2, HttpVersion.HTTP_2);
		assertThat(overH2).containsEntry("protocol", "HTTP/2.0").containsEntry("peerSubject", "CN=client");
		for (String name : new String[] { CIPHER_SUITE, KEY_SIZE, SSL_SESSION_ID, "peerSubject", "secure",
				"scheme" }) {
			assertThat(overH3.get(name)).as(name + " over h3").isNotNull();
			assertThat(overH2.get(name)).as(name + " over h2").isNotNull();
		}
		assertThat(overH3.get("attributeNames")).isEqualTo(overH2.get("attributeNames"));
		assertThat(overH3.get(CIPHER_SUITE)).startsWith("TLS_");
		assertThat(overH2.get(CIPHER_SUITE)).startsWith("TLS_");
	}

	@Test
	void http3ClientWithoutACertificateIsRefused() {
		org.assertj.core.api.Assertions
			.assertThatException()
			.isThrownBy(() -> clients.http3().newRequest(server.uri("/tls/x"))
				.timeout(30, TimeUnit.SECONDS)
				.send());
	}

	private static Map<String, String> get(HttpClient client, HttpVersion version) throws Exception {
		ContentResponse response = client.newRequest(server.uri("/tls/x")).timeout(30, TimeUnit.SECONDS).send();
		assertThat(response.getVersion()).isEqualTo(version);
		assertThat(response.getStatus()).isEqualTo(200);
		Map<String, String> seen = new LinkedHashMap<>();
		for (String line : response.getContentAsString().split("\n")) {
			int equals = line.indexOf('=');
			seen.put(line.substring(0, equals), line.substring(equals + 1));
		}
		return seen;
	}

	private static Path directory() {
		return server.certificate().keyStore().getParent();
	}

	private static SslContextFactory.Server clientAuthServerFactory(TestCertificate serverCertificate) {
		try {
			Path directory = serverCertificate.keyStore().getParent();
			clientCertificate = TestCertificate.create(directory, "client", "CN=client");
			Path pem = directory.resolve("client.pem");
			Files.writeString(pem, clientCertificate.certificatePem(), StandardCharsets.US_ASCII);
			Path trustStore = directory.resolve("trust.p12");
			TestCertificate.keytool("-importcert", "-noprompt", "-alias", "client", "-file", pem.toString(),
					"-storetype", "PKCS12", "-keystore", trustStore.toString(), "-storepass", TestCertificate.PASSWORD);
			SslContextFactory.Server factory = serverCertificate.newServerSslContextFactory();
			factory.setTrustStorePath(trustStore.toString());
			factory.setTrustStorePassword(TestCertificate.PASSWORD);
			factory.setNeedClientAuth(true);
			return factory;
		}
		catch (IOException | java.security.GeneralSecurityException ex) {
			throw new IllegalStateException("Could not make the client certificate", ex);
		}
	}

	/**
	 * Presents the client certificate; trusts the self-signed server through a trust store, because Jetty uses the
	 * key store as trust store (and ignores trust-all) when a key store is set.
	 */
	private static SslContextFactory.Client clientSslContextFactory() {
		SslContextFactory.Client factory = new SslContextFactory.Client(true);
		factory.setKeyStorePath(clientCertificate.keyStore().toString());
		factory.setKeyStorePassword(clientCertificate.password());
		factory.setCertAlias(TestCertificate.ALIAS);
		factory.setTrustStorePath(server.certificate().keyStore().toString());
		factory.setTrustStorePassword(server.certificate().password());
		return factory;
	}

	static class TlsServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			Map<String, Object> seen = new LinkedHashMap<>();
			seen.put("protocol", request.getProtocol());
			seen.put("secure", request.isSecure());
			seen.put("scheme", request.getScheme());
			for (String name : new String[] { CIPHER_SUITE, KEY_SIZE, SSL_SESSION_ID }) {
				seen.put(name, request.getAttribute(name));
			}
			if (request.getAttribute(PEER_CERTIFICATES) instanceof X509Certificate[] chain) {
				seen.put("peerSubject", chain[0].getSubjectX500Principal().getName());
				seen.put("peerChainLength", chain.length);
			}
			// An app that dumps every attribute must not trip over any of them.
			TreeSet<String> names = new TreeSet<>();
			for (String name : Collections.list(request.getAttributeNames())) {
				Object value = request.getAttribute(name);
				if (value != null && !name.equals(RequestDispatcher.class.getName())) {
					names.add(name);
				}
			}
			seen.put("attributeNames", String.join(",", names));
			response.setContentType("text/plain");
			StringBuilder body = new StringBuilder();
			seen.forEach((name, value) -> body.append(name).append('=').append(value).append('\n'));
			response.getWriter().print(body);
		}

	}

}
