package dev.h3servlet.boot;

import dev.h3servlet.connector.Http3Connectors;
import dev.h3servlet.connector.Http3Settings;

import org.springframework.boot.autoconfigure.preinitialize.BackgroundPreinitializer;

/**
 * Loads the default HTTP/3 transport's native libraries in Spring Boot's background pre-initialization, while the
 * application context is built, instead of when the web server starts (about 0.2 s of the start-up on the demo). Boot
 * runs it only with more than one CPU and not when {@code spring.backgroundpreinitializer.ignore} is set; a failure to
 * load is reported by the start, with its fix.
 */
public final class Http3BackgroundPreinitializer implements BackgroundPreinitializer {

	@Override
	public void preinitialize() {
		Http3Connectors.preinitialize(Http3Settings.DEFAULT_TRANSPORT);
	}

}
