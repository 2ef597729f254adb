package dev.h3servlet.demo.boot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;

import dev.h3servlet.connector.webtransport.WebTransportHandler;
import dev.h3servlet.connector.webtransport.WebTransportSession;
import dev.h3servlet.connector.webtransport.WebTransportStream;
import dev.h3servlet.servlet.WebTransportEndpoint;

import org.springframework.stereotype.Component;

/**
 * A WebTransport echo: what the browser sends on a bidirectional stream comes back on it; what it sends on a
 * unidirectional stream comes back on one the server opens; each datagram comes back as it is.
 */
@Component
@WebTransportEndpoint("/webtransport/echo")
public class WebTransportEcho implements WebTransportHandler {

	@Override
	public void onOpen(WebTransportSession session) {
	}

	@Override
	public void onStream(WebTransportSession session, WebTransportStream stream) throws IOException {
		WebTransportStream back = stream.isBidirectional() ? stream : session.openUnidirectionalStream();
		try (InputStream in = stream.getInputStream(); OutputStream out = back.getOutputStream()) {
			in.transferTo(out);
		}
	}

	@Override
	public void onDatagram(WebTransportSession session, ByteBuffer datagram) {
		session.sendDatagram(datagram);
	}

}
