/**
 * A small PDF writer for the statutory forms and receipts the citizen downloads: text in
 * Vietnamese (the DejaVu Sans TrueType font shipped in data/fonts, embedded as a CID font with
 * Identity-H encoding and a ToUnicode map, so the text can be searched and copied), wrapped to the
 * page width, on A5 or A4 pages. No dependency: PDF 1.7 objects written by hand, the font and the
 * page contents compressed with zlib.
 */
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const FONT_URL = new URL('../data/fonts/DejaVuSans.ttf', import.meta.url);

interface ParsedFont {
  file: Buffer;
  unitsPerEm: number;
  ascent: number;
  descent: number;
  bbox: [number, number, number, number];
  advance: (glyph: number) => number;
  glyphOf: (codePoint: number) => number;
}

let font: ParsedFont | undefined;

function loadFont(): ParsedFont {
  if (font) return font;
  const file = readFileSync(FONT_URL);
  const tables = new Map<string, { offset: number; length: number }>();
  const count = file.readUInt16BE(4);
  for (let i = 0; i < count; i++) {
    const at = 12 + i * 16;
    tables.set(file.toString('latin1', at, at + 4), {
      offset: file.readUInt32BE(at + 8),
      length: file.readUInt32BE(at + 12),
    });
  }
  const table = (tag: string) => {
    const t = tables.get(tag);
    if (!t) throw new Error(`font table ${tag} missing`);
    return t.offset;
  };
  const head = table('head');
  const unitsPerEm = file.readUInt16BE(head + 18);
  const bbox: [number, number, number, number] = [
    file.readInt16BE(head + 36),
    file.readInt16BE(head + 38),
    file.readInt16BE(head + 40),
    file.readInt16BE(head + 42),
  ];
  const hhea = table('hhea');
  const ascent = file.readInt16BE(hhea + 4);
  const descent = file.readInt16BE(hhea + 6);
  const metrics = file.readUInt16BE(hhea + 34);
  const hmtx = table('hmtx');
  const advance = (glyph: number) => file.readUInt16BE(hmtx + 4 * Math.min(glyph, metrics - 1));
  // cmap: the Windows Unicode BMP subtable (format 4).
  const cmap = table('cmap');
  let sub = -1;
  for (let i = 0; i < file.readUInt16BE(cmap + 2); i++) {
    const platform = file.readUInt16BE(cmap + 4 + i * 8);
    const encoding = file.readUInt16BE(cmap + 6 + i * 8);
    const offset = file.readUInt32BE(cmap + 8 + i * 8);
    if (platform === 3 && encoding === 1 && file.readUInt16BE(cmap + offset) === 4) sub = cmap + offset;
  }
  if (sub < 0) throw new Error('font has no Unicode BMP cmap');
  const segments = file.readUInt16BE(sub + 6) / 2;
  const ends = sub + 14;
  const starts = ends + segments * 2 + 2;
  const deltas = starts + segments * 2;
  const ranges = deltas + segments * 2;
  const cache = new Map<number, number>();
  const glyphOf = (cp: number) => {
    const cached = cache.get(cp);
    if (cached !== undefined) return cached;
    let glyph = 0;
    if (cp <= 0xffff) {
      for (let i = 0; i < segments; i++) {
        if (file.readUInt16BE(ends + i * 2) < cp) continue;
        const start = file.readUInt16BE(starts + i * 2);
        if (start > cp) break;
        const delta = file.readInt16BE(deltas + i * 2);
        const rangeOffset = file.readUInt16BE(ranges + i * 2);
        if (rangeOffset === 0) glyph = (cp + delta) & 0xffff;
        else {
          const at = ranges + i * 2 + rangeOffset + (cp - start) * 2;
          const g = file.readUInt16BE(at);
          glyph = g === 0 ? 0 : (g + delta) & 0xffff;
        }
        break;
      }
    }
    cache.set(cp, glyph);
    return glyph;
  };
  font = { file, unitsPerEm, ascent, descent, bbox, advance, glyphOf };
  return font;
}

export const paperSizes = { A5: [419.53, 595.28], A4: [595.28, 841.89] } as const;

export interface TextOptions {
  size?: number;
  bold?: boolean;
  align?: 'left' | 'center' | 'right';
  /** Left indent, points. */
  indent?: number;
}

/** Lays out text top to bottom, page after page. */
export class PdfDocument {
  private readonly pages: string[][] = [[]];
  private y: number;
  private readonly used = new Map<number, number>();
  private readonly font = loadFont();

  constructor(
    private readonly paper: keyof typeof paperSizes = 'A5',
    private readonly margin = 36,
  ) {
    this.y = this.height - margin;
  }

  private get width(): number {
    return paperSizes[this.paper][0];
  }

  private get height(): number {
    return paperSizes[this.paper][1];
  }

  /** Width of a text in points at a size. */
  measure(text: string, size: number): number {
    let units = 0;
    for (const ch of text) units += this.font.advance(this.font.glyphOf(ch.codePointAt(0) as number));
    return (units / this.font.unitsPerEm) * size;
  }

  /** A paragraph, wrapped at word boundaries to the text width. */
  text(text: string, options: TextOptions = {}): this {
    const size = options.size ?? 10;
    const indent = options.indent ?? 0;
    const maxWidth = this.width - 2 * this.margin - indent;
    for (const paragraph of text.normalize('NFC').split('\n')) {
      for (const line of this.wrap(paragraph, size, maxWidth))
        this.line(line, size, options, indent, maxWidth);
    }
    return this;
  }

  gap(points = 6): this {
    this.y -= points;
    return this;
  }

  /** A horizontal rule across the text width. */
  rule(): this {
    this.ensure(8);
    this.y -= 4;
    this.current.push(
      `0.5 w ${this.margin} ${this.y.toFixed(2)} m ${(this.width - this.margin).toFixed(2)} ${this.y.toFixed(2)} l S`,
    );
    this.y -= 6;
    return this;
  }

  /** The finished file. */
  build(): Buffer {
    const objects: Array<Buffer | string> = [];
    const add = (body: Buffer | string) => {
      objects.push(body);
      return objects.length;
    };
    const stream = (dict: string, data: Buffer) =>
      Buffer.concat([
        Buffer.from(`<< ${dict} /Length ${data.length} >>\nstream\n`, 'latin1'),
        data,
        Buffer.from('\nendstream', 'latin1'),
      ]);
    const f = this.font;
    const scale = 1000 / f.unitsPerEm;
    const fontFile = deflateSync(f.file);
    const fontFileId = add(stream(`/Filter /FlateDecode /Length1 ${f.file.length}`, fontFile));
    const descriptorId = add(
      `<< /Type /FontDescriptor /FontName /DejaVuSans /Flags 32 /FontBBox [${f.bbox.map((v) => Math.round(v * scale)).join(' ')}] /ItalicAngle 0 /Ascent ${Math.round(f.ascent * scale)} /Descent ${Math.round(f.descent * scale)} /CapHeight 729 /StemV 80 /FontFile2 ${fontFileId} 0 R >>`,
    );
    const glyphs = [...new Set(this.used.values())].sort((a, b) => a - b);
    const widths = glyphs.map((g) => `${g} [${Math.round(f.advance(g) * scale)}]`).join(' ');
    const cidFontId = add(
      `<< /Type /Font /Subtype /CIDFontType2 /BaseFont /DejaVuSans /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor ${descriptorId} 0 R /CIDToGIDMap /Identity /DW 600 /W [${widths}] >>`,
    );
    const toUnicode = [
      '/CIDInit /ProcSet findresource begin 12 dict begin begincmap',
      '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
      '/CMapName /Adobe-Identity-UCS def /CMapType 2 def',
      '1 begincodespacerange <0000> <FFFF> endcodespacerange',
    ];
    const pairs = [...this.used.entries()].filter(([cp]) => cp <= 0xffff);
    for (let i = 0; i < pairs.length; i += 100) {
      const chunk = pairs.slice(i, i + 100);
      toUnicode.push(`${chunk.length} beginbfchar`);
      for (const [cp, g] of chunk) toUnicode.push(`<${hex4(g)}> <${hex4(cp)}>`);
      toUnicode.push('endbfchar');
    }
    toUnicode.push('endcmap CMapName currentdict /CMap defineresource pop end end');
    const toUnicodeId = add(
      stream('/Filter /FlateDecode', deflateSync(Buffer.from(toUnicode.join('\n'), 'latin1'))),
    );
    const fontId = add(
      `<< /Type /Font /Subtype /Type0 /BaseFont /DejaVuSans /Encoding /Identity-H /DescendantFonts [${cidFontId} 0 R] /ToUnicode ${toUnicodeId} 0 R >>`,
    );
    const pagesId = objects.length + 1 + this.pages.length * 2;
    const pageIds: number[] = [];
    for (const content of this.pages) {
      const contentId = add(
        stream('/Filter /FlateDecode', deflateSync(Buffer.from(content.join('\n'), 'latin1'))),
      );
      pageIds.push(
        add(
          `<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 ${this.width} ${this.height}] /Resources << /Font << /F1 ${fontId} 0 R >> >> /Contents ${contentId} 0 R >>`,
        ),
      );
    }
    add(`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`);
    const catalogId = add(`<< /Type /Catalog /Pages ${pagesId} 0 R /Lang (vi-VN) >>`);
    const chunks: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
    const offsets: number[] = [];
    let length = chunks[0]?.length ?? 0;
    objects.forEach((body, i) => {
      offsets.push(length);
      const chunk = Buffer.concat([
        Buffer.from(`${i + 1} 0 obj\n`, 'latin1'),
        typeof body === 'string' ? Buffer.from(body, 'latin1') : body,
        Buffer.from('\nendobj\n', 'latin1'),
      ]);
      chunks.push(chunk);
      length += chunk.length;
    });
    const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`];
    for (const offset of offsets) xref.push(`${String(offset).padStart(10, '0')} 00000 n \n`);
    xref.push(
      `trailer\n<< /Size ${objects.length + 1} /Root ${catalogId} 0 R >>\nstartxref\n${length}\n%%EOF\n`,
    );
    chunks.push(Buffer.from(xref.join(''), 'latin1'));
    return Buffer.concat(chunks);
  }

  private get current(): string[] {
    return this.pages.at(-1) as string[];
  }

  private ensure(height: number): void {
    if (this.y - height < this.margin) {
      this.pages.push([]);
      this.y = this.height - this.margin;
    }
  }

  private line(text: string, size: number, options: TextOptions, indent: number, maxWidth: number): void {
    const leading = size * 1.35;
    this.ensure(leading);
    this.y -= leading;
    const width = this.measure(text, size);
    const x =
      options.align === 'center'
        ? this.margin + indent + (maxWidth - width) / 2
        : options.align === 'right'
          ? this.width - this.margin - width
          : this.margin + indent;
    let hex = '';
    for (const ch of text) {
      const cp = ch.codePointAt(0) as number;
      const glyph = this.font.glyphOf(cp);
      this.used.set(cp, glyph);
      hex += hex4(glyph);
    }
    // Bold: the glyphs filled and stroked (render mode 2) with a thin line.
    const mode = options.bold ? `2 Tr ${(size / 30).toFixed(2)} w` : '0 Tr';
    this.current.push(`BT /F1 ${size} Tf ${mode} ${x.toFixed(2)} ${this.y.toFixed(2)} Td <${hex}> Tj ET`);
  }

  private wrap(paragraph: string, size: number, maxWidth: number): string[] {
    if (paragraph === '') return [''];
    const lines: string[] = [];
    let current = '';
    for (const word of paragraph.split(/\s+/)) {
      const candidate = current ? `${current} ${word}` : word;
      if (this.measure(candidate, size) <= maxWidth || !current) current = candidate;
      else {
        lines.push(current);
        current = word;
      }
    }
    lines.push(current);
    return lines;
  }
}

function hex4(n: number): string {
  return n.toString(16).toUpperCase().padStart(4, '0');
}
