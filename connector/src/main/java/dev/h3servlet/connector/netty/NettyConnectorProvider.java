package dev.h3servlet.connector.netty;

import dev.h3servlet.connector.Http3Connector;
import dev.h3servlet.connector.Http3ConnectorProvider;
import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.connector.Http3StartupException;
import dev.h3servlet.connector.Http3Transport;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Provides the netty transport ({@link NettyHttp3Connector}) when Netty 4.2's HTTP/3 codec is on the class path. An
 * application whose Netty is older (Spring Boot 3.5 manages Netty 4.1, which has no HTTP/3) is told which version to
 * set.
 */
public final class NettyConnectorProvider implements Http3ConnectorProvider {

	@Override
	public Http3Transport transport() {
		return Http3Transport.NETTY;
	}

	@Override
	public Http3StartupException unavailable() {
		ClassLoader classLoader = NettyConnectorProvider.class.getClassLoader();
		if (classLoader.getResource("io/netty/handler/codec/http3/Http3.class") == null) {
			return new Http3StartupException(
					"The HTTP/3 transport 'netty' cannot run: io.netty:netty-codec-http3 (Netty 4.2) is missing",
					"Add it, with io.netty:netty-codec-native-quic for this platform (classifier "
							+ NativeQuic.classifier() + ")");
		}
		return NettyVersions.problem(classLoader);
	}

	@Override
	public Http3Connector newConnector(ServerConnector tlsConnector, SslContextFactory.Server sslContextFactory,
			HttpConfiguration httpConfiguration, Http3Settings settings) {
		return new NettyHttp3Connector(tlsConnector.getServer(), tlsConnector, sslContextFactory, httpConfiguration,
				settings);
	}

}
