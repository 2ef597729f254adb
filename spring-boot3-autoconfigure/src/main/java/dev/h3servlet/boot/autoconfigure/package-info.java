/**
 * Spring Boot 3.5 auto-configuration of HTTP/3 on the embedded Jetty 12.0: the same properties, meters and failure
 * report as the Boot 4 auto-configuration, compiled from its shared sources against Boot 3's packages.
 */
package dev.h3servlet.boot.autoconfigure;
