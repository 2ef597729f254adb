/**
 * What the transports share and applications do not call: key store checks and what the listeners say. Not API; it
 * may change in any release.
 */
package dev.h3servlet.connector.internal;
