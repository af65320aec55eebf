/**
 * Storing an uploaded file from a request body, shared by the officials' uploads
 * (api/routes/upload-routes.ts) and the citizens' (api/routes/citizen-routes.ts): the body streamed
 * into the document store as it arrives, with a limit (refused with 413 as soon as it is passed),
 * the type read from its first bytes (PDF, JPEG or PNG; 415 otherwise, before anything is written),
 * a body cut off mid-way refused. A refused or cut-off upload stores nothing.
 */
import type { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { cleanFileName, formatByteSize, type UploadMediaType, uploadMediaTypes } from '../domain/uploads.js';
import type { DocumentStore, StoredDocument } from '../infra/document-store.js';

export const DEFAULT_UPLOAD_LIMIT_BYTES = 10 * 1024 * 1024;

/** 413 or 415: the upload is refused; nothing was stored. */
export class UploadRefusedError extends Error {
  override name = 'UploadRefusedError';
  constructor(
    readonly statusCode: 413 | 415,
    readonly code: 'TOO_LARGE' | 'UNSUPPORTED_TYPE',
    message: string,
  ) {
    super(message);
  }
}

/** The client went away before the body was complete: nothing is stored, nobody to answer. */
export class UploadAbortedError extends Error {
  override name = 'UploadAbortedError';
  readonly statusCode = 400;
  readonly code = 'ABORTED';
}

export function tooLarge(limit: number): UploadRefusedError {
  return new UploadRefusedError(
    413,
    'TOO_LARGE',
    `Tệp vượt quá dung lượng cho phép ${formatByteSize(limit)} (the file is larger than ${limit} bytes)`,
  );
}

/** A 413 said before the body is read, from its declared length. */
export function refuseDeclaredTooLarge(
  header: string | undefined,
  limit: number,
  refusal: UploadRefusedError = tooLarge(limit),
): void {
  if (header !== undefined && Number(header) > limit) throw refusal;
}

/** What file-type reads at most to recognise a type: the first bytes are held back until then. */
const DETECTION_BYTES = 4100;

/**
 * The body streamed into the store: its type read from the first bytes, then every chunk sealed
 * as it arrives. Refused (413, 415) or cut off, it leaves nothing in the store.
 */
export async function storeUpload(
  documents: DocumentStore,
  body: Readable,
  name: string,
  limit: number,
  refusal: UploadRefusedError = tooLarge(limit),
): Promise<{ stored: StoredDocument; mediaType: UploadMediaType }> {
  const chunks = limitedChunks(body, limit, refusal)[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < DETECTION_BYTES) {
    const next = await chunks.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    headBytes += next.value.byteLength;
  }
  const mediaType = await detectMediaType(Buffer.concat(head, headBytes)).catch(async (error) => {
    // Read to the end (and its limit) before answering: a request cut short would lose the answer.
    for (let next = await chunks.next(); !next.done; next = await chunks.next());
    throw error;
  });
  async function* whole(): AsyncGenerator<Buffer> {
    yield* head;
    if (!ended) yield* { [Symbol.asyncIterator]: () => chunks };
  }
  const stored = await documents.putStream(whole(), { mediaType, name: cleanFileName(name, mediaType) });
  return { stored, mediaType };
}

/** The body's chunks, refused as soon as they pass the limit (the rest is not read). */
async function* limitedChunks(
  body: Readable,
  limit: number,
  refusal: UploadRefusedError,
): AsyncGenerator<Buffer> {
  let size = 0;
  try {
    for await (const chunk of body.iterator({ destroyOnReturn: false })) {
      size += (chunk as Buffer).byteLength;
      if (size > limit) throw refusal;
      yield chunk as Buffer;
    }
  } catch (error) {
    if (error instanceof UploadRefusedError) throw error;
    throw new UploadAbortedError(
      `Việc tải lên bị ngắt giữa chừng; chưa lưu gì (the upload was cut off: ${(error as Error).message})`,
    );
  } finally {
    // Whatever is left (past the limit, or after a failed store) is discarded as it comes: a client
    // still sending then reads the answer, where a destroyed request would close the connection
    // under it. The server's request timeout bounds how long that may go on.
    if (!body.readableEnded) body.resume();
  }
  if (size === 0) {
    throw new UploadRefusedError(415, 'UNSUPPORTED_TYPE', 'Tệp rỗng, không có nội dung (the file is empty)');
  }
}

/** PDF, JPEG or PNG, read from the content (magic numbers), never from the name or the header. */
export async function detectMediaType(content: Buffer): Promise<UploadMediaType> {
  const detected = await fileTypeFromBuffer(content);
  const mediaType = uploadMediaTypes.find((type) => type === detected?.mime);
  if (mediaType) return mediaType;
  throw new UploadRefusedError(
    415,
    'UNSUPPORTED_TYPE',
    `Chỉ nhận tệp PDF, JPEG hoặc PNG; nội dung tệp là ${detected?.mime ?? 'loại không xác định'} (only PDF, JPEG or PNG: the content is ${detected?.mime ?? 'of an unknown type'})`,
  );
}
