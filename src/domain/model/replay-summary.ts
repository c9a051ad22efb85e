/** At most this many failed connections are kept in the summary of an answer too large to store whole. */
export const MAX_SUMMARY_FAILURES = 100;

interface Entry {
  status?: unknown;
}

/**
 * What is kept for replays when a send's answer is too large to store whole: every total and field as it
 * was, but of the per-connection entries only the failed ones, at most `keep` in all (delivered and gone
 * entries are dropped: the totals count them). Works on the answer of every send: a user's report
 * (`connections`), a many-users report (`users`, each summarized), a fan-out report (`failures`).
 */
export function summarizeForReplay(value: unknown, keep = MAX_SUMMARY_FAILURES): unknown {
  let budget = keep;
  const take = <T>(items: readonly T[]): T[] => {
    const kept = items.slice(0, Math.max(0, budget));
    budget -= kept.length;
    return kept;
  };
  const visit = (node: unknown): unknown => {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
    const out: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(node)) {
      if (name === 'connections' && Array.isArray(field)) out[name] = take(field.filter((c: Entry) => c?.status === 'failed'));
      else if (name === 'users' && Array.isArray(field)) out[name] = field.map(visit);
      else if (name === 'failures' && Array.isArray(field)) {
        const kept = take(field);
        out[name] = kept;
        if (kept.length < field.length) out.failuresTruncated = true;
      } else if (!(name === 'failuresTruncated' && out.failuresTruncated === true)) out[name] = field;
    }
    return out;
  };
  return visit(value);
}
