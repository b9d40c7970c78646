// The embosser's and indenter's fonts: pitch, line limit, character set and the character cell
// the preview and the clearance checks use.

export type EmbossFontName = '7B' | '1B' | 'indent';

export interface EmbossFont {
  name: EmbossFontName;
  /** Distance between character centres, mm. */
  pitch: number;
  /** Longest line the font allows, characters. */
  maxChars: number;
  /** Characters the font can strike (space included). */
  charset: string;
  /** Character cell width and height above the baseline, mm. */
  width: number;
  height: number;
}

// The character sets match what the machine driver accepts (electron/devices/machine/protocol.ts).
const DIGITS = '0123456789';
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

export const EMBOSS_FONTS: Readonly<Record<EmbossFontName, EmbossFont>> = {
  // ISO/IEC 7811-1/-3: OCR-7B at 7 characters per inch, 19 characters on line 1. The cell
  // (2.7 × 4.32 mm) is the commonly cited Farrington 7B glyph size, not a figure of standards.md.
  '7B': { name: '7B', pitch: 3.63, maxChars: 19, charset: DIGITS + ' ./-', width: 2.7, height: 4.32 },
  // 1B at 10 characters per inch, 27 characters a line; cell 2.0 × 2.92 mm (commonly cited).
  '1B': { name: '1B', pitch: 2.54, maxChars: 27, charset: LETTERS + DIGITS + " .,/'&-", width: 2.0, height: 2.92 },
  // Flat indent (signature panel, CVV2): station assumption of 10 cpi and a 1.8 × 2.5 mm cell.
  indent: { name: 'indent', pitch: 2.54, maxChars: 27, charset: LETTERS + DIGITS + ' ./-', width: 1.8, height: 2.5 },
};

/** 1-based position of the first character of `text` the font lacks, or 0 when all fit. */
export function firstMissingChar(charset: string, text: string): number {
  for (let i = 0; i < text.length; i++) if (!charset.includes(text[i])) return i + 1;
  return 0;
}
