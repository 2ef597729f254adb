package dev.h3servlet.boot.autoconfigure;

import dev.h3servlet.connector.Http3StartupException;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.SpringBootVersion;

/**
 * Fails the start-up of an application with {@code server.http3.enabled=true} whose Spring Boot is not the generation
 * its h3servlet starter was built for, naming the starter to use instead. Boot skips an auto-configuration whose
 * classes are missing without a word, so the wrong starter would otherwise leave the application serving no HTTP/3 in
 * silence. It runs before the web server is created, and uses only what every Boot generation has.
 */
final class SpringBootGeneration implements BeanFactoryPostProcessor {

	private final int major;

	private final String starter;

	/**
	 * Create a check.
	 * @param major the major version of Spring Boot the starter was built for
	 * @param starter the starter's artifact id
	 */
	SpringBootGeneration(int major, String starter) {
		this.major = major;
		this.starter = starter;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		check(SpringBootVersion.getVersion());
	}

	/**
	 * Fails unless the version is of this starter's generation.
	 * @param bootVersion the application's Spring Boot version ({@code null} when Boot's jar has no manifest)
	 */
	void check(String bootVersion) {
		if (bootVersion == null || bootVersion.startsWith(this.major + ".")) {
			return;
		}
		String other = bootVersion.startsWith("3.") ? "h3servlet-spring-boot3-starter" : "h3servlet-spring-boot-starter";
		throw new Http3StartupException("server.http3.enabled=true, but dev.h3servlet:" + this.starter
				+ " is built for Spring Boot " + this.major + " and this application runs Spring Boot " + bootVersion,
				"Replace it with dev.h3servlet:" + other + " (same version), which serves HTTP/3 on Spring Boot "
						+ bootVersion.charAt(0) + "'s embedded Jetty");
	}

}
