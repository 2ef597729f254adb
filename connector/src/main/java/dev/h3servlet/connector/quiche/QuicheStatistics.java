package dev.h3servlet.connector.quiche;

import java.util.Collections;
import java.util.EventListener;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.h3servlet.connector.Http3ConnectorStatistics;
import dev.h3servlet.connector.internal.CountedTraffic;
import org.eclipse.jetty.quic.api.Session;
import org.eclipse.jetty.quic.api.Stream;

/**
 * The {@link Http3ConnectorStatistics} of a {@link QuicheHttp3Connector}: the registry of its established QUIC sessions
 * (fed by Jetty's session events) and its UDP byte counts (fed by {@link CountingEndPoint}). Packets quiche drops
 * before Jetty creates a session are not seen.
 */
final class QuicheStatistics extends CountedTraffic {

	private final Set<Session> openSessions = ConcurrentHashMap.newKeySet();

	/** Sessions seen to disconnect, so that a second disconnect notification is not counted again. */
	private final Map<Session, Boolean> disconnected = Collections.synchronizedMap(new WeakHashMap<>());

	QuicheStatistics() {
	}

	@Override
	public int getOpenConnections() {
		return this.openSessions.size();
	}

	/** The established QUIC connections not disconnected yet (a live view). */
	Set<Session> openSessions() {
		return Collections.unmodifiableSet(this.openSessions);
	}

	@Override
	public long getActiveStreams() {
		long active = 0;
		for (Session session : this.openSessions) {
			for (Stream stream : session.getStreams()) {
				if (stream.isBidirectional() && !stream.isLocal()) {
					active++;
				}
			}
		}
		return active;
	}

	/** The listener the connector registers on its QUIC configuration. */
	EventListener sessionListener() {
		return new SessionListener();
	}

	private final class SessionListener implements Session.Listener, EventListener {

		@Override
		public void onOpen(Session session) {
			QuicheStatistics.this.openSessions.add(session);
		}

		@Override
		public void onDisconnect(Session session) {
			boolean wasOpen = QuicheStatistics.this.openSessions.remove(session);
			boolean first = QuicheStatistics.this.disconnected.put(session, Boolean.TRUE) == null;
			if (!wasOpen && first) {
				handshakeFailed();
			}
		}

	}

}
