package dev.h3servlet.boot.autoconfigure;

import dev.h3servlet.connector.Http3StartupException;

import org.springframework.util.ClassUtils;

/**
 * The check behind each Boot generation's {@code Http3RequiresJettyAutoConfiguration}: the embedded server must be
 * Boot's Jetty one, else the start fails saying how to switch to Jetty. Boot 3 and Boot 4 name their Jetty factory and
 * their web starter differently, so each passes its own names.
 *
 * @param jettyFactory the class name of this Boot generation's {@code JettyServletWebServerFactory}
 * @param webStarter the artifact id of its Spring MVC starter, which brings Tomcat
 */
record JettyRequirement(String jettyFactory, String webStarter) {

	/**
	 * Fails unless the factory is Boot's Jetty one.
	 * @param factory the application's servlet web server factory
	 * @throws Http3StartupException saying how to switch to Jetty
	 */
	void check(Object factory) {
		ClassLoader classLoader = factory.getClass().getClassLoader();
		boolean jetty = ClassUtils.isPresent(this.jettyFactory, classLoader)
				&& ClassUtils.resolveClassName(this.jettyFactory, classLoader).isInstance(factory);
		if (!jetty) {
			throw new Http3StartupException("server.http3.enabled=true requires Jetty as the embedded server, but "
					+ "the application runs on " + factory.getClass().getName(), "Switch to Jetty in pom.xml: "
					+ "in the " + this.webStarter + " dependency add <exclusions><exclusion><groupId>"
					+ "org.springframework.boot</groupId><artifactId>spring-boot-starter-tomcat</artifactId>"
					+ "</exclusion></exclusions>, and add the dependency <dependency><groupId>"
					+ "org.springframework.boot</groupId><artifactId>spring-boot-starter-jetty</artifactId>"
					+ "</dependency> (Gradle: exclude module 'spring-boot-starter-tomcat', add "
					+ "'org.springframework.boot:spring-boot-starter-jetty'). Or set server.http3.enabled=false");
		}
	}

}
