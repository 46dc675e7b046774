/** Fill of each grade: the same colours as the site's .grade-* rules (style.css), each >= 4.5:1 against white text. */
export const GRADE_COLORS: Record<string, string> = {
  A: '#1f7a3d',
  B: '#4d7c0f',
  C: '#946200',
  D: '#b13a0a',
  F: '#b91c1c',
  '?': '#5b6470',
};

/**
 * A shields-style badge, "toolrisk | grade B", as a standalone SVG. The grade is one of GRADE_COLORS' keys,
 * so nothing from the server reaches the file; the title names the grade for screen readers.
 */
export function gradeBadgeSvg(grade: string): string {
  const g = grade in GRADE_COLORS ? grade : '?';
  const label = 'toolrisk';
  const value = g === '?' ? 'not graded' : `grade ${g}`;
  const labelWidth = 58;
  const valueWidth = g === '?' ? 74 : 56;
  const width = labelWidth + valueWidth;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="20" role="img" aria-label="${label}: ${value}">
<title>${label}: ${value}</title>
<rect width="${labelWidth}" height="20" rx="3" fill="#2b3137"/>
<rect x="${labelWidth}" width="${valueWidth}" height="20" rx="3" fill="${GRADE_COLORS[g]}"/>
<rect x="${labelWidth - 4}" width="8" height="20" fill="${GRADE_COLORS[g]}"/>
<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" text-anchor="middle">
<text x="${labelWidth / 2}" y="14">${label}</text>
<text x="${labelWidth + valueWidth / 2}" y="14">${value}</text>
</g>
</svg>
`;
}
