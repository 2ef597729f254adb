package dev.h3servlet.bench;

import java.util.ArrayList;
import java.util.List;

import dev.h3servlet.bench.Load.Protocol;
import dev.h3servlet.test.NettyHttp3Client;
import java.util.function.Function;

import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;

/**
 * The small-request rows of one protocol against one server, with its clients kept open between repeats: sequential
 * GETs on one connection, and 8 connections with 8 requests in flight each (h1: 64 connections, it cannot
 * multiplex). {@link Bench} interleaves the repeats of all protocols, so that each sees the same machine, JIT and
 * drift.
 */
interface SmallRequests extends AutoCloseable {

	int CONNECTIONS = 8;

	int IN_FLIGHT = 8;

	/** One repeat of sequential GETs. */
	Load.Sequential sequential(long millis) throws Exception;

	/** One repeat of 8 x 8 requests in flight: completed requests per second. */
	double concurrent(long millis) throws Exception;

	@Override
	void close() throws Exception;

	/** h1 and h2: Jetty's HttpClient, against a bench server's small response. */
	static SmallRequests jetty(Load load, Protocol protocol, String url) throws Exception {
		return jetty(load, protocol, url, (response) -> Load.smallProblem(url, response, protocol));
	}

	/** h1 and h2: Jetty's HttpClient, every answer checked by {@code problem} (why it is wrong, or {@code null}). */
	static SmallRequests jetty(Load load, Protocol protocol, String url, Function<ContentResponse, String> problem)
			throws Exception {
		HttpClient sequentialClient = load.newClient(protocol, 1);
		List<HttpClient> clients = new ArrayList<>();
		for (int i = 0; i < CONNECTIONS; i++) {
			clients.add(load.newClient(protocol, (protocol == Protocol.H1) ? IN_FLIGHT : 1));
		}
		return new SmallRequests() {

			@Override
			public Load.Sequential sequential(long millis) throws Exception {
				return Load.sequential(sequentialClient, url, millis, 100_000, protocol, problem);
			}

			@Override
			public double concurrent(long millis) throws Exception {
				return Load.concurrent(clients, url, IN_FLIGHT, millis, protocol, problem);
			}

			@Override
			public void close() throws Exception {
				sequentialClient.stop();
				for (HttpClient client : clients) {
					client.stop();
				}
			}

		};
	}

	/** h3: Netty's HTTP/3 client, against a bench server's small response. */
	static SmallRequests netty(NettyH3Load h3, String path) throws Exception {
		return netty(h3, path, (response) -> NettyH3Load.smallProblem(path, response));
	}

	/** h3: Netty's HTTP/3 client, every answer checked by {@code problem} (why it is wrong, or {@code null}). */
	static SmallRequests netty(NettyH3Load h3, String path, Function<NettyHttp3Client.Response, String> problem)
			throws Exception {
		NettyHttp3Client sequentialClient = h3.connect();
		List<NettyHttp3Client> connections;
		try {
			connections = h3.connectAll(CONNECTIONS);
		}
		catch (Exception ex) {
			sequentialClient.close();
			throw ex;
		}
		return new SmallRequests() {

			@Override
			public Load.Sequential sequential(long millis) throws Exception {
				return h3.sequential(sequentialClient, path, millis, 100_000, problem);
			}

			@Override
			public double concurrent(long millis) throws Exception {
				return h3.concurrent(connections, path, IN_FLIGHT, millis, problem);
			}

			@Override
			public void close() throws Exception {
				sequentialClient.close();
				NettyH3Load.closeAll(connections);
			}

		};
	}

}
