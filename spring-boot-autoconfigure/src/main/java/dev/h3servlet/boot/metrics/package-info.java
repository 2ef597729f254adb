/**
 * Micrometer meters of the HTTP/3 connector ({@code jetty.http3.*}) for Spring Boot 4 applications with a
 * {@code MeterRegistry} (Spring Boot Actuator).
 */
package dev.h3servlet.boot.metrics;
