import { describe, expect, it } from 'vitest';
import { cleanFileName, formatByteSize } from '../../domain/uploads.js';

describe('cleanFileName', () => {
  it('keeps a Vietnamese name and its extension', () => {
    expect(cleanFileName('Căn cước công dân.pdf', 'application/pdf')).toBe('Căn cước công dân.pdf');
    expect(cleanFileName('anh-the.JPEG', 'image/jpeg')).toBe('anh-the.jpeg');
  });

  it('drops directories, control and reserved characters, and folds white space', () => {
    expect(cleanFileName('../../etc/passwd', 'application/pdf')).toBe('passwd.pdf');
    expect(cleanFileName('C:\\Users\\a\\giấy tờ.pdf', 'application/pdf')).toBe('giấy tờ.pdf');
    expect(cleanFileName('a<b>:c"d|e?f*\u0000\u202e  g.png', 'image/png')).toBe('abcdef g.png');
  });

  it('gives the extension of the content, whatever the name says', () => {
    expect(cleanFileName('scan.pdf', 'image/png')).toBe('scan.pdf.png');
    expect(cleanFileName('scan', 'image/jpeg')).toBe('scan.jpg');
  });

  it('names a file that has no usable name, and keeps long names to 120 characters', () => {
    expect(cleanFileName(' ... ', 'application/pdf')).toBe('tai-lieu.pdf');
    expect(cleanFileName('/', 'image/png')).toBe('tai-lieu.png');
    const long = cleanFileName(`${'đ'.repeat(300)}.pdf`, 'application/pdf');
    expect(long.length).toBe(120);
    expect(long.endsWith('.pdf')).toBe(true);
  });
});

describe('formatByteSize', () => {
  it('writes sizes as file managers do', () => {
    expect(formatByteSize(10 * 1024 * 1024)).toBe('10 MB');
    expect(formatByteSize(1536)).toBe('1.5 KB');
    expect(formatByteSize(900)).toBe('900 B');
  });
});
