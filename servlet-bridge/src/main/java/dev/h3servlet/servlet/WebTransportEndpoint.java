package dev.h3servlet.servlet;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@link dev.h3servlet.connector.webtransport.WebTransportHandler} as the endpoint of a path, in the manner of
 * Jakarta WebSocket's {@code @ServerEndpoint}: {@link WebTransportEndpoints#register(jakarta.servlet.ServletContext,
 * Class)} makes a handler per session with the class's no-argument constructor; under Spring Boot, a bean so
 * annotated is registered as it is (one handler for every session) when {@code server.http3.web-transport.enabled}
 * is true.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface WebTransportEndpoint {

	/** The endpoint's path, as a servlet mapping ({@code /echo}). */
	String value();

}
