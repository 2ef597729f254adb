package dev.h3servlet.connector.internal;

import java.security.KeyStore;
import java.security.KeyStoreException;
import java.util.Collections;
import java.util.Set;

import dev.h3servlet.connector.Http3StartupException;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Checks, before an HTTP/3 listener starts, that the TLS connector's key store holds the private key QUIC needs, and
 * names it: the certificate alias if one is set, else the first alias Jetty knows of. Both transports serve that entry.
 */
public final class KeyStoreCheck {

	private KeyStoreCheck() {
	}

	/**
	 * The alias of the private key entry HTTP/3 serves.
	 * @param sslContextFactory a started TLS configuration (its key store loaded)
	 * @return the alias
	 * @throws IllegalStateException naming the fix when there is no key store, no such entry, or no private key in it
	 */
	public static String requireServerKey(SslContextFactory.Server sslContextFactory) throws KeyStoreException {
		KeyStore keyStore = sslContextFactory.getKeyStore();
		if (keyStore == null) {
			throw new Http3StartupException("HTTP/3 needs the TLS connector's key store, but its SslContextFactory "
					+ "has none loaded", "Configure a key store (keyStorePath) with a private key and certificate chain");
		}
		String alias = sslContextFactory.getCertAlias();
		if (alias != null) {
			if (!keyStore.containsAlias(alias)) {
				throw new Http3StartupException("HTTP/3: the key store has no entry named '" + alias
						+ "' (the SslContextFactory's certAlias); its entries are "
						+ Collections.list(keyStore.aliases()), "Set certAlias to one of them");
			}
			requireKeyEntry(keyStore, alias, "certAlias");
			return alias;
		}
		Set<String> aliases = sslContextFactory.getAliases();
		if (aliases.isEmpty()) {
			throw new Http3StartupException("HTTP/3: the key store holds no server certificate with a private key",
					"Add one (e.g. keytool -genkeypair) or point the TLS connector at a key store that has one");
		}
		String first = aliases.iterator().next();
		requireKeyEntry(keyStore, first, "first alias");
		return first;
	}

	private static void requireKeyEntry(KeyStore keyStore, String alias, String which) throws KeyStoreException {
		if (!keyStore.isKeyEntry(alias)) {
			throw new Http3StartupException("HTTP/3: key store entry '" + alias + "' (" + which
					+ ") holds a certificate but no private key, which QUIC needs",
					"Set the SslContextFactory's certAlias to a private key entry");
		}
	}

}
