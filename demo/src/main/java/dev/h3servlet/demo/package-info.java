/**
 * A plain-Java demo server built on {@link dev.h3servlet.servlet.Http3ServletServer}, without Spring.
 */
package dev.h3servlet.demo;
