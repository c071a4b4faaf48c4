import { describe, expect, test } from 'vitest';
import { contrastRatio, normalizeAccent, sniffLogoType, textColorOn } from '../../src/domain/brand';
import { extensionOf, fileKind, fileTypeLabel, formatFileSize } from '../../src/domain/file-types';
import { findIban, groupIban, isValidIban } from '../../src/domain/iban';
import {
  REFERENCE_ALPHABET,
  REFERENCE_PATTERN,
  paymentReference,
} from '../../src/domain/payment-reference';

describe('payment references', () => {
  test('are MP- and six characters without look-alikes', () => {
    expect(REFERENCE_ALPHABET).not.toMatch(/[01OILU]/);
    expect(paymentReference(() => 0)).toBe('MP-222222');
    expect(paymentReference((max) => max - 1)).toBe('MP-ZZZZZZ');
    let n = 0;
    const ref = paymentReference((max) => n++ % max);
    expect(ref).toMatch(REFERENCE_PATTERN);
  });
});

describe('brand colours', () => {
  test('text on the accent is black or white, whichever contrasts more (≥ 4.5 for mid tones too)', () => {
    expect(textColorOn('#ffd400')).toBe('#000000');
    expect(textColorOn('#1a2b8c')).toBe('#ffffff');
    expect(textColorOn('#000000')).toBe('#ffffff');
    for (const accent of ['#777777', '#e11d48', '#2563eb', '#16a34a', '#f59e0b', '#7c3aed']) {
      expect(contrastRatio(accent, textColorOn(accent))).toBeGreaterThanOrEqual(4.5);
    }
    expect(normalizeAccent('#AbCdEf')).toBe('#abcdef');
    expect(normalizeAccent('red')).toBeNull();
  });

  test('logos are recognised by their first bytes only', () => {
    expect(sniffLogoType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe(
      'image/png',
    );
    expect(sniffLogoType(Buffer.from([0xff, 0xd8, 0xff, 0xdb]))).toBe('image/jpeg');
    expect(sniffLogoType(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 ', 'binary'))).toBe('image/webp');
    expect(sniffLogoType(Buffer.from('RIFF\x10\x00\x00\x00WAVEfmt ', 'binary'))).toBeNull();
    expect(sniffLogoType(Buffer.from('GIF89a'))).toBeNull();
    expect(sniffLogoType(Buffer.from('<svg/>'))).toBeNull();
    expect(sniffLogoType(Buffer.alloc(0))).toBeNull();
  });
});

describe('file type labels', () => {
  test('by extension first, then MIME type, then the bare extension', () => {
    expect(fileTypeLabel('Brand.fig', 'application/octet-stream', 'en')).toBe('Figma file');
    expect(fileTypeLabel('Brand.FIG', '', 'de')).toBe('Figma-Datei');
    expect(fileTypeLabel('book.pdf', 'application/pdf', 'en')).toBe('PDF document');
    expect(fileTypeLabel('all', 'application/zip', 'en')).toBe('ZIP archive');
    expect(fileTypeLabel('all', 'application/zip', 'de-AT')).toBe('ZIP-Archiv');
    expect(fileTypeLabel('photo.jpeg', 'image/jpeg', 'en')).toBe('JPEG image');
    expect(fileTypeLabel('scan', 'image/x-portable-bitmap', 'en')).toBe('Image');
    expect(fileTypeLabel('design.xd', 'application/octet-stream', 'en')).toBe('XD file');
    expect(fileTypeLabel('design.xd', 'application/octet-stream', 'de')).toBe('XD-Datei');
    expect(fileTypeLabel('README', '', 'en')).toBe('File');
    expect(fileTypeLabel('.env', '', 'de')).toBe('Datei');
    expect(extensionOf('archive.tar.gz')).toBe('gz');
    expect(extensionOf('weird.<script>')).toBe('');
    expect(fileKind('x.unknown', 'application/x-thing')).toBeNull();
  });
});

describe('file sizes', () => {
  test("in decimal units, one decimal below 100, in the reader's language", () => {
    expect(formatFileSize(0, 'en')).toBe('0 bytes');
    expect(formatFileSize(1, 'en')).toBe('1 byte');
    expect(formatFileSize(999, 'en')).toBe('999 bytes');
    expect(formatFileSize(1000, 'en')).toBe('1 kB');
    expect(formatFileSize(340_000, 'en')).toBe('340 kB');
    expect(formatFileSize(1_234_567, 'en')).toBe('1.2 MB');
    expect(formatFileSize(1_200_000_000, 'en')).toBe('1.2 GB');
    expect(formatFileSize(1_200_000_000, 'de-DE')).toBe('1,2\u00a0GB');
    expect(formatFileSize(999_960, 'en')).toBe('1 MB');
    expect(formatFileSize(512, 'de-DE').replace(/\s/g, ' ')).toBe('512 Byte');
    // Not binary: 1 MiB is 1.05 MB.
    expect(formatFileSize(1024 * 1024, 'en')).toBe('1 MB');
    expect(formatFileSize(5 * 1024 * 1024, 'en')).toBe('5.2 MB');
    expect(formatFileSize(-1, 'en')).toBe('—');
  });
});

describe('IBANs in payment instructions', () => {
  test('are found by their check digits, whatever surrounds them', () => {
    expect(isValidIban('DE89370400440532013000')).toBe(true);
    expect(isValidIban('DE89370400440532013001')).toBe(false);
    expect(findIban('Bank transfer to IBAN DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX')).toBe(
      'DE89370400440532013000',
    );
    expect(findIban('IBAN DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX')).toBe(
      'DE89370400440532013000',
    );
    expect(findIban('iban: gb82 west 1234 5698 7654 32')).toBe('GB82WEST12345698765432');
    // A wrong check digit or no IBAN at all: nothing to copy.
    expect(findIban('IBAN DE88 3704 0044 0532 0130 00')).toBeNull();
    expect(findIban('Pay cash on delivery, ref MP-7F3K9Q')).toBeNull();
    expect(groupIban('DE89370400440532013000')).toBe('DE89 3704 0044 0532 0130 00');
  });
});
