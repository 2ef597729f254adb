package dev.h3servlet.development;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1} in a PKCS12 key store, made
 * with the JDK's {@code keytool} (an EC P-256 key). For development and tests only: browsers trust it only when told
 * to, e.g. with Chromium's {@code --ignore-certificate-errors-spki-list=}{@link #spkiSha256Base64()}.
 */
public final class DevelopmentCertificate {

	/** The alias of the key entry. */
	public static final String ALIAS = "h3servlet-dev";

	private static final long KEYTOOL_TIMEOUT_SECONDS = 60;

	private static final String PASSWORD_VARIABLE = "H3SERVLET_KEYSTORE_PASSWORD";

	private final Path keyStore;

	private final String password;

	private final X509Certificate certificate;

	private DevelopmentCertificate(Path keyStore, String password, X509Certificate certificate) {
		this.keyStore = keyStore;
		this.password = password;
		this.certificate = certificate;
	}

	/**
	 * Loads the key store if it exists, else creates it with a new certificate.
	 * @param keyStore path of the PKCS12 file
	 * @param password its password (also the key's)
	 * @param subject the certificate's distinguished name, e.g. {@code CN=localhost}
	 * @param validityDays how long a new certificate is valid
	 * @return the certificate
	 * @throws IOException if keytool cannot be run or fails
	 * @throws GeneralSecurityException if the key store cannot be read
	 */
	public static DevelopmentCertificate loadOrCreate(Path keyStore, String password, String subject,
			int validityDays) throws IOException, GeneralSecurityException {
		Objects.requireNonNull(keyStore, "keyStore");
		Objects.requireNonNull(password, "password");
		Objects.requireNonNull(subject, "subject");
		if (password.length() < 6) {
			throw new IllegalArgumentException("password: " + password.length()
					+ " characters (expected: at least 6, as keytool requires)");
		}
		if (validityDays <= 0) {
			throw new IllegalArgumentException("validityDays: " + validityDays + " (expected: > 0)");
		}
		if (!Files.exists(keyStore)) {
			Path parent = keyStore.toAbsolutePath().getParent();
			Files.createDirectories(parent);
			// The password goes through the environment, not the command line other users can read.
			run(Map.of(PASSWORD_VARIABLE, password), "-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname",
					"secp256r1", "-sigalg", "SHA256withECDSA", "-dname", subject, "-ext",
					"SAN=dns:localhost,ip:127.0.0.1,ip:::1", "-validity", Integer.toString(validityDays), "-storetype",
					"PKCS12", "-keystore", keyStore.toString(), "-storepass:env", PASSWORD_VARIABLE, "-keypass:env",
					PASSWORD_VARIABLE);
		}
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(keyStore)) {
			store.load(in, password.toCharArray());
		}
		if (!store.isKeyEntry(ALIAS)) {
			throw new IllegalStateException("Key store '" + keyStore + "' has no key entry '" + ALIAS
					+ "': delete it to have a new development certificate made");
		}
		return new DevelopmentCertificate(keyStore, password, (X509Certificate) store.getCertificate(ALIAS));
	}

	/**
	 * Runs the JDK's keytool, failing with its output if it fails.
	 * @param arguments keytool's arguments
	 * @throws IOException if keytool is missing (a JRE without it), fails or takes over 60 seconds
	 */
	public static void keytool(String... arguments) throws IOException {
		run(Map.of(), arguments);
	}

	private static void run(Map<String, String> environment, String... arguments) throws IOException {
		Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
		if (!Files.isExecutable(keytool)) {
			throw new IOException("No keytool at " + keytool + ": run on a full JDK to create a development "
					+ "certificate, or configure a key store");
		}
		List<String> command = new ArrayList<>();
		command.add(keytool.toString());
		command.addAll(List.of(arguments));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		builder.environment().putAll(environment);
		Process process = builder.start();
		try {
			if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IOException("keytool did not finish in " + KEYTOOL_TIMEOUT_SECONDS + " s");
			}
		}
		catch (InterruptedException ex) {
			process.destroyForcibly();
			Thread.currentThread().interrupt();
			throw new IOException("Interrupted while running keytool", ex);
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		if (process.exitValue() != 0) {
			throw new IOException("keytool " + arguments[0] + " failed (exit " + process.exitValue() + "): " + output);
		}
	}

	public Path keyStore() {
		return this.keyStore;
	}

	public String password() {
		return this.password;
	}

	public X509Certificate certificate() {
		return this.certificate;
	}

	/** Base64 SHA-256 of the certificate's SubjectPublicKeyInfo: the value of Chromium's SPKI pin flag. */
	public String spkiSha256Base64() {
		try {
			byte[] spki = this.certificate.getPublicKey().getEncoded();
			return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
