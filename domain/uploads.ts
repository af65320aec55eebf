/**
 * Uploaded components: the types taken (read from the content, never from the name), the file
 * names as stored, sizes for people.
 */

export const uploadMediaTypes = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type UploadMediaType = (typeof uploadMediaTypes)[number];

const extensions: Record<UploadMediaType, readonly string[]> = {
  'application/pdf': ['pdf'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
};

const MAX_NAME_LENGTH = 120;

/**
 * A file name safe to store and to offer back: no directories, control or reserved characters,
 * white space folded, at most 120 characters, and the extension of the type the content has.
 * Vietnamese letters stay (NFC).
 */
export function cleanFileName(name: string, mediaType: UploadMediaType): string {
  const base = name.normalize('NFC').split(/[\\/]/).at(-1) ?? '';
  const cleaned = base
    .replace(/[\p{Cc}\p{Cf}<>:"|?*]/gu, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  const dot = cleaned.lastIndexOf('.');
  const extension = dot > 0 ? cleaned.slice(dot + 1).toLowerCase() : '';
  const accepted = extensions[mediaType];
  const stem = accepted.includes(extension) ? cleaned.slice(0, dot) : cleaned;
  const suffix = `.${accepted.includes(extension) ? extension : accepted[0]}`;
  const trimmedStem = (stem || 'tai-lieu').slice(0, MAX_NAME_LENGTH - suffix.length).trim() || 'tai-lieu';
  return `${trimmedStem}${suffix}`;
}

/** `10 MB`, `512 KB`, `900 B` (powers of 1024, as file managers show them). */
export function formatByteSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / (1024 * 1024)).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} B`;
}
