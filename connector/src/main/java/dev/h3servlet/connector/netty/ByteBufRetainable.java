package dev.h3servlet.connector.netty;

import io.netty.buffer.ByteBuf;
import org.eclipse.jetty.io.Retainable;

/**
 * Jetty's view of the reference count of a Netty {@link ByteBuf}, so that a request content chunk wraps Netty's
 * buffer without a copy: retaining and releasing the chunk retains and releases the buffer.
 */
final class ByteBufRetainable implements Retainable {

	private final ByteBuf buffer;

	ByteBufRetainable(ByteBuf buffer) {
		this.buffer = buffer;
	}

	@Override
	public boolean canRetain() {
		return true;
	}

	@Override
	public boolean isRetained() {
		return this.buffer.refCnt() > 1;
	}

	@Override
	public void retain() {
		this.buffer.retain();
	}

	@Override
	public boolean release() {
		return this.buffer.release();
	}

	@Override
	public int getRetained() {
		return this.buffer.refCnt();
	}

}
