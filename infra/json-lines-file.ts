/**
 * A file of JSON lines written in order, for exports. Opening it checks the path before any work
 * is done; every failure names the command-line flag that gave the path.
 */
import { type FileHandle, open } from 'node:fs/promises';

export class JsonLinesFile {
  private constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
    private readonly flag: string,
  ) {}

  /** Creates (or empties) the file at `path`; `flag` is the option that named it, for errors. */
  static async create(path: string, flag: string): Promise<JsonLinesFile> {
    try {
      return new JsonLinesFile(await open(path, 'w'), path, flag);
    } catch (error) {
      throw new Error(`${flag} "${path}" cannot be written (${codeOf(error)})`);
    }
  }

  /** Appends one line per value. */
  async write(values: readonly unknown[]): Promise<void> {
    if (values.length === 0) return;
    const text = values.map((value) => `${JSON.stringify(value)}\n`).join('');
    try {
      await this.handle.write(text);
    } catch (error) {
      throw new Error(`${this.flag} "${this.path}": writing failed (${codeOf(error)})`);
    }
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error as Error).message;
}
