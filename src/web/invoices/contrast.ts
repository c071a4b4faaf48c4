/**
 * The accent colour's check before it reaches the portal (WCAG 2.x AA): the text on a branded
 * button — black or white, whichever the server will pick — needs 4.5:1 against the accent, and
 * the button itself 3:1 against the portal's white cards (1.4.11, non-text contrast), or a
 * client could not make out where to press.
 */
import { ACCENT_PATTERN, contrastRatio, textColorOn } from '../../domain/brand';

export const PAGE_SURFACE = '#ffffff';
export const MIN_TEXT_RATIO = 4.5;
export const MIN_SHAPE_RATIO = 3;

export interface AccentCheck {
  text: '#000000' | '#ffffff';
  textRatio: number;
  shapeRatio: number;
  passes: boolean;
}

/** The accent's two ratios, or null when it is not a #RRGGBB colour. */
export function checkAccent(accent: string): AccentCheck | null {
  if (!ACCENT_PATTERN.test(accent)) return null;
  const text = textColorOn(accent);
  const textRatio = contrastRatio(accent, text);
  const shapeRatio = contrastRatio(accent, PAGE_SURFACE);
  return {
    text,
    textRatio,
    shapeRatio,
    passes: textRatio >= MIN_TEXT_RATIO && shapeRatio >= MIN_SHAPE_RATIO,
  };
}
