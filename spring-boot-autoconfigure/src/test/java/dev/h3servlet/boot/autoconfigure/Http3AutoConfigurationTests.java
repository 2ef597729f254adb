package dev.h3servlet.boot.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

import dev.h3servlet.connector.Http3Connector;
import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.servlet.Http3BridgeHandler;
import dev.h3servlet.test.TestCertificate;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.jetty.autoconfigure.servlet.JettyServletWebServerAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.WebServerFactoryCustomizerBeanPostProcessor;
import org.springframework.boot.web.server.servlet.ConfigurableServletWebServerFactory;
import org.springframework.boot.web.server.servlet.context.AnnotationConfigServletWebServerApplicationContext;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link Http3AutoConfiguration} and {@link Http3RequiresJettyAutoConfiguration}, with a real embedded
 * Jetty server on a port the operating system picks.
 */
@Tag(TestTransport.BOTH)
class Http3AutoConfigurationTests {

	@TempDir
	static Path certificates;

	private static TestCertificate certificate;

	private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner(
			AnnotationConfigServletWebServerApplicationContext::new)
		.withConfiguration(AutoConfigurations.of(JettyServletWebServerAutoConfiguration.class,
				Http3AutoConfiguration.class, Http3RequiresJettyAutoConfiguration.class))
		.withPropertyValues("server.port=0");

	@BeforeAll
	static void createCertificate() throws Exception {
		certificate = TestCertificate.create(certificates);
	}

	private static String[] tls() {
		return new String[] { "server.ssl.key-store=file:" + certificate.keyStore(),
				"server.ssl.key-store-password=" + certificate.password(), "server.ssl.key-store-type=PKCS12" };
	}

	@Test
	void disabledByDefault() {
		this.contextRunner.withPropertyValues(tls()).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).doesNotHaveBean(Http3Settings.class);
			assertThat(context).doesNotHaveBean(Http3WebServerFactoryCustomizer.class);
			assertThat(http3Connectors(server(context))).isEmpty();
			assertThat(server(context).getDescendant(Http3BridgeHandler.class)).isNull();
		});
	}

	@Test
	void disabledExplicitly() {
		this.contextRunner.withPropertyValues(tls()).withPropertyValues("server.http3.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(Http3WebServerFactoryCustomizer.class);
			assertThat(http3Connectors(server(context))).isEmpty();
		});
	}

	@Test
	void enabledAddsHttp3OnTheTlsPortNumberWhenServerPortIsZero() {
		this.contextRunner.withPropertyValues(tls()).withPropertyValues("server.http3.enabled=true").run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(Http3Settings.class);
			assertThat(context).hasSingleBean(Http3WebServerFactoryCustomizer.class);
			Server server = server(context);
			List<Http3Connector> http3 = http3Connectors(server);
			assertThat(http3).hasSize(1);
			Http3Connector connector = http3.get(0);
			assertThat(connector.isStarted()).isTrue();
			ServerConnector tls = (ServerConnector) connector.getTlsConnector();
			assertThat(tls.getLocalPort()).isPositive();
			assertThat(connector.getLocalPort()).isEqualTo(tls.getLocalPort());
			assertThat(webServer(context).getPort()).isEqualTo(tls.getLocalPort());
			assertThat(server.getDescendant(Http3BridgeHandler.class)).isNotNull();
		});
	}

	@Test
	void explicitPortIsUsed() {
		this.contextRunner.withPropertyValues(tls())
			.withPropertyValues("server.http3.enabled=true", "server.http3.port=0", "server.http3.host=127.0.0.1")
			.run((context) -> {
				Http3Connector connector = http3Connectors(server(context)).get(0);
				assertThat(connector.getSettings().port()).isZero();
				assertThat(connector.getLocalPort()).isPositive();
				assertThat(connector.getHost()).isEqualTo("127.0.0.1");
			});
	}

	@Test
	void maxHeaderSizeFollowsServerMaxHttpRequestHeaderSize() {
		this.contextRunner.withPropertyValues(tls())
			.withPropertyValues("server.http3.enabled=true", "server.max-http-request-header-size=12KB")
			.run((context) -> assertThat(maxRequestHeadersSize(context)).isEqualTo(12 * 1024));
	}

	@Test
	void maxHeaderSizeOverridesServerMaxHttpRequestHeaderSize() {
		this.contextRunner.withPropertyValues(tls())
			.withPropertyValues("server.http3.enabled=true", "server.max-http-request-header-size=12KB",
					"server.http3.max-request-header-size=4KB")
			.run((context) -> assertThat(maxRequestHeadersSize(context)).isEqualTo(4 * 1024));
	}

	@Test
	void propertiesReachTheConnector() {
		this.contextRunner.withPropertyValues(tls())
			.withPropertyValues("server.http3.enabled=true", "server.http3.idle-timeout=40s",
					"server.http3.alt-svc.max-age=1h")
			.run((context) -> {
				Http3Settings settings = http3Connectors(server(context)).get(0).getSettings();
				assertThat(settings).isSameAs(context.getBean(Http3Settings.class));
				assertThat(settings.idleTimeout()).hasSeconds(40);
				assertThat(settings.altSvcMaxAge()).hasHours(1);
			});
	}

	@Test
	void userDefinedCustomizerStepsAside() {
		this.contextRunner.withPropertyValues(tls())
			.withPropertyValues("server.http3.enabled=true")
			.withUserConfiguration(UserCustomizerConfiguration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(Http3WebServerFactoryCustomizer.class);
				assertThat(context).hasBean("userHttp3Customizer");
				Http3Connector connector = http3Connectors(server(context)).get(0);
				assertThat(connector.getSettings()).isSameAs(UserCustomizerConfiguration.SETTINGS);
			});
	}

	@Test
	void userDefinedSettingsAreUsed() {
		this.contextRunner.withPropertyValues(tls())
			.withPropertyValues("server.http3.enabled=true", "server.http3.idle-timeout=0s")
			.withUserConfiguration(UserSettingsConfiguration.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(http3Connectors(server(context)).get(0).getSettings())
					.isSameAs(UserSettingsConfiguration.SETTINGS);
			});
	}

	@Test
	void notAServletWebApplication() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(Http3AutoConfiguration.class,
					Http3RequiresJettyAutoConfiguration.class))
			.withPropertyValues("server.http3.enabled=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(Http3Settings.class);
				assertThat(context).doesNotHaveBean(Http3WebServerFactoryCustomizer.class);
				assertThat(context).doesNotHaveBean(Http3RequiresJettyAutoConfiguration.class);
			});
	}

	@Test
	void enabledWithoutTlsFailsNamingTheSslProperties() {
		this.contextRunner.withPropertyValues("server.http3.enabled=true").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).hasStackTraceContaining("HTTP/3 requires TLS")
				.hasStackTraceContaining("'server.ssl.bundle'")
				.hasStackTraceContaining("'server.ssl.key-store'");
			FailureAnalysis analysis = new Http3FailureAnalyzer().analyze(context.getStartupFailure());
			assertThat(analysis.getDescription())
				.isEqualTo("HTTP/3 requires TLS, but the embedded Jetty server has no TLS connector.");
			assertThat(analysis.getAction()).startsWith("Configure SSL with 'server.ssl.bundle'")
				.endsWith("or set 'server.http3.enabled=false'.");
		});
	}

	@Test
	void badValueFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues(tls())
			.withPropertyValues("server.http3.enabled=true", "server.http3.idle-timeout=0s")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure())
					.hasStackTraceContaining("server.http3.idle-timeout: PT0S (expected: > 0");
				FailureAnalysis analysis = new Http3FailureAnalyzer().analyze(context.getStartupFailure());
				assertThat(analysis.getDescription()).isEqualTo("server.http3.idle-timeout: PT0S (expected: > 0).");
				assertThat(analysis.getAction()).isEqualTo(
						"Change server.http3.idle-timeout (allowed: > 0), or remove it to keep the default.");
			});
	}

	@Test
	void theFailureAnalyzerIsRegisteredWithBoot() throws IOException {
		List<String> factories = new ArrayList<>();
		for (URL url : Collections.list(getClass().getClassLoader().getResources("META-INF/spring.factories"))) {
			Properties properties = new Properties();
			try (InputStream in = url.openStream()) {
				properties.load(in);
			}
			String analyzers = properties.getProperty(FailureAnalyzer.class.getName());
			if (analyzers != null) {
				factories.addAll(Arrays.asList(analyzers.split("\\s*,\\s*")));
			}
		}
		assertThat(factories).contains(Http3FailureAnalyzer.class.getName());
	}

	@Test
	void theFailureAnalyzerLeavesOtherFailuresToBoot() {
		assertThat(new Http3FailureAnalyzer().analyze(new IllegalStateException("not ours"))).isNull();
	}

	@Test
	void withoutJettyFailsWithThePomLinesThatSwitchToJetty() {
		otherServerRunner()
			.withClassLoader(new FilteredClassLoader("org.eclipse.jetty", "org.springframework.boot.jetty"))
			.withPropertyValues("server.http3.enabled=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure())
					.hasStackTraceContaining("server.http3.enabled=true requires Jetty as the embedded server")
					.hasStackTraceContaining("<artifactId>spring-boot-starter-tomcat</artifactId>")
					.hasStackTraceContaining("<artifactId>spring-boot-starter-jetty</artifactId>");
			});
	}

	@Test
	void onAnotherServerBesideJettyFails() {
		otherServerRunner()
			.withPropertyValues("server.http3.enabled=true")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure())
					.hasStackTraceContaining("server.http3.enabled=true requires Jetty as the embedded server");
			});
	}

	@Test
	void onAnotherServerWhenDisabledStartsNormally() {
		otherServerRunner()
			.withClassLoader(new FilteredClassLoader("org.eclipse.jetty", "org.springframework.boot.jetty"))
			.run((context) -> assertThat(context).hasNotFailed());
	}

	/** A servlet app whose embedded server is not Jetty's, with both auto-configurations. */
	private static WebApplicationContextRunner otherServerRunner() {
		return new WebApplicationContextRunner(AnnotationConfigServletWebServerApplicationContext::new)
			.withConfiguration(AutoConfigurations.of(Http3AutoConfiguration.class,
					Http3RequiresJettyAutoConfiguration.class))
			.withUserConfiguration(OtherServerConfiguration.class);
	}

	private static int maxRequestHeadersSize(AssertableWebApplicationContext context) {
		return http3Connectors(server(context)).get(0).getMaxRequestHeaderSize();
	}

	private static WebServer webServer(AssertableWebApplicationContext context) {
		return ((ServletWebServerApplicationContext) context.getSourceApplicationContext()).getWebServer();
	}

	private static Server server(AssertableWebApplicationContext context) {
		return ((JettyWebServer) webServer(context)).getServer();
	}

	private static List<Http3Connector> http3Connectors(Server server) {
		Connector[] connectors = server.getConnectors();
		return Arrays.stream(connectors)
			.filter(Http3Connector.class::isInstance)
			.map(Http3Connector.class::cast)
			.toList();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserCustomizerConfiguration {

		static final Http3Settings SETTINGS = Http3Settings.builder().altSvcEnabled(false).build();

		@Bean
		Http3WebServerFactoryCustomizer userHttp3Customizer() {
			return new Http3WebServerFactoryCustomizer(SETTINGS);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserSettingsConfiguration {

		static final Http3Settings SETTINGS = Http3Settings.builder().maxConcurrentStreams(10L).build();

		@Bean
		Http3Settings userHttp3Settings() {
			return SETTINGS;
		}

	}

	/**
	 * A servlet web server that is not Jetty, as Tomcat is for an application that keeps Boot's default.
	 */
	@Configuration(proxyBeanMethods = false)
	static class OtherServerConfiguration {

		@Bean
		static WebServerFactoryCustomizerBeanPostProcessor webServerFactoryCustomizerBeanPostProcessor() {
			return new WebServerFactoryCustomizerBeanPostProcessor();
		}

		@Bean
		ConfigurableServletWebServerFactory otherServletWebServerFactory() {
			ConfigurableServletWebServerFactory factory = mock(ConfigurableServletWebServerFactory.class);
			given(factory.getWebServer(any())).willReturn(mock(WebServer.class));
			return factory;
		}

	}

}
