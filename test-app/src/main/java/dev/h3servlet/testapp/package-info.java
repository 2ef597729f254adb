/**
 * The test application: plain servlets without h3servlet code, deployed embedded, under Spring Boot and as a WAR on
 * a standalone Jetty by the end-to-end tests (see {@link dev.h3servlet.testapp.TestApp}).
 */
package dev.h3servlet.testapp;
