package dev.h3servlet.connector;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.util.Attributes;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.ssl.X509;

/**
 * Jetty's {@link SecureRequestCustomizer}, completed for HTTP/3, so that a servlet sees the TLS request attributes
 * ({@code jakarta.servlet.request.cipher_suite}, {@code key_size}, {@code ssl_session_id}, {@code X509Certificate})
 * as over HTTP/2. HTTP/1.1 and HTTP/2 requests are customized exactly as by Jetty's.
 * <p>
 * An HTTP/3 end point has no {@code SSLSession}. The netty transport's reports the negotiated cipher suite, the
 * peer certificates and the QUIC connection id as session id; Jetty's QUIC end point (the jetty-quiche transport)
 * only knows the peer certificates. For HTTP/3 requests this fills in what is missing: the cipher suite is
 * {@link QuicCipherSuite deduced} (quiche does not tell Jetty), the key size follows from it, and the session id is
 * the QUIC connection id in hex ({@code ConnectionMetaData.getId()}): the same for every stream of one connection,
 * different across connections. It also answers Jetty's own {@value #X509_ATTRIBUTE} attribute with the
 * certificate quiche serves.
 * <p>
 * SNI checks ({@link #setSniRequired}, {@link #setSniHostCheck}) need an {@code SSLSession}: like Jetty's, this
 * customizer does not apply them to HTTP/3 requests.
 * <p>
 * See docs/workarounds/jetty-x509-attribute-npe-over-http3.md for the Jetty behaviour this works around, with its
 * reproducer.
 */
public class Http3SecureRequestCustomizer extends SecureRequestCustomizer {

	private static final Set<String> ATTRIBUTES = Set.of(EndPoint.SslSessionData.ATTRIBUTE, X509_ATTRIBUTE);

	private final String cipherSuite;

	public Http3SecureRequestCustomizer() {
		this.cipherSuite = QuicCipherSuite.deduce();
	}

	/**
	 * Replaces every plain {@link SecureRequestCustomizer} of the configuration with one of these, with the same
	 * settings, in the same place. Subclasses of Jetty's customizer are left alone: they may do more.
	 * @param configuration the configuration HTTP/3 shares with HTTP/1.1 and HTTP/2
	 * @return whether the configuration now holds one of these
	 */
	public static boolean install(HttpConfiguration configuration) {
		List<HttpConfiguration.Customizer> customizers = new ArrayList<>(configuration.getCustomizers());
		boolean installed = false;
		for (int i = 0; i < customizers.size(); i++) {
			HttpConfiguration.Customizer customizer = customizers.get(i);
			if (customizer instanceof Http3SecureRequestCustomizer) {
				installed = true;
			}
			else if (customizer.getClass() == SecureRequestCustomizer.class) {
				customizers.set(i, copyOf((SecureRequestCustomizer) customizer));
				installed = true;
			}
		}
		configuration.setCustomizers(customizers);
		return installed;
	}

	private static Http3SecureRequestCustomizer copyOf(SecureRequestCustomizer jetty) {
		Http3SecureRequestCustomizer customizer = new Http3SecureRequestCustomizer();
		customizer.setSniRequired(jetty.isSniRequired());
		customizer.setSniHostCheck(jetty.isSniHostCheck());
		customizer.setStsIncludeSubDomains(jetty.isStsIncludeSubDomains());
		customizer.setStsMaxAge(jetty.getStsMaxAge());
		return customizer;
	}

	/** The cipher suite HTTP/3 requests report. */
	public String getHttp3CipherSuite() {
		return this.cipherSuite;
	}

	@Override
	protected Request newSecureRequest(Request request, EndPoint.SslSessionData sslSessionData) {
		if (request.getConnectionMetaData().getHttpVersion() != HttpVersion.HTTP_3
				|| sslSessionData.sslSession() != null) {
			return super.newSecureRequest(request, sslSessionData);
		}
		EndPoint.SslSessionData completed = EndPoint.SslSessionData.from(null,
				(sslSessionData.sslSessionId() != null) ? sslSessionData.sslSessionId()
						: request.getConnectionMetaData().getId(),
				(sslSessionData.cipherSuite() != null) ? sslSessionData.cipherSuite() : this.cipherSuite,
				sslSessionData.peerCertificates());
		return new Http3SecureRequest(request, completed, localCertificate(request));
	}

	/**
	 * The certificate the HTTP/3 connector serves: the certificate alias if set, else the first (as quiche's exporter
	 * does, and as the netty transport's key manager chooses).
	 */
	private static X509 localCertificate(Request request) {
		if (request.getConnectionMetaData().getConnector() instanceof Http3Connector connector) {
			SslContextFactory.Server sslContextFactory = connector.getSslContextFactory();
			String alias = sslContextFactory.getCertAlias();
			if (alias == null) {
				alias = sslContextFactory.getAliases().stream().findFirst().orElse(null);
			}
			return (alias != null) ? sslContextFactory.getX509(alias) : null;
		}
		return null;
	}

	private static final class Http3SecureRequest extends Request.AttributesWrapper {

		Http3SecureRequest(Request request, EndPoint.SslSessionData sslSessionData, X509 x509) {
			super(request, new Attributes.Synthetic(request) {

				@Override
				protected Object getSyntheticAttribute(String name) {
					return switch (name) {
						case EndPoint.SslSessionData.ATTRIBUTE -> sslSessionData;
						case X509_ATTRIBUTE -> x509;
						default -> null;
					};
				}

				@Override
				protected Set<String> getSyntheticNameSet() {
					return ATTRIBUTES;
				}

			});
		}

		@Override
		public boolean isSecure() {
			return true;
		}

	}

}
