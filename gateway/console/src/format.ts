/**
 * Display helpers. Amounts are minor units (cents) as decimal strings, shown with two decimals
 * without ever going through floating point.
 */
export function money(minor: string | undefined): string {
  if (minor === undefined) return '–';
  const v = BigInt(minor);
  const neg = v < 0n;
  const abs = neg ? -v : v;
  const units = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${neg ? '-' : ''}${units}.${cents}`;
}

/** An ISO 8601 timestamp as a readable UTC date and time ("2026-11-30 16:37 UTC"). */
export function when(iso: string | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** True when `iso` lies in the past. */
export function past(iso: string | undefined): boolean {
  return !!iso && new Date(iso).getTime() < Date.now();
}
