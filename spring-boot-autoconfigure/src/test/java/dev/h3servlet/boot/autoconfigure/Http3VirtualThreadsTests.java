package dev.h3servlet.boot.autoconfigure;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.test.JettyClientsExtension;
import dev.h3servlet.test.TestCertificate;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code spring.threads.virtual.enabled=true}: Boot gives Jetty a virtual-thread executor, and MVC controllers
 * answer HTTP/3 requests on virtual threads. Needs Java 21+: the build runs it in a surefire execution on the Temurin
 * 25 JDK when that JDK is installed (profile {@code java25-virtual-threads}), and leaves it out of the Java 17 run.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
@SpringBootTest(classes = Http3VirtualThreadsTests.TestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.http3.enabled=true", "spring.threads.virtual.enabled=true" })
@Tag(TestTransport.BOTH)
class Http3VirtualThreadsTests {

	@RegisterExtension
	static final JettyClientsExtension clients = new JettyClientsExtension();

	private static final long TIMEOUT_SECONDS = 15;

	@TempDir
	static Path certificates;

	private static TestCertificate certificate;

	@LocalServerPort
	private int port;

	@DynamicPropertySource
	static void tls(DynamicPropertyRegistry registry) throws Exception {
		certificate = TestCertificate.create(certificates);
		registry.add("server.ssl.key-store", () -> "file:" + certificate.keyStore());
		registry.add("server.ssl.key-store-password", certificate::password);
		registry.add("server.ssl.key-store-type", () -> "PKCS12");
	}

	@Test
	void controllerRunsOnAVirtualThreadOverHttp3() throws Exception {
		System.out.println("Java " + Runtime.version());
		for (int i = 0; i < 3; i++) {
			ContentResponse response = clients.http3().newRequest("https://localhost:" + this.port + "/thread")
				.timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS)
				.send();
			assertThat(response.getStatus()).isEqualTo(200);
			assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
			String answer = response.getContentAsString();
			System.out.println("Controller answered: " + answer);
			assertThat(answer).startsWith("HTTP/3.0 on VirtualThread[");
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@Import(ThreadController.class)
	static class TestApplication {

		@Bean
		SecurityFilterChain securityFilterChain(HttpSecurity http) {
			return http.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll()).build();
		}

	}

	@RestController
	static class ThreadController {

		/**
		 * The protocol and the current thread: a virtual thread's {@code toString()} starts with
		 * {@code VirtualThread[} ({@code Thread.isVirtual()} is not in the Java 17 API this compiles against).
		 */
		@GetMapping("/thread")
		String thread(HttpServletRequest request) {
			return request.getProtocol() + " on " + Thread.currentThread();
		}

	}

}
