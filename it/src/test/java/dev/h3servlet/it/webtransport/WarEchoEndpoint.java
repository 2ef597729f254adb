package dev.h3servlet.it.webtransport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import dev.h3servlet.connector.webtransport.WebTransportHandler;
import dev.h3servlet.connector.webtransport.WebTransportSession;
import dev.h3servlet.connector.webtransport.WebTransportStream;
import dev.h3servlet.servlet.WebTransportEndpoint;

/**
 * Echoes streams and datagrams; a stream that says {@code where?} is answered with the session's path and the class
 * loader that loaded this class (the web app's, when deployed from the WAR).
 */
@WebTransportEndpoint("/echo")
public class WarEchoEndpoint implements WebTransportHandler {

	private static final byte[] WHERE = "where?".getBytes(StandardCharsets.UTF_8);

	@Override
	public void onOpen(WebTransportSession session) {
	}

	@Override
	public void onStream(WebTransportSession session, WebTransportStream stream) throws IOException {
		try (InputStream in = stream.getInputStream(); OutputStream out = stream.getOutputStream()) {
			byte[] received = in.readAllBytes();
			out.write(Arrays.equals(received, WHERE) ? (session.path() + " "
					+ getClass().getClassLoader().getClass().getSimpleName()).getBytes(StandardCharsets.UTF_8)
					: received);
		}
	}

	@Override
	public void onDatagram(WebTransportSession session, ByteBuffer datagram) {
		session.sendDatagram(datagram);
	}

}
