package dev.h3servlet.demo.boot;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.util.HtmlUtils;

/**
 * The demo's endpoints, plain Spring MVC that knows nothing about HTTP/3: the page ({@code /}), request details as
 * JSON ({@code /api/info}), a health check ({@code /api/health}), a form whose value is kept in the HTTP session
 * ({@code POST /session}) and a file upload that answers the file's size and SHA-256 ({@code POST /upload}).
 */
@RestController
public class DemoController {

	static final String SESSION_ATTRIBUTE = "note";

	@GetMapping(path = "/", produces = MediaType.TEXT_HTML_VALUE)
	public String page(HttpServletRequest request) {
		return page(request, "");
	}

	@GetMapping("/api/info")
	public Map<String, Object> info(HttpServletRequest request) {
		Map<String, Object> info = new LinkedHashMap<>();
		info.put("protocol", request.getProtocol());
		info.put("scheme", request.getScheme());
		info.put("secure", request.isSecure());
		info.put("remoteAddress", request.getRemoteAddr());
		info.put("remotePort", request.getRemotePort());
		info.put("localAddress", request.getLocalAddr());
		info.put("localPort", request.getLocalPort());
		info.put("cipherSuite", request.getAttribute("jakarta.servlet.request.cipher_suite"));
		info.put("keySize", request.getAttribute("jakarta.servlet.request.key_size"));
		info.put("userAgent", request.getHeader("User-Agent"));
		return info;
	}

	/** A health check, exempt from the overload limit (see {@link OverloadProperties}). */
	@GetMapping("/api/health")
	public Map<String, Object> health(HttpServletRequest request) {
		return Map.of("status", "UP", "protocol", request.getProtocol());
	}

	@PostMapping(path = "/session", produces = MediaType.TEXT_HTML_VALUE)
	public String session(@RequestParam("note") String note, HttpServletRequest request) {
		request.getSession().setAttribute(SESSION_ATTRIBUTE, note);
		return page(request, "<p>Stored in the session over <b id=\"sessionProtocol\">"
				+ request.getProtocol() + "</b>.</p>");
	}

	@PostMapping(path = "/upload", produces = MediaType.TEXT_HTML_VALUE)
	public String upload(@RequestParam("file") MultipartFile file, HttpServletRequest request) throws IOException {
		String result = "<p>Received <b id=\"uploadName\">" + HtmlUtils.htmlEscape(file.getOriginalFilename())
				+ "</b>: <b id=\"uploadSize\">" + file.getSize() + "</b> bytes, SHA-256 <code id=\"uploadSha256\">"
				+ sha256(file) + "</code>, over <b id=\"uploadProtocol\">" + request.getProtocol() + "</b>.</p>";
		return page(request, result);
	}

	/** The page; it reads the session but never creates one (only the form does). */
	private static String page(HttpServletRequest request, String result) {
		HttpSession session = request.getSession(false);
		Object note = (session != null) ? session.getAttribute(SESSION_ATTRIBUTE) : null;
		return """
				<!doctype html>
				<html><head><meta charset="utf-8"><title>h3servlet demo</title><link rel="icon" href="data:,"></head>
				<body>
				<h1>h3servlet demo</h1>
				<p>The browser's <code>nextHopProtocol</code> reads <b id="browser">?</b>;
				Spring MVC saw <b id="server">%s</b> from %s.</p>
				%s
				<h2>Session</h2>
				<p>In the session: <b id="note">%s</b></p>
				<form method="post" action="/session">
				<input name="note" placeholder="a value to keep"> <button>Store</button>
				</form>
				<h2>Upload</h2>
				<form method="post" action="/upload" enctype="multipart/form-data">
				<input type="file" name="file"> <button>Upload</button>
				</form>
				<p><a href="/api/info">/api/info</a> (JSON) &middot; <a href="/webtransport.html">WebTransport</a></p>
				<script>
				document.getElementById('browser').textContent =
					performance.getEntriesByType('navigation')[0].nextHopProtocol;
				</script>
				</body></html>
				""".formatted(request.getProtocol(), HtmlUtils.htmlEscape(request.getRemoteAddr()), result,
				(note != null) ? HtmlUtils.htmlEscape(note.toString()) : "(nothing yet)");
	}

	private static String sha256(MultipartFile file) throws IOException {
		MessageDigest digest;
		try {
			digest = MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
		byte[] buffer = new byte[8192];
		try (InputStream in = file.getInputStream()) {
			for (int read = in.read(buffer); read != -1; read = in.read(buffer)) {
				digest.update(buffer, 0, read);
			}
		}
		return HexFormat.of().formatHex(digest.digest());
	}

}
