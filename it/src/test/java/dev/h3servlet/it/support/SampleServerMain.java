package dev.h3servlet.it.support;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.connector.Http3Transport;
import dev.h3servlet.connector.quiche.QuicheHttp3Connector;
import dev.h3servlet.servlet.Http3ServletServer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.server.Server;

/**
 * A sample app run as its own process by end-to-end tests: {@link Http3ServletServer} on 127.0.0.1, a free port
 * (the same number over TCP and UDP), the jetty-quiche transport (whose PEM work directory the tests watch), and a
 * servlet that answers with {@code request.getProtocol()}.
 * <p>
 * Prints {@code READY port=<n> pemWorkDir=<path>} to stdout once it serves, and stops when its stdin closes, so that it never outlives
 * the test that started it.
 * <pre>
 * java -cp ... dev.h3servlet.it.support.SampleServerMain &lt;key store&gt; &lt;password&gt;
 * </pre>
 */
public final class SampleServerMain {

	private SampleServerMain() {
	}

	public static void main(String[] args) throws Exception {
		if (args.length != 2) {
			System.err.println("usage: SampleServerMain <PKCS12 key store> <password>");
			System.exit(2);
		}
		Server server = Http3ServletServer.builder()
			.keyStore(Path.of(args[0]), args[1])
			.host("127.0.0.1")
			.port(0)
			.http3(Http3Settings.builder().transport(Http3Transport.JETTY_QUICHE).build())
			.servlet("/*", new ProtocolServlet())
			.start();
		try {
			QuicheHttp3Connector http3 = (QuicheHttp3Connector) Http3ServletServer.http3Connector(server);
			System.out.println("READY port=" + http3.getLocalPort() + " pemWorkDir="
					+ http3.getServerQuicConfiguration().getPemWorkDirectory());
			System.out.flush();
			System.in.transferTo(OutputStream.nullOutputStream());
		}
		finally {
			server.stop();
		}
		System.out.println("STOPPED");
	}

	/** Answers with the protocol the servlet sees, e.g. {@code HTTP/3.0}. */
	static final class ProtocolServlet extends HttpServlet {

		@Override
		protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
			response.setContentType("text/plain;charset=utf-8");
			response.getWriter().print(request.getProtocol());
		}

	}

}
