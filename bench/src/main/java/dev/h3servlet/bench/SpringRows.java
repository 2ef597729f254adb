package dev.h3servlet.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.h3servlet.bench.Bench.SmallRuns;
import dev.h3servlet.bench.Load.Protocol;
import dev.h3servlet.bench.Results.Section;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;

import static dev.h3servlet.bench.Bench.base;
import static dev.h3servlet.bench.Bench.closeAll;
import static dev.h3servlet.bench.Bench.failed;
import static dev.h3servlet.bench.Bench.jsonProblem;
import static dev.h3servlet.bench.Bench.progress;
import static dev.h3servlet.bench.Bench.staticProblem;

/**
 * The Spring rows of a full run: the demo (Spring MVC on Boot's Jetty with the h3servlet starter) over h2 and h3,
 * its JSON endpoint and a static resource, beside WebFlux on Reactor Netty answering the same JSON.
 */
final class SpringRows {

	private final Bench bench;

	SpringRows(Bench bench) {
		this.bench = bench;
	}

	/**
	 * Spring apps: the demo (Spring MVC on Boot's Jetty with the h3servlet starter, unchanged) over h2 and h3, its JSON
	 * endpoint and a static resource; and the peer a Spring user would otherwise pick for HTTP/3, WebFlux on Reactor
	 * Netty, answering the same JSON. Both fat jars run at once on the harness's Java; all loads interleaved.
	 */
	void run(Path javaHome) throws Exception {
		progress("Spring: the demo (Spring MVC + h3servlet) and WebFlux on Reactor Netty");
		List<String> jvm = new ArrayList<>(List.of("-Xmx1g", "-XX:+UseParallelGC"));
		jvm.addAll(this.bench.options.springJvm);
		List<String> tls = Bench.springBootTls(this.bench.keyStore);
		Map<String, SmallRequests> loads = new LinkedHashMap<>();
		// The QUIC idle timeout of the peer (120 s): an h3 connection waits while the other loads take their turns,
		// longer than the 30 s default in a full run, and a connection closed by the server in between fails its load.
		List<String> demoArgs = new ArrayList<>(tls);
		demoArgs.add("--server.http3.idle-timeout=120s");
		try (ServerProcess demo = ServerProcess.startJar(javaHome, ServerProcess.demoJar(), jvm, demoArgs,
				ReadySignal.springBootLog("dev.h3servlet.demo.boot.DemoApplication"));
				ServerProcess webflux = ServerProcess.startJar(javaHome, ServerProcess.webFluxJar(), jvm, tls,
						ReadySignal.BENCH_READY)) {
			String json = "/api/info";
			String css = "/h3servlet.css";
			byte[] stylesheet = staticResource(demo, css);
			loads.put("mvc h2 json", SmallRequests.jetty(this.bench.load, Protocol.H2, base(demo.tlsPort) + json,
					(response) -> jsonProblem(response.getStatus(), response.getContentAsString(), "HTTP/2.0")));
			loads.put("mvc h3 json", SmallRequests.netty(new NettyH3Load(demo.h3Port, this.bench.certificate), json,
					(response) -> jsonProblem(response.status(), response.bodyAsString(), "HTTP/3.0")));
			loads.put("webflux h2 json", SmallRequests.jetty(this.bench.load, Protocol.H2, base(webflux.tlsPort) + json,
					(response) -> jsonProblem(response.getStatus(), response.getContentAsString(), "HTTP/2.0")));
			loads.put("webflux h3 json", SmallRequests.netty(new NettyH3Load(webflux.h3Port, this.bench.certificate), json,
					(response) -> jsonProblem(response.status(), response.bodyAsString(), "HTTP/3.0")));
			loads.put("mvc h2 static", SmallRequests.jetty(this.bench.load, Protocol.H2, base(demo.tlsPort) + css,
					(response) -> staticProblem(response.getStatus(), response.getContent(), stylesheet)));
			loads.put("mvc h3 static", SmallRequests.netty(new NettyH3Load(demo.h3Port, this.bench.certificate), css,
					(response) -> staticProblem(response.status(), response.body(), stylesheet)));
			Map<String, SmallRuns> runs = this.bench.interleaved(loads);
			Section mvc = this.bench.results.section("Spring MVC: the demo app (Spring Boot " + springBootVersion()
					+ ", its Jetty, the h3servlet starter; h3 transport " + demo.binding + "), server Java " + demo.java,
					List.of("h2", "h3"), "h3", "h2");
			runs.get("mvc h2 json").addTo(mvc, "h2", "JSON " + json + " ", 0.7, 0.6);
			runs.get("mvc h3 json").addTo(mvc, "h3", "JSON " + json + " ", 0.7, 0.6);
			runs.get("mvc h2 static").addTo(mvc, "h2", "static " + css + " ", 0.7, 0.6);
			runs.get("mvc h3 static").addTo(mvc, "h3", "static " + css + " ", 0.7, 0.6);
			mvc.notes.add("the JSON answer names the protocol Spring MVC saw, checked on every request; the static "
					+ "resource (" + stylesheet.length + " bytes) is compared byte for byte");
			Section peer = this.bench.results.section("Spring over HTTP/3, the same JSON: Spring MVC + h3servlet vs Spring "
					+ "WebFlux on " + webflux.binding + " (its HTTP/3 server), server Java " + webflux.java,
					List.of("mvc-h3", "webflux-h3", "webflux-h2"), "mvc-h3", "webflux-h3");
			runs.get("mvc h3 json").addTo(peer, "mvc-h3", "", 1.0, 1.0);
			runs.get("webflux h3 json").addTo(peer, "webflux-h3", "", 1.0, 1.0);
			runs.get("webflux h2 json").addTo(peer, "webflux-h2", "", 1.0, 1.0);
			peer.notes.add("Spring Boot cannot switch Reactor Netty to HTTP/3: the peer serves its HttpHandler from a "
					+ "second Reactor Netty server (bench-webflux), with a Retry before each connection as ours");
		}
		catch (Exception ex) {
			failed(this.bench.results.section("Spring", List.of("value"), null, null), "Spring rows", ex);
		}
		finally {
			closeAll(loads.values());
		}
	}
	/** The Spring Boot version the demo jar was built with (its manifest's {@code Spring-Boot-Version}). */
	private static String springBootVersion() throws java.io.IOException {
		try (java.util.jar.JarFile jar = new java.util.jar.JarFile(ServerProcess.demoJar().toFile())) {
			return jar.getManifest().getMainAttributes().getValue("Spring-Boot-Version");
		}
	}
	/** The static resource as the demo serves it over h2, to compare every later answer with. */
	private byte[] staticResource(ServerProcess demo, String path) throws Exception {
		HttpClient client = this.bench.load.newClient(Protocol.H2, 1);
		try {
			ContentResponse response = client.GET(base(demo.tlsPort) + path);
			Load.check(response.getStatus() == 200 && response.getContent().length > 0,
					() -> path + " answered " + response.getStatus());
			return response.getContent();
		}
		finally {
			client.stop();
		}
	}

}
