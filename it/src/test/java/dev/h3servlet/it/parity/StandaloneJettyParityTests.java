package dev.h3servlet.it.parity;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.it.support.JettyBase;
import dev.h3servlet.test.TestCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * Parity of the test application as a WAR on a standalone Jetty 12.1, deployed as a user deploys one: a
 * {@code $JETTY_BASE} with the h3servlet module ({@code --add-modules=h3servlet,https,ee11-deploy}) and Jetty's gzip
 * ({@code compression-gzip}), the WAR as {@code webapps/ROOT.war}, {@code java -jar start.jar} as a process. The
 * WAR's {@code web.xml} maps the error pages; Jetty's default servlet serves the static file from the app's jar in
 * {@code WEB-INF/lib}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class StandaloneJettyParityTests extends ParitySuite {

	private static final Path WORK = Path.of("target", "standalone-jetty-parity").toAbsolutePath();

	private JettyBase.Running jetty;

	@BeforeAll
	void startJetty() throws Exception {
		Files.createDirectories(WORK);
		TestCertificate certificate = TestCertificate.create(WORK);
		JettyBase base = JettyBase.prepare(JettyBase.jettyHome(), WORK.resolve("base"), certificate,
				JettyBase.MODULES + ",compression-gzip");
		base.deploy("ROOT", null);
		this.jetty = base.start();
	}

	@AfterAll
	void stopJetty() throws Exception {
		if (this.jetty != null) {
			this.jetty.close();
		}
	}

	@Override
	URI base() {
		return URI.create("https://127.0.0.1:" + this.jetty.port() + "/");
	}

	@Override
	String deployment() {
		return "WAR on standalone Jetty (h3servlet module, netty transport)";
	}

}
