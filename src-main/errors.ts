/**
 * A mistake in what the user asked for (an option, a case name, a file that
 * cannot be read): the CLI prints it without a stack and exits with code 2.
 * Below the CLI so that benchmarks and the engine can refuse a request in the
 * same words whoever called them.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
