import type { AuthorizerResult, PolicyStatement } from '../../adapters/lambda/lambda-events.js';

/** Outcome of an authorizer policy for one methodArn: an explicit Deny wins over any Allow. */
export type PolicyDecision = 'allow' | 'deny' | 'invalid';

export function evaluatePolicy(result: unknown, methodArn: string): PolicyDecision {
  if (!isAuthorizerResult(result)) return 'invalid';
  const applicable = result.policyDocument.Statement.filter(
    (s) => matchesAny(s.Action, ACTION, actionPattern) && matchesAny(s.Resource, methodArn, arnPattern),
  );
  if (applicable.some((s) => s.Effect === 'Deny')) return 'deny';
  return applicable.some((s) => s.Effect === 'Allow') ? 'allow' : 'deny';
}

const ACTION = 'execute-api:Invoke';

function isAuthorizerResult(value: unknown): value is AuthorizerResult {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<AuthorizerResult>;
  return (
    typeof v.principalId === 'string' &&
    typeof v.policyDocument === 'object' &&
    v.policyDocument !== null &&
    Array.isArray(v.policyDocument.Statement)
  );
}

function matchesAny(
  patterns: PolicyStatement['Resource'] | PolicyStatement['Action'] | undefined,
  value: string,
  toRegExp: (pattern: string) => RegExp,
): boolean {
  if (patterns === undefined) return false;
  const list = Array.isArray(patterns) ? patterns : [patterns];
  return list.some((p) => typeof p === 'string' && toRegExp(p).test(value));
}

/** IAM wildcards: `*` any run of characters, `?` one character. */
function arnPattern(pattern: string): RegExp {
  const body = pattern
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

/** Actions compare case-insensitively in IAM. */
function actionPattern(pattern: string): RegExp {
  return new RegExp(arnPattern(pattern).source, 'i');
}
