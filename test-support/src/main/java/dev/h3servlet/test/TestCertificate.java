package dev.h3servlet.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;

import dev.h3servlet.development.DevelopmentCertificate;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A self-signed certificate for localhost, 127.0.0.1 and ::1, made for one test run (a
 * {@link DevelopmentCertificate} valid for two days) in a PKCS12 key store.
 */
public final class TestCertificate {

	public static final String PASSWORD = "h3servlet-test";

	public static final String ALIAS = DevelopmentCertificate.ALIAS;

	private final DevelopmentCertificate certificate;

	private TestCertificate(DevelopmentCertificate certificate) {
		this.certificate = certificate;
	}

	/** Creates {@code server.p12} in the directory, with a new EC P-256 key pair. */
	public static TestCertificate create(Path directory) throws IOException, GeneralSecurityException {
		return create(directory, "server", "CN=localhost");
	}

	/** Creates {@code <name>.p12} in the directory with the given subject (for client certificates too). */
	public static TestCertificate create(Path directory, String name, String subject)
			throws IOException, GeneralSecurityException {
		return new TestCertificate(
				DevelopmentCertificate.loadOrCreate(directory.resolve(name + ".p12"), PASSWORD, subject, 2));
	}

	/** Runs the JDK's keytool with the given arguments, failing with its output when it fails. */
	public static void keytool(String... arguments) throws IOException {
		DevelopmentCertificate.keytool(arguments);
	}

	public Path keyStore() {
		return this.certificate.keyStore();
	}

	public String password() {
		return PASSWORD;
	}

	public X509Certificate certificate() {
		return this.certificate.certificate();
	}

	/** The command-line arguments that make a Spring Boot application serve this key store ({@code server.ssl.*}). */
	public List<String> springBootArguments() {
		return List.of("--server.ssl.key-store=file:" + keyStore(), "--server.ssl.key-store-password=" + PASSWORD,
				"--server.ssl.key-store-type=PKCS12");
	}

	/** A server-side TLS factory over this key store. */
	public SslContextFactory.Server newServerSslContextFactory() {
		SslContextFactory.Server factory = new SslContextFactory.Server();
		factory.setKeyStorePath(keyStore().toString());
		factory.setKeyStorePassword(PASSWORD);
		return factory;
	}

	/** Base64 SHA-256 of the certificate's SubjectPublicKeyInfo, as Chromium's SPKI pin flag wants it. */
	public String spkiSha256Base64() {
		return this.certificate.spkiSha256Base64();
	}

	/** The certificate as PEM text. */
	public String certificatePem() {
		try {
			return "-----BEGIN CERTIFICATE-----\n"
					+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
						.encodeToString(certificate().getEncoded())
					+ "\n-----END CERTIFICATE-----\n";
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
