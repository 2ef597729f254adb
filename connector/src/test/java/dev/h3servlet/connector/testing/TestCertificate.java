package dev.h3servlet.connector.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * A self-signed certificate for localhost, 127.0.0.1 and ::1, made for one test run with the JDK's keytool and
 * stored in a PKCS12 key store.
 */
public final class TestCertificate {

	public static final String PASSWORD = "h3servlet-test";

	public static final String ALIAS = "server";

	private final Path keyStore;

	private final X509Certificate certificate;

	private TestCertificate(Path keyStore, X509Certificate certificate) {
		this.keyStore = keyStore;
		this.certificate = certificate;
	}

	/** Creates {@code server.p12} in the directory, with a new EC P-256 key pair valid for two days. */
	public static TestCertificate create(Path directory) throws IOException, GeneralSecurityException {
		return create(directory, "server", "CN=localhost");
	}

	/** Creates {@code <name>.p12} in the directory with the given subject (for client certificates too). */
	public static TestCertificate create(Path directory, String name, String subject)
			throws IOException, GeneralSecurityException {
		Path keyStore = directory.resolve(name + ".p12");
		keytool("-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg",
				"SHA256withECDSA", "-dname", subject, "-ext", "SAN=dns:localhost,ip:127.0.0.1,ip:::1", "-validity", "2",
				"-storetype", "PKCS12", "-keystore", keyStore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD);
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(keyStore)) {
			store.load(in, PASSWORD.toCharArray());
		}
		return new TestCertificate(keyStore, (X509Certificate) store.getCertificate(ALIAS));
	}

	/** Runs the JDK's keytool with the given arguments, failing with its output when it fails. */
	public static void keytool(String... arguments) throws IOException {
		Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
		List<String> command = new java.util.ArrayList<>();
		command.add(keytool.toString());
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		try {
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IOException("keytool did not finish in 60 s: " + command);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while running keytool", ex);
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (process.exitValue() != 0) {
			throw new IOException("keytool failed (" + process.exitValue() + "): " + output);
		}
	}

	public Path keyStore() {
		return this.keyStore;
	}

	public String password() {
		return PASSWORD;
	}

	public X509Certificate certificate() {
		return this.certificate;
	}

	/** A server-side TLS factory over this key store. */
	public SslContextFactory.Server newServerSslContextFactory() {
		SslContextFactory.Server factory = new SslContextFactory.Server();
		factory.setKeyStorePath(this.keyStore.toString());
		factory.setKeyStorePassword(PASSWORD);
		return factory;
	}

	/** Base64 SHA-256 of the certificate's SubjectPublicKeyInfo, as Chromium's SPKI pin flag wants it. */
	public String spkiSha256Base64() {
		try {
			byte[] spki = this.certificate.getPublicKey().getEncoded();
			return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** The certificate as PEM text. */
	public String certificatePem() {
		try {
			return "-----BEGIN CERTIFICATE-----\n"
					+ Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
						.encodeToString(this.certificate.getEncoded())
					+ "\n-----END CERTIFICATE-----\n";
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
