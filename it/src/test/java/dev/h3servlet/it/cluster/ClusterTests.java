package dev.h3servlet.it.cluster;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import dev.h3servlet.it.support.ChildProcess;
import dev.h3servlet.it.support.DemoJarProcess;
import dev.h3servlet.it.support.NetworkNamespaces;
import dev.h3servlet.it.support.NginxBalancer;
import dev.h3servlet.it.support.RedisServer;
import dev.h3servlet.test.TestCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestInstance.Lifecycle;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The README's "Running more than one instance", as a test: three demo instances (the executable jar, each in a
 * network namespace of its own, a host with its own address, listening on 8443), Debian's nginx balancing TCP and UDP
 * on port 443 by client address on a fourth, Redis holding the sessions (Spring Session, the demo's
 * {@code shared-sessions} profile) on a fifth, and a client host with 16 addresses running {@link ClusterClient}
 * (Jetty's HTTP/1.1 and HTTP/2 clients, Netty's HTTP/3 client). Nothing leaves the namespaces. It checks that every
 * protocol reaches every instance through the balancer (HTTP/3 on both sides, Alt-Svc naming the balancer's port),
 * that a session made over HTTP/2 on one instance is read over HTTP/3 on another, the throughput with one, two and
 * three instances, a rolling restart of all three under load with no failed request, and a SIGKILL that fails no more
 * than what was in flight on the killed instance. Skips, saying what to install, where namespaces cannot be made or
 * nginx or Redis are missing ({@code .ci/run} installs them).
 */
@TestInstance(Lifecycle.PER_CLASS)
@TestMethodOrder(OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterTests {

	private static final int INSTANCE_PORT = 8443;

	private static final int BALANCER_PORT = 443;

	private static final int REDIS_PORT = 6379;

	/**
	 * Requests per second of each of the 48 steady-load clients: 384 in all, about a fifth of what the three
	 * instances answer on this 2-core machine, so that a restarting instance gets the CPU to start.
	 */
	private static final int STEADY_RATE = 8;

	private static final List<String> INSTANCES = List.of("i1", "i2", "i3");

	private static final Pattern LOAD = Pattern.compile("LOAD protocol=(h\\d) served=(\\d+) fellBack=(\\d+) "
			+ "retried=(\\d+) failed=(\\d+) moved=(\\d+) perSecond=(\\d+) p50ms=([0-9.]+) p99ms=([0-9.]+) maxms=([0-9.]+) "
			+ "instances=\\{([^}]*)} failures=(.*)");

	private static final Pattern PROBE = Pattern.compile("PROBE local=(\\S+) protocol=(h\\d) status=(\\d+) "
			+ "client=(\\S+) server=(\\S+) instance=(\\S+) altsvc=(.*)");

	private static final Pattern CLIENT = Pattern.compile("CLIENT protocol=(h\\d) local=(\\S+) failed=(\\d+) path=(\\S*)");

	private static final Pattern TICK = Pattern.compile("TICK t=(\\d+) answered=(\\d+) failed=(\\d+)");

	private Path directory;

	private TestCertificate certificate;

	private NetworkNamespaces network;

	private RedisServer redis;

	private final Map<String, DemoJarProcess> instances = new LinkedHashMap<>();

	private NginxBalancer balancer;

	private final List<String> report = new ArrayList<>();

	@BeforeAll
	void startCluster(@TempDir Path directory) throws Exception {
		for (String reason : new String[] { NetworkNamespaces.unavailableReason(), NginxBalancer.unavailableReason(),
				RedisServer.unavailableReason() }) {
			assumeTrue(reason == null, reason);
		}
		this.directory = directory;
		this.certificate = TestCertificate.create(directory);
		Map<String, List<String>> hosts = new LinkedHashMap<>();
		hosts.put("lb", List.of("10.77.0.1"));
		hosts.put("db", List.of("10.77.0.2"));
		for (int i = 0; i < INSTANCES.size(); i++) {
			hosts.put(INSTANCES.get(i), List.of("10.77.0." + (11 + i)));
		}
		hosts.put("cl", IntStream.range(100, 116).mapToObj((last) -> "10.77.0." + last).toList());
		this.network = NetworkNamespaces.create(hosts);
		this.redis = RedisServer.start(this.network, "db", REDIS_PORT, directory.resolve("redis"));
		ExecutorService starting = Executors.newFixedThreadPool(INSTANCES.size());
		try {
			Map<String, Future<DemoJarProcess>> started = new LinkedHashMap<>();
			for (String instance : INSTANCES) {
				started.put(instance, starting.submit(() -> startInstance(instance)));
			}
			for (Map.Entry<String, Future<DemoJarProcess>> instance : started.entrySet()) {
				this.instances.put(instance.getKey(), instance.getValue().get(3, TimeUnit.MINUTES));
			}
		}
		finally {
			starting.shutdown();
		}
		// Port 443 balances to all three instances; 4431 and 4432 to the first one and the first two, for the
		// throughput with fewer instances (one nginx, never reloaded).
		Map<Integer, List<String>> listeners = new LinkedHashMap<>();
		listeners.put(BALANCER_PORT, upstreams(INSTANCES.size()));
		for (int count = 1; count < INSTANCES.size(); count++) {
			listeners.put(BALANCER_PORT * 10 + count, upstreams(count));
		}
		this.balancer = NginxBalancer.start(this.network, "lb", directory.resolve("nginx"), listeners);
	}

	@AfterAll
	void stopCluster() throws Exception {
		if (this.balancer != null) {
			this.report.add("nginx flows per protocol, status and upstream: " + this.balancer.accessLog()
				.stream()
				.map((line) -> line.split(" "))
				.filter((fields) -> fields.length > 3)
				.collect(Collectors.groupingBy((fields) -> fields[1] + " " + fields[2] + " " + fields[3],
						java.util.TreeMap::new, Collectors.counting())));
		}
		this.report.forEach(System.out::println);
		List<AutoCloseable> running = new ArrayList<>();
		running.add(this.balancer);
		running.addAll(this.instances.values());
		running.add(this.redis);
		for (AutoCloseable closeable : running) {
			if (closeable != null) {
				try {
					closeable.close();
				}
				catch (Exception ex) {
					System.err.println("Could not stop " + closeable + ": " + ex);
				}
			}
		}
		if (this.network != null) {
			this.network.close();
		}
	}

	@Test
	@Order(1)
	void everyProtocolReachesEveryInstanceThroughTheBalancerAndStaysOnOne() throws Exception {
		List<String> lines = runClient("probe", balancer(BALANCER_PORT), this.network.addresses("cl"));
		Map<String, String> instanceOfClient = new LinkedHashMap<>();
		for (Matcher probe : matches(PROBE, lines)) {
			String protocol = probe.group(2);
			String version = version(protocol);
			assertThat(probe.group(3)).as(probe.group()).isEqualTo("200");
			assertThat(probe.group(4)).as("the client's side: " + probe.group()).isEqualTo(version);
			assertThat(probe.group(5)).as("the servlet's side: " + probe.group()).isEqualTo(version);
			if (!protocol.equals("h3")) {
				assertThat(probe.group(7)).as("Alt-Svc names the balancer's port: " + probe.group())
					.isEqualTo("h3=\":" + BALANCER_PORT + "\"; ma=86400");
			}
			String previous = instanceOfClient.putIfAbsent(probe.group(1), probe.group(6));
			assertThat(previous).as("TCP and UDP from one client address go to one instance: " + probe.group())
				.isIn(null, probe.group(6));
		}
		assertThat(instanceOfClient).hasSize(this.network.addresses("cl").size());
		assertThat(instanceOfClient.values()).as("the hash spreads 16 client addresses over all three instances")
			.containsAll(INSTANCES.stream().map(this.network::address).toList());
		this.report.add("Client address -> instance (TCP and UDP alike): " + instanceOfClient);
	}

	@Test
	@Order(2)
	void aSessionMadeOverHttp2OnOneInstanceIsReadOverHttp3OnAnother() throws Exception {
		String first = this.network.address("i1") + ":" + INSTANCE_PORT;
		String second = this.network.address("i2") + ":" + INSTANCE_PORT;
		List<String> lines = runClient("session", first, List.of(second));
		Matcher session = matches(Pattern.compile("SESSION cookie=(\\S+) stored=(\\S+) read=(\\S+) server=(\\S+) "
				+ "expected=(\\S+) seen=(\\S+)"), lines).get(0);
		assertThat(session.group(1)).as("Spring Session's cookie").isEqualTo("SESSION");
		assertThat(session.group(2)).isEqualTo("200/HTTP/2.0");
		assertThat(session.group(3)).isEqualTo("200/HTTP/3.0");
		assertThat(session.group(4)).as("the servlet's side").isEqualTo("HTTP/3.0");
		assertThat(session.group(6)).as("read on the other instance").isEqualTo(session.group(5));
	}

	@Test
	@Order(3)
	void throughputWithOneTwoAndThreeInstances() throws Exception {
		List<String> warmUp = new ArrayList<>(List.of("0", "4", "0"));
		warmUp.addAll(this.network.addresses("cl"));
		runClient("load", balancer(BALANCER_PORT), warmUp);
		for (int count = 1; count <= INSTANCES.size(); count++) {
			int port = (count == INSTANCES.size()) ? BALANCER_PORT : BALANCER_PORT * 10 + count;
			List<String> arguments = new ArrayList<>(List.of("0", "6", "0"));
			arguments.addAll(this.network.addresses("cl"));
			List<String> lines = runClient("load", balancer(port), arguments);
			for (Matcher load : matches(LOAD, lines)) {
				// As fast as answered, 48 clients saturate the 2 cores: an HTTP/3 client whose QUIC handshake takes
				// longer than 2 s then uses HTTP/2, as a browser would (counted and reported, not failed).
				assertThat(load.group(5)).as("failed: " + load.group()).isEqualTo("0");
				assertThat(load.group(11).split(",")).as("instances used: " + load.group()).hasSize(count);
			}
			// The first second holds the clients' connection set-up and their JVM's warm-up: the median of the others.
			long[] perSecond = matches(TICK, lines).stream()
				.skip(1)
				.mapToLong((tick) -> Long.parseLong(tick.group(2)))
				.sorted()
				.toArray();
			assertThat(perSecond).isNotEmpty();
			this.report.add("Through the balancer with " + count + " instance(s): " + perSecond[perSecond.length / 2]
					+ " req/s (median second; " + summary(lines) + ")");
		}
	}

	@Test
	@Order(4)
	void aRollingRestartUnderLoadFailsNoRequest() throws Exception {
		List<String> steady = new ArrayList<>(List.of("2", "6", Integer.toString(STEADY_RATE)));
		steady.addAll(this.network.addresses("cl"));
		this.report.add("The same steady load without a restart: "
				+ summary(runClient("load", balancer(BALANCER_PORT), steady)));
		ChildProcess load = startLoad(2);
		List<String> lines;
		try {
			awaitTicks(load, 3);
			for (String instance : INSTANCES) {
				long stopping = System.nanoTime();
				int exit = this.instances.get(instance).terminate();
				long stopped = System.nanoTime();
				this.instances.put(instance, startInstance(instance));
				this.report.add("Rolling restart: " + instance + " drained and exited (" + exit + ") in "
						+ TimeUnit.NANOSECONDS.toMillis(stopped - stopping) + " ms, served again after "
						+ TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped) + " ms");
				awaitTicks(load, 4);
			}
		}
		finally {
			load.stop(true);
			lines = load.output();
		}
		List<Matcher> loads = matches(LOAD, lines);
		assertThat(loads).hasSize(3);
		for (Matcher protocol : loads) {
			assertThat(protocol.group(5)).as("failed requests: " + protocol.group()).isEqualTo("0");
			assertThat(Long.parseLong(protocol.group(2))).as("served over its own protocol: " + protocol.group())
				.isPositive();
		}
		this.report.add("Rolling restart of 3 instances under load: " + summary(lines));
	}

	@Test
	@Order(5)
	void aKilledInstanceFailsOnlyWhatWasInFlightThereAndClientsMoveOn() throws Exception {
		String victim = this.network.address("i2");
		ChildProcess load = startLoad(0);
		List<String> lines;
		try {
			awaitTicks(load, 3);
			this.instances.get("i2").kill();
			awaitTicks(load, 10);
		}
		finally {
			load.stop(true);
			lines = load.output();
		}
		this.instances.put("i2", startInstance("i2"));
		// Where each client was is read from its own answers, not from an earlier probe: after the rolling restart
		// nginx may still skip an instance it marked failed (fail_timeout), for TCP and UDP apart.
		Map<String, Long> clientsThere = new TreeMap<>();
		long failed = 0;
		for (Matcher client : matches(CLIENT, lines)) {
			List<String> path = List.of(client.group(4).split(">"));
			int firstFailure = path.indexOf("x");
			boolean there = path.contains(victim) || firstFailure == 0;
			if (there) {
				clientsThere.merge(client.group(1), 1L, Long::sum);
			}
			long failures = Long.parseLong(client.group(3));
			failed += failures;
			// One request at a time: at most one in flight on the killed instance, and one more may meet the
			// connection nginx has not closed yet.
			assertThat(failures).as("failed requests of %s", client.group()).isLessThanOrEqualTo(2);
			if (failures > 0) {
				assertThat(there && (firstFailure == 0 || path.get(firstFailure - 1).equals(victim)))
					.as("only a client on the killed instance fails: %s", client.group())
					.isTrue();
			}
			if (there) {
				int lastThere = Math.max(path.lastIndexOf(victim), firstFailure);
				assertThat(path.subList(lastThere + 1, path.size()))
					.as("a client on the killed instance is answered by another one: %s", client.group())
					.anyMatch((instance) -> !instance.equals("x") && !instance.equals(victim));
			}
		}
		assertThat(clientsThere.values().stream().mapToLong(Long::longValue).sum())
			.as("clients on the killed instance: %s", String.join("\n", lines))
			.isPositive();
		List<Matcher> ticks = matches(TICK, lines);
		Matcher last = ticks.get(ticks.size() - 1);
		Matcher earlier = ticks.get(ticks.size() - 4);
		assertThat(last.group(3)).as("no failure in the last 3 seconds: clients moved on").isEqualTo(earlier.group(3));
		assertThat(Long.parseLong(last.group(2))).as("still answered: " + last.group()).isPositive();
		this.report.add("SIGKILL of i2 (clients on it by protocol, of 16 each: " + clientsThere + ") under load: "
				+ failed + " failed; " + summary(lines));
	}

	private DemoJarProcess startInstance(String instance) throws Exception {
		Path javaHome = Path.of(System.getProperty("java.home"));
		List<String> arguments = new ArrayList<>(List.of("--server.port=" + INSTANCE_PORT,
				"--server.address=" + this.network.address(instance), "--server.http3.alt-svc.port=" + BALANCER_PORT,
				"--spring.profiles.active=shared-sessions", "--spring.data.redis.host=" + this.network.address("db"),
				"--spring.data.redis.port=" + REDIS_PORT));
		arguments.addAll(this.certificate.springBootArguments());
		return DemoJarProcess.start("demo " + instance, this.network.command(instance, List.of()), javaHome,
				List.of("-Xmx384m"), this.directory, arguments);
	}

	private String balancer(int port) {
		return this.balancer.address() + ":" + port;
	}

	private List<String> upstreams(int count) {
		return INSTANCES.subList(0, count)
			.stream()
			.map((instance) -> this.network.address(instance) + ":" + INSTANCE_PORT)
			.toList();
	}

	private List<String> clientCommand(String command, String target, List<String> arguments) {
		List<String> java = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx256m", "-cp", System.getProperty("java.class.path"), ClusterClient.class.getName(), command,
				this.directory.toString(), target));
		java.addAll(arguments);
		return this.network.command("cl", java);
	}

	private List<String> runClient(String command, String target, List<String> arguments) throws Exception {
		return ChildProcess.run("client " + command, new ProcessBuilder(clientCommand(command, target, arguments)),
				60);
	}

	/**
	 * Starts a steady load through the balancer from every client address and protocol (48 clients), each at most
	 * {@value #STEADY_RATE} requests per second, until stopped (at most 4 minutes).
	 */
	private ChildProcess startLoad(int retries) throws Exception {
		List<String> arguments = new ArrayList<>(List.of(Integer.toString(retries), "240",
				Integer.toString(STEADY_RATE)));
		arguments.addAll(this.network.addresses("cl"));
		return ChildProcess.start("load", new ProcessBuilder(clientCommand("load", balancer(BALANCER_PORT),
				arguments)), TICK);
	}

	private static void awaitTicks(ChildProcess load, int ticks) throws InterruptedException {
		long seen = matches(TICK, load.output()).size();
		load.awaitOutput((lines) -> matches(TICK, lines).size() >= seen + ticks, Duration.ofSeconds(ticks * 3L));
	}

	private static List<Matcher> matches(Pattern pattern, List<String> lines) {
		List<Matcher> found = new ArrayList<>();
		for (String line : lines) {
			Matcher matcher = pattern.matcher(line);
			if (matcher.find()) {
				found.add(matcher);
			}
		}
		return found;
	}

	private static String summary(List<String> lines) {
		return matches(LOAD, lines).stream().map(Matcher::group).collect(Collectors.joining("; "));
	}

	private static String version(String protocol) {
		return switch (protocol) {
			case "h1" -> "HTTP/1.1";
			case "h2" -> "HTTP/2.0";
			default -> "HTTP/3.0";
		};
	}

}
