package dev.h3servlet.it.parity;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import dev.h3servlet.it.support.ExecutableJar;
import dev.h3servlet.test.TestCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parity of the test application under Spring Boot 4.0: the version matrix's Spring MVC app ({@code matrix/boot-4.0},
 * the h3servlet starter and {@code server.http3.enabled=true}) registers its servlets with a
 * {@code ServletContextInitializer}, and runs as a user runs it, {@code java -jar} with {@code server.ssl.*} and
 * Boot's gzip ({@code server.compression.enabled}). Boot's own error handling answers the errors (the app maps no
 * error page, as a Boot user does not); Spring MVC serves the static file, with ETags from Spring's
 * {@code ShallowEtagHeaderFilter}.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SpringBootParityTests extends ParitySuite {

	private static final Pattern READY = Pattern.compile("h3servlet matrix app ready: port=(\\d+)");

	private ExecutableJar.Running app;

	private int port;

	@BeforeAll
	void startApp(@TempDir Path directory) throws Exception {
		TestCertificate certificate = TestCertificate.create(directory);
		List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
				"--server.compression.enabled=true"));
		arguments.addAll(certificate.springBootArguments());
		this.app = ExecutableJar.matrixApp("boot-4.0")
			.start(Path.of(System.getProperty("java.home")), List.of(), directory, arguments, READY);
		this.port = Integer.parseInt(this.app.ready().group(1));
	}

	@AfterAll
	void stopApp() throws Exception {
		if (this.app != null) {
			this.app.close();
		}
	}

	@Override
	URI base() {
		return URI.create("https://127.0.0.1:" + this.port + "/");
	}

	@Override
	String deployment() {
		return "Spring Boot 4.0 (matrix app, java -jar, netty transport)";
	}

}
