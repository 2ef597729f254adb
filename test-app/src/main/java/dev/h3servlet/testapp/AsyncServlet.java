package dev.h3servlet.testapp;

import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code /async/complete}: answers from another thread; {@code /async/dispatch}: dispatches to the echo servlet;
 * {@code /async/timeout}: lets a 200 ms timeout fire and answers from {@code onTimeout}.
 */
public class AsyncServlet extends HttpServlet {

	private ScheduledExecutorService executor;

	@Override
	public void init() {
		this.executor = Executors.newScheduledThreadPool(2, (task) -> {
			Thread thread = new Thread(task, "test-app-async");
			thread.setDaemon(true);
			return thread;
		});
	}

	@Override
	public void destroy() {
		this.executor.shutdownNow();
	}

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		if (request.getDispatcherType() == DispatcherType.ASYNC) {
			response.setContentType("text/plain;charset=UTF-8");
			response.getWriter().print("dispatched back dispatcherType=" + request.getDispatcherType());
			return;
		}
		AsyncContext async = request.startAsync();
		switch (request.getPathInfo()) {
			case "/complete" -> this.executor.schedule(() -> {
				try {
					response.setContentType("text/plain;charset=UTF-8");
					response.getWriter().print("completed from " + Thread.currentThread().getName());
				}
				catch (IOException ex) {
					response.setStatus(500);
				}
				async.complete();
			}, 50, TimeUnit.MILLISECONDS);
			case "/dispatch" -> this.executor.schedule(() -> async.dispatch(), 50, TimeUnit.MILLISECONDS);
			case "/dispatch-other" -> this.executor.schedule(() -> async.dispatch("/echo/async-target"), 50,
					TimeUnit.MILLISECONDS);
			case "/timeout" -> {
				async.setTimeout(200);
				async.addListener(new TimeoutListener());
			}
			default -> throw new IllegalArgumentException(request.getPathInfo());
		}
	}

}
