package dev.h3servlet.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import dev.h3servlet.connector.testing.TestCertificate;
import dev.h3servlet.it.support.SampleServerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The private PEM work directory, which holds the exported TLS private key, is deleted when the JVM exits on SIGTERM
 * without the server being stopped.
 */
class PemWorkDirectoryJvmExitTests {

	@TempDir
	Path directory;

	@Test
	void privatePemWorkDirectoryIsDeletedWhenTheJvmIsTerminated() throws Exception {
		TestCertificate certificate = TestCertificate.create(this.directory);
		Path javaHome = Path.of(System.getProperty("java.home"));
		try (SampleServerProcess server = SampleServerProcess.start(javaHome, List.of(), certificate)) {
			Path pem = server.pemWorkDirectory();
			assertThat(pem.getFileName().toString()).startsWith("h3servlet-pem-");
			try (Stream<Path> files = Files.list(pem)) {
				assertThat(files.map((file) -> file.getFileName().toString())).anyMatch((name) -> name.endsWith(".key"));
			}
			int exitCode = server.terminate();
			assertThat(pem).as("after SIGTERM (exit code %d); the child's output:%n%s", exitCode,
					String.join("\n", server.output())).doesNotExist();
		}
	}

}
