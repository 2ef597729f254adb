/**
 * A Spring WebFlux application on Reactor Netty's HTTP/3, the reactive baseline the bench compares h3servlet with.
 */
package dev.h3servlet.bench.webflux;
