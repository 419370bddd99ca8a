import { jwtVerify, SignJWT } from "jose";
import type { AccessTokenSigner } from "../../application/auth/api-tokens";

const ISSUER = "storefront";
const AUDIENCE = "storefront-api";

/** HS256 JWTs (jose). Every web instance must share the secret. */
export class JoseAccessTokenSigner implements AccessTokenSigner {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  sign(claims: { sid: string; sub: string }, expiresInSeconds: number): Promise<string> {
    return new SignJWT({ sid: claims.sid })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(claims.sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${expiresInSeconds}s`)
      .sign(this.key);
  }

  async verify(token: string): Promise<{ sid: string; sub: string } | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ["HS256"] });
      return typeof payload.sid === "string" && typeof payload.sub === "string" ? { sid: payload.sid, sub: payload.sub } : null;
    } catch {
      return null;
    }
  }
}
