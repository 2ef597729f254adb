package dev.h3servlet.development;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class DevelopmentCertificateTests {

	@TempDir
	Path directory;

	@Test
	void createsThenLoadsTheSameCertificate() throws Exception {
		Path keyStore = this.directory.resolve("dev/cert.p12");
		DevelopmentCertificate created = DevelopmentCertificate.loadOrCreate(keyStore, "secret-1", "CN=localhost", 3);
		DevelopmentCertificate loaded = DevelopmentCertificate.loadOrCreate(keyStore, "secret-1", "CN=other", 3);
		assertThat(Files.isRegularFile(keyStore)).isTrue();
		assertThat(loaded.certificate()).isEqualTo(created.certificate());
		assertThat(created.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
		assertThat(created.certificate().getSubjectAlternativeNames()).extracting((name) -> (Object) name.get(1))
			.containsExactlyInAnyOrder("localhost", "127.0.0.1", "0:0:0:0:0:0:0:1");
		long validMillis = created.certificate().getNotAfter().getTime()
				- created.certificate().getNotBefore().getTime();
		assertThat(validMillis).isEqualTo(3L * 24 * 60 * 60 * 1000);
	}

	@Test
	void spkiPinIsTheSha256OfTheSubjectPublicKeyInfo() throws Exception {
		DevelopmentCertificate certificate = DevelopmentCertificate
			.loadOrCreate(this.directory.resolve("cert.p12"), "secret", "CN=localhost", 1);
		byte[] expected = MessageDigest.getInstance("SHA-256")
			.digest(certificate.certificate().getPublicKey().getEncoded());
		assertThat(Base64.getDecoder().decode(certificate.spkiSha256Base64())).isEqualTo(expected);
	}

	@Test
	void keyStoreWithoutTheKeyEntryNamesTheFix() throws Exception {
		Path keyStore = this.directory.resolve("other.p12");
		DevelopmentCertificate.keytool("-genkeypair", "-alias", "someone-else", "-keyalg", "EC", "-dname", "CN=x",
				"-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", "secret-2", "-keypass", "secret-2");
		assertThatIllegalStateException()
			.isThrownBy(() -> DevelopmentCertificate.loadOrCreate(keyStore, "secret-2", "CN=localhost", 1))
			.withMessageContaining(DevelopmentCertificate.ALIAS)
			.withMessageContaining("delete it");
	}

	@Test
	void shortPasswordIsRejectedBeforeKeytoolRuns() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DevelopmentCertificate.loadOrCreate(this.directory.resolve("x.p12"), "12345", "CN=x", 1))
			.withMessageStartingWith("password: 5 characters");
		assertThat(this.directory.resolve("x.p12")).doesNotExist();
	}

	@Test
	void validityMustBePositive() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DevelopmentCertificate.loadOrCreate(this.directory.resolve("x.p12"), "secret", "CN=x", 0))
			.withMessageStartingWith("validityDays: 0");
	}

}
