/**
 * Log fields that may carry secrets, masked as "[redacted]" wherever they appear. Request bodies
 * (which hold `auth`) are never logged in the first place; these paths are the second line of
 * defence for headers and for objects a log call might be handed by mistake.
 */
export const LOG_REDACT_PATHS: string[] = [
  'req.headers.authorization',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-auth-token"]',
  'req.headers["x-bridge-token"]',
  'res.headers["set-cookie"]',
  'req.body',
  'body',
  'auth',
  '*.auth',
  'password',
  '*.password',
  'access_token',
  '*.access_token',
  'api_token',
  '*.api_token',
];
