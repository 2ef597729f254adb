package dev.h3servlet.servlet;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.Objects;
import java.util.function.Function;

import dev.h3servlet.connector.webtransport.WebTransportHandler;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Registers WebTransport endpoints on a servlet context that is being initialised (a
 * {@code ServletContainerInitializer}, a {@code ServletContextListener} declared in {@code web.xml}, Spring Boot's
 * {@code ServletContextInitializer}): each is a {@link WebTransportServlet} at its path, behind the context's filters.
 */
public final class WebTransportEndpoints {

	private WebTransportEndpoints() {
	}

	/**
	 * Registers an endpoint whose handler the factory makes for each session's CONNECT request.
	 * @param handlers the handler of a session, or {@code null} to refuse it (403)
	 */
	public static ServletRegistration.Dynamic register(ServletContext context, String path,
			Function<HttpServletRequest, WebTransportHandler> handlers) {
		Objects.requireNonNull(path, "path");
		ServletRegistration.Dynamic registration = context.addServlet("webtransport:" + path,
				new WebTransportServlet(handlers));
		if (registration == null) {
			throw new IllegalStateException("A servlet named webtransport:" + path + " is registered already");
		}
		registration.addMapping(path);
		registration.setAsyncSupported(true);
		return registration;
	}

	/** Registers one handler, for every session, at the path its {@link WebTransportEndpoint} names. */
	public static ServletRegistration.Dynamic register(ServletContext context, WebTransportHandler handler) {
		return register(context, path(handler.getClass()), (request) -> handler);
	}

	/**
	 * Registers an annotated handler class: a new instance (its no-argument constructor) for each session.
	 * @throws IllegalArgumentException if the class has no {@link WebTransportEndpoint} or no such constructor
	 */
	public static ServletRegistration.Dynamic register(ServletContext context,
			Class<? extends WebTransportHandler> handlerClass) {
		Constructor<? extends WebTransportHandler> constructor;
		try {
			constructor = handlerClass.getDeclaredConstructor();
			constructor.setAccessible(true);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalArgumentException(handlerClass.getName() + " needs a no-argument constructor to be made "
					+ "for each WebTransport session", ex);
		}
		return register(context, path(handlerClass), (request) -> {
			try {
				return constructor.newInstance();
			}
			catch (InstantiationException | IllegalAccessException | InvocationTargetException ex) {
				throw new IllegalStateException("Cannot make " + handlerClass.getName() + " for a WebTransport session",
						ex);
			}
		});
	}

	/** The path a handler class's {@link WebTransportEndpoint} names. */
	public static String path(Class<?> handlerClass) {
		WebTransportEndpoint endpoint = handlerClass.getAnnotation(WebTransportEndpoint.class);
		if (endpoint == null) {
			throw new IllegalArgumentException(handlerClass.getName() + " has no @WebTransportEndpoint naming its path");
		}
		return endpoint.value();
	}

}
