# h3servlet: https://github.com/h3servlet/h3servlet (unpack h3servlet-jetty-module-*.zip into $JETTY_BASE first)

[description]
Switches h3servlet's HTTP/3 listener to the jetty-quiche transport: Jetty's own QUIC and HTTP/3 (quiche, through
Jetty's JNA binding on Java 17-21 or its foreign binding on Java 22+) in place of Netty's. Jetty marks it
experimental, and its whole artifact set exists only for Jetty 12.1.5. Enable with --add-modules=h3servlet-quiche.

[tags]
connector
http3
quic
h3servlet
experimental

[depend]
h3servlet
quic-quiche-server

[lib]
lib/http3/jetty-http3-common-${jetty.version}.jar
lib/http3/jetty-http3-qpack-${jetty.version}.jar
lib/http3/jetty-http3-server-${jetty.version}.jar

[ini-template]
## h3servlet on Jetty's own quiche-based HTTP/3 (remove this module, or set netty here, to go back to Netty's).
jetty.h3servlet.transport=jetty-quiche
