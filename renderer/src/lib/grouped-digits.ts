/**
 * A count with its thousands set apart by thin spaces, as SI and ISO 80000-1 write them:
 * `toLocaleString()` wrote 11,176,448 or 11.176.448 by the workstation's locale, and beside
 * figures like 0.85 a German "11.176" reads as a decimal.
 */
export function groupedDigits(n: number): string {
  const sign = n < 0 ? '−' : '';
  return sign + String(Math.abs(Math.trunc(n))).replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
}
