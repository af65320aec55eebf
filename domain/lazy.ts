/**
 * A record whose values are built on first read, then kept. Workflow code gets its own copy of
 * every module it imports (one per workflow in the worker's sandbox), so building only the zod
 * schemas a dossier actually uses saves memory and CPU per workflow.
 */
export function lazyRecord<B extends Record<string, () => unknown>>(
  builders: B,
): { readonly [K in keyof B]: ReturnType<B[K]> } {
  const record = {} as { [K in keyof B]: ReturnType<B[K]> };
  for (const key of Object.keys(builders) as Array<keyof B>) {
    let value: ReturnType<B[typeof key]> | undefined;
    Object.defineProperty(record, key, {
      enumerable: true,
      get: () => {
        value ??= builders[key]?.() as ReturnType<B[typeof key]>;
        return value;
      },
    });
  }
  return Object.freeze(record);
}
