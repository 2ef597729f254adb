package dev.h3servlet.it;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.h3servlet.development.DevelopmentCertificate;
import dev.h3servlet.it.support.ChromiumAssumptions;
import dev.h3servlet.it.support.DemoJarProcess;
import dev.h3servlet.test.Chromium;
import dev.h3servlet.testapp.DeterministicBytes;
import dev.h3servlet.test.JettyClients;
import dev.h3servlet.test.TestCertificate;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.FormRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.MultiPartRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.util.Fields;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Spring Boot demo ({@code demo/}) as users run it: its executable jar started with {@code java -jar},
 * configured only through properties on the command line, then used over HTTP/3 by Chromium (the page's
 * {@code nextHopProtocol} reads {@code h3}, Spring MVC saw {@code HTTP/3.0}) and by Jetty's HTTP/3 client (the JSON
 * endpoint, the session form and the upload), on this JVM (Java 17, with the development certificate the demo makes
 * on first run) and on Java 25 (with a configured key store, and plain {@code java -jar}: the jar's manifest grants
 * the native access Netty's QUIC library needs) when one is installed. The demo is an application on the netty
 * transport as Spring Boot manages it (Jetty 12.1.10, Netty 4.2.15, no version pinned): it carries no Jetty HTTP/3 or
 * quiche jar, and choosing the jetty-quiche transport fails its start naming what to add.
 */
@Timeout(120)
class DemoJarTests {

	private static final long TIMEOUT_SECONDS = 15;

	@Nested
	@TestInstance(Lifecycle.PER_CLASS)
	class OnThisJvmWithDevelopmentCertificate extends DemoChecks {

		private Path certificateDirectory;

		@BeforeAll
		void startDemo(@TempDir Path directory) throws Exception {
			this.certificateDirectory = directory.resolve("dev-cert");
			start(DemoJarProcess.start(Path.of(System.getProperty("java.home")), List.of(), directory,
					List.of("--server.port=0", "--h3servlet.demo.dev-certificate-dir=" + this.certificateDirectory)));
		}

		@Test
		void firstRunCreatesDevelopmentCertificateAndPrintsItsPin() throws Exception {
			Path keyStore = this.certificateDirectory.resolve("h3servlet-dev.p12");
			assertThat(keyStore).isRegularFile();
			String pin = DevelopmentCertificate.loadOrCreate(keyStore, "h3servlet-dev", "CN=localhost", 1)
				.spkiSha256Base64();
			assertThat(demo().spkiPin()).isEqualTo(pin);
			assertThat(demo().output()).anyMatch((line) -> line.contains("HTTP/3 (QUIC, netty transport) "
					+ "listening on udp://0.0.0.0:" + demo().port()));
			System.out.println("Demo started on Java 17 in " + demo().startupSeconds() + " s");
		}

	}

	@Nested
	@TestInstance(Lifecycle.PER_CLASS)
	class OnJava25WithConfiguredKeyStore extends DemoChecks {

		private TestCertificate certificate;

		private int feature;

		@BeforeAll
		void startDemo(@TempDir Path directory) throws Exception {
			Path javaHome = Java25ForeignBindingTests.javaHome();
			this.feature = Java25ForeignBindingTests.featureVersion(javaHome);
			assumeTrue(this.feature >= 22, () -> "install a JDK 22+ (e.g. Temurin 25) at " + javaHome
					+ " to run the demo jar on Java 22+, where loading Netty's native QUIC library is restricted");
			this.certificate = TestCertificate.create(directory);
			// No --enable-native-access: the jar's manifest grants native access (Enable-Native-Access), and the
			// test below holds it to that (no restricted-method warning).
			start(DemoJarProcess.start(javaHome, List.of(), directory,
					Stream.concat(Stream.of("--server.port=0"), this.certificate.springBootArguments().stream())
						.toList()));
		}

		@Test
		void usesTheConfiguredKeyStoreAndLoadsNettysNativeLibraryWithoutWarnings() {
			assertThat(demo().spkiPin()).isEqualTo(this.certificate.spkiSha256Base64());
			assertThat(demo().output()).anyMatch((line) -> line.contains("jvm " + this.feature))
				.anyMatch((line) -> line.contains("HTTP/3 (QUIC, netty transport) listening on udp://0.0.0.0:"
						+ demo().port()))
				.noneMatch((line) -> line.contains("WARNING: A restricted method"));
			System.out.println("Demo started on Java " + this.feature + " in " + demo().startupSeconds() + " s");
		}

	}

	@Test
	void theJarCarriesBootsOwnJettyAndNettyAndNoJettyHttp3OrQuicheJar() throws Exception {
		List<String> libraries;
		try (JarFile jar = new JarFile(DemoJarProcess.jar().toFile())) {
			libraries = jar.stream()
				.map(JarEntry::getName)
				.filter((name) -> name.startsWith("BOOT-INF/lib/"))
				.map((name) -> name.substring("BOOT-INF/lib/".length()))
				.toList();
		}
		assertThat(libraries).as("Spring Boot 4.0.7 manages Jetty 12.1.10 and Netty 4.2.15; the demo pins neither")
			.contains("jetty-server-12.1.10.jar", "netty-codec-http3-4.2.15.Final.jar",
				"netty-codec-native-quic-4.2.15.Final-linux-x86_64.jar")
			.noneMatch((name) -> name.startsWith("jetty-http3-") || name.startsWith("jetty-quic")
					|| name.startsWith("jetty-quiche") || name.startsWith("jna"));
	}

	@Test
	void theJettyQuicheTransportFailsTheStartNamingTheFix(@TempDir Path directory) throws Exception {
		TestCertificate certificate = TestCertificate.create(directory);
		List<String> output = DemoJarProcess.runToExit(Path.of(System.getProperty("java.home")), directory,
				Stream.concat(Stream.of("--server.port=0", "--server.http3.transport=jetty-quiche"),
						certificate.springBootArguments().stream())
					.toList(),
				Duration.ofSeconds(60));
		String joined = String.join("\n", output);
		assertThat(joined).contains("APPLICATION FAILED TO START")
			.containsSubsequence("Description:", "The HTTP/3 transport 'jetty-quiche' cannot run: it needs Jetty 12.1.5",
					"runs Jetty 12.1.10", "Action:", "Set every Jetty jar to 12.1.5", "use the netty transport");
		assertThat(output).noneMatch((line) -> line.contains("Started DemoApplication"));
	}

	/** What both runs check; each starts its demo in a {@code @BeforeAll}. */
	abstract static class DemoChecks {

		private DemoJarProcess demo;

		private HttpClient http3;

		void start(DemoJarProcess demo) throws Exception {
			this.demo = demo;
			this.http3 = JettyClients.http3();
		}

		DemoJarProcess demo() {
			return this.demo;
		}

		@AfterAll
		void stopDemo() throws Exception {
			try {
				if (this.http3 != null) {
					this.http3.stop();
				}
			}
			finally {
				if (this.demo != null) {
					this.demo.close();
				}
			}
		}

		@Test
		void chromiumLoadsThePageOverHttp3() throws Exception {
			ChromiumAssumptions.assumeInstalled();
			Chromium.Result result = Chromium.forceQuicOn(this.demo.url())
				.trustSpki(this.demo.spkiPin())
				.virtualTimeBudget(Duration.ZERO)
				.dumpDom(this.demo.url(), Path.of("target", "chromium",
						"demo-" + getClass().getSimpleName()));
			assertThat(result.textOf("browser")).as(result.describe()).isEqualTo("h3");
			assertThat(result.textOf("server")).as(result.describe()).isEqualTo("HTTP/3.0");
		}

		@Test
		void apiInfoOverHttp3() throws Exception {
			ContentResponse response = send(HttpMethod.GET, "/api/info", null);
			assertThat(response.getStatus()).isEqualTo(200);
			assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
			assertThat(response.getMediaType()).isEqualTo("application/json");
			assertThat(response.getContentAsString()).contains("\"protocol\":\"HTTP/3.0\"")
				.contains("\"scheme\":\"https\"")
				.contains("\"secure\":true")
				.contains("\"remoteAddress\":\"127.0.0.1\"")
				.containsPattern("\"cipherSuite\":\"TLS_(AES_128_GCM_SHA256|CHACHA20_POLY1305_SHA256)\"");
		}

		/**
		 * Boot 4.0.7's Jetty (12.1.10) adds an HTTP/2 Alt-Svc customizer of its own, naming the h3 listener's port
		 * without {@code ma}: h3servlet removes it, so that HTTP/2 responses carry one advertisement, the configured one.
		 */
		@Test
		void http2ResponsesCarryOneAltSvcAdvertisement() throws Exception {
			HttpClient http2 = JettyClients.http2();
			try {
				ContentResponse response = http2.newRequest(this.demo.uri("/api/info"))
					.timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS)
					.send();
				assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_2);
				assertThat(response.getHeaders().getValuesList(HttpHeader.ALT_SVC))
					.containsExactly("h3=\":" + this.demo.port() + "\"; ma=86400");
			}
			finally {
				http2.stop();
			}
		}

		@Test
		void sessionFormKeepsItsValueOverHttp3() throws Exception {
			String note = "h3 <note> " + System.nanoTime();
			this.http3.getHttpCookieStore().clear();
			ContentResponse before = send(HttpMethod.GET, "/", null);
			assertThat(before.getHeaders().get(HttpHeader.SET_COOKIE)).as("the page makes no session").isNull();
			assertThat(textOf(before, "note")).isEqualTo("(nothing yet)");
			Fields form = new Fields();
			form.put("note", note);
			ContentResponse post = send(HttpMethod.POST, "/session", new FormRequestContent(form));
			assertThat(post.getStatus()).isEqualTo(200);
			assertThat(post.getVersion()).isEqualTo(HttpVersion.HTTP_3);
			assertThat(textOf(post, "sessionProtocol")).isEqualTo("HTTP/3.0");
			assertThat(post.getHeaders().get(HttpHeader.SET_COOKIE)).startsWith("JSESSIONID=");

			ContentResponse get = send(HttpMethod.GET, "/", null);
			assertThat(get.getVersion()).isEqualTo(HttpVersion.HTTP_3);
			assertThat(textOf(get, "server")).isEqualTo("HTTP/3.0");
			assertThat(textOf(get, "note")).isEqualTo(note.replace("<", "&lt;").replace(">", "&gt;"));
		}

		@Test
		void uploadReportsSizeAndSha256OverHttp3() throws Exception {
			byte[] bytes = DeterministicBytes.stream(1_000_003).readAllBytes();
			MultiPartRequestContent multiPart = new MultiPartRequestContent();
			multiPart.addPart(new MultiPart.ByteBufferPart("file", "demo.bin",
					HttpFields.build().put(HttpHeader.CONTENT_TYPE, "application/octet-stream"), ByteBuffer.wrap(bytes)));
			multiPart.close();
			ContentResponse response = send(HttpMethod.POST, "/upload", multiPart);
			assertThat(response.getStatus()).as(response.getContentAsString()).isEqualTo(200);
			assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_3);
			assertThat(textOf(response, "uploadName")).isEqualTo("demo.bin");
			assertThat(textOf(response, "uploadSize")).isEqualTo(Integer.toString(bytes.length));
			assertThat(textOf(response, "uploadSha256"))
				.isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
			assertThat(textOf(response, "uploadProtocol")).isEqualTo("HTTP/3.0");
		}

		private ContentResponse send(HttpMethod method, String path, Request.Content body)
				throws Exception {
			URI uri = this.demo.uri(path);
			var request = this.http3.newRequest(uri).method(method).timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			if (body != null) {
				request.body(body);
			}
			return request.send();
		}

		private static String textOf(ContentResponse response, String id) {
			Matcher matcher = Pattern
				.compile("<([a-z0-9]+)[^>]*\\sid=\"" + Pattern.quote(id) + "\"[^>]*>(.*?)</\\1>", Pattern.DOTALL)
				.matcher(response.getContentAsString());
			assertThat(matcher.find()).as("element #%s in:%n%s", id, response.getContentAsString()).isTrue();
			return matcher.group(2);
		}

	}

}
