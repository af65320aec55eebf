/**
 * The Node options every long-running process of the project starts with: a 64 MiB young
 * generation (docs/operations.md, "Node's heap"). The npm scripts and the Dockerfile write the same
 * option; `test/integration/ops-compose.test.ts` checks that they do.
 */
export const serviceNodeOptions: readonly string[] = ['--max-semi-space-size=64'];
