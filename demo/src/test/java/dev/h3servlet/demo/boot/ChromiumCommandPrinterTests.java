package dev.h3servlet.demo.boot;

import java.nio.file.Path;

import dev.h3servlet.test.TestCertificate;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChromiumCommandPrinter}.
 */
class ChromiumCommandPrinterTests {

	@TempDir
	Path directory;

	@Test
	void spkiPinIsTheSha256OfTheServerCertificatesPublicKey() throws Exception {
		TestCertificate certificate = TestCertificate.create(this.directory);
		SslContextFactory.Server sslContextFactory = certificate.newServerSslContextFactory();
		sslContextFactory.start();
		try {
			assertThat(ChromiumCommandPrinter.spkiPin(sslContextFactory)).isEqualTo(certificate.spkiSha256Base64());
		}
		finally {
			sslContextFactory.stop();
		}
	}

}
