/**
 * A URI as the SDK looks resources up (`new URL(uri).href`: lower-case scheme, a `/`
 * path on an empty http path...), so that every spelling of one resource meets;
 * `undefined` when `uri` is not an absolute URI.
 */
export function canonicalUri(uri: string): string | undefined {
  try {
    return new URL(uri).href;
  } catch {
    return undefined;
  }
}
