/** Configuration of the local stack (`npm start`), from environment variables, validated with zod. */
import { join } from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../infra/tools.js';

const port = (fallback: number) => z.coerce.number().int().min(1).max(65_535).default(fallback);

export const localStackConfigSchema = z.object({
  TTHC_DATA_DIR: z.string().min(1).default(join(projectRoot, '.data')),
  TTHC_TEMPORAL_PORT: port(7233),
  TTHC_TEMPORAL_UI_PORT: port(8233),
  TTHC_NATS_PORT: port(4222),
  TTHC_ORGANISATION: z.string().min(1).default('demo'),
  TTHC_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('info'),
  /** The Temporal SDK's own logs (worker state changes and the like). */
  TTHC_SDK_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error']).default('error'),
});

export type LocalStackConfig = z.infer<typeof localStackConfigSchema>;

export function loadLocalStackConfig(env: NodeJS.ProcessEnv = process.env): LocalStackConfig {
  const result = localStackConfigSchema.safeParse(env);
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration: ${issues.join('; ')}`);
  }
  return result.data;
}
