/**
 * Calls a decorated method, making whatever it throws an `Error`: the SDK answers a
 * thrown object with `[object Object]`, and a thrown `undefined` with nothing at all.
 */
export async function invoke(call: () => unknown): Promise<unknown> {
  try {
    return await call();
  } catch (thrown) {
    if (thrown instanceof Error) throw thrown;
    const message = (thrown as { message?: unknown } | null | undefined)?.message;
    const text = typeof message === 'string' ? message : typeof thrown === 'string' ? thrown : '';
    throw new Error(text || `Handler failed: it threw ${String(thrown)}`, { cause: thrown });
  }
}

/**
 * The SDKs call a tool or prompt handler with `(args, context)` when it has an argument
 * schema and with `(context)` alone when it has none; this gives `run` both either way.
 */
export function withArgs<Context, T>(
  hasSchema: boolean,
  run: (args: unknown, context: Context) => Promise<T>,
) {
  return hasSchema ? run : (context: Context) => run({}, context);
}
