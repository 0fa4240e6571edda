/** Reading a position back through a source map (v3), so a problem found in generated JavaScript points at the author's source. */

const BASE64_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** A 0-based line and column. */
export interface SourcePosition {
  line: number;
  column: number;
}

/**
 * The source position of a 0-based generated position, from a source map's `mappings`: the
 * nearest mapped segment at or before the column on that line (or the line's first mapped
 * segment). Undefined when the line maps to nothing. A map of a single source is assumed.
 */
export function originalPositionOf(mappings: string, generated: SourcePosition): SourcePosition | undefined {
  const lines = mappings.split(';');
  let source: SourcePosition = { line: 0, column: 0 };
  let found: SourcePosition | undefined;
  for (let line = 0; line <= generated.line && line < lines.length; line += 1) {
    let column = 0;
    for (const segment of (lines[line] ?? '').split(',')) {
      if (segment === '') continue;
      const [columnDelta = 0, , lineDelta, columnInSourceDelta] = decodeVlq(segment);
      column += columnDelta;
      if (lineDelta === undefined || columnInSourceDelta === undefined) continue;
      source = { line: source.line + lineDelta, column: source.column + columnInSourceDelta };
      if (line === generated.line && (found === undefined || column <= generated.column)) found = source;
    }
  }
  return found;
}

/** The numbers of one segment: base64 digits of 5 value bits and a continuation bit, sign in the lowest bit. */
function decodeVlq(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const character of segment) {
    const digit = BASE64_DIGITS.indexOf(character);
    if (digit < 0) return values;
    value += (digit & 31) << shift;
    if ((digit & 32) !== 0) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}
