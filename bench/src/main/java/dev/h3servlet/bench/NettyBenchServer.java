package dev.h3servlet.bench;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.http3.DefaultHttp3DataFrame;
import io.netty.handler.codec.http3.DefaultHttp3Headers;
import io.netty.handler.codec.http3.DefaultHttp3HeadersFrame;
import io.netty.handler.codec.http3.Http3;
import io.netty.handler.codec.http3.Http3DataFrame;
import io.netty.handler.codec.http3.Http3HeadersFrame;
import io.netty.handler.codec.http3.Http3RequestStreamInboundHandler;
import io.netty.handler.codec.http3.Http3ServerConnectionHandler;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The peer: Netty 4.2's HTTP/3 server (quiche through netty-codec-native-quic) answering {@code /s/small},
 * {@code /s/download?bytes=N} and {@code /s/upload} like {@link BenchServer}, in a child JVM. Its flow-control windows
 * match Jetty's server defaults (24 MiB per connection, 16 MiB per stream) so the comparison is of the stacks.
 * Arguments: {@code keyStore password}; prints {@code BENCH-READY tls=-1 h3=<port> ...} and serves until standard
 * input ends.
 */
public final class NettyBenchServer {

	private NettyBenchServer() {
	}

	public static void main(String[] args) throws Exception {
		KeyStore keyStore = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
			keyStore.load(in, args[1].toCharArray());
		}
		KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keyManagers.init(keyStore, args[1].toCharArray());
		QuicSslContext ssl = QuicSslContextBuilder.forServer(keyManagers, args[1])
			.applicationProtocols(Http3.supportedApplicationProtocols())
			.build();
		EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("netty-h3-server"),
				NioIoHandler.newFactory());
		long start = System.nanoTime();
		ChannelHandler codec = Http3.newQuicServerCodecBuilder()
			.sslContext(ssl)
			.maxIdleTimeout(120, TimeUnit.SECONDS)
			.initialMaxData(24 * 1024 * 1024)
			.initialMaxStreamDataBidirectionalLocal(16 * 1024 * 1024)
			.initialMaxStreamDataBidirectionalRemote(16 * 1024 * 1024)
			.initialMaxStreamsBidirectional(1000)
			.tokenHandler(InsecureQuicTokenHandler.INSTANCE)
			.handler(new ChannelInitializer<QuicChannel>() {
				@Override
				protected void initChannel(QuicChannel channel) {
					channel.pipeline().addLast(new Http3ServerConnectionHandler(new ChannelInitializer<QuicStreamChannel>() {
						@Override
						protected void initChannel(QuicStreamChannel stream) {
							stream.pipeline().addLast(new Exchange());
						}
					}));
				}
			})
			.build();
		Channel channel = new Bootstrap().group(group)
			.channel(NioDatagramChannel.class)
			.handler(codec)
			.bind(new InetSocketAddress("127.0.0.1", 0))
			.sync()
			.channel();
		long startMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		System.out.println("BENCH-READY tls=-1 h3=" + ((InetSocketAddress) channel.localAddress()).getPort()
				+ " startMillis=" + startMillis + " binding=netty-quiche java=" + Runtime.version());
		System.out.flush();
		try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
			while (in.readLine() != null) {
				// serve until the harness closes our standard input
			}
		}
		finally {
			channel.close().await(5, TimeUnit.SECONDS);
			group.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
		}
	}

	/** One request stream. */
	private static final class Exchange extends Http3RequestStreamInboundHandler {

		private String path = "";

		private MessageDigest digest;

		private long received;

		private long remaining;

		@Override
		protected void channelRead(ChannelHandlerContext ctx, Http3HeadersFrame frame) {
			this.path = String.valueOf(frame.headers().path());
			if (this.path.startsWith("/s/upload")) {
				this.digest = BenchServer.newSha256();
			}
			ReferenceCountUtil.release(frame);
		}

		@Override
		protected void channelRead(ChannelHandlerContext ctx, Http3DataFrame frame) {
			ByteBuf content = frame.content();
			if (this.digest != null) {
				this.received += content.readableBytes();
				this.digest.update(content.nioBuffer());
			}
			ReferenceCountUtil.release(frame);
		}

		@Override
		protected void channelInputClosed(ChannelHandlerContext ctx) {
			if (this.path.equals("/s/small")) {
				respond(ctx, "text/plain", Unpooled.wrappedBuffer(BenchServer.SMALL_BODY), true);
			}
			else if (this.path.startsWith("/s/upload")) {
				byte[] answer = (this.received + " " + BenchServer.sha256(this.digest))
					.getBytes(StandardCharsets.US_ASCII);
				respond(ctx, "text/plain", Unpooled.wrappedBuffer(answer), true);
			}
			else if (this.path.startsWith("/s/download?bytes=")) {
				this.remaining = Long.parseLong(this.path.substring("/s/download?bytes=".length()));
				DefaultHttp3HeadersFrame headers = new DefaultHttp3HeadersFrame(new DefaultHttp3Headers().status("200"));
				headers.headers().add("content-type", "application/octet-stream");
				headers.headers().addLong("content-length", this.remaining);
				ctx.write(headers);
				pump(ctx);
			}
			else {
				DefaultHttp3HeadersFrame headers = new DefaultHttp3HeadersFrame(new DefaultHttp3Headers().status("404"));
				ctx.writeAndFlush(headers).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
			}
		}

		private void respond(ChannelHandlerContext ctx, String type, ByteBuf body, boolean end) {
			DefaultHttp3HeadersFrame headers = new DefaultHttp3HeadersFrame(new DefaultHttp3Headers().status("200"));
			headers.headers().add("content-type", type);
			headers.headers().add(BenchServer.PROTOCOL_HEADER, "HTTP/3.0");
			headers.headers().addInt("content-length", body.readableBytes());
			ctx.write(headers);
			ctx.writeAndFlush(new DefaultHttp3DataFrame(body)).addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
		}

		/** Writes the download while the stream is writable; resumes on writability changes. */
		private void pump(ChannelHandlerContext ctx) {
			while (this.remaining > 0 && ctx.channel().isWritable()) {
				int length = (int) Math.min(BenchServer.CHUNK.length, this.remaining);
				this.remaining -= length;
				var future = ctx.write(new DefaultHttp3DataFrame(Unpooled.wrappedBuffer(BenchServer.CHUNK, 0, length)));
				if (this.remaining == 0) {
					future.addListener(QuicStreamChannel.SHUTDOWN_OUTPUT);
				}
			}
			ctx.flush();
		}

		@Override
		public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
			if (ctx.channel().isWritable() && this.remaining > 0) {
				pump(ctx);
			}
			super.channelWritabilityChanged(ctx);
		}

	}

}
