package dev.h3servlet.testapp;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Server-sent events: {@code GET /sse/stream?id=..} sends 5 events, flushing each and waiting (up to 10 s) for
 * {@code GET /sse/ack?id=..} before the next one, so the client must have read each event before the next
 * exists.
 */
public class SseServlet extends HttpServlet {

	/** How many events a stream sends. */
	public static final int EVENTS = 5;

	private final Map<String, Semaphore> acks = new ConcurrentHashMap<>();

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		String id = request.getParameter("id");
		Semaphore ack = this.acks.computeIfAbsent(id, (key) -> new Semaphore(0));
		if ("/ack".equals(request.getPathInfo())) {
			ack.release();
			response.setStatus(204);
			return;
		}
		response.setContentType("text/event-stream");
		response.setCharacterEncoding("UTF-8");
		response.setHeader("Cache-Control", "no-cache");
		PrintWriter out = response.getWriter();
		try {
			for (int i = 1; i <= EVENTS; i++) {
				out.print("id: " + i + "\nevent: tick\ndata: event " + i + " \u00e9\n\n");
				response.flushBuffer();
				if (i < EVENTS && !ack.tryAcquire(10, TimeUnit.SECONDS)) {
					out.print("event: error\ndata: no ack for event " + i + "\n\n");
					return;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			this.acks.remove(id);
		}
	}

}
