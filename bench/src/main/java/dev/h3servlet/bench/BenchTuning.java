package dev.h3servlet.bench;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.h3servlet.connector.Http3Connector;
import dev.h3servlet.connector.Http3Settings;
import dev.h3servlet.connector.quiche.QuicheHttp3Connector;
import org.eclipse.jetty.http3.server.HTTP3ServerConnectionFactory;
import org.eclipse.jetty.quic.common.QuicConfiguration;
import org.eclipse.jetty.server.HttpConfiguration;

/**
 * Server-side knobs the harness can turn from its command line ({@code --server key=value}), to measure a change
 * before it becomes a default. Unknown keys fail with their name.
 * <ul>
 * <li>{@code transport}: {@code netty} (the default) or {@code jetty-quiche}</li>
 * <li>{@code sessionReceiveWindow}, {@code streamReceiveWindow}: {@link Http3Settings}</li>
 * <li>{@code quic.inputBufferSize}, {@code quic.outputBufferSize}: Jetty's {@link QuicConfiguration} (per-read and
 * per-datagram buffers; jetty-quiche only)</li>
 * <li>{@code http3.inputBufferSize}, {@code http3.outputBufferSize}: Jetty's HTTP/3 configuration (jetty-quiche
 * only)</li>
 * <li>{@code http.outputBufferSize}, {@code http.outputAggregationSize}: the shared {@link HttpConfiguration}</li>
 * <li>{@code udpBufferSize}: both UDP socket buffers</li>
 * <li>{@code eventLoops}: {@link Http3Settings#eventLoops()} (netty only)</li>
 * </ul>
 */
final class BenchTuning {

	private final Map<String, String> values;

	private BenchTuning(Map<String, String> values) {
		this.values = values;
	}

	static BenchTuning parse(String[] args, int from) {
		Map<String, String> values = new LinkedHashMap<>();
		for (int i = from; i < args.length; i++) {
			int equals = args[i].indexOf('=');
			if (equals <= 0) {
				throw new IllegalArgumentException("Server tuning '" + args[i] + "' (expected: key=value)");
			}
			values.put(args[i].substring(0, equals), args[i].substring(equals + 1));
		}
		for (String key : values.keySet()) {
			if (!key.matches("transport|sessionReceiveWindow|streamReceiveWindow|quic\\.(input|output)BufferSize"
					+ "|http3\\.(input|output)BufferSize|http\\.output(Buffer|Aggregation)Size|udpBufferSize|eventLoops")) {
				throw new IllegalArgumentException("Unknown server tuning key '" + key + "'");
			}
		}
		return new BenchTuning(values);
	}

	void apply(Http3Settings.Builder settings) {
		ifSet("transport", settings::transport);
		ifSet("sessionReceiveWindow", (v) -> settings.sessionReceiveWindow(Long.parseLong(v)));
		ifSet("streamReceiveWindow", (v) -> settings.streamReceiveWindow(Long.parseLong(v)));
		ifSet("eventLoops", (v) -> settings.eventLoops(Integer.parseInt(v)));
		ifSet("udpBufferSize", (v) -> settings.udpReceiveBufferSize(Integer.parseInt(v))
			.udpSendBufferSize(Integer.parseInt(v)));
	}

	void apply(HttpConfiguration configuration) {
		ifSet("http.outputBufferSize", (v) -> configuration.setOutputBufferSize(Integer.parseInt(v)));
		ifSet("http.outputAggregationSize", (v) -> configuration.setOutputAggregationSize(Integer.parseInt(v)));
	}

	void apply(Http3Connector http3Connector) {
		if (!(http3Connector instanceof QuicheHttp3Connector connector)) {
			return;
		}
		QuicConfiguration quic = connector.getServerQuicConfiguration();
		ifSet("quic.inputBufferSize", (v) -> quic.setInputBufferSize(Integer.parseInt(v)));
		ifSet("quic.outputBufferSize", (v) -> quic.setOutputBufferSize(Integer.parseInt(v)));
		HTTP3ServerConnectionFactory http3 = connector.getConnectionFactory(HTTP3ServerConnectionFactory.class);
		ifSet("http3.inputBufferSize", (v) -> http3.getHTTP3Configuration().setInputBufferSize(Integer.parseInt(v)));
		ifSet("http3.outputBufferSize", (v) -> http3.getHTTP3Configuration().setOutputBufferSize(Integer.parseInt(v)));
	}

	private void ifSet(String key, java.util.function.Consumer<String> action) {
		String value = this.values.get(key);
		if (value != null) {
			action.accept(value);
		}
	}

	@Override
	public String toString() {
		return this.values.toString();
	}

}
