package dev.h3servlet.testapp;

/** Thrown on purpose by {@link ThrowingServlet}; the app maps its type to the error page. */
public final class ThrownByServlet extends IllegalStateException {

	ThrownByServlet() {
		super("thrown by the servlet");
	}

}
