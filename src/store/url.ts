/** Database URLs as messages and logs may show them. */

/** A connection string without its password, for messages and logs. */
export function hidePassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}
