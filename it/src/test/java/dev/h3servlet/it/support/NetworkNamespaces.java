package dev.h3servlet.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Hosts on one private network, each a Linux network namespace of its own with its own addresses, made with
 * iproute2 ({@code ip netns}, veth pairs into a bridge that sits in a namespace of its own): several "machines" on
 * this one, whose traffic never leaves the namespaces made here. Programs run on a host through
 * {@code ip netns exec} ({@link #command(String, List)}), which replaces itself with the program, so that the process
 * started is the program itself (signals reach it). Needs root; {@link #unavailableReason()} says why not where the
 * kernel or the user forbids it. {@link #close()} deletes every namespace made.
 */
public final class NetworkNamespaces implements AutoCloseable {

	private static final long COMMAND_TIMEOUT_SECONDS = 20;

	private final String prefix;

	private final Map<String, List<String>> hosts = new LinkedHashMap<>();

	private final List<String> made = new ArrayList<>();

	private NetworkNamespaces(String prefix) {
		this.prefix = prefix;
	}

	/**
	 * Why namespaces cannot be made here (no {@code ip}, not root, a kernel or sandbox that forbids them), or
	 * {@code null} when a test namespace could be made and deleted.
	 */
	public static String unavailableReason() {
		String probe = "h3p" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
		try {
			run(List.of("ip", "netns", "add", probe));
			run(List.of("ip", "netns", "delete", probe));
			return null;
		}
		catch (IOException | RuntimeException ex) {
			return "network namespaces cannot be made here (needs root and iproute2: apt-get install -y iproute2): "
					+ ex.getMessage();
		}
	}

	/**
	 * Makes the network: a bridge, and one namespace per host joined to it, with the host's addresses (a /24 each)
	 * on its interface and its loopback up.
	 * @param hosts each host's short name (at most 4 characters) and addresses, the first being its main one
	 * @return the network; close it to delete every namespace
	 * @throws IOException if an {@code ip} command fails (the message holds its output)
	 */
	public static NetworkNamespaces create(Map<String, List<String>> hosts) throws IOException {
		String prefix = "h3c" + HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt());
		NetworkNamespaces network = new NetworkNamespaces(prefix);
		try {
			String bridge = network.add("sw");
			network.ip(bridge, "link", "add", "br0", "type", "bridge");
			network.ip(bridge, "link", "set", "br0", "up");
			hosts.forEach((host, addresses) -> {
				if (host.length() > 4) {
					throw new IllegalArgumentException("host name: " + host + " (expected: at most 4 characters)");
				}
			});
			for (Map.Entry<String, List<String>> host : hosts.entrySet()) {
				String namespace = network.add(host.getKey());
				String inside = namespace;
				String outside = namespace + "s";
				run(List.of("ip", "link", "add", inside, "type", "veth", "peer", "name", outside));
				run(List.of("ip", "link", "set", inside, "netns", namespace));
				run(List.of("ip", "link", "set", outside, "netns", bridge));
				network.ip(bridge, "link", "set", outside, "master", "br0", "up");
				for (String address : host.getValue()) {
					network.ip(namespace, "addr", "add", address + "/24", "dev", inside);
				}
				network.ip(namespace, "link", "set", inside, "up");
				network.ip(namespace, "link", "set", "lo", "up");
				network.hosts.put(host.getKey(), List.copyOf(host.getValue()));
			}
			return network;
		}
		catch (IOException | RuntimeException ex) {
			network.close();
			throw ex;
		}
	}

	/** The host's main address. */
	public String address(String host) {
		return addresses(host).get(0);
	}

	/** All the host's addresses, its main one first. */
	public List<String> addresses(String host) {
		List<String> addresses = this.hosts.get(host);
		if (addresses == null) {
			throw new IllegalArgumentException("No host " + host + " in " + this.hosts.keySet());
		}
		return addresses;
	}

	/** The command that runs {@code command} on the host ({@code ip netns exec <namespace> command...}). */
	public List<String> command(String host, List<String> command) {
		addresses(host);
		List<String> inNamespace = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
		inNamespace.addAll(command);
		return inNamespace;
	}

	/** Runs a short command on the host to its end. */
	public String run(String host, String... command) throws IOException {
		return run(command(host, List.of(command)));
	}

	/** Deletes every namespace made (the veth pairs and the bridge go with them). */
	@Override
	public void close() {
		for (String namespace : this.made) {
			try {
				run(List.of("ip", "netns", "delete", namespace));
			}
			catch (IOException | RuntimeException ex) {
				System.err.println("Could not delete network namespace " + namespace + ": " + ex.getMessage());
			}
		}
		this.made.clear();
	}

	private String namespace(String host) {
		return this.prefix + "-" + host;
	}

	private String add(String host) throws IOException {
		String namespace = namespace(host);
		run(List.of("ip", "netns", "add", namespace));
		this.made.add(namespace);
		return namespace;
	}

	private void ip(String namespace, String... arguments) throws IOException {
		List<String> command = new ArrayList<>(List.of("ip", "-n", namespace));
		command.addAll(List.of(arguments));
		run(command);
	}

	private static String run(List<String> command) throws IOException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		try {
			if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IOException(String.join(" ", command) + " did not end within " + COMMAND_TIMEOUT_SECONDS
						+ " s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			process.destroyForcibly();
			throw new IOException("Interrupted while running " + String.join(" ", command), ex);
		}
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
		if (process.exitValue() != 0) {
			throw new IOException(String.join(" ", command) + " failed (exit " + process.exitValue() + "): " + output);
		}
		return output;
	}

}
