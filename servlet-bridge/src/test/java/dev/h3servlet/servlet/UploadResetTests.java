package dev.h3servlet.servlet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.h3servlet.connector.testing.TestTransport;
import dev.h3servlet.servlet.testing.Http3ServerExtension;
import dev.h3servlet.test.RawHttp3ClientExtension;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.http3.HTTP3ErrorCode;
import org.eclipse.jetty.http3.api.Session;
import org.eclipse.jetty.http3.api.Stream;
import org.eclipse.jetty.http3.frames.DataFrame;
import org.eclipse.jetty.http3.frames.HeadersFrame;
import org.eclipse.jetty.util.Promise;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that resets its request stream mid-upload: the servlet reading the body must get an {@link IOException},
 * never an end of stream that makes a truncated body look complete.
 */
@Tag(TestTransport.BOTH)
class UploadResetTests {

	private static final int CHUNK = 16 * 1024;

	private static final int CHUNKS_BEFORE_RESET = 3;

	static volatile Outcome outcome;

	@RegisterExtension
	static final Http3ServerExtension server = new Http3ServerExtension((builder) -> builder
		.servlet("/blocking/*", new BlockingUploadServlet())
		.servlet("/async/*", asyncSupported(new AsyncUploadServlet())));

	@RegisterExtension
	static final RawHttp3ClientExtension client = new RawHttp3ClientExtension();

	@BeforeEach
	void newOutcome() {
		outcome = new Outcome();
	}

	@Test
	void blockingReadFailsWhenAnUploadWithoutContentLengthIsReset() throws Exception {
		assertResetSurfacesAsIOException("/blocking/upload", -1);
	}

	@Test
	void blockingReadFailsWhenAnUploadWithContentLengthIsReset() throws Exception {
		assertResetSurfacesAsIOException("/blocking/upload", 10L * CHUNK);
	}

	@Test
	void readListenerGetsOnErrorWhenAnUploadIsReset() throws Exception {
		assertResetSurfacesAsIOException("/async/upload", -1);
	}

	private void assertResetSurfacesAsIOException(String path, long contentLength) throws Exception {
		Session.Client session = client.connect(server.http3Port(), new Session.Client.Listener() {
		});
		HttpFields.Mutable fields = HttpFields.build();
		if (contentLength >= 0) {
			fields.put(HttpHeader.CONTENT_LENGTH, Long.toString(contentLength));
		}
		MetaData.Request request = new MetaData.Request("POST", HttpURI.from(server.uri(path)), HttpVersion.HTTP_3,
				fields, contentLength);
		CompletableFuture<MetaData.Response> response = new CompletableFuture<>();
		CompletableFuture<Stream> newStream = new CompletableFuture<>();
		session.newRequest(new HeadersFrame(request, false), new Stream.Client.Listener() {

			@Override
			public void onResponse(Stream.Client stream, HeadersFrame frame) {
				response.complete((MetaData.Response) frame.getMetaData());
			}

		}, Promise.Invocable.toPromise(newStream));
		Stream stream = newStream.get(30, TimeUnit.SECONDS);
		for (int i = 0; i < CHUNKS_BEFORE_RESET; i++) {
			CompletableFuture<Stream> sent = new CompletableFuture<>();
			stream.data(new DataFrame(ByteBuffer.allocate(CHUNK), false), Promise.Invocable.toPromise(sent));
			sent.get(30, TimeUnit.SECONDS);
		}
		Outcome outcome = UploadResetTests.outcome;
		assertThat(outcome.protocol.get(30, TimeUnit.SECONDS)).isEqualTo("HTTP/3.0");
		// Reset only once the servlet is reading: the failure must reach a read that is in progress.
		assertThat(outcome.firstBytes.get(30, TimeUnit.SECONDS)).isPositive();
		CompletableFuture<Stream> reset = new CompletableFuture<>();
		stream.disconnect(HTTP3ErrorCode.REQUEST_CANCELLED_ERROR.code(), new IOException("client gave up"),
				Promise.Invocable.toPromise(reset));
		reset.get(30, TimeUnit.SECONDS);
		Object result = outcome.result.get(30, TimeUnit.SECONDS);
		assertThat(result).as("what the servlet's read ended with").isInstanceOf(IOException.class);
		assertThat(response).isNotDone();
	}

	private static ServletHolder asyncSupported(HttpServlet servlet) {
		ServletHolder holder = new ServletHolder(servlet);
		holder.setAsyncSupported(true);
		return holder;
	}

	/** What the servlet saw: its protocol, that it read some bytes, then a failure or an (illegitimate) end. */
	static final class Outcome {

		final CompletableFuture<String> protocol = new CompletableFuture<>();

		final CompletableFuture<Long> firstBytes = new CompletableFuture<>();

		/** An IOException, or the byte count read before end of stream. */
		final CompletableFuture<Object> result = new CompletableFuture<>();

	}

	static class BlockingUploadServlet extends HttpServlet {

		@Override
		protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
			Outcome outcome = UploadResetTests.outcome;
			outcome.protocol.complete(request.getProtocol());
			byte[] buffer = new byte[4096];
			long total = 0;
			try (InputStream in = request.getInputStream()) {
				for (int read = in.read(buffer); read != -1; read = in.read(buffer)) {
					total += read;
					outcome.firstBytes.complete(total);
				}
			}
			catch (IOException ex) {
				outcome.result.complete(ex);
				throw ex;
			}
			outcome.result.complete(total);
			response.getWriter().print("read " + total);
		}

	}

	static class AsyncUploadServlet extends HttpServlet {

		@Override
		protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
			Outcome outcome = UploadResetTests.outcome;
			outcome.protocol.complete(request.getProtocol());
			AsyncContext async = request.startAsync();
			async.setTimeout(0);
			ServletInputStream in = request.getInputStream();
			in.setReadListener(new ReadListener() {

				private final byte[] buffer = new byte[4096];

				private long total;

				@Override
				public void onDataAvailable() throws IOException {
					while (in.isReady()) {
						int read = in.read(this.buffer);
						if (read == -1) {
							return;
						}
						this.total += read;
						outcome.firstBytes.complete(this.total);
					}
				}

				@Override
				public void onAllDataRead() {
					outcome.result.complete(this.total);
					async.complete();
				}

				@Override
				public void onError(Throwable failure) {
					outcome.result.complete(failure);
					async.complete();
				}

			});
		}

	}

}
