import { SetMetadata } from '@nestjs/common';

export const CONSOLE_ROUTE_KEY = 'ordervault:console-route';

/**
 * A page of the browser console. Besides an API key, a person's console
 * session cookie authenticates here; a request so authenticated that changes
 * anything must also carry the session's CSRF token and come from our own
 * origin. Everything else (the declared permission, tenant scope, grants) is
 * decided exactly as for the JSON API.
 */
export const ConsoleRoute = () => SetMetadata(CONSOLE_ROUTE_KEY, true);
