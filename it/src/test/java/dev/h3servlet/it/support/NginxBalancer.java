package dev.h3servlet.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Debian's nginx with its stream module ({@code libnginx-mod-stream}) as a layer-4 load balancer, run in a process of
 * its own on a host of a {@link NetworkNamespaces} network: TCP and UDP on the same port, TLS passed through to the
 * instances untouched, both balanced by the client's address ({@code hash $remote_addr consistent}) so that a client,
 * and with it a QUIC connection, stays on one instance. The configuration is the recipe the README gives, on one or
 * more ports, each with its own upstreams. Never reloaded: a reload hands every UDP flow to the new worker at once
 * (nginx keeps no UDP session across it), and QUIC connections through the balancer then failed to complete their
 * handshakes for seconds in a test here.
 */
public final class NginxBalancer implements AutoCloseable {

	/** Where Debian's libnginx-mod-stream puts the module. */
	private static final Path STREAM_MODULE = Path.of("/usr/lib/nginx/modules/ngx_stream_module.so");

	private static final Pattern READY = Pattern.compile("start worker process");

	private final NetworkNamespaces network;

	private final String host;

	private final Path directory;

	private final ChildProcess child;

	private NginxBalancer(NetworkNamespaces network, String host, Path directory, ChildProcess child) {
		this.network = network;
		this.host = host;
		this.directory = directory;
		this.child = child;
	}

	/** Why nginx with a stream module cannot run here, or {@code null}. */
	public static String unavailableReason() {
		if (!Files.isExecutable(Path.of("/usr/sbin/nginx"))) {
			return "nginx is not installed (apt-get install -y nginx-light libnginx-mod-stream)";
		}
		if (!Files.isRegularFile(STREAM_MODULE)) {
			return "nginx's stream module is not installed (apt-get install -y libnginx-mod-stream)";
		}
		return null;
	}

	/**
	 * Starts nginx on the host: for each port, TCP and UDP listeners balancing to that port's upstreams.
	 * @param upstreams per port, each instance as {@code address:port}
	 */
	public static NginxBalancer start(NetworkNamespaces network, String host, Path directory,
			Map<Integer, List<String>> upstreams) throws Exception {
		Files.createDirectories(directory.resolve("logs"));
		Path config = directory.resolve("nginx.conf");
		Files.writeString(config, configuration(directory, upstreams));
		ProcessBuilder builder = new ProcessBuilder(network.command(host, List.of("/usr/sbin/nginx", "-c",
				config.toString(), "-p", directory.toString(), "-g", "daemon off;")));
		return new NginxBalancer(network, host, directory, ChildProcess.start("nginx on " + host, builder, READY));
	}

	/**
	 * The configuration: what a user puts in {@code /etc/nginx/nginx.conf} (or a file in {@code modules-enabled} and
	 * one in {@code conf.d}), with its paths in the test's directory. One {@code stream} block; per port two upstream
	 * groups (TCP, UDP) with the same servers and two servers.
	 */
	static String configuration(Path directory, Map<Integer, List<String>> upstreams) {
		StringBuilder stream = new StringBuilder();
		upstreams.forEach((port, servers) -> stream.append(listeners(port, servers)));
		return """
				load_module %s;
				worker_processes 1;
				pid %s/nginx.pid;
				error_log stderr notice;
				events { worker_connections 4096; }
				stream {
				  log_format balanced '$remote_addr:$remote_port $protocol $status $upstream_addr $session_time';
				  access_log %s/logs/access.log balanced;
				%s}
				""".formatted(STREAM_MODULE, directory, directory, stream);
	}

	private static String listeners(int port, List<String> upstreams) {
		String servers = upstreams.stream()
			.map((upstream) -> "    server " + upstream + ";")
			.collect(Collectors.joining("\n"));
		return """
				  # TCP: HTTP/1.1 and HTTP/2, TLS passed through. A refused connection goes to the next instance.
				  upstream tcp_%1$d {
				    hash $remote_addr consistent;
				%2$s
				  }
				  # UDP: QUIC. The same hash over the same list sends a client's TCP and UDP to the same instance.
				  upstream udp_%1$d {
				    hash $remote_addr consistent;
				%2$s
				  }
				  server {
				    listen %1$d;
				    proxy_pass tcp_%1$d;
				    proxy_connect_timeout 2s;
				  }
				  server {
				    listen %1$d udp;
				    proxy_pass udp_%1$d;
				    # A QUIC connection may sit idle up to its idle timeout: keep its UDP flow as long.
				    proxy_timeout 60s;
				  }
				""".formatted(port, servers);
	}

	/** The host's address, which clients reach its ports on. */
	public String address() {
		return this.network.address(this.host);
	}

	/** nginx's access log: one line per TCP connection or UDP flow, naming the upstream it went to. */
	public List<String> accessLog() throws IOException {
		Path log = this.directory.resolve("logs").resolve("access.log");
		return Files.exists(log) ? Files.readAllLines(log) : List.of();
	}

	/** Stops nginx (SIGTERM: a fast shutdown). */
	@Override
	public void close() throws Exception {
		this.child.stop(false);
	}

}
