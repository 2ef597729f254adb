package dev.h3servlet.it.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What this JVM holds, for leak checks: open file descriptors (Linux's {@code /proc/self/fd}), heap in use after a
 * full collection, and direct buffer memory (the JDK's {@code direct} buffer pool).
 */
record ProcessResources(long fileDescriptors, long heapUsed, long directUsed) {

	private static final int GC_ROUNDS = 3;

	/** Collects garbage a few times, then measures; the least heap seen is taken (what is live). */
	static ProcessResources measure() throws InterruptedException {
		long heap = Long.MAX_VALUE;
		for (int round = 0; round < GC_ROUNDS; round++) {
			System.gc();
			Thread.sleep(100);
			heap = Math.min(heap, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
		}
		return new ProcessResources(countFileDescriptors(), heap, directMemoryUsed());
	}

	static long countFileDescriptors() {
		try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
			return descriptors.count();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot count this process's file descriptors in /proc/self/fd", ex);
		}
	}

	private static long directMemoryUsed() {
		return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
			.stream()
			.filter((pool) -> pool.getName().equals("direct"))
			.mapToLong(BufferPoolMXBean::getMemoryUsed)
			.sum();
	}

	@Override
	public String toString() {
		return "fds=" + this.fileDescriptors + ", heap=" + mib(this.heapUsed) + ", direct=" + mib(this.directUsed);
	}

	static String mib(long bytes) {
		return String.format("%.1f MiB", bytes / (1024.0 * 1024.0));
	}

}
