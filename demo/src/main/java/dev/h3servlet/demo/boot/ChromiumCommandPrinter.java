package dev.h3servlet.demo.boot;

import java.io.PrintStream;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.Collections;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.jetty.JettyWebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;

/**
 * Once the demo is ready, prints its URL and the exact Chromium command that opens it over HTTP/3: QUIC forced on
 * the origin ({@code --origin-to-force-quic-on}) and the server's self-signed certificate trusted by the SHA-256 of
 * its public key ({@code --ignore-certificate-errors-spki-list}), taken from the key store the running TLS connector
 * uses, so it is right for the development certificate and for any configured key store or SSL bundle.
 */
public class ChromiumCommandPrinter implements ApplicationListener<ApplicationReadyEvent> {

	private final PrintStream out;

	public ChromiumCommandPrinter() {
		this(System.out);
	}

	ChromiumCommandPrinter(PrintStream out) {
		this.out = out;
	}

	@Override
	public void onApplicationEvent(ApplicationReadyEvent event) {
		if (!(event.getApplicationContext() instanceof WebServerApplicationContext context)
				|| !(context.getWebServer() instanceof JettyWebServer webServer)) {
			return;
		}
		ServerConnector tlsConnector = tlsConnector(webServer);
		if (tlsConnector == null) {
			return;
		}
		int port = tlsConnector.getLocalPort();
		String url = "https://localhost:" + port + "/";
		boolean http3 = event.getApplicationContext()
			.getEnvironment()
			.getProperty("server.http3.enabled", Boolean.class, false);
		this.out.println();
		this.out.println("h3servlet demo: " + url + (http3
				? " (HTTP/1.1 and HTTP/2 over TCP, HTTP/3 over UDP, same port)" : " (HTTP/3 off: server.http3.enabled)"));
		if (http3) {
			SslContextFactory.Server sslContextFactory = tlsConnector.getConnectionFactory(SslConnectionFactory.class)
				.getSslContextFactory();
			this.out.println("See it over HTTP/3 in Chromium:");
			this.out.println("  chromium --user-data-dir=$(mktemp -d) --origin-to-force-quic-on=localhost:" + port
					+ " --ignore-certificate-errors-spki-list=" + spkiPin(sslContextFactory) + " " + url);
		}
		this.out.println();
	}

	private static ServerConnector tlsConnector(JettyWebServer webServer) {
		for (Connector connector : webServer.getServer().getConnectors()) {
			if (connector instanceof ServerConnector serverConnector
					&& serverConnector.getConnectionFactory(SslConnectionFactory.class) != null) {
				return serverConnector;
			}
		}
		return null;
	}

	/** Base64 SHA-256 of the server certificate's SubjectPublicKeyInfo. */
	static String spkiPin(SslContextFactory.Server sslContextFactory) {
		try {
			KeyStore keyStore = sslContextFactory.getKeyStore();
			String alias = sslContextFactory.getCertAlias();
			if (alias == null) {
				alias = Collections.list(keyStore.aliases())
					.stream()
					.filter((candidate) -> isKeyEntry(keyStore, candidate))
					.findFirst()
					.orElseThrow(() -> new IllegalStateException("The key store has no key entry"));
			}
			Certificate certificate = keyStore.getCertificate(alias);
			byte[] spki = certificate.getPublicKey().getEncoded();
			return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Could not read the server certificate", ex);
		}
	}

	private static boolean isKeyEntry(KeyStore keyStore, String alias) {
		try {
			return keyStore.isKeyEntry(alias);
		}
		catch (GeneralSecurityException ex) {
			return false;
		}
	}

}
