/**
 * Human names for file types ("Figma file", "PDF document"), in the reader's language: from the
 * file name's extension first (browsers often report `application/octet-stream` for design
 * files), then the MIME type, then "PSD file" from the bare extension, then "File".
 */
export type FileKind =
  | 'figma'
  | 'sketch'
  | 'photoshop'
  | 'illustrator'
  | 'indesign'
  | 'pdf'
  | 'zip'
  | 'archive'
  | 'jpeg'
  | 'png'
  | 'gif'
  | 'webp'
  | 'svg'
  | 'heic'
  | 'tiff'
  | 'image'
  | 'video'
  | 'audio'
  | 'word'
  | 'excel'
  | 'powerpoint'
  | 'text'
  | 'csv'
  | 'font';

const BY_EXTENSION: Readonly<Record<string, FileKind>> = {
  fig: 'figma',
  sketch: 'sketch',
  psd: 'photoshop',
  psb: 'photoshop',
  ai: 'illustrator',
  indd: 'indesign',
  pdf: 'pdf',
  zip: 'zip',
  '7z': 'archive',
  rar: 'archive',
  tar: 'archive',
  gz: 'archive',
  tgz: 'archive',
  jpg: 'jpeg',
  jpeg: 'jpeg',
  png: 'png',
  gif: 'gif',
  webp: 'webp',
  svg: 'svg',
  heic: 'heic',
  tif: 'tiff',
  tiff: 'tiff',
  mp4: 'video',
  mov: 'video',
  webm: 'video',
  mkv: 'video',
  mp3: 'audio',
  wav: 'audio',
  m4a: 'audio',
  flac: 'audio',
  doc: 'word',
  docx: 'word',
  xls: 'excel',
  xlsx: 'excel',
  ppt: 'powerpoint',
  pptx: 'powerpoint',
  key: 'powerpoint',
  txt: 'text',
  md: 'text',
  csv: 'csv',
  ttf: 'font',
  otf: 'font',
  woff: 'font',
  woff2: 'font',
};

const BY_MIME: Readonly<Record<string, FileKind>> = {
  'application/pdf': 'pdf',
  'application/zip': 'zip',
  'application/x-zip-compressed': 'zip',
  'image/jpeg': 'jpeg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/svg+xml': 'svg',
  'image/heic': 'heic',
  'image/tiff': 'tiff',
  'text/plain': 'text',
  'text/csv': 'csv',
};

const LABELS: Readonly<Record<'en' | 'de', Readonly<Record<FileKind, string>>>> = {
  en: {
    figma: 'Figma file',
    sketch: 'Sketch file',
    photoshop: 'Photoshop file',
    illustrator: 'Illustrator file',
    indesign: 'InDesign file',
    pdf: 'PDF document',
    zip: 'ZIP archive',
    archive: 'Archive',
    jpeg: 'JPEG image',
    png: 'PNG image',
    gif: 'GIF image',
    webp: 'WebP image',
    svg: 'SVG image',
    heic: 'HEIC photo',
    tiff: 'TIFF image',
    image: 'Image',
    video: 'Video',
    audio: 'Audio',
    word: 'Word document',
    excel: 'Excel spreadsheet',
    powerpoint: 'Presentation',
    text: 'Text file',
    csv: 'CSV table',
    font: 'Font',
  },
  de: {
    figma: 'Figma-Datei',
    sketch: 'Sketch-Datei',
    photoshop: 'Photoshop-Datei',
    illustrator: 'Illustrator-Datei',
    indesign: 'InDesign-Datei',
    pdf: 'PDF-Dokument',
    zip: 'ZIP-Archiv',
    archive: 'Archiv',
    jpeg: 'JPEG-Bild',
    png: 'PNG-Bild',
    gif: 'GIF-Bild',
    webp: 'WebP-Bild',
    svg: 'SVG-Grafik',
    heic: 'HEIC-Foto',
    tiff: 'TIFF-Bild',
    image: 'Bild',
    video: 'Video',
    audio: 'Audio',
    word: 'Word-Dokument',
    excel: 'Excel-Tabelle',
    powerpoint: 'Präsentation',
    text: 'Textdatei',
    csv: 'CSV-Tabelle',
    font: 'Schriftart',
  },
};

/** The file name's extension in lower case ("Brand.FIG" → "fig"); '' when it has none. */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || dot === name.length - 1) return '';
  const ext = name.slice(dot + 1).toLowerCase();
  return /^[a-z0-9]{1,10}$/.test(ext) ? ext : '';
}

/** The kind of file, or null when neither its extension nor its MIME type is known. */
export function fileKind(name: string, mimeType: string): FileKind | null {
  const ext = extensionOf(name);
  const byExt = BY_EXTENSION[ext];
  if (byExt) return byExt;
  const mime = mimeType.toLowerCase().split(';')[0]?.trim() ?? '';
  const byMime = BY_MIME[mime];
  if (byMime) return byMime;
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  return null;
}

/** "Figma file", "Figma-Datei"; unknown kinds by extension ("PSX file"), else "File". */
export function fileTypeLabel(name: string, mimeType: string, locale: string): string {
  const lang = locale.toLowerCase().startsWith('de') ? 'de' : 'en';
  const kind = fileKind(name, mimeType);
  if (kind) return LABELS[lang][kind];
  const ext = extensionOf(name).toUpperCase();
  if (ext) return lang === 'de' ? `${ext}-Datei` : `${ext} file`;
  return lang === 'de' ? 'Datei' : 'File';
}

const DECIMAL_UNITS = ['kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/**
 * A file's size as people read it on a label, in decimal units ("1.2 GB", "340 kB", German
 * "1,2 GB"), the way operating systems and storage makers count; under 1 kB in bytes. `locale`
 * is an Intl tag ("en", "de-DE").
 */
export function formatFileSize(bytes: number, locale: string): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1000) {
    return new Intl.NumberFormat(locale, {
      style: 'unit',
      unit: 'byte',
      unitDisplay: 'long',
    }).format(bytes);
  }
  let value = bytes / 1000;
  let unit = 0;
  // Round first, so 999,950 bytes reads "1 MB" rather than "1,000 kB".
  while (Math.round(value * 10) / 10 >= 1000 && unit < DECIMAL_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return new Intl.NumberFormat(locale, {
    style: 'unit',
    unit: DECIMAL_UNITS[unit] ?? 'terabyte',
    unitDisplay: 'short',
    maximumFractionDigits: value < 100 ? 1 : 0,
  }).format(value);
}
