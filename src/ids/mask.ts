/**
 * Display forms of identifiers. Masking is the only form in which a person's number may appear in
 * logs, messages or screens (DESIGN.md §5).
 */

/**
 * Masks an identifier for display. `cn-rid` keeps the address code and the last four characters
 * (`110101********4514`), the customary form on Chinese documents; `cn-uscc` codes are public
 * registry data and are returned unchanged; any other scheme keeps two characters at each end,
 * and values too short for that to hide anything are starred entirely.
 */
export function maskIdentifier(scheme: string, value: string): string {
  // Code points, not UTF-16 units, so a deployment scheme with non-BMP characters is not split.
  const chars = Array.from(value);
  if (scheme === 'cn-uscc') return value;
  if (scheme === 'cn-rid') return keepEnds(chars, 6, 4);
  return keepEnds(chars, 2, 2);
}

function keepEnds(chars: string[], head: number, tail: number): string {
  if (chars.length <= head + tail) return '*'.repeat(chars.length);
  return chars.slice(0, head).join('') + '*'.repeat(chars.length - head - tail) + chars.slice(-tail).join('');
}
