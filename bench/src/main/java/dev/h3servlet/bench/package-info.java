/**
 * The h1/h2/h3 benchmark harness, run by hand: load generators (Netty's HTTP/3 client, Jetty's HTTP/1.1 and HTTP/2
 * clients), the servers they measure, and the scenarios that print the numbers.
 */
package dev.h3servlet.bench;
