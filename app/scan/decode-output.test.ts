import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeToolOutput } from './decode-output.js';

const corpus = (name: string): Buffer => readFileSync(new URL(`./fixtures/corpus/${name}`, import.meta.url));

describe('decodeToolOutput: the one place tool bytes become text', () => {
  it('keeps plain UTF-8 as it is and drops a UTF-8 BOM', () => {
    expect(decodeToolOutput(Buffer.from('tcp LISTEN ä\n'))).toBe('tcp LISTEN ä\n');
    expect(decodeToolOutput(Buffer.from('\uFEFFTCP x\n'))).toBe('TCP x\n');
  });

  it('turns CRLF and the CR CR LF of cmd.exe pipes into LF, but keeps a lone CR', () => {
    expect(decodeToolOutput(Buffer.from('a\r\nb\r\r\nc\rd\n'))).toBe('a\nb\nc\rd\n');
  });

  it('reads UTF-16LE with a BOM, without one, and UTF-16BE with a BOM; a cut half character is dropped', () => {
    const text = '  TCP    0.0.0.0:135    0.0.0.0:0    ABHÖREN    1020\r\n';
    const le = Buffer.from(text, 'utf16le');
    expect(decodeToolOutput(Buffer.concat([Buffer.from([0xff, 0xfe]), le]))).toBe(text.replace('\r\n', '\n'));
    expect(decodeToolOutput(le)).toBe(text.replace('\r\n', '\n'));
    expect(decodeToolOutput(le.subarray(0, le.length - 1))).toBe(text.slice(0, -1));
    const be = Buffer.from(le).swap16();
    expect(decodeToolOutput(Buffer.concat([Buffer.from([0xfe, 0xff]), be]))).toBe(text.replace('\r\n', '\n'));
  });

  it('does not mistake lsof -F0 NUL separators for UTF-16', () => {
    const bytes = corpus('linux/lsof-4.95.0-root-F0.txt');
    expect(decodeToolOutput(bytes)).toBe(bytes.toString('utf8'));
  });

  it('reads bytes that are not UTF-8 in OEM code page 850, or the code page named', () => {
    expect(decodeToolOutput(Buffer.from([0x41, 0x42, 0x48, 0x99, 0x52, 0x45, 0x4e]))).toBe('ABHÖREN');
    expect(decodeToolOutput(Buffer.from([0x82, 0xa0]), { legacyEncoding: 'shift_jis' })).toBe('あ');
    expect(decodeToolOutput(Buffer.from([0x8e, 0xff]), { legacyEncoding: 'no-such-code-page' })).toBe(
      'Ä\u00a0',
    );
  });
});
