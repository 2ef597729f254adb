package dev.h3servlet.testapp;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** {@code /cookies/set} adds cookies; {@code /cookies/echo} lists those it received. */
public class CookieServlet extends HttpServlet {

	@Override
	protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
		response.setContentType("text/plain;charset=UTF-8");
		if ("/set".equals(request.getPathInfo())) {
			Cookie plain = new Cookie("plain", "value1");
			plain.setPath("/cookies");
			response.addCookie(plain);
			Cookie flagged = new Cookie("flagged", "value2");
			flagged.setPath("/");
			flagged.setHttpOnly(true);
			flagged.setSecure(true);
			flagged.setAttribute("SameSite", "Lax");
			response.addCookie(flagged);
			Cookie aged = new Cookie("aged", "value3");
			aged.setPath("/");
			aged.setMaxAge(3600);
			response.addCookie(aged);
			response.getWriter().print("set");
			return;
		}
		Cookie[] cookies = request.getCookies();
		List<String> received = new ArrayList<>();
		if (cookies != null) {
			for (Cookie cookie : cookies) {
				received.add(cookie.getName() + "=" + cookie.getValue());
			}
		}
		Collections.sort(received);
		response.getWriter().print("cookies=" + received);
	}

}
