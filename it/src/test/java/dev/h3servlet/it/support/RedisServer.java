package dev.h3servlet.it.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Debian's {@code redis-server} in a process of its own on a host of a {@link NetworkNamespaces} network, in memory
 * only (no snapshot, no append-only file), as the store of sessions that several instances share.
 */
public final class RedisServer implements AutoCloseable {

	private static final Path SERVER = Path.of("/usr/bin/redis-server");

	private static final Pattern READY = Pattern.compile("Ready to accept connections");

	private final ChildProcess child;

	private RedisServer(ChildProcess child) {
		this.child = child;
	}

	/** Why Redis cannot run here, or {@code null}. */
	public static String unavailableReason() {
		return Files.isExecutable(SERVER) ? null : "redis-server is not installed (apt-get install -y redis-server)";
	}

	/** Starts Redis on the host's main address and the port, and waits until it accepts connections. */
	public static RedisServer start(NetworkNamespaces network, String host, int port, Path directory)
			throws Exception {
		Files.createDirectories(directory);
		ProcessBuilder builder = new ProcessBuilder(network.command(host, List.of(SERVER.toString(), "--bind",
				network.address(host), "--port", Integer.toString(port), "--save", "", "--appendonly", "no",
				"--protected-mode", "no", "--dir", directory.toString())));
		return new RedisServer(ChildProcess.start("redis on " + host, builder, READY));
	}

	@Override
	public void close() throws Exception {
		this.child.stop(false);
	}

}
