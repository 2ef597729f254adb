// The demo's WebTransport client (h3demo.echo, h3demo.counter), used by webtransport.html and by the tests.
window.h3demo = (() => {
  const encode = (text) => new TextEncoder().encode(text);
  const decode = (bytes) => new TextDecoder().decode(bytes);
  const within = (promise, millis, what) => Promise.race([promise,
    new Promise((resolve, reject) => setTimeout(() => reject(new Error(what + ' took over ' + millis + ' ms')), millis))]);

  // Echo over a bidirectional stream, a unidirectional stream each way and a datagram; resolves to a summary.
  async function echo(base) {
    const results = [];
    const transport = new WebTransport(base + '/webtransport/echo');
    await transport.ready;
    const bidi = await transport.createBidirectionalStream();
    const writer = bidi.writable.getWriter();
    await writer.write(encode('hello bidi'));
    await writer.close();
    results.push('bidi=' + await new Response(bidi.readable).text());
    const datagrams = transport.datagrams.readable.getReader();
    await transport.datagrams.writable.getWriter().write(encode('hello datagram'));
    results.push('datagram=' + decode((await within(datagrams.read(), 5000, 'the datagram echo')).value));
    const uni = await transport.createUnidirectionalStream();
    const uniWriter = uni.getWriter();
    await uniWriter.write(encode('hello uni'));
    await uniWriter.close();
    const incoming = await transport.incomingUnidirectionalStreams.getReader().read();
    results.push('uni=' + await new Response(incoming.value).text());
    transport.close({ closeCode: 0, reason: 'done' });
    await transport.closed;
    return results.join(';');
  }

  // Reads `count` counter datagrams, calling onValue with each; resolves to them.
  async function counter(base, count, onValue) {
    const transport = new WebTransport(base + '/webtransport/counter');
    await transport.ready;
    const reader = transport.datagrams.readable.getReader();
    const values = [];
    while (values.length < count) {
      const value = Number(decode((await within(reader.read(), 5000, 'a counter datagram')).value));
      values.push(value);
      if (onValue) {
        onValue(value);
      }
    }
    transport.close();
    return values;
  }

  return { echo, counter };
})();
