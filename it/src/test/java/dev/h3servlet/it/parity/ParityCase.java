package dev.h3servlet.it.parity;

/**
 * One servlet behaviour of the catalogue: what it covers, and the exchanges that show it. The same body runs over
 * HTTP/1.1, HTTP/2 and HTTP/3.
 * @param name a short unique name (the table's row)
 * @param covers what behaviour the case exercises
 * @param exchanges the requests and what is recorded of them
 */
record ParityCase(String name, String covers, Exchanges exchanges) {

	@FunctionalInterface
	interface Exchanges {

		void run(CaseRun run) throws Exception;

	}

}
