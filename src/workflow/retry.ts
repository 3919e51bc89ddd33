/** Running a transaction again when the database chose it as the victim of a deadlock or conflict. */

const RETRYABLE = new Set(['40P01', '40001']); // PostgreSQL: deadlock_detected, serialization_failure

export function isRetryable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (RETRYABLE.has(code) || code === 'SQLITE_BUSY');
}

export async function retryOnDeadlock<T>(run: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if (attempt >= attempts || !isRetryable(err)) throw err;
      // A short, jittered pause lets the other transaction finish first.
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
