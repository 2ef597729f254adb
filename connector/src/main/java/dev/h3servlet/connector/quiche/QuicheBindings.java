package dev.h3servlet.connector.quiche;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

import dev.h3servlet.connector.Http3StartupException;
import org.eclipse.jetty.quic.quiche.QuicheBinding;

/**
 * Finds the quiche binding Jetty will use, before Jetty does, so that a missing or unusable one fails the start with
 * a message that names the artifact to add instead of an error from a static initializer.
 */
final class QuicheBindings {

	private QuicheBindings() {
	}

	/**
	 * Returns a short name of the usable binding of highest preference ("foreign" or "jna").
	 * @throws IllegalStateException when no binding is usable on this JVM
	 */
	static String requireUsable() {
		return requireUsable(
				ServiceLoader.load(QuicheBinding.class, QuicheBinding.class.getClassLoader()).iterator());
	}

	/**
	 * Returns a short name of the usable binding of highest preference among the given ones.
	 * @throws IllegalStateException when none is usable
	 */
	static String requireUsable(Iterator<QuicheBinding> bindings) {
		List<String> failures = new ArrayList<>();
		QuicheBinding best = null;
		while (hasNext(bindings, failures)) {
			QuicheBinding binding;
			try {
				binding = bindings.next();
			}
			catch (ServiceConfigurationError | LinkageError ex) {
				failures.add(describe(ex));
				continue;
			}
			Throwable failure = binding.initialize();
			if (failure != null) {
				failures.add(binding.getClass().getSimpleName() + ": " + describe(failure));
			}
			else if (best == null || binding.priority() < best.priority()) {
				best = binding;
			}
		}
		if (best == null) {
			throw new Http3StartupException("No usable quiche binding for HTTP/3 on Java " + Runtime.version().feature()
					+ (failures.isEmpty() ? "" : "; tried: " + failures),
					"Add org.eclipse.jetty.quic:jetty-quic-quiche-jna (Java 17-21) or "
							+ "org.eclipse.jetty.quic:jetty-quic-quiche-foreign (Java 22+; run with "
							+ "--enable-native-access=ALL-UNNAMED), at the same version as the other Jetty jars, "
							+ "together with org.mortbay.jetty.quiche:jetty-quiche-native for this platform ("
							+ System.getProperty("os.name") + "/" + System.getProperty("os.arch") + ")");
		}
		return name(best);
	}

	private static boolean hasNext(Iterator<QuicheBinding> bindings, List<String> failures) {
		// A provider compiled for a newer Java (the foreign binding on Java 17) fails here or in next(); go on.
		for (int attempts = 0; attempts < 16; attempts++) {
			try {
				return bindings.hasNext();
			}
			catch (ServiceConfigurationError | LinkageError ex) {
				failures.add(describe(ex));
			}
		}
		return false;
	}

	private static String name(QuicheBinding binding) {
		String simpleName = binding.getClass().getSimpleName();
		if (simpleName.startsWith("Foreign")) {
			return "foreign";
		}
		if (simpleName.startsWith("Jna")) {
			return "jna";
		}
		return simpleName;
	}

	private static String describe(Throwable failure) {
		Throwable cause = failure;
		while (cause.getCause() != null && cause.getCause() != cause) {
			cause = cause.getCause();
		}
		return cause.getClass().getSimpleName() + ": " + cause.getMessage();
	}

}
