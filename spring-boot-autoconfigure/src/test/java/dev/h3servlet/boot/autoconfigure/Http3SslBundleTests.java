package dev.h3servlet.boot.autoconfigure;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.test.JettyClientsExtension;
import dev.h3servlet.test.TestCertificate;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.server.servlet.context.AnnotationConfigServletWebServerApplicationContext;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * HTTP/3 with TLS from {@code server.ssl.bundle}: a PKCS12 key store through a JKS-style bundle, and a PEM bundle
 * (which Boot turns into an in-memory key store), each answering a real HTTP/3 request.
 */
@Tag(TestTransport.BOTH)
class Http3SslBundleTests {

	@RegisterExtension
	static final JettyClientsExtension clients = new JettyClientsExtension();

	@TempDir
	static Path certificates;

	private static TestCertificate certificate;

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner(
			AnnotationConfigServletWebServerApplicationContext::new)
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class,
				JettyServletWebServerAutoConfiguration.class, Http3AutoConfiguration.class,
				Http3RequiresJettyAutoConfiguration.class))
		.withPropertyValues("server.port=0", "server.http3.enabled=true", "server.ssl.bundle=web");

	@BeforeAll
	static void setUp() throws Exception {
		certificate = TestCertificate.create(certificates);
	}

	@Test
	void pkcs12KeyStoreBundle() {
		this.contextRunner
			.withPropertyValues("spring.ssl.bundle.jks.web.keystore.location=file:" + certificate.keyStore(),
					"spring.ssl.bundle.jks.web.keystore.password=" + certificate.password(),
					"spring.ssl.bundle.jks.web.keystore.type=PKCS12")
			.run(this::assertServedOverHttp3);
	}

	@Test
	void pemBundle() throws Exception {
		Path certificatePem = Files.writeString(certificates.resolve("server.crt"), certificate.certificatePem());
		Path keyPem = Files.writeString(certificates.resolve("server.key"), privateKeyPem());
		this.contextRunner
			.withPropertyValues("spring.ssl.bundle.pem.web.keystore.certificate=file:" + certificatePem,
					"spring.ssl.bundle.pem.web.keystore.private-key=file:" + keyPem)
			.run(this::assertServedOverHttp3);
	}

	private void assertServedOverHttp3(AssertableWebApplicationContext context) throws Exception {
		assertThat(context).hasNotFailed();
		int port = ((ServletWebServerApplicationContext) context.getSourceApplicationContext()).getWebServer()
			.getPort();
		// No servlet is mapped: a 404 that came over HTTP/3 proves the QUIC handshake with the bundle's key.
		ContentResponse response = clients.http3().newRequest("https://localhost:" + port + "/")
			.timeout(15, TimeUnit.SECONDS)
			.send();
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
		assertThat(response.getStatus()).isEqualTo(404);
		// TLS over TCP still works with the same SSL context.
		ContentResponse http11Response = clients.http11().newRequest("https://localhost:" + port + "/")
			.timeout(15, TimeUnit.SECONDS)
			.send();
		assertThat(http11Response.getVersion()).isEqualTo(HttpVersion.HTTP_1_1);
		assertThat(http11Response.getStatus()).isEqualTo(404);
	}

	private static String privateKeyPem() throws Exception {
		KeyStore keyStore = KeyStore.getInstance("PKCS12");
		try (var in = Files.newInputStream(certificate.keyStore())) {
			keyStore.load(in, certificate.password().toCharArray());
		}
		PrivateKey key = (PrivateKey) keyStore.getKey(TestCertificate.ALIAS, certificate.password().toCharArray());
		return "-----BEGIN PRIVATE KEY-----\n"
				+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
				+ "\n-----END PRIVATE KEY-----\n";
	}

}
