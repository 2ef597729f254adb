package dev.h3servlet.testapp;

import java.io.IOException;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletResponse;

public class TimeoutListener implements AsyncListener {

	@Override
	public void onTimeout(AsyncEvent event) throws IOException {
		HttpServletResponse response = (HttpServletResponse) event.getAsyncContext().getResponse();
		response.setStatus(504);
		response.setContentType("text/plain;charset=UTF-8");
		response.getWriter().print("timed out in onTimeout");
		event.getAsyncContext().complete();
	}

	@Override
	public void onComplete(AsyncEvent event) {
	}

	@Override
	public void onError(AsyncEvent event) {
	}

	@Override
	public void onStartAsync(AsyncEvent event) {
	}

}
