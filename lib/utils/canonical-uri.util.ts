/**
 * A URI as the SDK looks resources up (`new URL(uri).toString()`: lower-case scheme, a
 * `/` path on an empty http path...), so that every spelling of one resource meets; a
 * string that is not a URL stays as it is.
 */
export function canonicalUri(uri: string): string {
  return URL.canParse(uri) ? new URL(uri).href : uri;
}
