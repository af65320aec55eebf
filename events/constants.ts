/**
 * Constants of the event contract, kept free of schemas so that workflow code can import them
 * without building the zod schemas of events/dossier-event-schema.ts in every workflow's sandbox.
 */

/** 766 KenhThucHien: 1 = trực tiếp (counter), 2 = trực tuyến (online), 3 = bưu chính công ích (postal). */
export const channelCodes = { counter: 1, online: 2, postal: 3 } as const;

/**
 * The publishing activity retries for at most `publishRetrySpanMs`; the duplicate window is
 * longer, so a retried publish of `<code>:<seq>` is always recognised as a duplicate.
 */
export const publishRetrySpanMs = 60 * 60_000;
export const duplicateWindowMs = 2 * publishRetrySpanMs;
