/**
 * Sign-in through the organisation's identity provider: OpenID Connect authorization code with
 * PKCE (oidc-client-ts). The server verifies the access token against the same issuer.
 */
import { InMemoryWebStorage, UserManager, WebStorageStateStore } from 'oidc-client-ts';

export function oidcManager(issuer: string, clientId: string, returnPath: string): UserManager {
  return new UserManager({
    authority: issuer,
    client_id: clientId,
    redirect_uri: `${location.origin}${returnPath}`,
    response_type: 'code',
    scope: 'openid profile',
    // The provider's user (tokens, profile) is kept in memory only, and dropped once the app has
    // the access token: nothing of it, a subject claim included, stays in the browser's storage.
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    automaticSilentRenew: false,
  });
}

/** Completes the redirect back from the provider: the access token and when it expires. */
export async function completeOidc(issuer: string, clientId: string, returnPath: string): Promise<{ token: string; expiresAt?: string; state?: string }> {
  const m = oidcManager(issuer, clientId, returnPath);
  const user = await m.signinRedirectCallback();
  await m.removeUser();
  return { token: user.access_token, expiresAt: user.expires_at ? new Date(user.expires_at * 1000).toISOString() : undefined, state: typeof user.state === 'string' ? user.state : undefined };
}

export const isOidcCallback = () => new URLSearchParams(location.search).has('code') && new URLSearchParams(location.search).has('state');
