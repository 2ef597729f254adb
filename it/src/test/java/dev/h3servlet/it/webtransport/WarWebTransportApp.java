package dev.h3servlet.it.webtransport;

import dev.h3servlet.servlet.WebTransportEndpoints;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

/**
 * The {@code web.xml} listener of the WAR {@link StandaloneJettyWebTransportTests} deploys: registers
 * {@link WarEchoEndpoint} through the servlet-bridge API that the h3servlet module puts on the server's class path
 * (the WAR holds only these two classes).
 */
public class WarWebTransportApp implements ServletContextListener {

	@Override
	public void contextInitialized(ServletContextEvent event) {
		WebTransportEndpoints.register(event.getServletContext(), WarEchoEndpoint.class);
	}

}
