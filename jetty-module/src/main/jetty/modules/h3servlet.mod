# h3servlet: https://github.com/h3servlet/h3servlet (unpack h3servlet-jetty-module-*.zip into $JETTY_BASE first)

[description]
Adds HTTP/3 (QUIC over UDP) beside the TLS connector of the ssl module, on the same port number by default, sharing
its key store and HttpConfiguration: Alt-Svc on HTTP/1.1 and HTTP/2 responses, TLS request attributes over HTTP/3,
large UDP buffers, and servlet semantics over HTTP/3 for the deployed web apps (h3servlet). The netty transport
(Netty's QUIC and HTTP/3 codecs, in lib/h3servlet) is the default; the h3servlet-quiche module switches to Jetty's
own quiche-based HTTP/3 (Jetty 12.1.5). Replaces Jetty's own http3 module: do not enable both.

[tags]
connector
http3
http
quic
h3servlet
experimental

[depend]
ssl
http2

[after]
https
http2
alpn

[provides]
# In place of Jetty's own HTTP/3 (http3-quiche, the default http3-impl): start.jar refuses to enable both.
http3-impl
http3-quiche

[lib]
lib/h3servlet/*.jar

[xml]
etc/h3servlet.xml

[ini]
jetty.h3servlet.transport?=netty
jetty.h3servlet.udpReceiveBufferSize?=4194304
jetty.h3servlet.udpSendBufferSize?=4194304
jetty.h3servlet.altSvc.enabled?=true
jetty.h3servlet.altSvc.maxAge?=86400
jetty.h3servlet.webTransport.enabled?=false
jetty.h3servlet.webTransport.maxSessions?=16
jetty.h3servlet.webTransport.maxStreamsPerSession?=256
jetty.h3servlet.webTransport.datagramQueue?=256

[ini-template]
## h3servlet: HTTP/3 beside the TLS connector (jetty.ssl.*), with its key store (jetty.sslContext.*).
## Keys named as in Jetty's http3 module mean the same; unset ones follow the TLS connector or the defaults shown.

## What turns UDP into Jetty requests: netty (Netty's QUIC + HTTP/3 codecs, shipped in lib/h3servlet), or
## jetty-quiche (Jetty's own HTTP/3, Jetty 12.1.5 only: enable the h3servlet-quiche module, which sets this).
# jetty.h3servlet.transport=netty

## The host/address to bind the UDP socket to (default: jetty.ssl.host).
# jetty.quic.host=0.0.0.0

## The UDP port (default: the TLS connector's port number, also when jetty.ssl.port=0; 0 picks any free port).
# jetty.quic.port=8443

## The QUIC connection idle timeout, in milliseconds.
# jetty.quic.idleTimeout=30000

## The maximum number of requests (bidirectional streams) a client may have open at once on a connection
## (default: 256 on the netty transport, 131072 on jetty-quiche).
# jetty.quic.bidirectionalMaxStreams=256

## The bytes a client may send on a connection before the server grants more (QUIC flow control).
# jetty.quic.sessionMaxData=25165824

## The bytes a client may send on one request stream before the server grants more (QUIC flow control).
# jetty.quic.remoteBidirectionalStreamMaxData=16777216

## The idle timeout of one request stream, in milliseconds.
# jetty.http3.streamIdleTimeout=30000

## The largest request field section, in bytes (default: jetty.httpConfig.requestHeaderSize).
# jetty.http3.maxRequestHeadersSize=8192

## jetty-quiche transport only: the directory where the TLS key and certificate chain are exported as PEM files for
## quiche (default: a private temporary directory, owner-only, deleted when Jetty stops). The netty transport keeps
## them in memory.
# jetty.quic.pemWorkDir=

## The UDP socket buffers (SO_RCVBUF, SO_SNDBUF) to ask the OS for, in bytes. Linux grants at most
## net.core.rmem_max / wmem_max; a warning at start says when it granted less.
# jetty.h3servlet.udpReceiveBufferSize=4194304
# jetty.h3servlet.udpSendBufferSize=4194304

## netty transport only: UDP sockets on the port (SO_REUSEPORT), each read and written by its own event loop thread;
## one socket processes QUIC packets on at most one core (default: the transport's choice, see the README).
# jetty.h3servlet.eventLoops=1

## Whether HTTP/1.1 and HTTP/2 responses advertise HTTP/3 (Alt-Svc: h3=":port"; ma=...), and the ma in seconds.
# jetty.h3servlet.altSvc.enabled=true
# jetty.h3servlet.altSvc.maxAge=86400

## The UDP port the advertisement names when clients reach HTTP/3 through another one (a load balancer's 443);
## default: the listener's own port.
# jetty.h3servlet.altSvc.port=443

## netty transport only: accept WebTransport sessions (draft-02, as Chromium speaks it) for the endpoints the web
## applications register.
# jetty.h3servlet.webTransport.enabled=false
## Sessions one connection may have open at once (a CONNECT beyond: 429), and streams the client may have open at
## once in one session (one beyond: reset with H3_REQUEST_REJECTED).
# jetty.h3servlet.webTransport.maxSessions=16
# jetty.h3servlet.webTransport.maxStreamsPerSession=256
## Datagrams queued at most: per connection in QUIC each way, per session waiting for the application; more are
## dropped.
# jetty.h3servlet.webTransport.datagramQueue=256
