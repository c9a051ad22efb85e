/** Percent-decodes `text`, or undefined when it is not valid percent-encoding. */
export function tryDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}
