package dev.h3servlet.bench.webflux;

import java.io.IOException;
import java.io.InputStream;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The bench's Spring peer for HTTP/3: an ordinary Spring WebFlux application on Reactor Netty, the stack a Spring
 * user would otherwise pick for HTTP/3. Boot's own Reactor Netty server serves HTTP/1.1 and HTTP/2 over TLS on
 * {@code server.port} ({@code server.ssl.*} as usual); {@link Http3Server} serves the same application over HTTP/3 on
 * the same port number, UDP. Both answer {@code GET /api/info} ({@link InfoController}) like the h3servlet demo.
 * <p>
 * Started with {@code java -jar h3servlet-bench-webflux.jar --server.port=0 --server.ssl.key-store=...}, it prints one
 * {@code BENCH-READY} line when ready ({@link BenchReadyLine}), logs nothing below WARN, and stops when its standard
 * input ends.
 */
@SpringBootApplication(proxyBeanMethods = false)
public class WebFluxBenchApplication {

	public static void main(String[] args) throws IOException {
		ConfigurableApplicationContext context = SpringApplication.run(WebFluxBenchApplication.class, args);
		awaitEndOfInput(System.in);
		System.exit(SpringApplication.exit(context));
	}

	/** Reads and discards standard input until it ends: the harness closes it to stop this server. */
	private static void awaitEndOfInput(InputStream in) throws IOException {
		byte[] buffer = new byte[256];
		while (in.read(buffer) != -1) {
			// serve until the harness closes our standard input
		}
	}

}
