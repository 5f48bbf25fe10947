import type { VendorSpec } from './types.js';

/**
 * Amazon Cognito user pools. The issuer is `https://cognito-idp.{region}.amazonaws.com/{userPoolId}`
 * with `/.well-known/openid-configuration` and `/.well-known/jwks.json` under it
 * (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_IssuerConfigurationType.html);
 * the OAuth endpoints live at the root of the user pool domain: `/oauth2/authorize`, `/oauth2/token`,
 * `/oauth2/userInfo`, `/oauth2/revoke`, `/logout`
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints.html,
 * https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html), so one server
 * hosts one pool's OAuth endpoints. Access tokens: header `kid` and `alg` only, `token_use`,
 * `client_id`, `username`, `scope`, and no `aud` unless a resource was asked for
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html).
 * Token errors are `{ "error": "invalid_client" }` only; the mock's explanation goes to the
 * `x-authctl-error-description` header.
 */
export const cognito = {
  docs: [
    'https://docs.aws.amazon.com/cognito/latest/developerguide/federation-endpoints.html',
    'https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html',
    'https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-access-token.html',
  ],
  layout: 'cognito',
  // A user pool id is `{region}_{id}`; aws-jwt-verify reads the region from it.
  defaultPath: (id) => `/us-east-1_${id.replace(/[^A-Za-z0-9]/g, '') || 'authctl'}`,
  issuerSuffix: '',
  endpoints: {
    openidConfiguration: '/.well-known/openid-configuration',
    jwks: '/.well-known/jwks.json',
    authorize: { host: '/oauth2/authorize' },
    token: { host: '/oauth2/token' },
    userinfo: { host: '/oauth2/userInfo' },
    revoke: { host: '/oauth2/revoke' },
    endSession: { host: '/logout' },
  },
  accessTokenTyp: undefined,
  audienceOnlyWhenAsked: true,
  // https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html
  idTokenClaims: (user) => ({ token_use: 'id', ...(user ? { 'cognito:username': user } : {}) }),
  errorBody: ({ error }) => ({ error }),
} as const satisfies VendorSpec;
