package dev.h3servlet.it.support;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * What a page's script reports to the test ({@code GET /report?r=...}), and a fetch it keeps open meanwhile
 * ({@code GET /hold}, answered once the page has reported, 30 s at most). Headless Chromium dumps a page once its
 * virtual time has run out, and virtual time stands still only while a fetch is in flight: WebTransport (no fetch)
 * would be cut short without the hold.
 */
public final class PageReport {

	private final BlockingQueue<String> reports = new ArrayBlockingQueue<>(4);

	private final CountDownLatch reported = new CountDownLatch(1);

	/** Takes the report, the {@code r} parameter. */
	public HttpServlet reportServlet() {
		return new HttpServlet() {

			@Override
			protected void doGet(HttpServletRequest request, HttpServletResponse response) {
				PageReport.this.reports.add(request.getParameter("r"));
				PageReport.this.reported.countDown();
				response.setStatus(204);
			}

		};
	}

	/** Answers once the page has reported. */
	public HttpServlet holdServlet() {
		return new HttpServlet() {

			@Override
			protected void doGet(HttpServletRequest request, HttpServletResponse response) {
				try {
					PageReport.this.reported.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				response.setStatus(204);
			}

		};
	}

	/** The page's report, or {@code null} if none came within the wait. */
	public String await(Duration wait) throws InterruptedException {
		return this.reports.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
	}

}
