package dev.h3servlet.connector;

/**
 * HTTP/3 cannot start as configured. What is wrong ({@link #problem()}) and what to do about it ({@link #action()})
 * are kept apart, so that a framework can show them apart: Spring Boot's failure analysis prints them as its
 * "Description" and "Action". The message is both, one after the other.
 */
public class Http3StartupException extends IllegalStateException {

	private static final long serialVersionUID = 1L;

	private final String problem;

	private final String action;

	/**
	 * Create a new exception.
	 * @param problem what is wrong, as a sentence without its final period
	 * @param action what to do about it, as a sentence without its final period
	 */
	public Http3StartupException(String problem, String action) {
		this(problem, action, null);
	}

	/**
	 * Create a new exception.
	 * @param problem what is wrong, as a sentence without its final period
	 * @param action what to do about it, as a sentence without its final period
	 * @param cause the failure behind it, or {@code null}
	 */
	public Http3StartupException(String problem, String action, Throwable cause) {
		super(problem + ". " + action, cause);
		this.problem = problem;
		this.action = action;
	}

	/** What is wrong. */
	public String problem() {
		return this.problem;
	}

	/** What to do about it. */
	public String action() {
		return this.action;
	}

}
