import { createKeyv } from '@keyv/redis';
import { Keyv } from 'keyv';
import { KeyvFile } from 'keyv-file';

/**
 * The Keyv store behind the sample's cache: Redis when `REDIS_URL` is set (several
 * instances can share sessions), else a JSON file, so sessions survive a restart of a
 * single instance with no server installed.
 */
export function createSampleKeyv(): Keyv {
  const redisUrl = process.env.REDIS_URL;
  const namespace = process.env.CACHE_NAMESPACE ?? 'mcp-sample';
  // throwOnErrors: an outage (or a file that cannot be written) must surface as 503,
  // not as missing sessions.
  if (redisUrl) return createKeyv(redisUrl, { namespace, throwOnErrors: true });
  const filename = process.env.SESSION_FILE ?? '.data/sample-sessions.json';
  const store = new KeyvFile({ filename, writeDelay: 20 });
  return new Keyv({ store, namespace, throwOnErrors: true });
}
