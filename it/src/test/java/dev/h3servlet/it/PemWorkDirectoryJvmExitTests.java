package dev.h3servlet.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.h3servlet.it.support.SampleServerProcess;
import dev.h3servlet.test.TestCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The private PEM work directory, which holds the exported TLS private key, is deleted when the JVM exits on SIGTERM:
 * without the server being stopped, and while the server is being stopped (as an app whose own shutdown hook stops
 * it does, Spring Boot's).
 */
class PemWorkDirectoryJvmExitTests {

	@TempDir
	Path directory;

	@Test
	void privatePemWorkDirectoryIsDeletedWhenTheJvmIsTerminated() throws Exception {
		TestCertificate certificate = TestCertificate.create(this.directory);
		try (SampleServerProcess server = startServer(certificate)) {
			Path pem = checkedPemWorkDirectory(server);
			int exitCode = server.terminate();
			assertDeleted(pem, "after SIGTERM", exitCode, server);
		}
	}

	@Test
	void privatePemWorkDirectoryIsDeletedWhenTheJvmIsTerminatedWhileTheServerStops() throws Exception {
		TestCertificate certificate = TestCertificate.create(this.directory);
		try (SampleServerProcess server = startServer(certificate)) {
			Path pem = checkedPemWorkDirectory(server);
			int exitCode = server.terminateWhileStopping();
			assertDeleted(pem, "after SIGTERM while the server stopped", exitCode, server);
		}
	}

	private static SampleServerProcess startServer(TestCertificate certificate) throws Exception {
		return SampleServerProcess.start(Path.of(System.getProperty("java.home")), List.of(), certificate);
	}

	private static Path checkedPemWorkDirectory(SampleServerProcess server) throws IOException {
		Path pem = server.pemWorkDirectory();
		assertThat(pem.getFileName().toString()).startsWith("h3servlet-pem-");
		try (Stream<Path> files = Files.list(pem)) {
			assertThat(files.map((file) -> file.getFileName().toString())).anyMatch((name) -> name.endsWith(".key"));
		}
		return pem;
	}

	private static void assertDeleted(Path pem, String after, int exitCode, SampleServerProcess server) {
		assertThat(pem).as("%s (exit code %d) it still holds %s; the child's whole output:%n%s", after, exitCode,
				contents(pem), String.join("\n", server.output())).doesNotExist();
	}

	private static String contents(Path dir) {
		if (!Files.isDirectory(dir)) {
			return "nothing";
		}
		try (Stream<Path> files = Files.list(dir)) {
			List<String> names = files.map((file) -> file.getFileName().toString()).sorted().toList();
			return names.isEmpty() ? "no files" : names.stream().collect(Collectors.joining(", ", "[", "]"));
		}
		catch (IOException ex) {
			return "(could not be listed: " + ex + ")";
		}
	}

}
