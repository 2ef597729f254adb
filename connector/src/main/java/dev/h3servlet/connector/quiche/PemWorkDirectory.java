package dev.h3servlet.connector.quiche;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

import dev.h3servlet.connector.Http3StartupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory quiche reads the private key and certificate chain from, as PEM files that Jetty exports at start.
 * <p>
 * A configured directory is checked and used as it is (Jetty deletes the files it wrote there when it stops). Without
 * one, a private directory (owner-only permissions) is created at start and deleted at stop, or at JVM shutdown if
 * the server is never stopped.
 */
final class PemWorkDirectory {

	private static final Logger logger = LoggerFactory.getLogger(PemWorkDirectory.class);

	private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

	private final Path configured;

	private Path created;

	private Thread shutdownHook;

	PemWorkDirectory(Path configured) {
		this.configured = configured;
	}

	/** Returns the directory to use, creating the private one if none was configured. */
	synchronized Path open() throws IOException {
		if (this.configured != null) {
			return checkConfigured(this.configured);
		}
		if (this.created == null) {
			this.created = createPrivate();
			Path created = this.created;
			this.shutdownHook = new Thread(() -> deleteAtShutdown(created), "h3servlet-pem-cleanup");
			Runtime.getRuntime().addShutdownHook(this.shutdownHook);
		}
		return this.created;
	}

	/**
	 * Deletes the private directory, if one was created. The shutdown hook is removed only once the directory is gone:
	 * if the JVM starts shutting down meanwhile (SIGTERM while the server stops), the hook still runs and finishes the
	 * deletion, instead of the JVM halting this thread half-way and leaving the directory behind.
	 */
	synchronized void close() {
		Path dir = this.created;
		if (dir == null) {
			return;
		}
		this.created = null;
		deleteRecursively(dir);
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// The JVM is shutting down: the hook runs anyway, and finds nothing left to delete.
		}
	}

	private static Path createPrivate() throws IOException {
		if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
			return Files.createTempDirectory("h3servlet-pem-", PosixFilePermissions.asFileAttribute(OWNER_ONLY));
		}
		return Files.createTempDirectory("h3servlet-pem-");
	}

	private static Path checkConfigured(Path dir) throws IOException {
		if (!Files.exists(dir)) {
			create(dir);
		}
		if (!Files.isDirectory(dir)) {
			throw new Http3StartupException("HTTP/3 PEM work directory '" + dir + "' is not a directory",
					"Point pemWorkDir at a directory, or unset it to use a private temporary one");
		}
		if (!Files.isWritable(dir)) {
			throw new Http3StartupException("HTTP/3 PEM work directory '" + dir + "' is not writable by user '"
					+ System.getProperty("user.name") + "': Jetty exports the TLS private key there at start",
					"Make it writable (owner-only, e.g. chmod 700), or unset pemWorkDir to use a private temporary one");
		}
		warnIfShared(dir);
		return dir;
	}

	private static void create(Path dir) throws IOException {
		try {
			if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
				Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
			}
			else {
				Files.createDirectories(dir);
			}
		}
		catch (IOException ex) {
			throw new IOException("HTTP/3 PEM work directory '" + dir + "' does not exist and could not be created ("
					+ ex + "): create it (owner-only, e.g. mkdir -m 700), point pemWorkDir at a directory that can be "
					+ "created, or unset pemWorkDir to use a private temporary one", ex);
		}
	}

	private static void warnIfShared(Path dir) throws IOException {
		if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
			Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir);
			if (!OWNER_ONLY.containsAll(permissions)) {
				logger.warn("HTTP/3 PEM work directory '{}' has permissions {}: the TLS private key is written there, "
						+ "so only its owner should have access (chmod 700)", dir,
						PosixFilePermissions.toString(permissions));
			}
		}
	}

	/** At JVM shutdown logging may be gone already: a failure goes to stderr, where it is still seen. */
	private static void deleteAtShutdown(Path dir) {
		try {
			deleteRecursively(dir);
		}
		catch (UncheckedIOException ex) {
			System.err.println(ex.getMessage() + ": " + ex.getCause());
		}
	}

	/**
	 * Deletes the directory and what it holds. Others may delete in it at the same time (Jetty removes the PEM files
	 * it exported when its connector stops, and at JVM shutdown this hook runs beside the server's stop): what is
	 * already gone is skipped.
	 */
	private static void deleteRecursively(Path dir) {
		try {
			Files.walkFileTree(dir, new SimpleFileVisitor<>() {

				@Override
				public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
					Files.deleteIfExists(file);
					return FileVisitResult.CONTINUE;
				}

				@Override
				public FileVisitResult visitFileFailed(Path file, IOException ex) throws IOException {
					if (ex instanceof NoSuchFileException) {
						return FileVisitResult.CONTINUE;
					}
					throw ex;
				}

				@Override
				public FileVisitResult postVisitDirectory(Path directory, IOException ex) throws IOException {
					if (ex != null && !(ex instanceof NoSuchFileException)) {
						throw ex;
					}
					Files.deleteIfExists(directory);
					return FileVisitResult.CONTINUE;
				}

			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not delete HTTP/3 PEM work directory '" + dir + "'", ex);
		}
	}

}
