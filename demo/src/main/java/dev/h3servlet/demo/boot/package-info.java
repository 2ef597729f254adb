/**
 * The demo: a Spring Boot MVC application configured only by {@code application.properties}, answering over HTTP/3
 * on Boot's embedded Jetty, with a development certificate made on its first run.
 */
package dev.h3servlet.demo.boot;
