import { randomBytes } from 'node:crypto';

/**
 * Ids shaped like API Gateway's: 11 random bytes in standard base64 give 16 characters ending in `=`
 * (e.g. `L0SM9cOFvHcCIhw=`), and may contain `/` and `+`, which callers must URL-encode.
 */
export function newAwsId(): string {
  return randomBytes(11).toString('base64');
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `requestTime` as API Gateway writes it: `25/Nov/2026:21:19:42 +0000`. */
export function formatRequestTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
  );
}

/**
 * An `X-Amzn-Trace-Id` value as API Gateway adds to `$connect`: `Root=1-{epoch seconds, 8 hex}-{24 hex}`.
 */
export function newTraceId(epochMs: number): string {
  const seconds = Math.floor(epochMs / 1000).toString(16).padStart(8, '0');
  return `Root=1-${seconds}-${randomBytes(12).toString('hex')}`;
}
