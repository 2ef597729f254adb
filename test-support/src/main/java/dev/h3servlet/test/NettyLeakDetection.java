package dev.h3servlet.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Netty's leak detector at PARANOID for every test, failing a test class after which a leaked {@code ByteBuf} (the
 * server's transport's or a test client's) is reported.
 * <p>
 * As a {@link LauncherSessionListener} (registered in {@code META-INF/services}, so every module with this test-jar
 * has it) it sets the level and a recording detector before any Netty class loads; as a JUnit extension (auto-detected,
 * see the build's {@code junit.jupiter.extensions.autodetection.enabled}) it makes the detector run after each test
 * class (a collection, then new tracked buffers, which is when Netty looks at collected ones) and fails the class
 * with the leaks' records.
 */
public final class NettyLeakDetection implements LauncherSessionListener, AfterAllCallback {

	private static final Queue<String> leaks = new ConcurrentLinkedQueue<>();

	private static volatile boolean installed;

	@Override
	public void launcherSessionOpened(LauncherSession session) {
		install();
	}

	/**
	 * PARANOID, and every leak recorded as well as logged; unless a level is given with Netty's own system property
	 * (the latency probe runs with {@code -Dio.netty.leakDetection.level=disabled}: PARANOID records a stack trace at
	 * every buffer access).
	 */
	static synchronized void install() {
		if (installed || System.getProperty("io.netty.leakDetection.level") != null) {
			return;
		}
		installed = true;
		ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
		ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
	}

	@Override
	public void afterAll(ExtensionContext context) throws Exception {
		if (!installed) {
			return;
		}
		List<String> found = drain();
		if (!found.isEmpty()) {
			throw new AssertionError(found.size() + " leaked Netty buffer(s) after " + context.getDisplayName()
					+ " (ResourceLeakDetector at PARANOID):\n" + String.join("\n\n", found));
		}
	}

	/** Collects, lets Netty's detectors look at what was collected, and returns the leaks reported so far. */
	static List<String> drain() throws InterruptedException {
		for (int round = 0; round < 3; round++) {
			System.gc();
			Thread.sleep(50);
			for (int i = 0; i < 64; i++) {
				ByteBuf buffer = ByteBufAllocator.DEFAULT.directBuffer(16);
				buffer.release();
				ByteBuf heap = ByteBufAllocator.DEFAULT.heapBuffer(16);
				heap.release();
			}
		}
		List<String> found = new ArrayList<>();
		String leak;
		while ((leak = leaks.poll()) != null) {
			found.add(leak);
		}
		return found;
	}

	private static final class RecordingFactory extends ResourceLeakDetectorFactory {

		@Override
		@SuppressWarnings("deprecation")
		public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
				long maxActive) {
			return new RecordingDetector<>(resource, samplingInterval);
		}

	}

	private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {

		RecordingDetector(Class<?> resource, int samplingInterval) {
			super(resource, samplingInterval);
		}

		@Override
		protected void reportTracedLeak(String resourceType, String records) {
			leaks.add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected." + records);
			super.reportTracedLeak(resourceType, records);
		}

		@Override
		protected void reportUntracedLeak(String resourceType) {
			leaks.add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected.");
			super.reportUntracedLeak(resourceType);
		}

	}

}
