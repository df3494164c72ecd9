/**
 * The signed-in API key, kept in this tab's sessionStorage only: never in a URL, a cookie or a
 * log, gone when the tab closes or the user signs out.
 */
const KEY = 'covenant.apiKey';

/** The API key of this tab's session, or undefined when signed out. */
export function apiKey(): string | undefined {
  return sessionStorage.getItem(KEY) ?? undefined;
}

/** Keeps `key` for this tab (sign-in). */
export function signIn(key: string): void {
  sessionStorage.setItem(KEY, key);
}

/** Forgets the key (sign-out). */
export function signOut(): void {
  sessionStorage.removeItem(KEY);
}
