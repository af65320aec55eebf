/**
 * Reading an uploaded file from a request body, shared by the officials' uploads
 * (api/routes/upload-routes.ts) and the citizens' (api/routes/citizen-routes.ts): the body read
 * as a stream with a limit (a larger body is never held whole: 413), the type read from the
 * content (PDF, JPEG or PNG; 415 otherwise), a body cut off mid-way refused (nothing stored).
 */
import type { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { formatByteSize, type UploadMediaType, uploadMediaTypes } from '../domain/uploads.js';

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

/** The body, refused as soon as it passes the limit (the rest is not read). */
export async function readLimited(
  body: Readable,
  limit: number,
  refusal: UploadRefusedError = tooLarge(limit),
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      size += (chunk as Buffer).byteLength;
      if (size > limit) {
        body.destroy();
        throw refusal;
      }
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof UploadRefusedError) throw error;
    throw new UploadAbortedError(
      `Việc tải lên bị ngắt giữa chừng; chưa lưu gì (the upload was cut off: ${(error as Error).message})`,
    );
  }
  if (size === 0) {
    throw new UploadRefusedError(415, 'UNSUPPORTED_TYPE', 'Tệp rỗng, không có nội dung (the file is empty)');
  }
  return Buffer.concat(chunks, size);
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
