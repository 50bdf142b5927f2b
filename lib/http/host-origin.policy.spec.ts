import { describe, expect, it } from '@jest/globals';
import { checkHostAndOrigin, isLoopbackAddress } from './host-origin.policy.js';

const loopback = { localAddress: '127.0.0.1' };
const publicIf = { localAddress: '10.0.0.5' };

describe('checkHostAndOrigin', () => {
  it('recognises loopback addresses', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) {
      expect(isLoopbackAddress(a)).toBe(true);
    }
    for (const a of ['10.0.0.1', '::ffff:10.0.0.1', '0.0.0.0', undefined]) {
      expect(isLoopbackAddress(a)).toBe(false);
    }
  });

  it('on a loopback interface, accepts only loopback hosts and origins by default', () => {
    for (const host of ['localhost:3000', '127.0.0.1:8080', '[::1]:3000', 'LOCALHOST']) {
      expect(checkHostAndOrigin({ ...loopback, host }, {})).toBeUndefined();
    }
    expect(checkHostAndOrigin({ ...loopback, host: 'evil.example.com' }, {})).toMatch(/Host/);
    expect(checkHostAndOrigin({ ...loopback }, {})).toMatch(/Host/);
    const host = 'localhost:3000';
    expect(
      checkHostAndOrigin({ ...loopback, host, origin: 'http://localhost:5173' }, {}),
    ).toBeUndefined();
    expect(
      checkHostAndOrigin({ ...loopback, host, origin: 'http://evil.example.com' }, {}),
    ).toMatch(/Origin/);
    expect(checkHostAndOrigin({ ...loopback, host, origin: 'null' }, {})).toMatch(/Origin/);
  });

  it('elsewhere, accepts any host but only a same-origin Origin by default', () => {
    const host = 'api.example.com';
    expect(checkHostAndOrigin({ ...publicIf, host }, {})).toBeUndefined();
    expect(
      checkHostAndOrigin({ ...publicIf, host, origin: 'https://api.example.com' }, {}),
    ).toBeUndefined();
    expect(
      checkHostAndOrigin({ ...publicIf, host, origin: 'https://evil.example.com' }, {}),
    ).toMatch(/Origin/);
  });

  it('applies allowedHosts, with or without a port', () => {
    const policy = { allowedHosts: ['api.example.com', 'admin.example.com:8443'] };
    expect(
      checkHostAndOrigin({ ...loopback, host: 'api.example.com:443' }, policy),
    ).toBeUndefined();
    expect(
      checkHostAndOrigin({ ...loopback, host: 'admin.example.com:8443' }, policy),
    ).toBeUndefined();
    expect(checkHostAndOrigin({ ...loopback, host: 'admin.example.com:9000' }, policy)).toMatch(
      /Host/,
    );
    expect(checkHostAndOrigin({ ...loopback, host: 'localhost' }, policy)).toMatch(/Host/);
    expect(
      checkHostAndOrigin({ ...loopback, host: 'anything' }, { allowedHosts: ['*'] }),
    ).toBeUndefined();
  });

  it('applies allowedOrigins exactly, or any with *', () => {
    const host = 'localhost:3000';
    const policy = { allowedOrigins: ['https://app.example.com'] };
    expect(
      checkHostAndOrigin({ ...loopback, host, origin: 'https://app.example.com/' }, policy),
    ).toBeUndefined();
    expect(
      checkHostAndOrigin({ ...loopback, host, origin: 'http://localhost:3000' }, policy),
    ).toMatch(/Origin/);
    expect(
      checkHostAndOrigin(
        { ...loopback, host, origin: 'https://x.test' },
        { allowedOrigins: ['*'] },
      ),
    ).toBeUndefined();
  });
});
