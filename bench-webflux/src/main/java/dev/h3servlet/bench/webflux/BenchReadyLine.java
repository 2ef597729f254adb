package dev.h3servlet.bench.webflux;

import java.lang.management.ManagementFactory;

import reactor.netty.DisposableServer;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Prints the line the bench waits for, once both servers listen:
 * {@code BENCH-READY tls=<port> h3=<port> startMillis=<ms from JVM start> binding=reactor-netty-<version>
 * java=<version>}.
 */
@Component
final class BenchReadyLine {

	private final WebServerApplicationContext context;

	private final Http3Server http3Server;

	BenchReadyLine(WebServerApplicationContext context, Http3Server http3Server) {
		this.context = context;
		this.http3Server = http3Server;
	}

	@EventListener(ApplicationReadyEvent.class)
	void ready() {
		System.out.println(line(ManagementFactory.getRuntimeMXBean().getUptime()));
		System.out.flush();
	}

	String line(long startMillis) {
		return "BENCH-READY tls=" + this.context.getWebServer().getPort() + " h3=" + this.http3Server.port()
				+ " startMillis=" + startMillis + " binding=reactor-netty-" + reactorNettyVersion() + " java="
				+ System.getProperty("java.version");
	}

	/** From reactor-netty-core's manifest ({@code Implementation-Version}). */
	static String reactorNettyVersion() {
		String version = DisposableServer.class.getPackage().getImplementationVersion();
		return (version != null) ? version : "unknown";
	}

}
