/**
 * Sign-in through the organisation's identity provider: OpenID Connect authorization code with
 * PKCE (oidc-client-ts). The server verifies the access token against the same issuer.
 */
import { UserManager, WebStorageStateStore } from 'oidc-client-ts';

export function oidcManager(issuer: string, clientId: string, returnPath: string): UserManager {
  return new UserManager({
    authority: issuer,
    client_id: clientId,
    redirect_uri: `${location.origin}${returnPath}`,
    response_type: 'code',
    scope: 'openid profile',
    userStore: new WebStorageStateStore({ store: sessionStorage }),
  });
}

export const isOidcCallback = () => new URLSearchParams(location.search).has('code') && new URLSearchParams(location.search).has('state');
