import type { ErrorResult, ForbiddenResult, PostResult, ThrottledResult } from '../../ports/connection.messenger.js';

/** Every way a management API call can fail, as a value (the non-success part of `PostResult`). */
export type FailedCall = Exclude<PostResult, { status: 'delivered' }>;
/** The failures of GET and DELETE: a 413 there is an error like any other 4xx. */
export type FailedManagementCall = { status: 'gone' } | ForbiddenResult | ThrottledResult | ErrorResult;

/** What came back, as both adapters see it: the error type (`x-amzn-ErrorType`), the status, a message. */
export interface ManagementAnswer {
  /** `GoneException`…, without anything after a `:`; undefined when the header was absent. */
  errorType?: string;
  httpStatus?: number;
  /** Says what happened and where: method, URL, region and AWS's message. */
  message: string;
  retryAfterMs?: number;
  /** Only for a call that got no HTTP answer: false when trying again cannot help (no credentials). */
  retryable?: boolean;
}

const BY_ERROR_TYPE = new Map<string, FailedCall['status']>([
  ['GoneException', 'gone'],
  ['ForbiddenException', 'forbidden'],
  ['PayloadTooLargeException', 'too_large'],
  ['LimitExceededException', 'throttled'],
]);

const BY_STATUS = new Map<number, FailedCall['status']>([
  [410, 'gone'],
  [403, 'forbidden'],
  [413, 'too_large'],
  [429, 'throttled'],
]);

/** `x-amzn-ErrorType` first, then the status: 410 gone, 403 forbidden, 413 too large, 429 throttled; 5xx and no answer retryable. */
export function failedCall(answer: ManagementAnswer): FailedCall {
  const { errorType, httpStatus, message } = answer;
  const kind = (errorType && BY_ERROR_TYPE.get(errorType)) || (httpStatus !== undefined ? BY_STATUS.get(httpStatus) : undefined);
  switch (kind) {
    case 'gone':
      return { status: 'gone' };
    case 'forbidden':
      return { status: 'forbidden', message };
    case 'too_large':
      return { status: 'too_large', message };
    case 'throttled':
      return answer.retryAfterMs !== undefined ? { status: 'throttled', message, retryAfterMs: answer.retryAfterMs } : { status: 'throttled', message };
    default:
      if (httpStatus === undefined) return { status: 'error', message, retryable: answer.retryable ?? true };
      return { status: 'error', message, retryable: httpStatus >= 500, httpStatus };
  }
}

/** The same mapping for GET and DELETE. */
export function failedManagementCall(answer: ManagementAnswer): FailedManagementCall {
  const failure = failedCall(answer);
  if (failure.status !== 'too_large') return failure;
  return { status: 'error', message: failure.message, retryable: false, httpStatus: answer.httpStatus ?? 413 };
}

/** `x-amzn-ErrorType: GoneException:http://internal.amazon.com/…` → `GoneException`. */
export function errorTypeOf(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const colon = value.indexOf(':');
  return colon < 0 ? value : value.slice(0, colon);
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMsOf(header: string | string[] | undefined, nowMs: number): number | undefined {
  const value = (Array.isArray(header) ? header[0] : header)?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
