/**
 * The version matrix's Spring MVC application, built against each supported Spring Boot version.
 */
package dev.h3servlet.matrix;
