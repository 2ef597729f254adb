package dev.h3servlet.boot.autoconfigure;

import dev.h3servlet.connector.Http3StartupException;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a start-up failure of HTTP/3 ({@link Http3StartupException}: no TLS, a property out of range, the wrong
 * starter, a missing native library, ...) into Spring Boot's "APPLICATION FAILED TO START" report, with what is wrong
 * as its Description and what to do as its Action, instead of a message deep inside "Unable to start web server".
 */
class Http3FailureAnalyzer extends AbstractFailureAnalyzer<Http3StartupException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, Http3StartupException cause) {
		return new FailureAnalysis(cause.problem() + ".", cause.action() + ".", cause);
	}

}
