package dev.h3servlet.boot.autoconfigure;

import dev.h3servlet.connector.webtransport.WebTransportHandler;
import dev.h3servlet.servlet.WebTransportEndpoint;
import dev.h3servlet.servlet.WebTransportEndpoints;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.web.servlet.ServletContextInitializer;
import org.springframework.context.annotation.Bean;

/**
 * WebTransport endpoints of a servlet application with HTTP/3 ({@code server.http3.enabled=true}) and WebTransport
 * ({@code server.http3.web-transport.enabled=true}): every bean that is a {@link WebTransportHandler} annotated with
 * {@link WebTransportEndpoint} is registered at its path, one handler for every session, behind the application's
 * filters (Spring Security's among them).
 */
@AutoConfiguration(after = Http3AutoConfiguration.class)
@ConditionalOnClass({ WebTransportEndpoints.class, ServletContextInitializer.class })
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnBooleanProperty("server.http3.enabled")
@ConditionalOnBooleanProperty("server.http3.web-transport.enabled")
public final class Http3WebTransportAutoConfiguration {

	@Bean
	ServletContextInitializer http3WebTransportEndpoints(ListableBeanFactory beans) {
		return (context) -> beans.getBeansWithAnnotation(WebTransportEndpoint.class).forEach((name, bean) -> {
			if (!(bean instanceof WebTransportHandler handler)) {
				throw new IllegalStateException("Bean '" + name + "' is annotated with @WebTransportEndpoint but is "
						+ "not a " + WebTransportHandler.class.getName());
			}
			WebTransportEndpoints.register(context, handler);
		});
	}

}
