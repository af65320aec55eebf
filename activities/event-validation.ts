/** Shared by the publishing activities: an event that does not match its schema is never retried. */
import { ApplicationFailure } from '@temporalio/common';
import type { z } from 'zod';
import { formatZodError } from '../domain/validation.js';

export function validEventOrFail<S extends z.ZodType>(schema: S, candidate: { id: string }): z.output<S> {
  const parsed = schema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  throw ApplicationFailure.nonRetryable(
    `Event ${candidate.id} does not match the schema: ${formatZodError(parsed.error).join('; ')}`,
    'INVALID_EVENT',
  );
}
