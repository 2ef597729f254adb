package dev.h3servlet.boot.autoconfigure;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Principal;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.test.JettyClientsExtension;
import dev.h3servlet.test.NettyHttp3Client;
import dev.h3servlet.test.TestCertificate;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Spring MVC application with Spring Security, configured only through properties, served over HTTP/3 by the
 * auto-configured embedded Jetty on a random port; Jetty's HTTP/3 client checks the protocol on both sides, and
 * Netty's (an independent QUIC and HTTP/3 stack) checks that it is not only Jetty that understands it.
 */
@SpringBootTest(classes = Http3SpringBootTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.http3.enabled=true", "server.http2.enabled=true" })
@Tag(TestTransport.BOTH)
class Http3SpringBootTests {

	@RegisterExtension
	static final JettyClientsExtension clients = new JettyClientsExtension();

	private static final long TIMEOUT_SECONDS = 15;

	private static final Path certificates = createDirectory();

	private static final TestCertificate certificate = createCertificate();

	@LocalServerPort
	private int port;

	private NettyHttp3Client netty;

	@DynamicPropertySource
	static void tls(DynamicPropertyRegistry registry) {
		registry.add("server.ssl.key-store", () -> "file:" + certificate.keyStore());
		registry.add("server.ssl.key-store-password", certificate::password);
		registry.add("server.ssl.key-store-type", () -> "PKCS12");
	}

	@AfterEach
	void closeNettyClient() throws IOException {
		if (this.netty != null) {
			this.netty.close();
		}
	}

	@AfterAll
	static void deleteCertificate() throws Exception {
		try (Stream<Path> files = Files.walk(certificates)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(file);
			}
		}
	}

	@Test
	void controllerIsServedOverHttp3() throws Exception {
		ContentResponse response = get(clients.http3(), "/protocol", null);
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
		assertThat(response.getContentAsString()).isEqualTo("HTTP/3.0 https secure");
	}

	@Test
	void securedEndpointChallengesWithoutCredentialsOverHttp3() throws Exception {
		ContentResponse response = get(clients.http3(), "/secure", null);
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
		assertThat(response.getStatus()).isEqualTo(401);
		assertThat(response.getHeaders().get(HttpHeader.WWW_AUTHENTICATE)).startsWith("Basic");
	}

	@Test
	void securedEndpointAcceptsCredentialsOverHttp3() throws Exception {
		ContentResponse response = get(clients.http3(), "/secure", "user:secret");
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
		assertThat(response.getStatus()).isEqualTo(200);
		assertThat(response.getContentAsString()).isEqualTo("user over HTTP/3.0");
	}

	@Test
	void securedEndpointRejectsWrongCredentialsOverHttp3() throws Exception {
		ContentResponse response = get(clients.http3(), "/secure", "user:wrong");
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
		assertThat(response.getStatus()).isEqualTo(401);
	}

	@Test
	void controllerAndSecuredEndpointAreServedOverHttp3ToNettysIndependentClient() throws Exception {
		// The UDP port has the TCP port's number; the client trusts only the test certificate (valid for 127.0.0.1).
		this.netty = NettyHttp3Client.connect(new InetSocketAddress("127.0.0.1", this.port), certificate.certificate(),
				Duration.ofSeconds(TIMEOUT_SECONDS));
		assertThat(this.netty.applicationProtocol()).isEqualTo("h3");

		NettyHttp3Client.Response protocol = this.netty.send(NettyHttp3Client.Request.get("/protocol"));
		assertThat(protocol.status()).isEqualTo(200);
		assertThat(protocol.bodyAsString()).isEqualTo("HTTP/3.0 https secure");

		NettyHttp3Client.Response challenged = this.netty.send(NettyHttp3Client.Request.get("/secure"));
		assertThat(challenged.status()).isEqualTo(401);
		assertThat(challenged.header("www-authenticate")).startsWith("Basic");

		NettyHttp3Client.Response authenticated = this.netty.send(NettyHttp3Client.Request.get("/secure")
			.header("authorization", "Basic " + base64("user:secret")));
		assertThat(authenticated.status()).isEqualTo(200);
		assertThat(authenticated.bodyAsString()).isEqualTo("user over HTTP/3.0");
	}

	@Test
	void http2ResponsesAdvertiseHttp3OnTheSamePortNumber() throws Exception {
		ContentResponse response = get(clients.http2(), "/protocol", null);
		assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_2);
		assertThat(response.getContentAsString()).isEqualTo("HTTP/2.0 https secure");
		assertThat(response.getHeaders().get(HttpHeader.ALT_SVC)).isEqualTo("h3=\":" + this.port + "\"; ma=86400");
	}

	private ContentResponse get(HttpClient client, String path, String credentials) throws Exception {
		var request = client.newRequest("https://localhost:" + this.port + path)
			.timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		if (credentials != null) {
			request.headers((headers) -> headers.put(HttpHeader.AUTHORIZATION, "Basic " + base64(credentials)));
		}
		return request.send();
	}

	private static String base64(String credentials) {
		return Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
	}

	private static Path createDirectory() {
		try {
			return Files.createTempDirectory("h3servlet-boot-test");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static TestCertificate createCertificate() {
		try {
			return TestCertificate.create(certificates);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(ProtocolController.class)
	static class TestApplication {

		@Bean
		SecurityFilterChain securityFilterChain(HttpSecurity http) {
			http.authorizeHttpRequests((requests) -> requests.requestMatchers("/secure")
				.authenticated()
				.anyRequest()
				.permitAll());
			http.httpBasic(Customizer.withDefaults());
			return http.build();
		}

		@Bean
		UserDetailsService userDetailsService() {
			return new InMemoryUserDetailsManager(
					User.withUsername("user").password("{noop}secret").roles("USER").build());
		}

	}

	@RestController
	static class ProtocolController {

		@GetMapping("/protocol")
		String protocol(HttpServletRequest request) {
			return request.getProtocol() + " " + request.getScheme() + " " + (request.isSecure() ? "secure" : "plain");
		}

		@GetMapping("/secure")
		String secure(Principal principal, HttpServletRequest request) {
			return principal.getName() + " over " + request.getProtocol();
		}

	}

}
