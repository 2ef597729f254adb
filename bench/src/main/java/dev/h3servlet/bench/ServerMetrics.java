package dev.h3servlet.bench;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import javax.management.MBeanServerConnection;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.sun.management.OperatingSystemMXBean;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;

/**
 * Resource samples of a server in a child JVM on this host, taken from outside: the harness attaches to the JVM (the
 * Attach API starts its local JMX agent) and reads its platform MXBeans over JMX, and reads {@code /proc/<pid>} for
 * what the JVM does not count (native memory, file descriptors). Each {@link #sample()} runs a full GC in the server
 * first ({@link MemoryMXBean#gc()}), so its heap figure is the live heap; it is bounded by {@value #SAMPLE_TIMEOUT_SECONDS}
 * seconds and never throws for a slow or gone server (it returns a sample of {@code NaN}s and says why).
 * Linux only ({@code /proc}); the JMX connection (one socket, a few RMI threads in the server) is open from
 * {@link #attach} to {@link #close()} and shows in the server's first sample.
 */
final class ServerMetrics implements AutoCloseable {

	static final long SAMPLE_TIMEOUT_SECONDS = 30;

	private final long pid;

	private final JMXConnector connector;

	private final MemoryMXBean memory;

	private final ThreadMXBean threads;

	private final OperatingSystemMXBean system;

	private final BufferPoolMXBean direct;

	private final ExecutorService sampler = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "bench-server-metrics");
		thread.setDaemon(true);
		return thread;
	});

	private ServerMetrics(long pid, JMXConnector connector) throws IOException {
		this.pid = pid;
		this.connector = connector;
		MBeanServerConnection server = connector.getMBeanServerConnection();
		this.memory = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.MEMORY_MXBEAN_NAME,
				MemoryMXBean.class);
		this.threads = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.THREAD_MXBEAN_NAME,
				ThreadMXBean.class);
		this.system = ManagementFactory.newPlatformMXBeanProxy(server, ManagementFactory.OPERATING_SYSTEM_MXBEAN_NAME,
				OperatingSystemMXBean.class);
		this.direct = ManagementFactory.getPlatformMXBeans(server, BufferPoolMXBean.class)
			.stream()
			.filter((pool) -> "direct".equals(pool.getName()))
			.findFirst()
			.orElseThrow(() -> new IOException("JVM " + pid + " has no 'direct' buffer pool MXBean"));
	}

	/** Attaches to the JVM of process {@code pid} (same user, same host) and connects to its local JMX agent. */
	static ServerMetrics attach(long pid) throws IOException {
		String address;
		try {
			VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
			try {
				address = vm.startLocalManagementAgent();
			}
			finally {
				vm.detach();
			}
		}
		catch (AttachNotSupportedException ex) {
			throw new IOException("Cannot attach to JVM " + pid + " (started with -XX:+DisableAttachMechanism?)", ex);
		}
		return new ServerMetrics(pid, JMXConnectorFactory.connect(new JMXServiceURL(address)));
	}

	/**
	 * One sample: a full GC in the server, then its heap, direct buffers, RSS, open file descriptors, live threads and
	 * CPU time. Bounded by {@value #SAMPLE_TIMEOUT_SECONDS} seconds.
	 */
	Sample sample() throws InterruptedException {
		Future<Sample> sample = this.sampler.submit(this::read);
		try {
			return sample.get(SAMPLE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			return Sample.failed("sampling failed: " + ex.getCause());
		}
		catch (TimeoutException ex) {
			sample.cancel(true);
			return Sample.failed("no sample in " + SAMPLE_TIMEOUT_SECONDS + " s");
		}
	}

	private Sample read() throws IOException {
		long gcStart = System.nanoTime();
		this.memory.gc();
		double gcMillis = (System.nanoTime() - gcStart) / 1e6;
		long heap = this.memory.getHeapMemoryUsage().getUsed();
		long heapCommitted = this.memory.getHeapMemoryUsage().getCommitted();
		long directBytes = this.direct.getMemoryUsed();
		long directCount = this.direct.getCount();
		int liveThreads = this.threads.getThreadCount();
		long cpuNanos = this.system.getProcessCpuTime();
		Path proc = Path.of("/proc", Long.toString(this.pid));
		long rss = statusKilobytes(proc.resolve("status"), "VmRSS:") * 1024;
		long fds;
		try (Stream<Path> open = Files.list(proc.resolve("fd"))) {
			fds = open.count();
		}
		return new Sample(System.nanoTime(), heap, heapCommitted, directBytes, directCount, rss, fds, liveThreads,
				cpuNanos, gcMillis, null);
	}

	/** A {@code kB} field of {@code /proc/<pid>/status}, e.g. {@code VmRSS:    123456 kB}. */
	private static long statusKilobytes(Path status, String field) throws IOException {
		for (String line : Files.readAllLines(status)) {
			if (line.startsWith(field)) {
				return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
			}
		}
		throw new IOException("No " + field + " in " + status);
	}

	@Override
	public void close() {
		this.sampler.shutdownNow();
		try {
			this.connector.close();
		}
		catch (IOException ex) {
			// The server may already have stopped: its agent went with it.
			System.err.println("  closing the JMX connection to JVM " + this.pid + ": " + ex);
		}
	}

	/**
	 * One sample of the server; {@code failure} says why its values are {@code NaN} (as doubles) or -1 (counts).
	 * @param nanos when it was taken ({@link System#nanoTime()})
	 * @param gcMillis how long the requested full GC took, seen from the harness (JMX round trip included)
	 */
	record Sample(long nanos, long heapAfterGcBytes, long heapCommittedBytes, long directBytes, long directBuffers,
			long rssBytes, long openFiles, int threads, long cpuNanos, double gcMillis, String failure) {

		static Sample failed(String why) {
			return new Sample(System.nanoTime(), -1, -1, -1, -1, -1, -1, -1, -1, Double.NaN, why);
		}

		boolean ok() {
			return this.failure == null;
		}

		double heapMegabytes() {
			return ok() ? this.heapAfterGcBytes / 1e6 : Double.NaN;
		}

		double directMegabytes() {
			return ok() ? this.directBytes / 1e6 : Double.NaN;
		}

		double rssMegabytes() {
			return ok() ? this.rssBytes / 1e6 : Double.NaN;
		}

		double fds() {
			return ok() ? this.openFiles : Double.NaN;
		}

		double threadCount() {
			return ok() ? this.threads : Double.NaN;
		}

		/** The server's CPU use between {@code earlier} and this sample, in % of one core. */
		double cpuPercentSince(Sample earlier) {
			return (ok() && earlier != null && earlier.ok() && this.nanos > earlier.nanos)
					? 100.0 * (this.cpuNanos - earlier.cpuNanos) / (this.nanos - earlier.nanos) : Double.NaN;
		}

	}

}
