/**
 * A self-signed certificate for {@code localhost}, made with the JDK's {@code keytool}, for the demo and the tests:
 * HTTP/3 needs TLS, and a first run needs no key store of the user's. No production module depends on it.
 */
package dev.h3servlet.development;
