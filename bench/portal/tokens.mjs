// ID-token sign + verify through @atrium/auth against bare jose, same key, same claims, same run.
import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, importJWK, jwtVerify, SignJWT } from 'jose';
import { opsPerSecond } from '../lib.mjs';

const ISSUER = 'https://photos.example.org';
const AUDIENCE = 'family-client';
const claims = () => ({
  sub: randomUUID(),
  nonce: 'n-0S6_WzA2Mj',
  sid: 'dZj6cQ5H9l2',
  amr: ['pwd', 'otp', 'mfa'],
  name: 'Ann Example',
  preferred_username: 'ann',
  atrium_role: 'contributor',
  atrium_groups: ['family'],
  atrium_base_path: 'people/ann',
  atrium_upload_path: 'uploads/ann',
  atrium_webdav: false,
});

/** Operations per second of one sign followed by one verify, for libs/auth and for bare jose. */
export async function signVerify(ms) {
  const { generateSigningJwk, signJwt, toPublicJwks, verifyJwt } = await import('@atrium/auth');
  const jwk = await generateSigningJwk('EdDSA');
  const jwks = toPublicJwks([jwk]);

  const viaAuth = async () => {
    const token = await signJwt(claims(), jwk, { issuer: ISSUER, audience: AUDIENCE, expiresIn: 600 });
    await verifyJwt(token, jwks, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['EdDSA'] });
  };

  const privateKey = await importJWK(jwk, 'EdDSA');
  const localJwks = createLocalJWKSet(jwks);
  const viaJose = async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT(claims())
      .setProtectedHeader({ alg: 'EdDSA', kid: jwk.kid, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(privateKey);
    await jwtVerify(token, localJwks, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['EdDSA'] });
  };

  // Alternate the two so that neither profits from a warmer machine.
  const auth = [];
  const jose = [];
  for (let round = 0; round < 3; round++) {
    jose.push(await opsPerSecond(viaJose, { ms }));
    auth.push(await opsPerSecond(viaAuth, { ms }));
  }
  const best = (xs) => Math.max(...xs);
  return { auth: best(auth), jose: best(jose) };
}
