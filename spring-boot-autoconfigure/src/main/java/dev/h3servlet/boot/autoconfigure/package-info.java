/**
 * Spring Boot 4 auto-configuration of HTTP/3 on the embedded Jetty: {@code server.http3.enabled=true} and the
 * {@code server.http3.*} properties ({@link dev.h3servlet.boot.autoconfigure.Http3Properties}), the application's TLS,
 * and Boot's failure report for what keeps HTTP/3 from starting. The meters are in {@code dev.h3servlet.boot.metrics}.
 */
package dev.h3servlet.boot.autoconfigure;
