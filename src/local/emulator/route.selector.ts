/**
 * Route selection by `$request.body.action`: a text frame whose JSON has a string `action` naming a known
 * route goes there; anything else (binary, not JSON, no or unknown action) goes to `$default`.
 */
export function selectRoute(text: string | undefined, knownRoutes: ReadonlySet<string>): string {
  if (text === undefined) return '$default';
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const action = (parsed as Record<string, unknown>).action;
      if (typeof action === 'string' && knownRoutes.has(action)) return action;
    }
  } catch {
    // Not JSON: $default, as on AWS.
  }
  return '$default';
}
