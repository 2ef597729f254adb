package dev.h3servlet.connector.netty;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

import javax.net.ssl.TrustManagerFactory;

import dev.h3servlet.connector.Http3StartupException;
import dev.h3servlet.connector.internal.KeyStoreCheck;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The QUIC TLS context of the netty transport, made from the TLS connector's started {@link SslContextFactory.Server}:
 * the same private key and certificate chain (the certificate alias, or else the first key entry, as
 * {@link KeyStoreCheck} names it), read from the key store in memory, so no key ever reaches the disk; ALPN {@code h3}
 * only (offering the draft versions made Netty's own client pick {@code h3-29}); client authentication (need or want)
 * with the factory's trust store.
 */
final class QuicTls {

	/** The only application protocol offered: HTTP/3 as RFC 9114 names it. */
	static final String ALPN = "h3";

	private QuicTls() {
	}

	static QuicSslContext serverContext(SslContextFactory.Server sslContextFactory) throws Exception {
		String alias = KeyStoreCheck.requireServerKey(sslContextFactory);
		KeyStore keyStore = sslContextFactory.getKeyStore();
		PrivateKey key = privateKey(keyStore, alias, sslContextFactory);
		X509Certificate[] chain = chain(keyStore, alias);
		QuicSslContextBuilder builder = QuicSslContextBuilder.forServer(key, null, chain)
			.applicationProtocols(ALPN);
		if (sslContextFactory.getNeedClientAuth()) {
			builder.clientAuth(ClientAuth.REQUIRE).trustManager(trustManagers(sslContextFactory));
		}
		else if (sslContextFactory.getWantClientAuth()) {
			builder.clientAuth(ClientAuth.OPTIONAL).trustManager(trustManagers(sslContextFactory));
		}
		return builder.build();
	}

	/**
	 * The key of the entry, with the key manager password, else the key store password, else none: Jetty's order, and
	 * a key store built in memory (a Spring Boot PEM bundle) may have no password at all.
	 */
	private static PrivateKey privateKey(KeyStore keyStore, String alias, SslContextFactory.Server sslContextFactory)
			throws GeneralSecurityException {
		Set<String> passwords = new LinkedHashSet<>();
		if (sslContextFactory.getKeyManagerPassword() != null) {
			passwords.add(sslContextFactory.getKeyManagerPassword());
		}
		if (sslContextFactory.getKeyStorePassword() != null) {
			passwords.add(sslContextFactory.getKeyStorePassword());
		}
		passwords.add("");
		UnrecoverableKeyException failure = null;
		for (String password : passwords) {
			try {
				Key key = keyStore.getKey(alias, password.toCharArray());
				if (key instanceof PrivateKey privateKey) {
					return privateKey;
				}
			}
			catch (UnrecoverableKeyException ex) {
				failure = ex;
			}
		}
		throw new Http3StartupException("HTTP/3 could not read the private key of key store entry '" + alias
				+ "' with the key manager password or the key store password",
				"Set the SslContextFactory's keyManagerPassword to the key's password", failure);
	}

	private static X509Certificate[] chain(KeyStore keyStore, String alias) throws GeneralSecurityException {
		Certificate[] chain = keyStore.getCertificateChain(alias);
		if (chain == null || chain.length == 0) {
			throw new Http3StartupException("HTTP/3: key store entry '" + alias + "' has no certificate chain",
					"Import the certificate chain into that entry");
		}
		return Arrays.stream(chain).map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
	}

	private static TrustManagerFactory trustManagers(SslContextFactory.Server sslContextFactory)
			throws GeneralSecurityException {
		if (sslContextFactory.isTrustAll()) {
			return InsecureTrustManagerFactory.INSTANCE;
		}
		String algorithm = sslContextFactory.getTrustManagerFactoryAlgorithm();
		TrustManagerFactory factory = TrustManagerFactory.getInstance(
				(algorithm != null) ? algorithm : TrustManagerFactory.getDefaultAlgorithm());
		// No trust store: the JDK's default, as for Jetty's TLS connector.
		factory.init(sslContextFactory.getTrustStore());
		return factory;
	}

}
