import crypto from 'node:crypto';
import { freshNonce, signedHeaders, NONCE_HEADER } from '../../../platform/request-signature';

// The first test runs first in this file's own module registry, so the nonce pool starts empty.
describe("a signed request's nonce", () => {
  afterEach(() => jest.restoreAllMocks());

  it('is 16 bytes from the CSPRNG, each byte handed out once and in order, one draw per 256 nonces', () => {
    const drawn: Buffer[] = [];
    jest.spyOn(crypto, 'randomBytes').mockImplementation((size: number) => {
      const bytes = Buffer.from(Array.from({ length: size }, (_, i) => (i * 7 + drawn.length * 13) % 256));
      drawn.push(Buffer.from(bytes));
      return bytes;
    });
    const nonces = Array.from({ length: 600 }, () => freshNonce());
    expect(drawn.length).toBe(3);
    expect(nonces.every((nonce) => /^[A-Za-z0-9_-]{22}$/.test(nonce))).toBe(true);
    const handedOut = Buffer.concat(nonces.map((nonce) => Buffer.from(nonce, 'base64url')));
    expect(handedOut.equals(Buffer.concat(drawn).subarray(0, 600 * 16))).toBe(true);
    // Use up the made-up pool, so the next test's nonces come from the real CSPRNG.
    for (let i = 600; i < 3 * 256; i += 1) freshNonce();
    expect(drawn.length).toBe(3);
  });

  it('differs on every request signed', () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 2000; i += 1) {
      nonces.add(signedHeaders('secret', { audience: 'records', path: '/', viewer: 'v', body: '{}', at: 0 })[NONCE_HEADER]!);
    }
    expect(nonces.size).toBe(2000);
  });
});
