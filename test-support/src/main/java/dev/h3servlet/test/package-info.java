/**
 * What h3servlet's tests share, with its dependencies: certificates ({@link dev.h3servlet.test.TestCertificate}), the
 * clients that share no code with the server under test (Jetty's HTTP/1.1, HTTP/2 and HTTP/3 clients, Netty's HTTP/3
 * client, headless Chromium) and their JUnit extensions, deterministic bodies, and Netty leak detection after every
 * test class. It depends on no h3servlet module but the development certificate, so that every module's tests can use
 * it; the fixtures that start h3servlet itself stay in the modules they test.
 */
package dev.h3servlet.test;
